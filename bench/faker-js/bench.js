// Peer of bench_datagen (a): the bookstore config's events with
// @faker-js/faker on one core, same per-record work: three topics round
// robin, per-topic history of 1000 keys, purchases pick a random book and
// bookstore key, values rendered as compact JSON strings of strings.
// Usage: node bench.js [seconds]   prints "records_per_sec <n>".
import { faker } from '@faker-js/faker';

const seconds = Number(process.argv[2] || 3);
const HIST = 1000;
const books = [], stores = [];
const push = (h, k) => { h.push(k); if (h.length > HIST) h.shift(); };
const pick = (h) => h[Math.floor(Math.random() * h.length)];

function book() {
  const key = faker.string.uuid();
  const v = JSON.stringify({ title: faker.book.title(), author: faker.book.author(),
                             genre: faker.book.genre() });
  push(books, key);
  return key.length + v.length;
}
function bookstore() {
  const key = faker.string.uuid();
  const v = JSON.stringify({ city: faker.location.city(), name: faker.company.name(),
                             state: faker.location.state() });
  push(stores, key);
  return key.length + v.length;
}
function purchase() {
  if (!books.length || !stores.length) return 0;
  const key = faker.string.uuid();
  const past = faker.date.recent({ days: 10 / 86400 });
  const v = JSON.stringify({
    quantity: String(faker.number.int({ min: 1, max: 4 })),
    bookstore_id: pick(stores), book_id: pick(books),
    customer: faker.internet.username(),
    timestamp: past.toString(),
    unit_price: String(faker.number.int({ min: 10, max: 74 })),
  });
  return key.length + v.length;
}

const gens = [book, bookstore, purchase];
let n = 0, bytes = 0, i = 0;
const t0 = process.hrtime.bigint();
const end = t0 + BigInt(Math.round(seconds * 1e9));
for (;;) {
  for (let k = 0; k < 1000; k++) {
    const b = gens[i++ % 3]();
    if (b) { n++; bytes += b; }
  }
  if (process.hrtime.bigint() >= end) break;
}
const dt = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`records ${n} seconds ${dt.toFixed(3)} bytes ${bytes}`);
console.log(`records_per_sec ${Math.round(n / dt)}`);

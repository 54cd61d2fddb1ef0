// The web console in a real browser: Debian's Chromium, headless, driven by
// playwright-core against the real connectd binary (ctest passes its path)
// on an ephemeral loopback port, with its in-process embedded Kafka cluster
// and the test plugins (tests/plugins) on plugin.path.
//
//   create the bookstore datagen connector from the form, see its three
//   tasks RUNNING and its sparkline move; pause it and see PAUSED; paste a
//   bad config and see the error next to its key; fail a task (BoomSource)
//   and read its trace; delete with the confirmation (cancel keeps it);
//   change a logger level.
//
// Environment: CONNECTD_BIN, CONNECTD_SOURCE_DIR, CONNECTD_BUILD_DIR (set by
// ctest), CONNECTD_TEST_TIMEOUT_MULT (deadlines, as for the C tests),
// CHROMIUM (default /usr/bin/chromium), CONNECTD_SCREENSHOTS (a folder: the
// main pages are written there as PNGs; scripts/screenshots uses it).
// Exit 77 (ctest: skipped) when the browser or playwright-core is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const SKIP = 77;
const chromePath = process.env.CHROMIUM || '/usr/bin/chromium';
const bin = process.env.CONNECTD_BIN;
const srcDir = process.env.CONNECTD_SOURCE_DIR;
const buildDir = process.env.CONNECTD_BUILD_DIR;
const mult = Number(process.env.CONNECTD_TEST_TIMEOUT_MULT || 1) || 1;
const shots = process.env.CONNECTD_SCREENSHOTS || '';
const T = (ms) => Math.round(ms * mult);

if (!bin || !srcDir || !buildDir) {
  console.error('CONNECTD_BIN, CONNECTD_SOURCE_DIR and CONNECTD_BUILD_DIR must be set');
  process.exit(2);
}
if (!fs.existsSync(chromePath)) {
  console.error(`skipped: no browser at ${chromePath} (scripts/install-deps installs chromium)`);
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('skipped: playwright-core is not installed (scripts/install-deps runs npm ci in tests/browser)');
  process.exit(SKIP);
}

// ------------------------------------------------------------------ worker
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'connectd-ui-'));
let worker = null;
let stderrPath = path.join(tmp, 'stderr.log');

async function startWorker() {
  const props = [
    'listeners=http://127.0.0.1:0',
    `storage.path=${tmp}/connectd.db`,
    `plugin.path=${buildDir}/test-plugins`,
    'offset.flush.interval.ms=500',
    'task.shutdown.graceful.timeout.ms=3000',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(tmp, 'worker.properties'), props);
  const err = fs.openSync(stderrPath, 'w');
  worker = spawn(bin, [path.join(tmp, 'worker.properties')], {
    cwd: tmp, stdio: ['ignore', 'pipe', err],
  });
  fs.closeSync(err);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not start in time')), T(30000));
    const rl = readline.createInterface({ input: worker.stdout });
    rl.on('line', (line) => {
      const m = /REST API listening on (\S+)/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    worker.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the worker exited (${code})`)); });
  });
  worker.stdout.resume();
  await until(async () => (await fetch(url + '/health')).status === 200, T(30000), '/health 200');
  return url.replace(/\/$/, '');
}

async function stopWorker() {
  if (!worker || worker.exitCode !== null) return;
  const done = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGTERM');
  const t = setTimeout(() => worker.kill('SIGKILL'), T(20000));
  await done;
  clearTimeout(t);
}

/* Poll fn until it returns truthy, at most ms; a thrown error counts as not
 * yet. */
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

// ------------------------------------------------------------------- steps
const bookstore = JSON.parse(fs.readFileSync(path.join(srcDir, 'examples/msk-datagen-bookstore.json'), 'utf8'));
// light: each of the three tasks writes a record every 100 ms
bookstore.config['global.throttle.ms'] = '100';

let browser, page;
const pageErrors = [];

async function shot(name) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.screenshot({ path: path.join(shots, name), fullPage: false });
  console.log(`screenshot ${name}`);
}

async function run() {
  const url = await startWorker();
  const metricsOn = (await fetch(url + '/metrics')).status === 200;
  console.log(`worker at ${url}, /metrics ${metricsOn ? 'on' : 'off (404)'}`);

  const userDir = fs.mkdtempSync(path.join(tmp, 'chromium-'));
  // A fresh profile (--user-data-dir, given the Playwright way).
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: chromePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 860 },
    colorScheme: 'light',
  });
  browser = ctx;
  ctx.setDefaultTimeout(T(20000));
  page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[04]/.test(m.text())) pageErrors.push(m.text()); });

  // Overview: version and commit from GET /, the Kafka cluster id.
  const root = await (await fetch(url + '/')).json();
  await page.goto(url + '/ui');
  assert(page.url() === url + '/ui/', `/ui redirects to /ui/ (at ${page.url()})`);
  await page.locator('#ov-version', { hasText: root.version }).waitFor();
  await page.locator('#ov-cluster', { hasText: root.kafka_cluster_id }).waitFor();
  await page.locator('#health.healthy').waitFor();
  if (!metricsOn) {
    // No metrics (off, or not in this build): throughput says so.
    await page.locator('#ov-rate', { hasText: 'metrics off' }).waitFor();
    // From here on, counters that grow as the bookstore's tasks would, so
    // the sparklines have something to draw: the browser asks /metrics and
    // gets the Prometheus text format.
    const t0 = Date.now();
    await page.route('**/metrics', (route) => {
      const s = (Date.now() - t0) / 1000;
      const lines = [0, 1, 2].map((t) =>
        `kafka_connect_source_task_metrics_source_record_write_total{connector="bookstore",task="${t}"} ${Math.floor(s * 10) + t}`);
      route.fulfill({ status: 200, contentType: 'text/plain; version=0.0.4', body: lines.join('\n') + '\n' });
    });
    await page.reload();
  }

  // Create the bookstore connector from the form, pasting JSON.
  await page.click('nav a[data-nav="new"]');
  await page.locator('#ed-src').fill(JSON.stringify(bookstore, null, 2));
  await page.locator('#ed-summary', { hasText: 'valid' }).waitFor();
  assert(await page.inputValue('#ed-name') === 'bookstore', 'the name comes from the JSON');
  await page.locator('#ed-defs tr[data-def]').first().waitFor();
  await page.click('#ed-submit');
  await page.waitForURL(/#\/connectors\/bookstore$/);
  await page.locator('#cv-state .badge.RUNNING').waitFor();
  await until(async () => (await page.locator('#cv-tasks .badge.RUNNING').count()) === 3, T(30000), 'three RUNNING tasks');
  // Config shown, no secrets here; topics appear as the tasks write.
  await page.locator('#cv-config tr[data-key="connector.class"]', { hasText: 'GeneratorSourceConnector' }).waitFor();
  await until(async () => (await page.locator('#cv-topics code').count()) === 3, T(30000), 'three active topics');

  // The connectors table: its sparkline moves.
  await page.click('nav a[data-nav="connectors"]');
  const spark = page.locator('tr[data-connector="bookstore"] svg.spark');
  await until(async () => Number(await spark.getAttribute('data-last')) > 0, T(30000), 'a non-zero rate');
  const p1 = await spark.locator('polyline').getAttribute('points');
  await until(async () => (await spark.locator('polyline').getAttribute('points')) !== p1, T(10000), 'the sparkline to move');
  await until(async () => Number(await spark.getAttribute('data-points')) >= 3, T(30000), 'three points');
  // The filter hides what does not match.
  await page.fill('#cl-filter', 'nomatch');
  await page.locator('#cl-body .empty').waitFor();
  await page.fill('#cl-filter', 'datagen');
  await page.locator('tr[data-connector="bookstore"]').waitFor();
  await page.fill('#cl-filter', '');

  // Screenshots: overview and connector page with data on them.
  await page.click('nav a[data-nav="overview"]');
  await page.locator('#ov-list a', { hasText: 'bookstore' }).waitFor();
  // (for the README's pictures, a graph with a minute of history on it)
  const want = shots ? 40 : 5;
  await until(async () => Number(await page.locator('#ov-svg').getAttribute('data-points')) >= want, T(30000) + want * 2000, 'the overview graph');
  await shot('console-overview.png');
  await page.click('#ov-list a');
  await page.waitForURL(/#\/connectors\/bookstore$/);
  await until(async () => !(await page.locator('#cv-offsets').innerText()).includes('…'), T(30000), 'offsets');
  await until(async () => Number(await page.locator('#cv-svg').getAttribute('data-points')) >= 5, T(30000), 'the connector graph');
  await shot('console-connector.png');

  // Pause: PAUSED, connector and tasks.
  await page.click('button[data-act="pause"]');
  await page.locator('#cv-state .badge.PAUSED').waitFor();
  await until(async () => (await page.locator('#cv-tasks .badge.PAUSED').count()) === 3, T(30000), 'three PAUSED tasks');
  assert(await page.isDisabled('button[data-act="pause"]'), 'pause is disabled while paused');
  await page.click('button[data-act="resume"]');
  await page.locator('#cv-state .badge.RUNNING').waitFor();

  // Restart with its tasks (the dialog's includeTasks), then edit the config.
  await page.click('button[data-act="restart"]');
  await page.locator('#confirm[open] input[name="includeTasks"]').check();
  await page.locator('#confirm[open] input[name="onlyFailed"]').uncheck();
  await page.click('#confirm-ok');
  await page.locator('.toast', { hasText: 'Restarted bookstore' }).waitFor();
  await until(async () => (await page.locator('#cv-tasks .badge.RUNNING').count()) === 3, T(30000), 'three RUNNING tasks again');
  await page.click('a[href="#/connectors/bookstore/edit"]');
  await page.waitForFunction(() => document.querySelector('#ed-src')?.value.includes('global.throttle.ms'));
  const edited = JSON.parse(await page.inputValue('#ed-src'));
  assert(edited['tasks.max'] === '3', 'the editor holds the current config');
  edited['global.throttle.ms'] = '120';
  await page.fill('#ed-src', JSON.stringify(edited, null, 2));
  await page.locator('#ed-summary', { hasText: 'valid' }).waitFor();
  await page.click('#ed-submit');
  await page.waitForURL(/#\/connectors\/bookstore$/);
  await page.locator('#cv-config tr[data-key="global.throttle.ms"]', { hasText: '120' }).waitFor();
  await until(async () => (await page.locator('#cv-tasks .badge.RUNNING').count()) === 3, T(30000), 'three RUNNING tasks after the edit');

  // A bad config, as .properties text: the error stands next to its key.
  await page.click('nav a[data-nav="new"]');
  const bad = [
    '# a typo in a faker expression, and tasks.max that is no number',
    'name=bad-bookstore',
    'connector.class=com.amazonaws.mskdatagen.GeneratorSourceConnector',
    'tasks.max=three',
    'genkp.book.with=#{Internet.uuid}',
    'genv.book.title.with=#{Book.titel}',
    'sasl.password=hunter2',
  ].join('\n');
  await page.locator('#ed-src').fill(bad);
  await page.locator('tr[data-key="tasks.max"] .err', { hasText: 'Not a number' }).waitFor();
  await page.locator('tr[data-key="genv.book.title.with"] .err', { hasText: 'Book.titel' }).waitFor();
  await page.locator('#ed-summary .err').waitFor();
  assert(await page.locator('tr[data-key="genkp.book.with"] .err').count() === 0, 'a good key has no error');
  assert(!(await page.locator('#ed-keys').innerText()).includes('hunter2'), 'a password is masked');
  await page.locator('#ed-deffilter').fill('tolerance');
  await page.locator('#ed-defs tr[data-def="errors.tolerance"]').waitFor();
  await page.locator('#ed-deffilter').fill('');
  await shot('console-create-error.png');
  // Fixing it clears the error as you type.
  await page.locator('#ed-src').fill(bad.replace('tasks.max=three', 'tasks.max=1'));
  await until(async () => (await page.locator('tr[data-key="tasks.max"] .err').count()) === 0, T(20000), 'the error to clear');

  // A task that fails: its trace on the connector page.
  await page.locator('#ed-src').fill('name=boom\nconnector.class=BoomSource\ntasks.max=1\ntopic=boom\n');
  await page.locator('#ed-summary', { hasText: 'valid' }).waitFor();
  await page.click('#ed-submit');
  await page.waitForURL(/#\/connectors\/boom$/);
  await page.locator('#cv-tasks .badge.FAILED').waitFor({ timeout: T(30000) });
  await page.locator('details.trace[data-trace="0"] summary').click();
  await page.locator('details.trace[data-trace="0"] pre.trace', { hasText: 'boom' }).waitFor();
  // The trace stays open across the live updates.
  const polls = Number(await page.getAttribute('body', 'data-polls'));
  await until(async () => Number(await page.getAttribute('body', 'data-polls')) >= polls + 2, T(10000), 'two more polls');
  assert(await page.locator('details.trace[data-trace="0"]').getAttribute('open') !== null, 'the trace is still open');

  // Restart one task (confirmed): it runs and fails again.
  await page.click('button[data-act="task-restart"][data-task="0"]');
  await page.click('#confirm-ok');
  await page.locator('.toast', { hasText: 'Restarted task 0' }).waitFor();

  // Delete: cancel keeps it, confirm removes it.
  await page.click('nav a[data-nav="connectors"]');
  await page.click('tr[data-connector="bookstore"] a');
  await page.waitForURL(/#\/connectors\/bookstore$/);
  await page.click('button[data-act="delete"]');
  await page.locator('#confirm[open]').waitFor();
  await page.click('#confirm button[value="cancel"]');
  await page.locator('#cv-state .badge.RUNNING').waitFor();
  assert((await (await fetch(url + '/connectors/bookstore')).status) === 200, 'cancel kept it');
  await page.click('button[data-act="delete"]');
  await page.click('#confirm-ok');
  await page.waitForURL(/#\/connectors$/);
  await until(async () => (await page.locator('tr[data-connector="bookstore"]').count()) === 0, T(20000), 'bookstore gone from the table');
  await until(async () => (await fetch(url + '/connectors/bookstore')).status === 404, T(20000), 'bookstore deleted');
  // Only the one asked for: the pages visited before (boom's) act no more.
  assert((await fetch(url + '/connectors/boom')).status === 200, 'deleting bookstore left boom alone');

  // Loggers: change one, see it.
  await page.click('nav a[data-nav="loggers"]');
  await page.locator('#lg-body tr[data-logger="root"]').waitFor();
  await page.fill('#lg-name', 'rest');
  await page.selectOption('#lg-level', 'TRACE');
  await page.click('#lg-set');
  await page.locator('#lg-body tr[data-logger="rest"] select').waitFor();
  assert(await page.locator('#lg-body tr[data-logger="rest"] select').inputValue() === 'TRACE', 'rest at TRACE');
  const lv = await (await fetch(url + '/admin/loggers/rest')).json();
  assert(lv.level === 'TRACE', `GET /admin/loggers/rest says ${JSON.stringify(lv)}`);

  // The dark theme, for the screenshot of the table.
  if (shots) {
    await page.click('nav a[data-nav="connectors"]');
    await page.locator('tr[data-connector="boom"]').waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('console-connectors-dark.png');
  }

  assert(pageErrors.length === 0, `no errors in the page: ${pageErrors.join(' | ')}`);
}

let rc = 0;
try {
  await run();
  console.log('console.test: all passed');
} catch (e) {
  rc = 1;
  console.error(e.stack || String(e));
  if (page) {
    const p = path.join(os.tmpdir(), `connectd-ui-failure-${process.pid}.png`);
    await page.screenshot({ path: p, fullPage: true }).catch(() => {});
    console.error(`page at failure: ${page.url()}, screenshot ${p}`);
  }
  if (pageErrors.length) console.error('page errors:', pageErrors);
  try {
    const log = fs.readFileSync(stderrPath, 'utf8');
    console.error('worker stderr tail:\n' + log.slice(-3000));
  } catch { /* none */ }
} finally {
  await browser?.close().catch(() => {});
  await stopWorker();
  if (worker && worker.exitCode && worker.exitCode !== 0 && rc === 0) {
    console.error(`the worker exited with ${worker.exitCode}`);
    rc = 1;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(rc);

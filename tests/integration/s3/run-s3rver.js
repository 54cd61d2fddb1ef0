#!/usr/bin/env node
/*
 * run-s3rver — a local S3-compatible server for the log shipping tests.
 *
 * usage: node run-s3rver.js --dir DIR [--port N] [--bucket NAME]...
 *
 * Listens on 127.0.0.1 only; port 0 (the default) picks a free port. Data
 * lives in DIR, so a restart with the same --dir and --port finds the same
 * objects. Buckets named with --bucket are created at start (an existing
 * one is kept). Credentials: access key S3RVER, secret S3RVER (s3rver's
 * fixed pair); SigV4 signatures are checked. Prints one line
 * "S3RVER_PORT=<port>" on stdout once it accepts connections, then runs
 * until SIGTERM/SIGINT.
 */
'use strict';

const S3rver = require('s3rver');

function usage(msg) {
  process.stderr.write(`run-s3rver: ${msg}\n` +
    'usage: node run-s3rver.js --dir DIR [--port N] [--bucket NAME]...\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let dir = null;
let port = 0;
const buckets = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[i + 1];
  if (a === '--dir' && v !== undefined) { dir = v; i++; }
  else if (a === '--port' && v !== undefined) {
    port = Number.parseInt(v, 10);
    if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad port ${v}`);
    i++;
  } else if (a === '--bucket' && v !== undefined) { buckets.push(v); i++; }
  else usage(`unknown argument ${a}`);
}
if (!dir) usage('--dir is required');

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory: dir,
  silent: true,
  resetOnClose: false,
  vhostBuckets: true,
  configureBuckets: buckets.map(name => ({ name })),
});

server.run().then(addr => {
  process.stdout.write(`S3RVER_PORT=${addr.port}\n`);
}).catch(err => {
  process.stderr.write(`run-s3rver: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});

function stop() {
  server.close().then(() => process.exit(0), () => process.exit(0));
  /* Keep-alive connections can hold close() open: do not wait forever. */
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

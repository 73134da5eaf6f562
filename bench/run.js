#!/usr/bin/env node
'use strict';
// npm run bench [-- section...]: prints each figure with its ratio against the reference library
// measured in the same run (the engine section has no reference: it prints its goals). Sections:
// destinations, csv, engine, preview, server, hardening; sip (needs SIPp) and cluster (starts a
// PostgreSQL server) only when named.
const sections = {
  destinations: require('./destinations'),
  csv: require('./csv'),
  engine: require('./engine'),
  preview: require('./preview'),
  server: require('./server'),
  hardening: require('./hardening'),
  sip: require('./sip'),
  cluster: require('./cluster'),
};
// Run only when asked for (npm run bench sip | cluster): SIPp and real network timing; a PostgreSQL server.
const onRequest = new Set(['sip', 'cluster']);

async function main() {
  const wanted = process.argv.slice(2);
  for (const name of wanted) {
    if (!sections[name]) {
      console.error(`unknown section '${name}'; sections: ${Object.keys(sections).join(', ')}`);
      process.exit(2);
    }
  }
  const native = require('../js/index.js');
  const wasm = await require('../js/wasm.js').init();
  const os = require('os');
  console.log(`fuse-outbound ${native.version} benchmarks on ${os.cpus()[0].model} (${os.cpus().length} cores), node ${process.version}`);
  for (const name of wanted.length ? wanted : Object.keys(sections).filter((n) => !onRequest.has(n))) await sections[name].run({ native, wasm });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

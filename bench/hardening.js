'use strict';
// npm run bench hardening: peak memory of the hostile inputs of issue 9, each in its own process
// (Node itself included), both builds: a 50 MB upload whose 20 metadata columns all hold an SSN
// (4,000,000 problems), a million identical numbers (999,999 duplicate warnings), 30,000 engines
// never disposed (wasm), and a 100,000-column header. Before the fixes these took 3.4 GB (or
// killed the wasm module), 847 MB, a dead module, and 12 s (native) to 27 s (wasm).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { writeRows } = require('./big-upload');

const PEAK = path.join(__dirname, 'peak-rss.js');
const DATA = path.join(__dirname, 'data');

function ssnUpload() {
  const file = path.join(DATA, 'ssn-50mb.csv');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DATA, { recursive: true });
  const header = `destination,${Array.from({ length: 20 }, (_, i) => `c${i}`).join(',')}\n`;
  writeRows(file, header, 200000, (i) => `617555${1000 + (i % 9000)}${',123-45-6789'.repeat(20)}\n`);
  return file;
}

function duplicatesUpload() {
  const file = path.join(DATA, 'duplicates-1m.csv');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DATA, { recursive: true });
  writeRows(file, 'destination\n', 1000000, () => '6175551234\n');
  return file;
}

function distinctUpload() {
  const file = path.join(DATA, 'distinct-1m.csv');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DATA, { recursive: true });
  writeRows(file, 'destination\n', 1000000, (i) => `617${2000000 + i}\n`);
  return file;
}

// A script run in a child: loads one build, streams `file` through createCsvValidator.
function validateScript(build, file) {
  return `(async () => {
    const fuse = ${build === 'wasm' ? `await require(${JSON.stringify(path.join(__dirname, '../js/wasm.js'))}).init()` : `require(${JSON.stringify(path.join(__dirname, '../js/index.js'))})`};
    const fs = require('fs');
    const v = fuse.createCsvValidator({}, { now: 1767225600 });
    const fd = fs.openSync(${JSON.stringify(file)}, 'r');
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) v.push(buf.subarray(0, n));
    const r = v.finish();
    console.log(JSON.stringify({ rows: r.rows, problems: r.errorCount + r.warningCount, stored: r.errors.length + r.warnings.length }));
  })();`;
}

// Returns the child's wall time in seconds.
function run(label, script) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', PEAK, '-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = Number((/peak-rss-kib (\d+)/.exec(r.stderr) || [])[1]);
  const out = (r.stdout || '').trim().split('\n').pop();
  const mb = (peak * 1024) / 1e6;
  console.log(`  ${label.padEnd(52)} peak ${mb.toFixed(0).padStart(4)} MB  ${seconds.toFixed(1).padStart(5)} s  ${r.status === 0 ? out : `FAILED (exit ${r.status}): ${(r.stderr || '').slice(0, 200)}`}`);
  return seconds;
}

async function runAll() {
  console.log('\n== hardening: peak memory (whole process) of hostile inputs');
  const ssn = ssnUpload();
  const dups = duplicatesUpload();
  const distinct = distinctUpload();
  for (const build of ['native', 'wasm']) {
    run(`${build}: 50 MB, 200,000 rows x 20 SSN cells`, validateScript(build, ssn));
    const dupSeconds = run(`${build}: 1,000,000 identical numbers (11 MB)`, validateScript(build, dups));
    const cleanSeconds = run(`${build}: 1,000,000 distinct numbers (reference)`, validateScript(build, distinct));
    // Warnings beyond maxProblems are only counted: the duplicates should cost about a clean file.
    console.log(`  ${`${build}: duplicates / distinct time`.padEnd(52)} ${(dupSeconds / cleanSeconds).toFixed(2)}x`);
  }
  for (const build of ['native', 'wasm']) {
    run(`${build}: parseDestinations of 1,000,000 inputs (uri)`, `(async () => {
      const fuse = ${build === 'wasm' ? `await require(${JSON.stringify(path.join(__dirname, '../js/wasm.js'))}).init()` : `require(${JSON.stringify(path.join(__dirname, '../js/index.js'))})`};
      const inputs = Array.from({ length: 1000000 }, (_, i) => '617' + (2000000 + i));
      const b = fuse.parseDestinations(inputs);
      console.log(JSON.stringify({ valid: b.valid, last: b.uri[999999] }));
    })();`);
  }
  run('wasm: 30,000 engines never disposed', `(async () => {
    const fuse = await require(${JSON.stringify(path.join(__dirname, '../js/wasm.js'))}).init();
    for (let i = 0; i < 30000; i++) new fuse.Engine({ capacity: 2 }).enqueue('a', { phone_number: '6175551234' }, 1767225600);
    console.log(JSON.stringify({ stillWorks: new fuse.Engine({ capacity: 2 }).enqueue('a', { phone_number: '6175551234' }, 1767225600).ok }));
  })();`);
  for (const build of ['native', 'wasm']) {
    run(`${build}: a header of 100,000 distinct columns`, `(async () => {
      const fuse = ${build === 'wasm' ? `await require(${JSON.stringify(path.join(__dirname, '../js/wasm.js'))}).init()` : `require(${JSON.stringify(path.join(__dirname, '../js/index.js'))})`};
      const names = Array.from({ length: 100000 }, (_, i) => 'c' + i.toString(36));
      const r = fuse.validateCsv('destination,' + names.join(',') + '\\n6175551234' + ','.repeat(names.length) + '\\n', {}, { now: 1767225600 });
      console.log(JSON.stringify({ rows: r.rows, ok: r.ok }));
    })();`);
  }
}

module.exports = { run: runAll };

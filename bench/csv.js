'use strict';
// Bulk CSV preflight (SPEC 4): a one-million-row upload (~60 MB) in the platform doc's destination
// forms plus two metadata columns (one with quoted commas), validated whole: tokenizing, UTF-8,
// destination parsing, metadata JSON, sensitive-data scan and duplicate detection. The reference
// does a lighter job with papaparse + libphonenumber-js (parse, check each number, dedupe).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const Papa = require('papaparse');
const { writeBigUpload } = require('./big-upload');
const { makeRandom, nanpNumber, DOC_FORMS } = require('./data');
const { referenceDestination } = require('./reference');
const { measure, fmtRate, table, ratioText } = require('./harness');

/** The upload as text: header + `rows` rows, deterministic. */
function csvUpload(rows = 1_000_000, seed = 11) {
  const rand = makeRandom(seed);
  const parts = ['destination,name,address\n'];
  for (let i = 0; i < rows; i++) {
    const dest = DOC_FORMS[i % DOC_FORMS.length](nanpNumber(rand), '8009957586');
    parts.push(`${dest},Customer ${i},"${1 + (i % 9999)} Main St, Boston, MA"\n`);
  }
  return parts.join('');
}

function referencePreflight(text) {
  const { data } = Papa.parse(text, { header: true, skipEmptyLines: true });
  const seen = new Set();
  let valid = 0;
  for (const row of data) {
    const e164 = referenceDestination(row.destination || '');
    if (e164 === null) continue;
    valid++;
    seen.add(e164);
  }
  return { rows: data.length, valid };
}

async function run({ native, wasm, rows = 1_000_000 }) {
  const text = csvUpload(rows);
  const bytes = new TextEncoder().encode(text);
  const mb = bytes.length / 1e6;
  console.log(`\n## CSV preflight: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB (doc forms, 2 metadata columns)`);
  const options = { maxProblems: 1000 };
  const nat = measure(() => native.validateCsv(bytes, {}, options));
  const natText = measure(() => native.validateCsv(text, {}, options));
  const was = measure(() => wasm.validateCsv(bytes, {}, options));
  const ref = measure(() => referencePreflight(text), { repeat: 1, warmup: 0 });
  for (const m of [nat, natText, was]) {
    if (m.result.rows !== rows || m.result.valid !== rows) throw new Error(`unexpected result: ${JSON.stringify(m.result).slice(0, 300)}`);
  }
  const row = (name, m, goal) => ({ name, ms: m.ms, rate: `${fmtRate((rows / m.ms) * 1000, 'rows')}, ${(mb / (m.ms / 1000)).toFixed(0)} MB/s`, ...ratioText(m.ms, ref.ms, goal) });
  table([
    row('native validateCsv(Uint8Array)', nat, 100),
    row('native validateCsv(string)', natText, 100),
    row('wasm validateCsv(Uint8Array)', was, 50),
    { name: 'papaparse + libphonenumber-js (reference)', ms: ref.ms, rate: `${fmtRate((rows / ref.ms) * 1000, 'rows')}` },
  ]);
}

// The CLI validating a 1 GB upload (a million rows with a long notes column) as a user runs it:
// peak resident memory of the whole process, Node itself included.
function cliMemory() {
  const dir = path.join(__dirname, 'data');
  const file = path.join(dir, 'upload-1gb.csv');
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file) || fs.statSync(file).size < 1e9) {
    console.log('  (writing bench/data/upload-1gb.csv once; it is kept for later runs)');
    writeBigUpload(file);
  }
  const size = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'peak-rss.js'), path.join(__dirname, '..', 'js', 'cli.js'),
    'validate', file, '--json', '--max-problems', '100'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = Number((r.stderr.match(/peak-rss-kib (\d+)/) || [])[1]);
  const result = JSON.parse(r.stdout);
  const mib = peak / 1024;
  console.log(`  CLI: fuse-outbound validate on ${(size / 1e9).toFixed(2)} GB (${result.rows.toLocaleString('en-US')} rows, ` +
    `${result.valid.toLocaleString('en-US')} valid) in ${seconds.toFixed(1)} s (${(size / 1e6 / seconds).toFixed(0)} MB/s): ` +
    `peak memory ${mib.toFixed(1)} MiB (${(peak * 1.024 / 1000).toFixed(1)} MB) for the whole process; goal < 64 MB: ${peak * 1024 < 64e6 ? 'met' : 'MISSED'}`);
}

async function runAll(ctx) {
  await run(ctx);
  cliMemory();
}

module.exports = { run: runAll, csvUpload };

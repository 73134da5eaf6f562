'use strict';
// Bulk CSV preflight (SPEC 4): a one-million-row upload (~60 MB) in the platform doc's destination
// forms plus two metadata columns (one with quoted commas), validated whole: tokenizing, UTF-8,
// destination parsing, metadata JSON, sensitive-data scan and duplicate detection. The reference
// does a lighter job with papaparse + libphonenumber-js (parse, check each number, dedupe).
const Papa = require('papaparse');
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
  const row = (name, m) => ({ name, ms: m.ms, rate: `${fmtRate((rows / m.ms) * 1000, 'rows')}, ${(mb / (m.ms / 1000)).toFixed(0)} MB/s`, ...ratioText(m.ms, ref.ms) });
  table([
    row('native validateCsv(Uint8Array)', nat),
    row('native validateCsv(string)', natText),
    row('wasm validateCsv(Uint8Array)', was),
    { name: 'papaparse + libphonenumber-js (reference)', ms: ref.ms, rate: `${fmtRate((rows / ref.ms) * 1000, 'rows')}` },
  ]);
}

module.exports = { run, csvUpload };

'use strict';
// Issue 2: parse one million mixed destinations with the native batch, the wasm batch and
// libphonenumber-js (the same job: number + caller ID possible, postd checked, E.164 out).
const { mixedDestinations } = require('./data');
const { referenceDestination } = require('./reference');
const { measure, fmtRate, table, ratioText } = require('./harness');

async function run({ native, wasm, count = 1_000_000 }) {
  console.log(`\n## Destinations: ${count.toLocaleString('en-US')} mixed inputs (doc forms, international, 5% invalid)`);
  // Flat strings, as inputs read from a file or a JSON body are (generated ones are V8 cons-strings).
  const inputs = JSON.parse(JSON.stringify(mixedDestinations(count)));

  // parseDestinations parses and normalises every input in the core; its result holds the
  // verdicts and the E.164 column, and builds per-item JS strings or objects only when read.
  // The second row also turns the E.164 column into a million JS strings, as the reference's
  // output is; libphonenumber-js builds a parsed-number object per input regardless.
  const parseOnly = (fuse) => () => fuse.parseDestinations(inputs);
  const withStrings = (fuse) => () => fuse.parseDestinations(inputs).e164;
  const nat = measure(parseOnly(native));
  const natStrings = measure(withStrings(native));
  const was = measure(parseOnly(wasm));
  const wasStrings = measure(withStrings(wasm));
  const ref = measure(() => inputs.map(referenceDestination), { repeat: 1, warmup: 0 });

  // Same verdicts? (They differ by design on NANP area-code rules; see the differential test.)
  let same = 0;
  for (let i = 0; i < count; i++) if ((natStrings.result[i] === null) === (ref.result[i] === null)) same++;

  const row = (name, m, goal) => ({
    name,
    ms: m.ms,
    rate: fmtRate((count / m.ms) * 1000, 'numbers'),
    ...ratioText(m.ms, ref.ms, goal),
  });
  // The goals apply to the parse; the string rows show what a million V8 strings add (about 60 ms
  // of allocation, the same for any library that hands out one string per number).
  table([
    row('native parseDestinations', nat, 100),
    row('  + e164 as JS strings', natStrings),
    row('wasm parseDestinations', was, 30),
    row('  + e164 as JS strings', wasStrings),
    { name: 'libphonenumber-js (reference)', ms: ref.ms, rate: `${fmtRate((count / ref.ms) * 1000, 'numbers')} (${((ref.ms * 1000) / count).toFixed(2)} us each)` },
  ]);
  console.log(`  verdicts equal on ${((same / count) * 100).toFixed(1)}% of inputs`);
}

module.exports = { run };

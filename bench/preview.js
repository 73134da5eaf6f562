'use strict';
// Issue 5: previewWindow for 100,000 calls with up to 3 attempts, `needed` included, native and
// wasm. There is no reference library for this job: the rows print the goals instead.
const { measure, table } = require('./harness');

const START = 1_796_115_600; // a Tuesday 09:00 UTC
const HOUR = 3600;

const scenarios = [
  {
    name: '8 h window, 300 lines: fits',
    options: { calls: 100_000, capacity: 300, start: START, end: START + 8 * HOUR, maxAttempts: 3, reattemptWait: 600 },
  },
  {
    name: '8 h window, 30 lines: does not fit',
    options: { calls: 100_000, capacity: 30, start: START, end: START + 8 * HOUR, maxAttempts: 3, reattemptWait: 600 },
  },
  {
    name: '2 h window, 30-min waits, busy-heavy',
    options: {
      calls: 100_000, capacity: 150, start: START, end: START + 2 * HOUR, maxAttempts: 3, reattemptWait: 1800,
      rates: { connected: 0.5, busy: 0.3, noanswer: 0.15, informationtone: 0.05 },
    },
  },
  {
    // SPEC 14: tcpa hours judged in four US zones (opening 08:00 local, 13:00 to 16:00 UTC), 10 dials/s.
    name: '16 h window, 300 lines, calling hours in 4 zones, 10 dials/s',
    options: {
      calls: 100_000, capacity: 300, start: START, end: START + 16 * HOUR, maxAttempts: 3, reattemptWait: 600,
      callingHours: 'tcpa', numbers: ['2125550100', '3125550100', '3035550100', '2135550100'], dialRate: 10,
    },
  },
];

async function run({ native, wasm }) {
  console.log('\n## Window preview: 100,000 calls, max 3 attempts, the real engine and a seeded carrier, `needed` included');
  const rows = [];
  for (const { name, options } of scenarios) {
    const nat = measure(() => native.previewWindow(options), { repeat: 7 });
    const was = measure(() => wasm.previewWindow(options), { repeat: 7 });
    if (JSON.stringify(nat.result) !== JSON.stringify(was.result)) throw new Error(`${name}: native and wasm disagree`);
    const r = nat.result;
    const summary = `${r.fits ? 'fits' : `${r.canceled.toLocaleString('en-US')} canceled`}; needed: ${r.needed.capacity ?? '-'} lines` +
      ` or end +${((r.needed.endTimestamp - START) / HOUR).toFixed(1)} h; ${r.attempts.toLocaleString('en-US')} dials`;
    const runs = `${r.simulations} engine run${r.simulations === 1 ? '' : 's'}`;
    rows.push({ name: `native: ${name}`, ms: nat.ms, rate: runs, ratio: summary, goal: `< 250 ms: ${nat.ms < 250 ? 'met' : 'MISSED'}` });
    rows.push({ name: `wasm:   ${name}`, ms: was.ms, rate: runs, ratio: 'identical result', goal: `< 500 ms: ${was.ms < 500 ? 'met' : 'MISSED'}` });
  }
  table(rows, ['name', 'time', 'simulations', 'result (the needed search re-runs the engine)', 'goal']);
}

module.exports = { run };

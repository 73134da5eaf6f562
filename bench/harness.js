'use strict';
// Timing and reporting helpers shared by the benchmark sections.

/** Runs fn `repeat` times after one warm-up; returns the median duration in ms and the last result. */
function measure(fn, { repeat = 5, warmup = 1 } = {}) {
  let result;
  for (let i = 0; i < warmup; i++) result = fn();
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    result = fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

function fmtRate(perSecond, unit) {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k ${unit}/s`;
  return `${perSecond.toFixed(1)} ${unit}/s`;
}

/** Prints rows [{name, ms, rate, ratio?, goal?}] as an aligned table (`cols` names the columns). */
function table(rows, cols = ['name', 'time', 'rate', 'vs reference', 'goal']) {
  const cells = rows.map((r) => [r.name, r.ms === undefined ? '' : `${r.ms.toFixed(1)} ms`, r.rate || '', r.ratio || '', r.goal || '']);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row) => '  ' + row.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}

/** "123.4x" and a met/missed mark against a goal ratio. */
function ratioText(ours, reference, goal) {
  const ratio = reference / ours;
  return { ratio: `${ratio.toFixed(1)}x faster`, goal: goal ? `>= ${goal}x: ${ratio >= goal ? 'met' : 'MISSED'}` : '' };
}

module.exports = { measure, fmtRate, table, ratioText };

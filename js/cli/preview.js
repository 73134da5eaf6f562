'use strict';
// fuse-outbound preview: will these calls fit in this window on these lines? (SPEC 6)
// A readable summary and an ASCII timeline, or --json for the previewWindow result.
const fs = require('fs');
const { parseArgs, UsageError } = require('./args');
const { toUnixSeconds, formatLocal } = require('./when');

const usage = `Usage: fuse-outbound preview --capacity N (--calls N | calls.csv) [options]

Runs the real queue engine against a seeded simulated carrier and tells whether the calls fit in
the window: how many complete, fail or are canceled at the end, when the queue drains, and what
capacity or end time would fit everything. With a CSV file, validates it as bulk_queue would (with
the same start/end/attempt parameters) and previews the rows it queues.

  --calls N            calls to preview (or give a CSV file)
  --capacity N         outbound lines
  --start WHEN         when the calls are queued (default: now)
  --end WHEN           window end: calls not dialed by then are canceled (default: none)
                       WHEN is Unix seconds or a date-time such as 2026-12-01T09:00 (local time
                       unless it ends with Z or an offset such as +01:00)
  --max-attempts N     attempts per call, 1 to 10 (needs --reattempt-wait)
  --reattempt-wait S   seconds between attempts, 60 to 86400 (needs --max-attempts)
  --talk-time S        mean seconds connected           --talk-spread S  (+/- seconds, default 0)
  --ring-time S        mean seconds until answer/busy   --ring-spread S  (+/- seconds, default 0)
                       (without these: talk 60 +/- 30 s, ring 15 +/- 10 s)
  --ring-timeout S     seconds before the engine raises noanswer (default 45)
  --connect-rate F     share of attempts that connect (default: what the other rates leave)
  --busy-rate F        share busy           --noanswer-rate F  share never answered
  --infotone-rate F    share hitting an information tone
  --rejected-rate F    share the carrier refuses otherwise (SIP 5xx, 403: SPEC 13)
                       (given any rate, those not given are 0 but --connect-rate; with none:
                       70% connect, 10% busy, 15% no answer, 5% information tone)
  --calling-hours H    calls ring only inside these hours, recipient's local time (SPEC 14): tcpa,
                       08:00-21:00 or "mon-fri 08:00-21:00; sat 09:00-17:00"; judged in the zones
                       of the CSV's numbers (the first 100,000), else --timezone's
  --timezone ZONE      the recipients' IANA zone (default with --calls: a Boston number's, New York)
  --dial-rate N        dials per second across all lines (fractions allowed: 0.5 = one every 2 s)
  --seed N             carrier seed (default 1): the same seed gives the same answer
  --timeline-step S    seconds between timeline points (default 60)
  --json               print the previewWindow result as JSON
  --wasm               use the WebAssembly build

Exit code: 0 when every call fits, 1 when calls would be canceled (or the CSV queues nothing),
2 on a usage error.
`;

const spec = {
  calls: 'number',
  capacity: 'number',
  start: 'string',
  end: 'string',
  maxAttempts: 'number',
  reattemptWait: 'number',
  talkTime: 'number',
  talkSpread: 'number',
  ringTime: 'number',
  ringSpread: 'number',
  ringTimeout: 'number',
  connectRate: 'number',
  busyRate: 'number',
  noanswerRate: 'number',
  infotoneRate: 'number',
  rejectedRate: 'number',
  seed: 'number',
  callingHours: 'string',
  timezone: 'string',
  dialRate: 'number',
  timelineStep: 'number',
  json: 'boolean',
};

// Unix seconds or an ISO date-time (js/cli/when.js), as the number previewWindow takes.
function parseWhen(text, flag) {
  const seconds = toUnixSeconds(text);
  if (!/^\d+$/.test(seconds)) {
    throw new UsageError(`${flag} must be Unix seconds or a date-time such as 2026-12-01T09:00, got '${text}'`);
  }
  return Number(seconds);
}

const count = (n) => n.toLocaleString('en-US');

// "2026-12-01 09:00" in local time, with the seconds when there are any: a needed end time rounded
// down would cancel something.
const dateTime = (ts) => formatLocal(ts).replace(/:00$/, '');

// Whole minutes, rounded down like the times shown beside them.
function span(seconds) {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days && `${days} d`, hours && `${hours} h`, rest && `${rest} min`].filter(Boolean).join(' ');
}

// The options previewWindow takes, from the flags.
function previewOptions(o, now) {
  const out = { capacity: o.capacity, start: o.start === undefined ? now : parseWhen(o.start, '--start') };
  if (o.end !== undefined) out.end = parseWhen(o.end, '--end');
  for (const name of ['maxAttempts', 'reattemptWait', 'ringTimeout', 'seed', 'timelineStep', 'callingHours', 'timezone', 'dialRate']) {
    if (o[name] !== undefined) out[name] = o[name];
  }
  // Only what was given: the core fills its own defaults (a mean without a spread is exact).
  for (const [mean, spread, option, flag] of [['talkTime', 'talkSpread', 'talkTime', '--talk'], ['ringTime', 'ringSpread', 'ringTime', '--ring']]) {
    if (o[spread] !== undefined && o[mean] === undefined) throw new UsageError(`${flag}-spread needs ${flag}-time`);
    if (o[mean] !== undefined) out[option] = o[spread] === undefined ? { mean: o[mean] } : { mean: o[mean], spread: o[spread] };
  }
  if ([o.connectRate, o.busyRate, o.noanswerRate, o.infotoneRate, o.rejectedRate].some((r) => r !== undefined)) {
    const busy = o.busyRate ?? 0;
    const noanswer = o.noanswerRate ?? 0;
    const informationtone = o.infotoneRate ?? 0;
    const rejected = o.rejectedRate ?? 0;
    const connected = o.connectRate ?? Math.max(0, 1 - busy - noanswer - informationtone - rejected);
    out.rates = { connected, busy, noanswer, informationtone, rejected };
  }
  return out;
}

// One row per time bucket: lines in use ('#', out of capacity) and calls still queued ('=', out of
// all calls), sampled at the bucket's start; at most 80 columns.
function chart(r) {
  const points = r.timeline;
  // At most 24 rows, each a round span (5 min, 30 min, 1 h, ...) when the step allows.
  let perRow = Math.max(1, Math.ceil(points.length / 24));
  const round = [60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400, 172800, 604800];
  const fit = round.find((d) => d >= perRow * r.timelineStep && d % r.timelineStep === 0);
  if (fit !== undefined) perRow = fit / r.timelineStep;
  const rows = [];
  for (let i = 0; i < points.length; i += perRow) rows.push(points[i]);
  if (rows.at(-1) !== points.at(-1)) rows.push(points.at(-1));
  const sameDay = dateTime(points[0].timestamp).slice(0, 10) === dateTime(points.at(-1).timestamp).slice(0, 10);
  const label = (ts) => (sameDay ? dateTime(ts).slice(11) : dateTime(ts).slice(5));
  const timeWidth = sameDay ? 5 : 11;
  const linesWidth = Math.max(5, String(r.capacity).length);
  const queuedWidth = Math.max(6, count(r.calls).length);
  const endMark = ' <end';
  const barRoom = 80 - (timeWidth + 1 + linesWidth + 2 + 1 + queuedWidth + 2 + 1 + endMark.length);
  const linesBar = Math.max(8, Math.floor(barRoom / 2));
  const queuedBar = Math.max(8, barRoom - linesBar);
  const bar = (value, total, width, ch) => {
    const n = total > 0 ? Math.round((Math.min(value, total) / total) * width) : 0;
    return ch.repeat(n) + ' '.repeat(width - n);
  };
  const out = [];
  out.push(`${'time'.padEnd(timeWidth)} ${'lines'.padStart(linesWidth)} ${''.padEnd(linesBar + 1)} ${'queued'.padStart(queuedWidth)}`);
  let endShown = false;
  for (const p of rows) {
    const mark = r.end !== null && !endShown && p.timestamp >= r.end ? ((endShown = true), endMark) : '';
    out.push(
      `${label(p.timestamp).padEnd(timeWidth)} ${String(p.linesInUse).padStart(linesWidth)} ${bar(p.linesInUse, r.capacity, linesBar, '#')} ` +
        `${count(p.queued).padStart(queuedWidth)} ${bar(p.queued, r.calls, queuedBar, '=')}${mark}`.trimEnd(),
    );
  }
  const step = r.timelineStep * perRow;
  const legend = `# lines in use (of ${count(r.capacity)}), = calls queued (of ${count(r.calls)})`;
  return `Timeline, a row every ${span(step)}:\n  ${legend}\n${out.join('\n')}\n`;
}

function summary(r, options) {
  const lines = [];
  const attempts = options.maxAttempts > 1 ? `, up to ${options.maxAttempts} attempts ${span(options.reattemptWait)} apart` : '';
  const window = r.end === null ? `from ${dateTime(r.start)}, no end` : `${dateTime(r.start)} to ${dateTime(r.end)} (${span(r.end - r.start)})`;
  lines.push(`Preview: ${count(r.calls)} calls on ${count(r.capacity)} lines${attempts}.`);
  lines.push(`Window:  ${window}.`);
  if (r.competing.length) {
    const others = r.competing.reduce((n, c) => n + c.calls, 0);
    lines.push(`Sharing the lines with ${r.competing.length} other deployment(s), ${count(others)} calls.`);
  }
  lines.push('');
  if (r.fits) lines.push(`FITS: every call reaches a final status${r.end === null ? '' : ' without being canceled'}.`);
  else lines.push(`DOES NOT FIT: ${count(r.canceled)} of ${count(r.calls)} calls would be canceled at the window end.`);
  lines.push(`  completed ${count(r.completed)}   failed ${count(r.failed)}   canceled ${count(r.canceled)}   attempts ${count(r.attempts)}`);
  if (r.drainTimestamp !== null) lines.push(`  the queue drains at ${dateTime(r.drainTimestamp)} (${span(r.drainTimestamp - r.start)} after the start)`);
  const { capacity, endTimestamp, windowSeconds } = r.needed;
  if (r.end !== null) {
    const verb = r.fits ? 'Would still fit with' : 'To fit everything';
    lines.push(`${verb}:`);
    if (capacity !== null) lines.push(`  ${count(capacity)} lines with this window, or`);
    else lines.push('  no number of lines in this window (the re-attempt waits alone are longer), or');
    if (endTimestamp !== null) lines.push(`  an end at ${dateTime(endTimestamp)} (a ${span(windowSeconds)} window) with ${count(r.capacity)} lines.`);
  } else if (endTimestamp !== null) {
    lines.push(`An end at ${dateTime(endTimestamp)} or later (a ${span(windowSeconds)} window) would cancel nothing.`);
  }
  return lines.join('\n') + '\n';
}

async function run(args, { fuse, stdout, stderr }) {
  const { options: o, positionals } = parseArgs(args, spec);
  if (positionals.length > 1) throw new UsageError('give at most one CSV file');
  const file = positionals[0];
  if (file !== undefined && o.calls !== undefined) throw new UsageError('give --calls or a CSV file, not both');
  if (file === undefined && o.calls === undefined) throw new UsageError('give --calls N or a CSV file of calls');
  if (o.capacity === undefined) throw new UsageError('give --capacity N, the number of outbound lines');
  const now = Math.floor(Date.now() / 1000);
  const options = previewOptions(o, now);
  if (file === undefined) {
    options.calls = o.calls;
  } else {
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }
    const params = { start_timestamp: options.start };
    if (options.end !== undefined) params.end_timestamp = options.end;
    if (options.maxAttempts !== undefined) params.max_attempts = options.maxAttempts;
    if (options.reattemptWait !== undefined) params.reattempt_wait = options.reattemptWait;
    // Streamed like `validate` (memory bounded by the chunk, whatever the file's size).
    // With calling hours the numbers' zones matter: the first 100,000 numbers go to the preview.
    const withNumbers = options.callingHours !== undefined && options.timezone === undefined;
    const validatorOptions = { now, maxProblems: 20, ...(withNumbers ? { includeRequests: true } : {}) };
    const { result: csv } = await require('./validate').validateFile(fuse, file, params, validatorOptions, null);
    if (withNumbers && csv.requests) {
      options.numbers = csv.requests.slice(0, 100000).map((r) => r.phone_number);
      delete csv.requests;
    }
    if (!csv.ok) {
      stderr.write(`${file}: ${count(csv.errorCount)} error(s) in ${count(csv.rows)} rows; the upload would queue nothing:\n`);
      for (const e of csv.errors.slice(0, 10)) stderr.write(`  ${e.code}: ${e.message}\n`);
      return 1;
    }
    options.csv = csv;
  }
  const r = fuse.previewWindow(options);
  if (!r.ok) {
    for (const e of r.errors) stderr.write(`fuse-outbound preview: ${e.message}\n`);
    return 2;
  }
  if (o.json) stdout.write(JSON.stringify(r, null, 2) + '\n');
  else stdout.write(`${summary(r, options)}\n${chart(r)}`);
  return r.fits ? 0 : 1;
}

module.exports = { summary: 'will the calls fit in the window? simulate with the real engine', usage, run };

'use strict';
// fuse-outbound validate <file.csv>: the bulk_queue preflight (SPEC 3 and 4) from the terminal.
// Streams the file through the core in 1 MiB reads, so memory stays flat whatever its size.
const fs = require('fs');
const { parseArgs, UsageError } = require('./args');
const { toUnixSeconds } = require('./when');

const usage = `Usage: fuse-outbound validate [options] <calls.csv | ->

Checks a bulk_queue CSV upload before anything is queued: the file's structure, every row's
destination and metadata columns, and the upload parameters that apply to every row.

Upload parameters:
  --start-timestamp <when>   no call is dialed before (Unix seconds or 2026-12-01T09:00)
  --end-timestamp <when>     calls still waiting then are canceled
  --max-attempts <n>         1-10, with --reattempt-wait
  --reattempt-wait <s>       60-86400 seconds between attempts, with --max-attempts
  --result-url <url>         http(s) URL receiving each call's result
  --is-pci <0|1>
Options:
  --strict                   sensitive data in metadata is an error, not a warning
  --partial                  queue the valid rows even when others are invalid
  --max-rows <n>             row limit (default 1,000,000)
  --max-problems <n>         problems kept (default 1000; the counts stay exact)
  --show <n>                 problems of each kind listed in the report (default 20)
  --json                     print the result as JSON, with every kept problem
  --no-progress              no progress bar (it shows only on a terminal)
Exit code: 0 when the upload would be accepted, 1 when not, 2 on a usage error.
`;

const OPTIONS = {
  startTimestamp: 'string',
  endTimestamp: 'string',
  maxAttempts: 'string',
  reattemptWait: 'string',
  resultUrl: 'string',
  isPci: 'string',
  strict: 'boolean',
  partial: 'boolean',
  maxRows: 'number',
  maxProblems: 'number',
  show: 'number',
  json: 'boolean',
  noProgress: 'boolean',
  now: 'number',
};

const READ_BYTES = 1 << 20;
const fmt = (n) => n.toLocaleString('en-US');

/** The upload parameters given on the command line, named as the API names them. */
function uploadParams(options) {
  const params = {
    start_timestamp: toUnixSeconds(options.startTimestamp),
    end_timestamp: toUnixSeconds(options.endTimestamp),
    max_attempts: options.maxAttempts,
    reattempt_wait: options.reattemptWait,
    result_url: options.resultUrl,
    is_pci: options.isPci,
  };
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

class ProgressBar {
  constructor(stream, total) {
    this.stream = stream;
    this.total = total;
    this.started = Date.now();
    this.last = 0;
  }
  update(bytes, rows, force = false) {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const fraction = this.total ? Math.min(1, bytes / this.total) : 0;
    const filled = Math.round(fraction * width);
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const bar = this.total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ` : '';
    this.stream.write(`\r${bar}${fmt(rows)} rows, ${(bytes / 1e6 / secs).toFixed(0)} MB/s `);
  }
  done() {
    this.stream.write('\r\x1b[K');
  }
}

/**
 * Feeds the file (or stdin) to the validator; returns the result. Stops reading at the first
 * file-level error (it decides the verdict: /dev/zero is refused after its first bytes).
 */
async function validateFile(fuse, file, params, validatorOptions, progress) {
  const validator = fuse.createCsvValidator(params, validatorOptions);
  let bytes = 0;
  let rows = 0;
  if (file === '-') {
    for await (const chunk of process.stdin) {
      const p = validator.push(chunk);
      rows = p.rows;
      bytes += chunk.length;
      if (progress) progress.update(bytes, rows);
      if (p.fileError) break;
    }
  } else {
    const fd = fs.openSync(file, 'r');
    const buffer = Buffer.allocUnsafe(READ_BYTES); // reused: the core copies what it keeps
    try {
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, READ_BYTES, null);
        if (n === 0) break;
        const p = validator.push(buffer.subarray(0, n));
        rows = p.rows;
        bytes += n;
        if (progress) progress.update(bytes, rows);
        if (p.fileError) break;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  if (progress) progress.update(bytes, rows, true);
  return { result: validator.finish(), bytes };
}

function report(out, file, result, bytes, seconds, show) {
  const name = file === '-' ? 'standard input' : file;
  const verdict = result.ok
    ? result.queued === result.rows
      ? `READY: all ${fmt(result.rows)} rows would be queued`
      : `READY (partial): ${fmt(result.queued)} of ${fmt(result.rows)} rows would be queued`
    : 'NOT READY: nothing would be queued';
  out.write(`${name}: ${verdict}\n`);
  out.write(`  rows ${fmt(result.rows)}   valid ${fmt(result.valid)}   invalid ${fmt(result.invalid)}   ` +
    `errors ${fmt(result.errorCount)}   warnings ${fmt(result.warningCount)}   ` +
    `(${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s)\n`);
  for (const [title, list, total] of [['Errors', result.errors, result.errorCount], ['Warnings', result.warnings, result.warningCount]]) {
    if (!list.length) continue;
    const shown = list.slice(0, show);
    out.write(`\n${title}${total > shown.length ? ` (first ${fmt(shown.length)} of ${fmt(total)})` : ''}:\n`);
    for (const p of shown) out.write(`  ${p.message} [${p.code}]\n`); // messages name row, line and field
  }
  const counts = Object.entries(result.counts || {});
  if (counts.length && result.errorCount + result.warningCount > Math.min(show, result.errorCount) + Math.min(show, result.warningCount)) {
    out.write(`\nAll problems by code: ${counts.map(([code, n]) => `${code} ${fmt(n)}`).join(', ')}\n`);
  }
}

async function run(args, { fuse, stdout, stderr }) {
  const { options, positionals } = parseArgs(args, OPTIONS);
  if (positionals.length !== 1) throw new UsageError('give one CSV file (or - for standard input); see --help');
  const [file] = positionals;
  if (file !== '-' && !fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const size = file === '-' ? 0 : fs.statSync(file).size;
  const validatorOptions = {
    strict: options.strict || false,
    partial: options.partial || false,
    maxProblems: options.maxProblems ?? 1000,
    ...(size ? { sizeHint: size } : {}),
    ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  };
  // Option values the core refuses are usage errors (exit 2) naming the flag, found before any
  // reading: the core's own check, on an empty upload.
  const probe = fuse.validateCsv('destination\n', {}, { ...validatorOptions, sizeHint: 0 });
  const badOption = probe.errors.find((p) => p.code === 'invalid_option');
  if (badOption) {
    const flag = '--' + String(badOption.field).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    throw new UsageError(`${flag}: ${badOption.message}`);
  }
  for (const name of ['show']) {
    const v = options[name];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new UsageError(`--${name} must be a whole number of at least 0, got ${v}`);
  }
  const showProgress = !options.noProgress && !options.json && stderr.isTTY;
  const progress = showProgress ? new ProgressBar(stderr, size) : null;
  const started = process.hrtime.bigint();
  const { result, bytes } = await validateFile(fuse, file, uploadParams(options), validatorOptions, progress);
  if (progress) progress.done();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (options.json) stdout.write(JSON.stringify(result, null, 2) + '\n');
  else report(stdout, file, result, bytes, seconds, options.show ?? 20);
  return result.ok ? 0 : 1;
}

module.exports = { summary: 'check a bulk_queue CSV upload (rows, destinations, metadata, parameters)', usage, run, validateFile };

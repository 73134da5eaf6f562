'use strict';
// fuse-outbound parse <destination>... : normalise destinations (SPEC 2), JSON out.
const { parseArgs, UsageError } = require('./args');

const usage = `Usage: fuse-outbound parse [--wasm] <destination>... | -

Parses each destination (e.g. 6175551234, tel:+16175551234;ani=8009957586;postd=2) and prints a
JSON array with one result per input: the normalised destination (e164, uri, ani, postd) or every
error found. With '-', reads one destination per line from standard input.
Exit code: 0 when every destination is valid, 1 when any is invalid, 2 on a usage error.
`;

const BATCH = 10000; // lines per parseDestinations call: memory stays bounded by the batch
const MAX_LINE = 1 << 20; // a longer line is no destination: it ends the input (see below)

/**
 * Lines of the stream in batches, without holding the input: yields {lines, cut}. A line over
 * MAX_LINE characters (say /dev/zero) ends the input: it comes last, cut short, with `cut` set.
 */
async function* lineBatches(stream) {
  stream.setEncoding('utf8');
  let partial = '';
  let batch = [];
  for await (const chunk of stream) {
    const lines = (partial + chunk).split(/\r?\n/);
    partial = lines.pop();
    for (const line of lines) {
      batch.push(line);
      if (batch.length === BATCH) {
        yield { lines: batch, cut: false };
        batch = [];
      }
    }
    if (partial.length > MAX_LINE) {
      batch.push(partial.slice(0, 64));
      yield { lines: batch, cut: true };
      return;
    }
  }
  if (partial !== '') batch.push(partial.replace(/\r$/, ''));
  if (batch.length) yield { lines: batch, cut: false };
}

async function run(args, { fuse, stdout, stdin }) {
  const { positionals } = parseArgs(args, {});
  if (positionals.length === 0) throw new UsageError('give at least one destination, or - to read them from standard input');
  const source = positionals.length === 1 && positionals[0] === '-' ? lineBatches(stdin) : [{ lines: positionals, cut: false }];
  // The same JSON array JSON.stringify(results, null, 2) would print, written as it goes.
  let count = 0;
  let invalid = 0;
  const write = (text) => (stdout.write(text) ? null : new Promise((r) => stdout.once('drain', r)));
  for await (const { lines, cut } of source) {
    const inputs = cut ? lines.slice(0, -1) : lines;
    const batch = fuse.parseDestinations(inputs);
    let out = '';
    for (let i = 0; i < lines.length; i++) {
      const entry = i < inputs.length
        ? { input: inputs[i], ...batch.at(i) }
        : { input: lines[i] + '...', ok: false, errors: [{ code: 'invalid_phone_number', field: 'phone_number',
          message: `line ${count + 1} is longer than ${MAX_LINE} characters, so it holds no destination; reading stopped there. Give one destination per line.` }], warnings: [] };
      if (!entry.ok) invalid++;
      out += (count++ ? ',\n' : '[\n') + JSON.stringify(entry, null, 2).replace(/^/gm, '  ');
    }
    await write(out);
  }
  await write(count ? '\n]\n' : '[]\n');
  return invalid === 0 ? 0 : 1;
}

module.exports = { summary: 'normalise destinations (tel: URIs with ani/postd); JSON out', usage, run };

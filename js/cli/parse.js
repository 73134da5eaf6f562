'use strict';
// fuse-outbound parse <destination>... : normalise destinations (SPEC 2), JSON out.
const { parseArgs, UsageError } = require('./args');

const usage = `Usage: fuse-outbound parse [--wasm] <destination>... | -

Parses each destination (e.g. 6175551234, tel:+16175551234;ani=8009957586;postd=2) and prints a
JSON array with one result per input: the normalised destination (e164, uri, ani, postd) or every
error found. With '-', reads one destination per line from standard input.
Exit code: 0 when every destination is valid, 1 when any is invalid, 2 on a usage error.
`;

async function readLines(stream) {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function run(args, { fuse, stdout, stdin }) {
  const { positionals } = parseArgs(args, {});
  if (positionals.length === 0) throw new UsageError('give at least one destination, or - to read them from standard input');
  const inputs = positionals.length === 1 && positionals[0] === '-' ? await readLines(stdin) : positionals;
  const batch = fuse.parseDestinations(inputs);
  const results = inputs.map((input, i) => ({ input, ...batch.at(i) }));
  stdout.write(JSON.stringify(results, null, 2) + '\n');
  return batch.invalid === 0 ? 0 : 1;
}

module.exports = { summary: 'normalise destinations (tel: URIs with ani/postd); JSON out', usage, run };

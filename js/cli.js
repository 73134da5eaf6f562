#!/usr/bin/env node
'use strict';
// fuse-outbound command line. Each command is a module in js/cli/ exporting
// { summary, usage, run(args, io) -> exit code }.
const commands = {
  parse: require('./cli/parse'),
  validate: require('./cli/validate'),
  preview: require('./cli/preview'),
  serve: require('./cli/serve'),
  demo: require('./cli/demo'),
  ...require('./cli/admin'),
};

const { version } = require('../package.json');

function help(out) {
  out.write(`fuse-outbound ${version}: check, preview and place outbound calls.\n\nUsage: fuse-outbound <command> [options]\n\nCommands:\n`);
  for (const [name, cmd] of Object.entries(commands)) out.write(`  ${name.padEnd(10)} ${cmd.summary}\n`);
  out.write(`\nOptions for every command:\n  --wasm      use the WebAssembly build instead of the native addon\n  --help      show the command's usage\n\nRun 'fuse-outbound <command> --help' for a command's options.\n`);
}

// A reader that stops early (| head) closes the pipe: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode || 0);
    throw err;
  });
}

async function main(argv) {
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io.stdout);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`fuse-outbound: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}.\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(command.usage);
    return 0;
  }
  const useWasm = args.includes('--wasm');
  const fuse = useWasm ? await require('./wasm').init() : require('./index');
  return command.run(args.filter((a) => a !== '--wasm'), { ...io, fuse });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`fuse-outbound: ${err && err.message ? err.message : err}\n`);
    process.exitCode = err && err.exitCode ? err.exitCode : 2;
  },
);

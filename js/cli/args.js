'use strict';
// A small option parser for the CLI: `--name value`, `--name=value`, boolean flags, positionals.
// spec: { name: 'string' | 'number' | 'boolean' }. Unknown options and missing values are usage
// errors (exit code 2) that say what to type instead.

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.exitCode = 2;
  }
}

function parseArgs(args, spec) {
  const options = {};
  const positionals = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg === '--') positionals.push(...args.slice(i + 1));
      else positionals.push(arg);
      if (arg === '--') break;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const key = flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const type = spec[key];
    if (!type) {
      const known = Object.keys(spec).map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()));
      throw new UsageError(`unknown option --${flag}; ${known.length ? `options: ${known.join(', ')}` : 'this command takes none'}`);
    }
    if (type === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${flag} takes no value`);
      options[key] = true;
      continue;
    }
    let value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${flag} needs a value`);
    if (type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got '${value}'`);
      value = n;
    }
    options[key] = value;
  }
  return { options, positionals };
}

module.exports = { parseArgs, UsageError };

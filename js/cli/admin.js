'use strict';
// fuse-outbound accounts add / deployments add|set|delete: administration on the data directory
// (SPEC 8). A running service sees the change within a second.
const { parseArgs, UsageError } = require('./args');

function openStore(dir) {
  const { SqliteStore } = require('../server/store/sqlite');
  return new SqliteStore(dir || 'fuse-data').open();
}

// --data DIR (SQLite) or --store postgres://... (every node sees the change at once: NOTIFY).
async function withStore(options, fn) {
  const admin = require('../server/admin');
  if (options.store !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.store)) throw new UsageError(`--store takes a postgres:// URL, got '${options.store}'`);
    const { PgStore } = require('../server/store/postgres');
    const store = new PgStore(options.store, { poolSize: 1 });
    try {
      await store.open();
      return await fn(store, admin);
    } finally {
      await store.close();
    }
  }
  const store = openStore(options.data);
  try {
    return fn(store, admin);
  } finally {
    store.close();
  }
}

const accounts = {
  summary: 'accounts add <email> [--json]: create an account (prints its developer key once)',
  usage: `Usage: fuse-outbound accounts add <email> [--json] [--data DIR | --store URL]

Creates an account and prints its developer key (the HTTP Basic password, with the email as user)
and its webhook signing secret. The key is shown only now: the data directory keeps its hash.
`,
  async run(args, { stdout }) {
    const { options, positionals } = parseArgs(args, { json: 'boolean', data: 'string', store: 'string' });
    const [verb, email, ...rest] = positionals;
    if (verb !== 'add') throw new UsageError(`accounts takes 'add <email>', got '${verb ?? ''}'`);
    if (!email || rest.length) throw new UsageError('accounts add takes one email address');
    const a = await withStore(options, (store, admin) => admin.addAccount(store, email));
    if (options.json) stdout.write(JSON.stringify({ email: a.email, developer_key: a.developerKey, signing_secret: a.signingSecret }) + '\n');
    else stdout.write(`account ${a.email}\ndeveloper key:  ${a.developerKey}\nsigning secret: ${a.signingSecret}\n(the key is shown only now)\n`);
    return 0;
  },
};

// --weight N and --calling-hours SPEC|none as the policy {weight?, callingHours?} (SPEC 14); the
// values are judged by the core (js/server/admin.js). A SPEC starting with '{' is the object form.
function policyFrom(options) {
  const policy = {};
  if (options.weight !== undefined) policy.weight = options.weight;
  if (options.callingHours !== undefined) {
    const h = options.callingHours.trim();
    if (h === 'none') policy.callingHours = null;
    else if (h.startsWith('{')) {
      try {
        policy.callingHours = JSON.parse(h);
      } catch (err) {
        throw new UsageError(`--calling-hours: '${h}' is not JSON (${err.message}); give e.g. '{"mon-fri": "08:00-21:00"}' or "mon-fri 08:00-21:00"`);
      }
    } else policy.callingHours = options.callingHours;
  }
  return policy;
}

function describePolicy(d) {
  return `weight ${d.weight}, calling hours ${d.calling_hours === null ? 'none' : typeof d.calling_hours === 'string' ? d.calling_hours : JSON.stringify(d.calling_hours)}`;
}

const deployments = {
  summary: 'deployments add <email> <app> <deployment> | set <app> <deployment> | delete <app> <deployment>',
  usage: `Usage: fuse-outbound deployments add <email> <app> <deployment> [--weight N] [--calling-hours SPEC] [--data DIR | --store URL]
       fuse-outbound deployments add <app> <deployment> --email <email> [--weight N] [--calling-hours SPEC] [...]
       fuse-outbound deployments set <app> <deployment> [--weight N] [--calling-hours SPEC|none] [--data DIR | --store URL]
       fuse-outbound deployments delete <app> <deployment> [--data DIR | --store URL]

add: the account <email> may queue calls in /api/apps/<app>/<deployment>/.
set: changes the deployment's dial-time policy (SPEC 14); options not given keep their value.
  --weight N            free lines go to the deployment with the lowest in-flight / weight (default 1)
  --calling-hours SPEC  the recipients' local hours when its calls may be placed: "tcpa",
                        "08:00-21:00", "mon-fri 08:00-21:00; sat 09:00-17:00"; none: no limit
  A running service applies the change within a second.
delete: cancels the deployment's pending calls; its endpoints answer 409 from then on.
`,
  async run(args, { stdout }) {
    const { options, positionals } = parseArgs(args, { data: 'string', json: 'boolean', store: 'string', email: 'string', weight: 'number', callingHours: 'string' });
    const [verb, ...rest] = positionals;
    if (verb !== 'add' && verb !== 'set' && (options.weight !== undefined || options.callingHours !== undefined)) {
      throw new UsageError('--weight and --calling-hours are for deployments add or set');
    }
    if (verb !== 'add' && options.email !== undefined) throw new UsageError('--email is for deployments add');
    if (verb === 'add') {
      const names = options.email !== undefined ? [options.email, ...rest] : rest;
      if (names.length !== 3) throw new UsageError('deployments add takes <email> <app> <deployment> (or <app> <deployment> --email <email>)');
      const policy = policyFrom(options);
      if (policy.callingHours === null) throw new UsageError('--calling-hours none is for deployments set (a new deployment has none)');
      const d = await withStore(options, (store, admin) => admin.addDeployment(store, ...names, policy));
      stdout.write(options.json ? JSON.stringify(d) + '\n' : `deployment ${d.app}/${d.deployment} for ${d.email} (${describePolicy(d)})\n`);
      return 0;
    }
    if (verb === 'set') {
      if (rest.length !== 2) throw new UsageError('deployments set takes <app> <deployment>');
      if (options.weight === undefined && options.callingHours === undefined) throw new UsageError('deployments set takes --weight N and/or --calling-hours SPEC|none');
      const policy = policyFrom(options);
      const d = await withStore(options, (store, admin) => admin.setDeployment(store, ...rest, policy));
      stdout.write(options.json ? JSON.stringify(d) + '\n' : `deployment ${d.app}/${d.deployment}: ${describePolicy(d)}\n`);
      return 0;
    }
    if (verb === 'delete') {
      if (rest.length !== 2) throw new UsageError('deployments delete takes <app> <deployment>');
      const d = await withStore(options, (store, admin) => admin.deleteDeployment(store, ...rest));
      stdout.write(options.json ? JSON.stringify(d) + '\n' : `deployment ${d.app}/${d.deployment} deleted; its pending calls are canceled\n`);
      return 0;
    }
    throw new UsageError(`deployments takes 'add', 'set' or 'delete', got '${verb ?? ''}'`);
  },
};

module.exports = { accounts, deployments };

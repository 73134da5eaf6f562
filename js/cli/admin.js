'use strict';
// fuse-outbound accounts add / deployments add|delete: administration on the data directory
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

const deployments = {
  summary: 'deployments add <email> <app> <deployment> | delete <app> <deployment>',
  usage: `Usage: fuse-outbound deployments add <email> <app> <deployment> [--data DIR | --store URL]
       fuse-outbound deployments delete <app> <deployment> [--data DIR | --store URL]

add: the account <email> may queue calls in /api/apps/<app>/<deployment>/.
delete: cancels the deployment's pending calls; its endpoints answer 409 from then on.
`,
  async run(args, { stdout }) {
    const { options, positionals } = parseArgs(args, { data: 'string', json: 'boolean', store: 'string' });
    const [verb, ...rest] = positionals;
    if (verb === 'add') {
      if (rest.length !== 3) throw new UsageError('deployments add takes <email> <app> <deployment>');
      const d = await withStore(options, (store, admin) => admin.addDeployment(store, ...rest));
      stdout.write(options.json ? JSON.stringify(d) + '\n' : `deployment ${d.app}/${d.deployment} for ${d.email}\n`);
      return 0;
    }
    if (verb === 'delete') {
      if (rest.length !== 2) throw new UsageError('deployments delete takes <app> <deployment>');
      const d = await withStore(options, (store, admin) => admin.deleteDeployment(store, ...rest));
      stdout.write(options.json ? JSON.stringify(d) + '\n' : `deployment ${d.app}/${d.deployment} deleted; its pending calls are canceled\n`);
      return 0;
    }
    throw new UsageError(`deployments takes 'add' or 'delete', got '${verb ?? ''}'`);
  },
};

module.exports = { accounts, deployments };

'use strict';
// require('fuse-outbound/server'): the outbound service (SPEC 8-11) as a library.
//
//   const { createServer } = require('fuse-outbound/server');
//   const server = await createServer({ data: dir, clock: 'manual', allowCallbacksTo: '127.0.0.1/32' });
//   const { key } = server.accounts.add('dev@example.com');  // and server.deployments.add(...)
//   await server.listen();                // server.url: http://127.0.0.1:<free port>
//   ... queue over HTTP ...
//   await server.clock.advance(60);       // runs every dial, outcome and delivery due by then
//   await server.close();
const fs = require('fs');
const path = require('path');
const { SqliteStore } = require('./store/sqlite');
const { PgStore, isPostgresUrl } = require('./store/postgres');
const { RealClock, ManualClock } = require('./clock');
const { createCarrier } = require('./carriers');
const { Outbound } = require('./outbound');
const { ClusterNode } = require('./cluster');
const { buildApp } = require('./http');
const { parseAllowList } = require('./delivery');
const admin = require('./admin');
const { dashboard } = require('./dashboard');

/**
 * @param {object} [o]
 * @param {string} [o.data]  data directory (default ./fuse-data)
 * @param {string|object} [o.store]  'postgres://...': several nodes on one database (SPEC 12); or a store
 * @param {number} [o.lease]  PostgreSQL: seconds within which a follower takes over (default 10)
 * @param {number} [o.capacity]  lines (default 10)
 * @param {number} [o.ringTimeout]  seconds (default 45; fixed when the data directory is created)
 * @param {number|null} [o.dialRate]  dials per second (SPEC 14; fractions to the thousandth; default null: no limit)
 * @param {'real'|'manual'} [o.clock]
 * @param {number} [o.speed]  real clock N times faster
 * @param {number} [o.startTime]  manual clock: its first time (Unix seconds; default now)
 * @param {string} [o.carrier]  'sim' (default)
 * @param {object} [o.carrierOptions]  the sim carrier's {seed, rates, ringTime, talkTime}
 * @param {string} [o.allowCallbacksTo]  CIDR ranges callbacks may go to despite the SSRF guard
 * @param {number} [o.rateLimit]  requests per second per account (0: none)
 * @param {number} [o.maxUploadBytes]  bulk_queue file limit (default 1 GiB)
 * @param {number} [o.maxRows]  bulk_queue row limit (default 1,000,000)
 * @param {number} [o.webhookTimeoutMs]  default 15000
 * @param {(line: string) => void} [o.log]
 */
/**
 * Takes DIR/serve.lock (holding this process's pid) or throws when a live process holds it; a lock
 * left by a process that died (kill -9) is taken over. Returns the release function.
 */
function lockDataDir(dir) {
  const file = path.join(dir, 'serve.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (e) {
          alive = e.code === 'EPERM';
        }
      }
      if (alive) {
        throw Object.assign(new Error(`another fuse-outbound (pid ${pid}) is serving ${dir}; stop it first, or give this one another --data directory`), { code: 'FUSE_DATA_LOCKED' });
      }
      fs.rmSync(file, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`cannot lock ${file}`);
}

async function createServer(o = {}) {
  const fuse = o.fuse || require('../index');
  const log = o.log || (() => {});
  const makeCarrier = () => createCarrier(o.carrier || 'sim', { fuse, ringTimeout: o.ringTimeout, log, ...(o.carrierOptions || {}) });
  // Before the store is opened, so that bad carrier options leave nothing open or locked.
  const carrier = makeCarrier();
  if (carrier.prepare) await carrier.prepare(); // e.g. the SIP port is free: said now, not as a crash later
  // A node's id names its database sessions (application_name) and its inbox requests.
  const nodeId = o.nodeId || `${require('os').hostname()}:${process.pid}:${require('crypto').randomBytes(3).toString('hex')}`;
  const store = isPostgresUrl(o.store) ? new PgStore(o.store, { applicationName: `fuse-outbound ${nodeId}`, idleInTransactionMs: (o.lease ?? 10) * 500 }) : o.store || new SqliteStore(o.data || path.resolve('fuse-data'));
  if (store.kind === 'postgres') {
    try {
      if (!store.pool) await store.open();
    } catch (err) {
      await store.close();
      carrier.close();
      throw err;
    }
  } else if (!store.db) store.open();
  // One service per data directory: a second one would replay and dial what the first carries.
  let unlock = () => {};
  if (store.dir) {
    try {
      unlock = lockDataDir(store.dir);
    } catch (err) {
      store.close();
      carrier.close();
      throw err;
    }
  }
  const storedClock = await store.getMeta('clock');
  const stored = storedClock === null ? null : Number(storedClock);
  const clock = o.clock === 'manual' ? new ManualClock({ start: o.startTime ?? null, stored }) : new RealClock({ speed: o.speed ?? 1, stored });
  const allow = o.allowCallbacksTo ? parseAllowList(o.allowCallbacksTo) : null;
  const options = {
    fuse,
    store,
    clock,
    capacity: o.capacity ?? 10,
    ringTimeout: o.ringTimeout ?? 45,
    dialRate: o.dialRate ?? null,
    allow,
    webhookTimeoutMs: o.webhookTimeoutMs ?? 15000,
    log,
  };
  // PostgreSQL: this node is one of several (js/server/cluster.js), leader or follower.
  const outbound = store.kind === 'postgres'
    ? new ClusterNode({ ...options, makeCarrier, firstCarrier: carrier, lease: o.lease ?? 10, nodeId })
    : new Outbound({ ...options, carrier });
  let started;
  try {
    started = await outbound.start();
  } catch (err) {
    await outbound.stop().catch(() => {});
    await store.close();
    unlock();
    throw err;
  }
  const app = buildApp({
    outbound,
    store,
    maxUploadBytes: o.maxUploadBytes ?? 1 << 30,
    maxRows: o.maxRows ?? 1000000,
    rateLimit: o.rateLimit ?? 0,
    dashboard,
  });
  await app.ready();

  let closed = false;
  const server = {
    app,
    store,
    clock,
    get carrier() {
      return outbound.carrier;
    },
    outbound,
    replayed: started.replayed,
    url: null,
    port: null,
    /** Listens (default 127.0.0.1 and a free port); resolves to the base URL. */
    async listen({ port = o.port ?? 0, host = o.host ?? '127.0.0.1' } = {}) {
      await app.listen({ port, host });
      const addr = app.server.address();
      server.port = addr.port;
      server.url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
      return server.url;
    },
    /** Stops taking requests, finishes what is in flight, writes a checkpoint and closes the store. */
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await outbound.stop();
      await store.close();
      unlock();
    },
    accounts: { add: (email) => admin.addAccount(store, email) },
    deployments: {
      add: (email, appId, name, policy) => admin.addDeployment(store, email, appId, name, policy),
      set: (appId, name, policy) => admin.setDeployment(store, appId, name, policy),
      delete: (appId, name) => admin.deleteDeployment(store, appId, name),
    },
  };
  return server;
}

module.exports = { createServer, SqliteStore, PgStore, ...admin };

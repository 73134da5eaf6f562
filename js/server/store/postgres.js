'use strict';
// The shared store (SPEC 12): one PostgreSQL database for any number of nodes, through `pg`. The
// same tables as the SQLite store (js/server/store/sqlite.js), plus what several nodes need:
//   leader    one row: the leader's term (a fencing token) and node; js/server/cluster.js elects
//             with an advisory lock and bumps the term when it takes over
//   inbox     requests a follower took (queue, bulk_queue, cancel), durable before the leader
//             applies them in id order; the leader writes each answer in the same transaction as
//             the journal entry it made, so a request is applied once or not at all
//   uploads   bulk uploads' bytes: any node may have to replay a csv journal entry
//   suppressions  each account's suppressed numbers (SPEC 14), written with their journal entry
//
// Sync or async (store.d.ts): pg is asynchronous, so every method returns a promise except
// rangeOf, deploymentById and uploadDir, which an engine step calls synchronously: those answer
// from memory (the ranges of calls the engine may still hold, pruned after each compact and kept
// with the checkpoint; the deployments, few and refreshed on change).
//
// Fencing: commit() and writeCheckpoint() run only while `term` is the leader row's term, read
// FOR SHARE inside the transaction. A new leader's term bump (UPDATE) waits for such a transaction
// and every later one of the old leader fails, so the log has one writer at a time and its seq
// order is its commit order; a dial is placed only after its commit, so a fenced leader dials
// nothing new.
const fs = require('fs');
const os = require('os');
const path = require('path');

const SCHEMA_VERSION = 2;
// Version 1 -> 2: the deployments' dial-time policy (SPEC 14; existing deployments start pending,
// so their account's suppression list is applied) and the suppressions table.
const MIGRATION_2 = `
ALTER TABLE deployments ADD COLUMN IF NOT EXISTS weight INTEGER, ADD COLUMN IF NOT EXISTS calling_hours TEXT,
  ADD COLUMN IF NOT EXISTS policy_version INTEGER NOT NULL DEFAULT 1, ADD COLUMN IF NOT EXISTS policy_applied INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS suppressions (
  account_id BIGINT NOT NULL, phone_number TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (account_id, phone_number));
`;
const DEPLOYMENT_COLUMNS = 'id, account_id, app, name, deleted_at, canceled, weight, calling_hours, policy_version, policy_applied';
const UPLOAD_PART = 1 << 20;
const LOG_PAGE = 5000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL, key_hash TEXT NOT NULL, secret TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_email ON accounts (lower(email));
CREATE TABLE IF NOT EXISTS deployments (
  id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id), app TEXT NOT NULL,
  name TEXT NOT NULL, created_at BIGINT NOT NULL, deleted_at BIGINT, canceled INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app, name));
CREATE TABLE IF NOT EXISTS log (seq BIGINT PRIMARY KEY, op TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, snapshot TEXT NOT NULL, inflight TEXT NOT NULL,
  ranges TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS call_ranges (first BIGINT PRIMARY KEY, last BIGINT NOT NULL, deployment_id BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
  call_id BIGINT PRIMARY KEY, deployment_id BIGINT NOT NULL, status TEXT NOT NULL, finished_at BIGINT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS results_deployment ON results (deployment_id, call_id);
CREATE TABLE IF NOT EXISTS deliveries (
  call_id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL, url TEXT NOT NULL, webhook_id TEXT NOT NULL,
  state TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, next_at BIGINT);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (state) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS delivery_tries (
  call_id BIGINT NOT NULL, try INTEGER NOT NULL, at BIGINT NOT NULL, status INTEGER, error TEXT, PRIMARY KEY (call_id, try));
-- cluster.js: the lines each earlier leader's term may still hold (while its lines lock is held).
CREATE TABLE IF NOT EXISTS line_holds (term BIGINT PRIMARY KEY, lines INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leader (id INTEGER PRIMARY KEY CHECK (id = 1), term BIGINT NOT NULL, node TEXT, since TIMESTAMPTZ);
INSERT INTO leader (id, term) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS inbox (
  id BIGSERIAL PRIMARY KEY, node TEXT NOT NULL, tag TEXT, op TEXT NOT NULL, answer TEXT, seq BIGINT, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS uploads (name TEXT NOT NULL, part INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (name, part));
`;

class FencedError extends Error {
  constructor() {
    super('this node is no longer the leader: another node took over');
    this.code = 'FUSE_NOT_LEADER';
    this.statusCode = 503;
  }
}

// int8 columns as JS numbers (ids and times stay far below 2^53).
const num = (v) => (v === null || v === undefined ? v : Number(v));
function rowNums(row, keys) {
  if (!row) return row;
  for (const k of keys) if (k in row) row[k] = num(row[k]);
  return row;
}
const ACCOUNT = ['id', 'created_at'];
const DEPLOYMENT = ['id', 'account_id', 'created_at', 'deleted_at', 'canceled', 'weight', 'policy_version', 'policy_applied'];

class PgStore {
  /** @param {string} url postgres://user@host:port/db */
  constructor(url, { poolSize = 4, applicationName = 'fuse-outbound', idleInTransactionMs = 5000 } = {}) {
    this.idleInTransactionMs = idleInTransactionMs;
    this.url = url;
    this.applicationName = applicationName.slice(0, 63);
    this.kind = 'postgres';
    this.poolSize = poolSize;
    this.term = null; // set by the cluster node while it leads
    // Set by the cluster node: false once its lease has run out by its own clock (a process that
    // was frozen, or whose heartbeat is late). No transaction begins or commits then, even before
    // the database would refuse it on the term.
    this.leaseHeld = null;
    this.ranges = []; // sorted by first: {first, last, deploymentId, scan} of calls the engine may hold
    this.deploymentsById = new Map();
  }

  async open() {
    // pg is loaded only by a service that uses it (about 15 MB a SQLite service does without).
    const { Pool } = require('pg');
    // A process frozen inside a commit would hold the leader row FOR SHARE, and a new leader's term
    // bump would wait for it forever: PostgreSQL ends such a transaction (half the lease). A startup
    // parameter, so that it holds from the connection's first query.
    this.pool = new Pool({
      connectionString: this.url, max: this.poolSize, keepAlive: true, application_name: this.applicationName,
      idle_in_transaction_session_timeout: Math.round(this.idleInTransactionMs),
    });
    this.pool.on('error', () => {}); // an idle client cut off (pg_terminate_backend): the pool replaces it
    // A client checked out of the pool has no 'error' listener of the pool's: when its backend ends
    // between two of its queries (a process frozen inside a transaction, thawed after PostgreSQL
    // ended it for idle_in_transaction_session_timeout; pg_terminate_backend), pg emits 'error' on
    // the client, which would be an uncaught exception that kills the process. Its next query
    // fails instead, and whoever holds it discards it (#fenced releases it with the error).
    this.pool.on('connect', (c) => c.on('error', () => {}));
    this.uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-pg-uploads-'));
    const c = await this.pool.connect();
    try {
      // Several nodes may start on a new database at once: one creates the schema.
      await c.query('SELECT pg_advisory_lock(7210001)');
      await c.query(SCHEMA);
      const v = await c.query("SELECT value FROM meta WHERE key = 'schema_version'");
      const version = v.rows.length ? Number(v.rows[0].value) : 1;
      if (!(version >= 1 && version <= SCHEMA_VERSION)) {
        throw new Error(`the database holds schema version ${v.rows[0].value}; this fuse-outbound reads version ${SCHEMA_VERSION}`);
      }
      if (version < 2) await c.query(MIGRATION_2);
      await c.query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(SCHEMA_VERSION)]);
    } finally {
      await c.query('SELECT pg_advisory_unlock(7210001)').catch(() => {});
      c.release();
    }
    await this.refreshDeployments();
    return this;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.pool) await this.pool.end().catch(() => {});
    if (this.uploads) fs.rmSync(this.uploads, { recursive: true, force: true });
  }

  /** A connection of its own (the cluster node's session: advisory lock, LISTEN). */
  connect({ queryTimeoutMs } = {}) {
    const { Client } = require('pg');
    return new Client({
      connectionString: this.url, keepAlive: true, application_name: `${this.applicationName.slice(0, 55)} session`,
      ...(queryTimeoutMs ? { query_timeout: Math.round(queryTimeoutMs) } : {}),
    });
  }

  query(text, values) {
    return this.pool.query(text, values);
  }

  uploadDir() {
    return this.uploads;
  }

  async getMeta(key) {
    const r = await this.pool.query('SELECT value FROM meta WHERE key = $1', [key]);
    return r.rows.length ? r.rows[0].value : null;
  }
  /** Stores `value` under `key` unless a value is there; returns the value stored. */
  async initMeta(key, value) {
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, value]);
    return this.getMeta(key);
  }
  async setMeta(key, value) {
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  // ---- the group commit ----
  // Runs work(client) in one transaction that commits only while this node's term still leads:
  // a replaced leader's writes fail with FencedError. A client whose transaction failed for any
  // other reason is discarded, not returned to the pool.
  async #fenced(work) {
    if (!this.#leading()) throw new FencedError();
    const c = await this.pool.connect();
    let failed = null;
    try {
      await c.query('BEGIN');
      const t = await c.query('SELECT term FROM leader WHERE id = 1 FOR SHARE');
      if (Number(t.rows[0].term) !== this.term) throw new FencedError();
      await work(c);
      // A leader frozen inside this transaction (its lease gone by its own clock) commits nothing.
      if (!this.#leading()) throw new FencedError();
      await c.query('COMMIT');
    } catch (err) {
      failed = err;
      await c.query('ROLLBACK').catch(() => {});
    } finally {
      c.release(failed && failed.code !== 'FUSE_NOT_LEADER' ? failed : undefined);
    }
    if (failed) throw failed;
  }

  #leading() {
    return this.term !== null && (!this.leaseHeld || this.leaseHeld());
  }

  async commit(b) {
    await this.#fenced(async (c) => {
      if (b.log.length) {
        await c.query('INSERT INTO log (seq, op) SELECT * FROM unnest($1::bigint[], $2::text[])', [b.log.map((e) => e.seq), b.log.map((e) => e.op)]);
      }
      if (b.ranges.length) {
        await c.query('INSERT INTO call_ranges (first, last, deployment_id) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING',
          [b.ranges.map((r) => r.first), b.ranges.map((r) => r.last), b.ranges.map((r) => r.deploymentId)]);
      }
      if (b.results.length) {
        await c.query('INSERT INTO results (call_id, deployment_id, status, finished_at, payload) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[]) ON CONFLICT DO NOTHING',
          [b.results.map((r) => r.callId), b.results.map((r) => r.deploymentId), b.results.map((r) => r.status), b.results.map((r) => r.finishedAt), b.results.map((r) => r.payload)]);
      }
      if (b.deliveries.length) {
        await c.query("INSERT INTO deliveries (call_id, account_id, url, webhook_id, state, tries, next_at) SELECT c, a, u, w, 'pending', 0, n FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[]) AS x(c, a, u, w, n) ON CONFLICT DO NOTHING",
          [b.deliveries.map((d) => d.callId), b.deliveries.map((d) => d.accountId), b.deliveries.map((d) => d.url), b.deliveries.map((d) => d.webhookId), b.deliveries.map((d) => d.nextAt)]);
      }
      if (b.tries.length) {
        await c.query('INSERT INTO delivery_tries (call_id, try, at, status, error) SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::int[], $5::text[]) ON CONFLICT (call_id, try) DO UPDATE SET at = excluded.at, status = excluded.status, error = excluded.error',
          [b.tries.map((t) => t.callId), b.tries.map((t) => t.try), b.tries.map((t) => t.at), b.tries.map((t) => t.status ?? null), b.tries.map((t) => t.error ?? null)]);
      }
      for (const u of b.deliveryUpdates) {
        await c.query('UPDATE deliveries SET state = $1, tries = $2, next_at = $3 WHERE call_id = $4', [u.state, u.tries, u.nextAt ?? null, u.callId]);
      }
      for (const [k, v] of b.meta) {
        await c.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [k, v]);
      }
      for (const x of b.suppressions || []) {
        if (x.on) await c.query('INSERT INTO suppressions (account_id, phone_number, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [x.accountId, x.phoneNumber, x.at]);
        else await c.query('DELETE FROM suppressions WHERE account_id = $1 AND phone_number = $2', [x.accountId, x.phoneNumber]);
      }
      for (const p of b.policies || []) {
        await c.query('UPDATE deployments SET policy_applied = greatest(policy_applied, $1) WHERE id = $2', [p.version, p.id]);
      }
      if (b.answers && b.answers.length) {
        const u = await c.query('UPDATE inbox SET answer = x.a, seq = x.s FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS x(i, a, s) WHERE inbox.id = x.i AND inbox.answer IS NULL',
          [b.answers.map((a) => a.id), b.answers.map((a) => a.answer), b.answers.map((a) => a.seq)]);
        // A node that gave up waiting withdrew its request (and answered 503): applying it now
        // would apply what was refused; the batch fails and the leader rebuilds from the store.
        if (u.rowCount !== b.answers.length) throw new Error('a forwarded request was withdrawn before its commit');
        await c.query("SELECT pg_notify('fuse_answer', '')");
      }
      if (b.log.length) await c.query("SELECT pg_notify('fuse_log', $1)", [String(b.log[b.log.length - 1].seq)]);
    });
    this.noteRanges(b.ranges);
  }

  // ---- the range index (synchronous rangeOf) ----
  noteRanges(ranges) {
    for (const r of ranges) this.#addRange(r.first, r.last, r.deploymentId);
  }

  #addRange(first, last, deploymentId) {
    const a = this.ranges;
    const top = a[a.length - 1];
    if (!top || first > top.last) {
      // Consecutive single calls of one deployment share an entry.
      if (top && first === top.last + 1 && top.deploymentId === deploymentId) top.last = last;
      else a.push({ first, last, deploymentId, scan: first });
      return;
    }
    if (this.rangeOf(first)) return; // seen already (a replay)
    let i = a.length;
    while (i > 0 && a[i - 1].first > first) i--;
    a.splice(i, 0, { first, last, deploymentId, scan: first });
  }

  rangeOf(callId) {
    const a = this.ranges;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].first <= callId) lo = mid + 1;
      else hi = mid - 1;
    }
    const r = a[hi];
    return r && r.last >= callId ? { first: r.first, last: r.last, deploymentId: r.deploymentId } : null;
  }

  /** After a compact: drops ranges whose calls the engine no longer holds (final calls never come back). */
  pruneRanges(isLive) {
    this.ranges = this.ranges.filter((r) => {
      while (r.scan <= r.last && !isLive(r.scan)) r.scan++;
      return r.scan <= r.last;
    });
  }

  // ---- engine recovery ----
  async loadCheckpoint() {
    const r = await this.pool.query('SELECT seq, snapshot, inflight, ranges FROM checkpoint WHERE id = 1');
    if (!r.rows.length) return null;
    const row = r.rows[0];
    this.ranges = [];
    for (const [first, last, dep] of JSON.parse(row.ranges)) this.ranges.push({ first, last, deploymentId: dep, scan: first });
    return { seq: Number(row.seq), snapshot: row.snapshot, inflight: row.inflight };
  }

  /** The log after `seq`, in pages (a long log is not held whole). */
  async *logAfter(seq) {
    let after = seq;
    for (;;) {
      const r = await this.pool.query('SELECT seq, op FROM log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, LOG_PAGE]);
      for (const row of r.rows) {
        after = Number(row.seq);
        yield { seq: after, op: row.op };
      }
      if (r.rows.length < LOG_PAGE) return;
    }
  }
  async maxLogSeq() {
    const r = await this.pool.query('SELECT coalesce(max(seq), 0) AS m FROM log');
    return Number(r.rows[0].m);
  }
  async firstLogSeq() {
    const r = await this.pool.query('SELECT min(seq) AS m FROM log');
    return r.rows[0].m === null ? null : Number(r.rows[0].m);
  }

  async writeCheckpoint(seq, snapshot, inflight) {
    const ranges = JSON.stringify(this.ranges.map((r) => [r.scan, r.last, r.deploymentId]));
    await this.#fenced(async (c) => {
      await c.query(
        'INSERT INTO checkpoint (id, seq, snapshot, inflight, ranges) VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, snapshot = excluded.snapshot, inflight = excluded.inflight, ranges = excluded.ranges',
        [seq, snapshot, inflight, ranges],
      );
      // Uploads the snapshot has absorbed are not replayed again.
      await c.query("DELETE FROM uploads WHERE name IN (SELECT op::json->>'f' FROM log WHERE seq <= $1 AND op LIKE '{\"t\":\"csv\"%')", [seq]);
      await c.query('DELETE FROM log WHERE seq <= $1', [seq]);
    });
  }

  // ---- uploads ----
  async saveUpload(file) {
    const name = path.basename(file);
    const c = await this.pool.connect();
    const fd = fs.openSync(file, 'r');
    try {
      await c.query('BEGIN');
      const buf = Buffer.allocUnsafe(UPLOAD_PART);
      for (let part = 0; ; part++) {
        const n = fs.readSync(fd, buf, 0, UPLOAD_PART, null);
        if (n === 0 && part > 0) break;
        await c.query('INSERT INTO uploads (name, part, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [name, part, Buffer.from(buf.subarray(0, n))]);
        if (n < UPLOAD_PART) break;
      }
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      fs.closeSync(fd);
      c.release();
    }
  }

  async fetchUpload(name) {
    const file = path.join(this.uploads, name);
    if (fs.existsSync(file)) return file;
    const tmp = `${file}.part`;
    const fd = fs.openSync(tmp, 'w');
    try {
      for (let part = 0; ; part++) {
        const r = await this.pool.query('SELECT data FROM uploads WHERE name = $1 AND part = $2', [name, part]);
        if (!r.rows.length) {
          if (part === 0) throw new Error(`the upload ${name} is missing from the database`);
          break;
        }
        fs.writeSync(fd, r.rows[0].data);
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return file;
  }

  async deleteUpload(name) {
    await this.pool.query('DELETE FROM uploads WHERE name = $1', [name]);
  }

  // ---- reads ----
  async result(callId) {
    const r = await this.pool.query('SELECT call_id, deployment_id, status, finished_at, payload FROM results WHERE call_id = $1', [callId]);
    return r.rows.length ? rowNums(r.rows[0], ['call_id', 'deployment_id', 'finished_at']) : null;
  }
  async delivery(callId) {
    const r = await this.pool.query('SELECT call_id, account_id, url, webhook_id, state, tries, next_at FROM deliveries WHERE call_id = $1', [callId]);
    if (!r.rows.length) return null;
    const tries = await this.pool.query('SELECT try, at, status, error FROM delivery_tries WHERE call_id = $1 ORDER BY try', [callId]);
    return { ...rowNums(r.rows[0], ['call_id', 'account_id', 'next_at']), tries: tries.rows.map((t) => rowNums(t, ['at'])) };
  }
  async pendingDeliveries() {
    const r = await this.pool.query("SELECT call_id, account_id, url, webhook_id, tries, next_at FROM deliveries WHERE state = 'pending'");
    return r.rows.map((d) => rowNums(d, ['call_id', 'account_id', 'next_at']));
  }
  async finalCounts() {
    const r = await this.pool.query('SELECT deployment_id, status, count(*) AS n FROM results GROUP BY deployment_id, status');
    return r.rows.map((x) => rowNums(x, ['deployment_id', 'n']));
  }
  async latestResults(accountId, limit) {
    const r = await this.pool.query(
      'SELECT call_id, deployment_id, status, finished_at FROM results WHERE deployment_id IN (SELECT id FROM deployments WHERE account_id = $1) ORDER BY call_id DESC LIMIT $2',
      [accountId, limit],
    );
    return r.rows.map((x) => rowNums(x, ['call_id', 'deployment_id', 'finished_at']));
  }

  // ---- accounts and deployments ----
  async account(email) {
    const r = await this.pool.query('SELECT id, email, key_hash, secret FROM accounts WHERE lower(email) = lower($1)', [email]);
    return r.rows.length ? rowNums(r.rows[0], ACCOUNT) : null;
  }
  async accountById(id) {
    const r = await this.pool.query('SELECT id, email, key_hash, secret FROM accounts WHERE id = $1', [id]);
    return r.rows.length ? rowNums(r.rows[0], ACCOUNT) : null;
  }
  async addAccount(email, keyHash, secret, now) {
    const r = await this.pool.query('INSERT INTO accounts (email, key_hash, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [email, keyHash, secret, now]);
    return Number(r.rows[0].id);
  }
  async deployment(app, name) {
    const r = await this.pool.query(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE app = $1 AND name = $2`, [app, name]);
    if (!r.rows.length) return null;
    const row = rowNums(r.rows[0], DEPLOYMENT);
    this.deploymentsById.set(row.id, row);
    return row;
  }
  deploymentById(id) {
    return this.deploymentsById.get(Number(id)) || null;
  }
  /** Makes deploymentById(id) answer for a deployment another node created. */
  async ensureDeployment(id) {
    if (!this.deploymentsById.has(Number(id))) await this.refreshDeployments();
  }
  async refreshDeployments() {
    const rows = await this.deployments();
    const map = new Map();
    for (const row of rows) map.set(row.id, row);
    this.deploymentsById = map;
    return rows;
  }
  async addDeployment(accountId, app, name, now, policy = {}) {
    const r = await this.pool.query('INSERT INTO deployments (account_id, app, name, created_at, weight, calling_hours, policy_version) VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id',
      [accountId, app, name, now, policy.weight ?? null, policy.callingHours ?? null]);
    await this.pool.query("SELECT pg_notify('fuse_admin', '')");
    return Number(r.rows[0].id);
  }
  async setDeploymentPolicy(id, policy) {
    const r = await this.pool.query('UPDATE deployments SET weight = $1, calling_hours = $2, policy_version = policy_version + 1 WHERE id = $3 AND deleted_at IS NULL',
      [policy.weight ?? null, policy.callingHours ?? null, id]);
    await this.pool.query("SELECT pg_notify('fuse_admin', '')");
    return r.rowCount === 1;
  }
  async policyPending() {
    const r = await this.pool.query(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE deleted_at IS NULL AND policy_version > policy_applied`);
    const rows = r.rows.map((x) => rowNums(x, DEPLOYMENT));
    for (const row of rows) this.deploymentsById.set(row.id, row);
    return rows;
  }
  // ---- suppressions ----
  async suppression(accountId, phoneNumber) {
    const r = await this.pool.query('SELECT phone_number, created_at FROM suppressions WHERE account_id = $1 AND phone_number = $2', [accountId, phoneNumber]);
    return r.rows.length ? rowNums(r.rows[0], ['created_at']) : null;
  }
  async suppressions(accountId, after, limit) {
    const r = await this.pool.query('SELECT phone_number, created_at FROM suppressions WHERE account_id = $1 AND phone_number COLLATE "C" > $2 ORDER BY phone_number COLLATE "C" LIMIT $3', [accountId, after || '', limit]);
    return r.rows.map((x) => rowNums(x, ['created_at']));
  }
  async deleteDeployment(id, now) {
    const r = await this.pool.query('UPDATE deployments SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL', [now, id]);
    await this.pool.query("SELECT pg_notify('fuse_admin', '')");
    return r.rowCount === 1;
  }
  async deletedUncanceled() {
    const r = await this.pool.query(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE deleted_at IS NOT NULL AND canceled = 0`);
    return r.rows.map((x) => rowNums(x, DEPLOYMENT));
  }
  async markCanceled(id) {
    await this.pool.query('UPDATE deployments SET canceled = 1 WHERE id = $1', [id]);
  }
  async deployments() {
    const r = await this.pool.query(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments ORDER BY id`);
    return r.rows.map((x) => rowNums(x, DEPLOYMENT));
  }
}

function isPostgresUrl(s) {
  return typeof s === 'string' && /^postgres(ql)?:\/\//.test(s);
}

module.exports = { PgStore, FencedError, isPostgresUrl };

'use strict';
// The embedded store (SPEC 9): one SQLite file in the data directory, through better-sqlite3, in WAL
// mode with synchronous=FULL so a commit that returned is on disk. The outbound system writes in
// batches (group commit, js/server/journal.js): one transaction for every request and engine step
// that arrived while the previous one was being written.
//
// What is stored:
//   log          the engine's inputs since the last checkpoint, in the order the engine saw them
//                (replayed after a restart: the engine is deterministic, so the replay rebuilds it)
//   checkpoint   the engine's snapshot as of a log position, with the attempts in flight then
//   call_ranges  which deployment each call id belongs to (one row per queue or bulk_queue)
//   results      final calls' payloads (GET /api/outbound/{id} once they have left the engine)
//   deliveries   each result's delivery state; delivery_tries every try
//   accounts, deployments (with their dial-time policy, SPEC 14), meta
//   suppressions each account's suppressed numbers (E.164; the engine holds the same lists, this
//                table answers the listing)
// Every method is synchronous (better-sqlite3 is) except commit(): the group commit's transaction
// runs on a writer thread with its own connection (js/server/store/sqlite-writer.js), so that this
// thread keeps parsing and applying requests during the fsync (WAL: its reads go on meanwhile);
// commit() resolves once the batch is on disk (synchronous=FULL there too), and answers wait for
// it as before. FUSE_SQLITE_WRITER=0 commits on this thread. The interface (store.d.ts) allows
// sync or async answers so that a networked store can implement it too.
const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
const Database = require('better-sqlite3');

const SCHEMA_VERSION = 2;

// Each step takes the schema from version i + 1 to i + 2 (a new data directory runs them all after
// SCHEMA, which is version 1). 2: the deployments' dial-time policy (weight, calling_hours; a
// policy_version the CLI bumps and the policy_applied the service has journaled: existing
// deployments start pending so that their account's suppression list is applied) and suppressions.
const MIGRATIONS = [
  `ALTER TABLE deployments ADD COLUMN weight INTEGER;
   ALTER TABLE deployments ADD COLUMN calling_hours TEXT;
   ALTER TABLE deployments ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE deployments ADD COLUMN policy_applied INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE IF NOT EXISTS suppressions (
     account_id INTEGER NOT NULL, phone_number TEXT NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (account_id, phone_number));`,
];
// The statements a group commit runs (shared with the writer thread, js/server/store/sqlite-writer.js).
function prepareWrites(db) {
  return {
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    insertLog: db.prepare('INSERT INTO log (seq, op) VALUES (?, ?)'),
    insertRange: db.prepare('INSERT OR IGNORE INTO call_ranges (first, last, deployment_id) VALUES (?, ?, ?)'),
    insertResult: db.prepare('INSERT OR IGNORE INTO results (call_id, deployment_id, status, finished_at, payload) VALUES (?, ?, ?, ?, ?)'),
    insertDelivery: db.prepare(
      "INSERT OR IGNORE INTO deliveries (call_id, account_id, url, webhook_id, state, tries, next_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)",
    ),
    updateDelivery: db.prepare('UPDATE deliveries SET state = ?, tries = ?, next_at = ? WHERE call_id = ?'),
    insertTry: db.prepare('INSERT OR REPLACE INTO delivery_tries (call_id, try, at, status, error) VALUES (?, ?, ?, ?, ?)'),
    insertSuppression: db.prepare('INSERT OR IGNORE INTO suppressions (account_id, phone_number, created_at) VALUES (?, ?, ?)'),
    deleteSuppression: db.prepare('DELETE FROM suppressions WHERE account_id = ? AND phone_number = ?'),
    policyApplied: db.prepare('UPDATE deployments SET policy_applied = max(policy_applied, ?) WHERE id = ?'),
  };
}

/** Writes one batch with the statements of prepareWrites (inside the caller's transaction). */
function writeBatch(q, b) {
  for (const e of b.log) q.insertLog.run(e.seq, e.op);
  for (const r of b.ranges) q.insertRange.run(r.first, r.last, r.deploymentId);
  for (const r of b.results) q.insertResult.run(r.callId, r.deploymentId, r.status, r.finishedAt, r.payload);
  for (const d of b.deliveries) q.insertDelivery.run(d.callId, d.accountId, d.url, d.webhookId, d.nextAt);
  for (const t of b.tries) q.insertTry.run(t.callId, t.try, t.at, t.status ?? null, t.error ?? null);
  for (const u of b.deliveryUpdates) q.updateDelivery.run(u.state, u.tries, u.nextAt ?? null, u.callId);
  for (const [k, v] of b.meta) q.setMeta.run(k, v);
  for (const x of b.suppressions || []) {
    if (x.on) q.insertSuppression.run(x.accountId, x.phoneNumber, x.at);
    else q.deleteSuppression.run(x.accountId, x.phoneNumber);
  }
  for (const p of b.policies || []) q.policyApplied.run(p.version, p.id);
}

// What writeBatch reads, for the writer thread (the batch also holds the journal's callbacks, which
// stay here). The log and the ranges (one each per queue request) flat: the entries' JSON texts as
// one string, split at newlines (JSON.stringify writes none), and the numbers in arrays; much
// cheaper to copy to the thread than as many small objects or strings.
function pack(b) {
  const seqs = new Float64Array(b.log.length);
  const ops = new Array(b.log.length);
  for (let i = 0; i < b.log.length; i++) {
    seqs[i] = b.log[i].seq;
    ops[i] = b.log[i].op;
  }
  const ranges = new Float64Array(b.ranges.length * 3);
  for (let i = 0; i < b.ranges.length; i++) {
    const r = b.ranges[i];
    ranges[3 * i] = r.first;
    ranges[3 * i + 1] = r.last;
    ranges[3 * i + 2] = r.deploymentId;
  }
  return { seqs, ops: ops.join('\n'), ranges, results: b.results, deliveries: b.deliveries, deliveryUpdates: b.deliveryUpdates, tries: b.tries, meta: b.meta, suppressions: b.suppressions, policies: b.policies };
}
function unpack(m) {
  const log = new Array(m.seqs.length);
  const ops = log.length ? m.ops.split('\n') : [];
  for (let i = 0; i < log.length; i++) log[i] = { seq: m.seqs[i], op: ops[i] };
  const ranges = new Array(m.ranges.length / 3);
  for (let i = 0; i < ranges.length; i++) ranges[i] = { first: m.ranges[3 * i], last: m.ranges[3 * i + 1], deploymentId: m.ranges[3 * i + 2] };
  return { ...m, log, ranges };
}

/** The connection settings, the same on the service's connection and on the writer thread's. */
function configure(db) {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 32768'); // pages (128 MiB): fewer, larger WAL checkpoints under load
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}

const DEPLOYMENT_COLUMNS = 'id, account_id, app, name, deleted_at, canceled, weight, calling_hours, policy_version, policy_applied';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, key_hash TEXT NOT NULL,
  secret TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deployments (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id), app TEXT NOT NULL,
  name TEXT NOT NULL, created_at INTEGER NOT NULL, deleted_at INTEGER, canceled INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app, name));
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, op TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, snapshot TEXT NOT NULL, inflight TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS call_ranges (
  first INTEGER PRIMARY KEY, last INTEGER NOT NULL, deployment_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS results (
  call_id INTEGER PRIMARY KEY, deployment_id INTEGER NOT NULL, status TEXT NOT NULL,
  finished_at INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
  call_id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, url TEXT NOT NULL, webhook_id TEXT NOT NULL,
  state TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, next_at INTEGER);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (state) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS delivery_tries (
  call_id INTEGER NOT NULL, try INTEGER NOT NULL, at INTEGER NOT NULL, status INTEGER, error TEXT,
  PRIMARY KEY (call_id, try));
`;

class SqliteStore {
  /** @param {string} dir the data directory (created when missing) */
  constructor(dir) {
    this.dir = path.resolve(dir);
    this.kind = 'sqlite';
  }

  open() {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(this.uploadDir(), { recursive: true });
    const db = new Database(path.join(this.dir, 'fuse-outbound.db'));
    this.db = db;
    configure(db);
    db.exec(SCHEMA);
    let version = this.getMeta('schema_version');
    if (version === null) this.setMeta('schema_version', (version = '1'));
    if (Number(version) > SCHEMA_VERSION || !(Number(version) >= 1)) {
      throw new Error(`the data directory ${this.dir} holds schema version ${version}; this fuse-outbound reads version ${SCHEMA_VERSION}`);
    }
    for (let v = Number(version); v < SCHEMA_VERSION; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v - 1]);
        this.setMeta('schema_version', String(v + 1));
      })();
    }
    this.#prepare();
    return this;
  }

  /** Synchronous, except with a writer thread: then resolves once it has closed its connection. */
  close() {
    let exited;
    if (this.writer) {
      const w = this.writer;
      this.writer = null;
      w.ready = false;
      w.closing = true;
      w.thread.ref(); // until it has closed
      // Commits still in flight finish first (the thread handles its messages in order).
      exited = new Promise((resolve) => w.thread.once('exit', resolve));
      w.thread.postMessage({ close: true });
    }
    if (this.db && this.db.open) this.db.close();
    return exited;
  }

  uploadDir() {
    return path.join(this.dir, 'uploads');
  }

  #prepare() {
    const db = this.db;
    this.q = {
      ...prepareWrites(db),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      rangeOf: db.prepare('SELECT first, last, deployment_id FROM call_ranges WHERE first <= ? ORDER BY first DESC LIMIT 1'),
      result: db.prepare('SELECT call_id, deployment_id, status, finished_at, payload FROM results WHERE call_id = ?'),
      delivery: db.prepare('SELECT call_id, account_id, url, webhook_id, state, tries, next_at FROM deliveries WHERE call_id = ?'),
      tries: db.prepare('SELECT try, at, status, error FROM delivery_tries WHERE call_id = ? ORDER BY try'),
      pending: db.prepare("SELECT call_id, account_id, url, webhook_id, tries, next_at FROM deliveries WHERE state = 'pending'"),
      logAfter: db.prepare('SELECT seq, op FROM log WHERE seq > ? ORDER BY seq'),
      maxSeq: db.prepare('SELECT max(seq) FROM log').pluck(),
      checkpoint: db.prepare('SELECT seq, snapshot, inflight FROM checkpoint WHERE id = 1'),
      writeCheckpoint: db.prepare(
        'INSERT INTO checkpoint (id, seq, snapshot, inflight) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, snapshot = excluded.snapshot, inflight = excluded.inflight',
      ),
      deleteLog: db.prepare('DELETE FROM log WHERE seq <= ?'),
      account: db.prepare('SELECT id, email, key_hash, secret FROM accounts WHERE email = ?'),
      accountById: db.prepare('SELECT id, email, key_hash, secret FROM accounts WHERE id = ?'),
      insertAccount: db.prepare('INSERT INTO accounts (email, key_hash, secret, created_at) VALUES (?, ?, ?, ?)'),
      deployment: db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE app = ? AND name = ?`),
      deploymentById: db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE id = ?`),
      insertDeployment: db.prepare('INSERT INTO deployments (account_id, app, name, created_at, weight, calling_hours, policy_version) VALUES (?, ?, ?, ?, ?, ?, 1)'),
      setPolicy: db.prepare('UPDATE deployments SET weight = ?, calling_hours = ?, policy_version = policy_version + 1 WHERE id = ? AND deleted_at IS NULL'),
      policyPending: db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE deleted_at IS NULL AND policy_version > policy_applied`),
      suppression: db.prepare('SELECT phone_number, created_at FROM suppressions WHERE account_id = ? AND phone_number = ?'),
      suppressions: db.prepare('SELECT phone_number, created_at FROM suppressions WHERE account_id = ? AND phone_number > ? ORDER BY phone_number LIMIT ?'),
      deleteDeployment: db.prepare('UPDATE deployments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
      deletedUncanceled: db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE deleted_at IS NOT NULL AND canceled = 0`),
      markCanceled: db.prepare('UPDATE deployments SET canceled = 1 WHERE id = ?'),
      deployments: db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments ORDER BY id`),
      finalCounts: db.prepare('SELECT deployment_id, status, count(*) AS n FROM results GROUP BY deployment_id, status'),
      latestResults: db.prepare('SELECT call_id, deployment_id, status, finished_at FROM results WHERE deployment_id IN (SELECT id FROM deployments WHERE account_id = ?) ORDER BY call_id DESC LIMIT ?'),
    };
    this.commitTx = db.transaction((batch) => writeBatch(this.q, batch));
    this.checkpointTx = db.transaction((seq, snapshot, inflight) => {
      this.q.writeCheckpoint.run(seq, snapshot, inflight);
      this.q.deleteLog.run(seq);
    });
  }

  getMeta(key) {
    const v = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
    return v === undefined ? null : v;
  }
  setMeta(key, value) {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- the group commit ----
  /**
   * Writes one batch in one transaction: log entries [{seq, op}], call ranges [{first, last,
   * deploymentId}], results [{callId, deploymentId, status, finishedAt, payload}], new deliveries
   * [{callId, accountId, url, webhookId, nextAt}], delivery updates [{callId, state, tries,
   * nextAt}], tries [{callId, try, at, status, error}], meta [[key, value]].
   */
  commit(batch, sync = false) {
    if (sync || !this.#writerReady()) return this.commitTx(batch);
    return new Promise((resolve, reject) => {
      const w = this.writer;
      const id = ++w.seq;
      w.waiting.set(id, { resolve, reject });
      // Referenced while a commit is in flight: a process waiting only for it must not exit.
      if (w.waiting.size === 1) w.thread.ref();
      const packed = pack(batch);
      w.thread.postMessage({ id, batch: packed }, [packed.seqs.buffer, packed.ranges.buffer]);
    });
  }

  // The writer thread (js/server/store/sqlite-writer.js), started with the first commit; until it
  // is ready (and when FUSE_SQLITE_WRITER=0) commits run here, synchronously. The journal has at
  // most one commit in flight, so the two never overlap.
  #writerReady() {
    if (this.writer) return this.writer.ready;
    if (process.env.FUSE_SQLITE_WRITER === '0' || !this.db || !this.db.open) return false;
    const thread = new Worker(path.join(__dirname, 'sqlite-writer.js'), { workerData: { file: this.db.name } });
    const w = (this.writer = { thread, ready: false, seq: 0, waiting: new Map(), failed: null });
    const fail = (err) => {
      w.ready = false;
      w.failed ||= err;
      const waiting = [...w.waiting.values()];
      w.waiting.clear();
      for (const p of waiting) p.reject(err);
    };
    thread.on('message', (m) => {
      if (m.ready) {
        if (!w.failed) w.ready = true;
        return;
      }
      const p = w.waiting.get(m.id);
      if (!p) return;
      w.waiting.delete(m.id);
      if (w.waiting.size === 0 && !w.closing) thread.unref();
      if (m.ok) p.resolve();
      else p.reject(Object.assign(new Error(m.message), { code: m.code }));
    });
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the SQLite writer thread exited (${code})`)));
    thread.unref();
    return false;
  }

  // ---- engine recovery ----
  loadCheckpoint() {
    return this.q.checkpoint.get() || null;
  }
  /** The log entries after `seq`, in order (an iterator: a long log is not held whole). */
  *logAfter(seq) {
    for (const row of this.q.logAfter.iterate(seq)) yield row;
  }
  maxLogSeq() {
    return this.q.maxSeq.get() ?? 0;
  }
  writeCheckpoint(seq, snapshot, inflight) {
    this.checkpointTx(seq, snapshot, inflight);
  }

  // ---- reads ----
  deploymentOfCall(callId) {
    const r = this.rangeOf(callId);
    return r ? r.deploymentId : null;
  }
  /** The committed range {first, last, deploymentId} that holds the call id, or null. */
  rangeOf(callId) {
    const r = this.q.rangeOf.get(callId);
    return r && r.last >= callId ? { first: r.first, last: r.last, deploymentId: r.deployment_id } : null;
  }
  result(callId) {
    return this.q.result.get(callId) || null;
  }
  delivery(callId) {
    const d = this.q.delivery.get(callId);
    if (!d) return null;
    return { ...d, tries: this.q.tries.all(callId) };
  }
  pendingDeliveries() {
    return this.q.pending.all();
  }
  finalCounts() {
    return this.q.finalCounts.all();
  }
  latestResults(accountId, limit) {
    return this.q.latestResults.all(accountId, limit);
  }

  // ---- accounts and deployments ----
  account(email) {
    return this.q.account.get(email) || null;
  }
  accountById(id) {
    return this.q.accountById.get(id) || null;
  }
  addAccount(email, keyHash, secret, now) {
    return Number(this.q.insertAccount.run(email, keyHash, secret, now).lastInsertRowid);
  }
  deployment(app, name) {
    return this.q.deployment.get(app, name) || null;
  }
  deploymentById(id) {
    return this.q.deploymentById.get(id) || null;
  }
  addDeployment(accountId, app, name, now, policy = {}) {
    return Number(this.q.insertDeployment.run(accountId, app, name, now, policy.weight ?? null, policy.callingHours ?? null).lastInsertRowid);
  }
  /** Sets the deployment's {weight, callingHours} (null: the default; callingHours as JSON text) and bumps its policy_version. */
  setDeploymentPolicy(id, policy) {
    return this.q.setPolicy.run(policy.weight ?? null, policy.callingHours ?? null, id).changes === 1;
  }
  /** Live deployments whose policy_version the service has not journaled yet. */
  policyPending() {
    return this.q.policyPending.all();
  }
  // ---- suppressions (written with the journal entry that changes the engine's list) ----
  suppression(accountId, phoneNumber) {
    return this.q.suppression.get(accountId, phoneNumber) || null;
  }
  /** The account's numbers after `after` (E.164, ascending), at most `limit`. */
  suppressions(accountId, after, limit) {
    return this.q.suppressions.all(accountId, after || '', limit);
  }
  deleteDeployment(id, now) {
    return this.q.deleteDeployment.run(now, id).changes === 1;
  }
  deletedUncanceled() {
    return this.q.deletedUncanceled.all();
  }
  markCanceled(id) {
    this.q.markCanceled.run(id);
  }
  deployments() {
    return this.q.deployments.all();
  }
}

module.exports = { SqliteStore, configure, prepareWrites, writeBatch, unpack };

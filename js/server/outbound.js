'use strict';
// The outbound system: one queue engine (the package's Engine, native build), its durable journal,
// the carrier that places its dials, and the deliverer that posts its results. The HTTP layer
// (js/server/http.js) calls the methods at the bottom; every rule is the engine's.
//
// Durability (SPEC 9) by replay. The engine is deterministic: the same inputs give the same state
// and the same actions. So the journal keeps the engine's inputs (enqueue, bulk uploads, advance,
// carrier reports, cancel, capacity; SPEC 14's dial rate, deployment policies and suppressions),
// and a checkpoint keeps a snapshot of the engine as of a log position (taken after compact(), so
// the snapshot and the memory hold only live calls; it holds the policies and lists too). A restart
// restores the checkpoint and replays the log after it; the dials the replay produces are not placed
// again (each was placed once, after its step was committed).
//
// The rule for attempts in flight when the process died (their outcome died with it), applied once
// at the restart: a call still ringing is reported `noanswer` (a failed attempt that counts toward
// max_attempts, re-attempted after reattempt_wait if attempts remain); a connected call is reported
// `disconnected` at the restart time (completed; its duration runs to the restart).
const { EventEmitter } = require('events');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Journal } = require('./journal');
const { Deliverer } = require('./delivery');

const CHECKPOINT_OPS = 100000; // log entries between checkpoints
const CHECKPOINT_FINAL = 200000; // final calls held by the engine before it compacts
const CHECKPOINT_UPLOAD_BYTES = 512 * 1024 * 1024;
const READ_CHUNK = 1 << 20;

class Outbound extends EventEmitter {
  /**
   * @param {object} o
   * @param {object} o.fuse  the package API (native build)
   * @param {object} o.store  js/server/store/sqlite.js (opened)
   * @param {object} o.clock  js/server/clock.js
   * @param {object} o.carrier  an adapter (js/server/carriers/)
   * @param {() => boolean} [o.mayDial]  asked before each committed dial is placed (cluster.js: the
   *   leader's lease still holds by its own clock); false: the dial is not placed
   */
  constructor({ fuse, store, clock, carrier, capacity = 10, ringTimeout = 45, dialRate = null, allow = null, webhookTimeoutMs = 15000, log = () => {}, mayDial = () => true }) {
    super();
    this.mayDial = mayDial;
    this.fuse = fuse;
    this.store = store;
    this.clock = clock;
    this.carrier = carrier;
    this.capacity = capacity;
    this.ringTimeout = ringTimeout;
    this.dialRate = dialRate;
    this.policyApplied = new Map(); // deployment id -> the policy_version journaled (SPEC 14)
    this.log = log;
    this.engine = null;
    // callId -> {state: 'dialing' | 'connected', attempt}: attempt, the one the engine dialed (a
    // carrier's outcome for another must not end it; none after a restart: those are closed).
    this.inflight = new Map();
    this.secrets = new Map(); // account id -> webhook signing secret (secrets never change)
    this.accountOf = new Map(); // deployment id -> account id (never changes)
    this.dialNames = new Map(); // deployment id -> {deployment: "app/name"} (never changes)
    this.lastRange = null;
    this.finalCounts = new Map(); // deployment id -> {completed, failed, canceled}
    this.uploads = []; // [seq, file] of bulk uploads in the log (deleted after a checkpoint)
    this.uploadBytes = 0;
    this.opsSinceCheckpoint = 0;
    this.replaying = false;
    this.stopped = false;
    this.timer = null;
    this.tickQueued = false;
    this.linesHistory = []; // [time, lines in use], one per change (the dashboard's chart)
    this.deliverer = new Deliverer({
      clock,
      allow,
      timeoutMs: webhookTimeoutMs,
      load: async (d) => this.#deliveryContent(d),
      record: (t) => this.#recordTry(t),
      log,
    });
    this.deliverer.onSettled = () => this.#kick();
    this.setMaxListeners(0); // one listener per dashboard stream
  }

  // ---------------------------------------------------------------------------------------------
  // start-up: checkpoint, replay, recovery

  // start() = load() + run(). A store that answers synchronously (SQLite) is read synchronously
  // throughout, as before; an asynchronous one (PostgreSQL) is awaited. A follower (cluster.js)
  // only loads, then keeps applying the log (catchUp) until it runs as the leader.
  start() {
    return when(this.load(), (loaded) => when(this.run(), () => loaded));
  }

  load({ follower = false } = {}) {
    const store = this.store;
    if (store.kind === 'sqlite') return this.#load(store.getMeta('server_id'), store.loadCheckpoint(), null, follower);
    return (async () => {
      // Nodes starting together on a new database agree on one server id and one set of options.
      const serverId = await store.initMeta('server_id', crypto.randomBytes(8).toString('hex'));
      const engineOptions = await store.initMeta('engine_options', JSON.stringify(this.#engineOptions()));
      return this.#load(serverId, await store.loadCheckpoint(), engineOptions, follower);
    })();
  }

  #engineOptions() {
    const options = { capacity: this.capacity, ringTimeout: this.ringTimeout };
    if (this.dialRate !== null) options.dialRate = this.dialRate;
    return options;
  }

  #load(serverId, checkpoint, engineOptions, follower) {
    const store = this.store;
    this.serverId = serverId;
    if (!this.serverId) {
      this.serverId = crypto.randomBytes(8).toString('hex');
      store.setMeta('server_id', this.serverId);
    }
    let seq = 0;
    if (checkpoint) {
      this.engine = this.fuse.Engine.restore(checkpoint.snapshot);
      for (const [id, state] of JSON.parse(checkpoint.inflight)) this.inflight.set(id, { state, attempt: undefined });
      seq = checkpoint.seq;
    } else {
      // The journal holds no engine options: the first run's are kept in meta, so that a replay
      // before the first checkpoint chooses the dials the first run chose (a changed --capacity is
      // applied after the replay, as a journaled input).
      const stored = store.kind === 'sqlite' ? store.getMeta('engine_options') : engineOptions;
      const options = stored ? JSON.parse(stored) : this.#engineOptions();
      if (!stored) store.setMeta('engine_options', JSON.stringify(options));
      this.engine = new this.fuse.Engine(options);
    }
    this.journal = new Journal({
      // A follower commits nothing: what its replay would write, the leader wrote with the entry.
      store: follower ? { commit: (b) => store.noteRanges(b.ranges) } : store,
      seq,
      beforeCommit: (batch) => batch.meta.push(['clock', String(this.clock.now())]),
      afterCommit: () => this.#maybeCheckpoint(),
      onFatal: (err) => this.#fatal(err),
    });
    // Replay: the engine's inputs after the checkpoint, as they were applied.
    this.replaying = true;
    if (store.kind !== 'sqlite') {
      this.follower = follower;
      return this.catchUp().then(async (replayed) => {
        this.#removeStrayUploads();
        for (const { deployment_id: d, status, n } of await store.finalCounts()) this.#counts(d)[status] = n;
        this.replaying = follower;
        this.opsSinceCheckpoint = replayed;
        return { replayed };
      });
    }
    let replayed = 0;
    for (const row of store.logAfter(seq)) {
      const op = JSON.parse(row.op);
      this.journal.seq = row.seq;
      this.#apply(op, row.seq);
      replayed++;
    }
    this.replaying = false;
    this.opsSinceCheckpoint = replayed;
    this.journal.seq = Math.max(this.journal.seq, store.maxLogSeq());
    this.#removeStrayUploads();
    for (const { deployment_id: d, status, n } of store.finalCounts()) this.#counts(d)[status] = n;
    return { replayed };
  }

  /**
   * Applies the log entries after the last one applied (an asynchronous store: the replay at
   * start, then a follower's way of keeping current). Resolves to the number applied. One at a time.
   */
  catchUp() {
    if (this.catchingUp) return this.catchingUp.then(() => this.catchUp());
    this.catchingUp = (async () => {
      let n = 0;
      for await (const row of this.store.logAfter(this.journal.seq)) {
        if (this.stopped) break;
        if (row.seq !== this.journal.seq + 1 && this.journal.seq !== 0) {
          // The leader checkpointed past this node's position: rebuild from the checkpoint.
          throw Object.assign(new Error(`log gap after ${this.journal.seq} (next ${row.seq})`), { code: 'FUSE_LOG_GAP' });
        }
        const op = JSON.parse(row.op);
        if (op.d !== undefined) await this.store.ensureDeployment(Number(op.d));
        if (op.t === 'csv') await this.store.fetchUpload(op.f);
        this.journal.seq = row.seq;
        this.#apply(op, row.seq);
        if (op.t === 'csv' && this.follower) fs.rmSync(path.join(this.store.uploadDir(), op.f), { force: true });
        n++;
      }
      if (this.follower) this.#compactFollower();
      return n;
    })().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  // A follower's engine holds final calls until it compacts; their results are in the store
  // already (the leader commits them with the entry that made them).
  #compactFollower() {
    const s = this.engine.stats();
    const finalHeld = s.completed + s.failed + s.canceled;
    if (finalHeld < Math.max(CHECKPOINT_FINAL / 4, s.calls - finalHeld)) return;
    this.engine.compact();
    this.store.pruneRanges((id) => this.engine.get(String(id)) !== null);
  }

  /** Runs what a leader runs: closes the attempts left in flight, then dialing and deliveries. */
  run() {
    // The deliveries pending in the store first: none of this run's own can be among them then.
    return when(this.store.pendingDeliveries(), (pending) => this.#run(pending));
  }

  #run(pending) {
    const store = this.store;
    this.replaying = false;
    this.follower = false;
    if (store.kind !== 'sqlite') this.journal.store = store;
    const stats = this.engine.stats();
    if (stats.capacity !== this.capacity) this.setCapacity(this.capacity);
    // A changed --dial-rate (or none now: no limit), like a changed --capacity: a journaled input.
    if (milli(stats.dialRate) !== milli(this.dialRate)) this.setDialRate(this.dialRate);

    // Attempts in flight when the process stopped: closed by the documented rule (ringing ->
    // noanswer, connected -> disconnected), at the engine's own latest time: it has processed
    // everything due by then, so each such call is still dialing or connected there (the clock may
    // be further on, past the call's ring timeout or re-attempt wait).
    const closeAt = this.engine.now() ?? this.clock.now();
    for (const [callId, { state }] of [...this.inflight]) {
      try {
        this.#input({ t: 'report', c: callId, e: state === 'connected' ? 'disconnected' : 'noanswer', n: closeAt });
      } catch (err) {
        this.log(`recovery: call ${callId} (${state} when the process stopped) not closed: ${err.message}`);
        this.inflight.delete(callId);
      }
    }
    this.recovered = this.inflight.size === 0 ? 0 : this.inflight.size;
    for (const d of pending) {
      this.deliverer.add({ callId: d.call_id, accountId: d.account_id, url: d.url, webhookId: d.webhook_id, tries: d.tries, nextAt: d.next_at });
    }
    this.#cancelDeletedDeployments();
    this.#applyPolicyChanges();
    this.carrier.start({ report: (callId, event, at, reason, attempt) => this.report(callId, event, at, reason, attempt), clock: this.clock });
    if (this.clock.kind === 'manual') this.clock.driver = (target) => this.#driveTo(target);
    this.adminTimer = setInterval(() => {
      this.#cancelDeletedDeployments();
      this.#applyPolicyChanges();
      this.#saveClock();
    }, 1000);
    this.adminTimer.unref();
    this.#kick();
  }

  /**
   * Stops at once without writing anything (a leader that lost its leadership; a follower). Called
   * again, it answers the same promise; `hungUp` resolves once the carrier has hung up.
   */
  abandon() {
    if (this.abandoning) return this.abandoning;
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.adminTimer);
    if (this.clock.driver) this.clock.driver = null;
    this.hungUp = Promise.resolve(this.carrier.close()).catch(() => {}); // at once: it dials nothing more from here
    this.abandoning = (async () => {
      await this.hungUp;
      await this.deliverer.close();
      if (this.catchingUp) await this.catchingUp.catch(() => {});
      if (this.checkpointing) await this.checkpointing.catch(() => {});
      this.engine.dispose();
    })();
    return this.abandoning;
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.adminTimer);
    await this.carrier.close(); // a real carrier hangs up what is in flight first
    await this.deliverer.close();
    await this.journal.drain();
    if (this.checkpointing) await this.checkpointing;
    this.checkpoint();
    if (this.checkpointing) await this.checkpointing;
    await this.#saveClock();
    this.engine.dispose();
  }

  // The clock's time, so that a restart never goes back (commits store it too).
  #saveClock() {
    const now = this.clock.now();
    if (now !== this.savedClock) {
      this.savedClock = now;
      return when(this.store.setMeta('clock', String(now)), null, () => {});
    }
  }

  #fatal(err) {
    // The engine is ahead of the disk: the only safe way on is a restart from the store.
    this.log(`fatal: the store failed to commit (${err && err.message}); stopping so that a restart recovers from the store`);
    this.emit('fatal', err);
    if (this.listenerCount('fatal') === 0) process.exit(70);
  }

  // ---------------------------------------------------------------------------------------------
  // engine inputs: every change goes through #input (apply, then journal)

  #input(op, keep = () => true) {
    const out = this.#apply(op, this.journal.seq + 1);
    if (keep(out)) {
      this.journal.log(op);
      this.opsSinceCheckpoint++;
    }
    return out;
  }

  // Applies one engine input and handles its actions (both live and in replay).
  #apply(op, seq) {
    const e = this.engine;
    const lines = this.inflight.size;
    let result = null;
    let actions = [];
    switch (op.t) {
      case 'enqueue':
        // p: the parameters, or a JSON body's text as it came (http.js's fast lane)
        result = typeof op.p === 'string' ? e.enqueueJson(op.d, op.p, op.n, { strict: !!op.s }) : e.enqueue(op.d, op.p, op.n, { strict: !!op.s });
        if (result.ok) this.#range(Number(result.callId), Number(result.callId), Number(op.d));
        break;
      case 'csv': {
        const file = path.join(this.store.uploadDir(), op.f);
        result = this.#enqueueFile(op, file);
        if (result.firstCallId !== null) this.#range(Number(result.firstCallId), Number(result.lastCallId), Number(op.d));
        this.uploads.push([seq, op.f]);
        break;
      }
      case 'advance':
        actions = e.advance(op.n);
        break;
      case 'report':
        actions = e.report(op.c, op.e, op.n, op.r); // r: a rejected outcome's reason (SPEC 13)
        if (op.e === 'connected') this.inflight.set(op.c, { state: 'connected', attempt: this.inflight.get(op.c)?.attempt });
        else this.inflight.delete(op.c);
        break;
      case 'cancel':
        actions = e.cancelDeployment(op.d, op.n);
        break;
      case 'capacity':
        e.setCapacity(op.c);
        break;
      case 'dialRate':
        e.setDialRate(op.r);
        break;
      case 'deployment': // SPEC 14: the policy as a whole (w weight, h calling hours, l suppression list)
        result = e.setDeployment(op.d, { weight: op.w, callingHours: op.h, suppressionList: op.l });
        this.policyApplied.set(Number(op.d), op.v);
        break;
      case 'suppress':
        result = op.on ? e.suppress(op.p, op.l) : e.unsuppress(op.p, op.l);
        break;
      default:
        throw new Error(`unknown journal entry ${JSON.stringify(op.t)}`);
    }
    this.#handle(actions, op.n ?? this.clock.now());
    if (this.inflight.size !== lines && !this.replaying) this.#noteLines(op.n ?? this.clock.now());
    return result;
  }

  // Two passes over the spooled file: the core's validation first (memory: a chunk and the
  // duplicate table), then, when it accepts the file, the rows are queued as they are read
  // (queueAsRead: none are held, so a million-row upload costs the engine's memory and no more).
  // A refused file goes through the enqueuer as it is, which drops its rows as soon as it knows.
  #enqueueFile(op, file) {
    const check = this.fuse.createCsvValidator(op.p, { ...op.o, now: op.n });
    this.#readFile(file, (chunk) => check.push(chunk));
    const verdict = check.finish();
    const upload = this.engine.createCsvEnqueuer(op.d, op.p, op.n, verdict.ok ? { ...op.o, queueAsRead: true } : op.o);
    try {
      this.#readFile(file, (chunk) => {
        upload.push(chunk);
        this.uploadBytes += chunk.length;
      });
      return upload.finish();
    } catch (err) {
      upload.abort();
      throw err;
    }
  }

  #readFile(file, each) {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, READ_CHUNK, null);
        if (n === 0) break;
        each(buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  #range(first, last, deploymentId) {
    // Tagged with the commit that will write it: with an asynchronous store, later batches fill
    // while one is being written, and their ranges must stay here until their own commit.
    const commit = this.journal.commits + (this.journal.flushing ? 2 : 1);
    // Calls queued one by one into one deployment, in one batch, share one range (one row).
    const open = this.openRange;
    if (open && open.batch === this.journal.batch && open.row.deploymentId === deploymentId && open.row.last + 1 === first) {
      open.row.last = last;
      open.pending.last = last;
      return;
    }
    const row = { first, last, deploymentId };
    const pending = { first, last, deploymentId, commit };
    this.journal.add('ranges', row);
    (this.pendingRanges ||= []).push(pending);
    this.openRange = { batch: this.journal.batch, row, pending };
  }

  #deploymentOfCall(callId) {
    if (this.pendingRanges) {
      for (let i = this.pendingRanges.length - 1; i >= 0; i--) {
        const r = this.pendingRanges[i];
        if (r.first <= callId && callId <= r.last) return r.deploymentId;
      }
    }
    // Committed ranges never change: the last one found answers most lookups (a bulk upload's
    // calls finish close together).
    const last = this.lastRange;
    if (last && last.first <= callId && callId <= last.last) return last.deploymentId;
    const r = this.store.rangeOf(callId);
    if (!r) return null;
    this.lastRange = r;
    return r.deploymentId;
  }

  #accountOfDeployment(deploymentId) {
    return remember(this.accountOf, deploymentId, () => {
      const dep = this.store.deploymentById(deploymentId);
      return dep ? dep.account_id : 0;
    });
  }

  // What a carrier may tell the far end about a dial: the deployment as the API names it, app/name.
  #dialContext(a) {
    return remember(this.dialNames, a.deployment, () => {
      const dep = this.store.deploymentById(Number(a.deployment));
      return { deployment: dep ? `${dep.app}/${dep.name}` : a.deployment };
    });
  }

  #handle(actions, now) {
    for (const a of actions) {
      if (a.type === 'dial') {
        this.inflight.set(a.callId, { state: 'dialing', attempt: a.attempt });
        if (!this.replaying) {
          this.journal.afterCommit((err) => {
            if (err || this.stopped) return; // not on disk: never dial it
            if (!this.mayDial()) return; // no longer surely the leader: the next one closes the attempt (SPEC 9)
            this.emit('dial', a);
            this.carrier.dial(a, this.#dialContext(a));
          });
        }
      } else if (a.type === 'hangup') {
        this.inflight.delete(a.callId);
        if (!this.replaying) this.journal.afterCommit((err) => !err && !this.stopped && this.carrier.hangup(a.callId, a.reason));
      } else {
        this.inflight.delete(a.callId);
        this.#result(a, now);
      }
    }
  }

  #result(a, now) {
    const callId = Number(a.callId);
    const deploymentId = this.#deploymentOfCall(callId);
    this.journal.add('results', { callId, deploymentId, status: a.status, finishedAt: now, payload: a.payload });
    const counts = this.#counts(deploymentId);
    counts[a.status] = (counts[a.status] || 0) + 1;
    if (a.resultUrl) {
      const d = {
        callId,
        accountId: this.#accountOfDeployment(deploymentId),
        url: a.resultUrl,
        webhookId: `msg_${this.serverId}_${callId}`,
        tries: 0,
        nextAt: now,
      };
      this.journal.add('deliveries', d);
      if (!this.replaying) this.journal.afterCommit((err) => !err && !this.stopped && (this.deliverer.add({ ...d, payload: a.payload }), this.#kick()));
    }
    if (!this.replaying) this.journal.afterCommit((err) => !err && this.emit('result', { callId: a.callId, deploymentId, status: a.status, payload: a.payload }));
  }

  #counts(deploymentId) {
    let c = this.finalCounts.get(deploymentId);
    if (!c) this.finalCounts.set(deploymentId, (c = { completed: 0, failed: 0, canceled: 0 }));
    return c;
  }

  #noteLines(now) {
    const lines = this.inflight.size;
    const h = this.linesHistory;
    if (h.length && h[h.length - 1][0] === now) h[h.length - 1][1] = lines;
    else h.push([now, lines]);
    if (h.length > 4096) h.splice(0, h.length - 2048);
  }

  // ---------------------------------------------------------------------------------------------
  // checkpoints: compact the engine, snapshot it, drop the log before it

  #maybeCheckpoint() {
    // Committed: the store answers for them now.
    if (this.pendingRanges) {
      const left = this.pendingRanges.filter((r) => r.commit > this.journal.commits);
      this.pendingRanges = left.length ? left : null;
    }
    if (this.stopped || this.replaying) return;
    const s = this.engine.stats();
    const finalHeld = s.completed + s.failed + s.canceled;
    if (this.opsSinceCheckpoint >= CHECKPOINT_OPS || finalHeld >= Math.max(CHECKPOINT_FINAL, s.calls - finalHeld) || this.uploadBytes >= CHECKPOINT_UPLOAD_BYTES) {
      // SQLite commits on its writer thread while the next batch fills, so under load the journal
      // is never idle here: the next batch is then committed on this thread, and the checkpoint
      // follows it at once.
      if (!this.checkpoint() && this.store.kind === 'sqlite' && !this.checkpointing) this.journal.syncNext = true;
    }
  }

  /** Writes a checkpoint now (everything logged so far must be committed: call after a flush). */
  checkpoint() {
    if (!this.journal || !this.journal.idle || this.checkpointing || this.follower) return false;
    this.engine.compact();
    if (this.store.pruneRanges) this.store.pruneRanges((id) => this.engine.get(String(id)) !== null);
    const snapshot = this.engine.snapshot();
    const seq = this.journal.seq;
    const written = () => {
      this.checkpointing = null;
      for (const [s, f] of this.uploads) if (s <= seq) fs.rmSync(path.join(this.store.uploadDir(), f), { force: true });
      this.uploads = this.uploads.filter(([s]) => s > seq);
    };
    const w = this.store.writeCheckpoint(seq, snapshot, JSON.stringify([...this.inflight].map(([id, f]) => [id, f.state])));
    // An asynchronous write: the log keeps growing meanwhile (after seq); one at a time.
    if (w && typeof w.then === 'function') this.checkpointing = w.then(written, (err) => ((this.checkpointing = null), this.log(`checkpoint not written: ${err.message}`)));
    else written();
    this.uploadBytes = 0;
    this.opsSinceCheckpoint = 0;
    return true;
  }

  #removeStrayUploads() {
    // Files of uploads that were never committed (the process died before their commit).
    const keep = new Set(this.uploads.map(([, f]) => f));
    for (const f of fs.readdirSync(this.store.uploadDir())) if (!keep.has(f)) fs.rmSync(path.join(this.store.uploadDir(), f), { force: true });
  }

  // ---------------------------------------------------------------------------------------------
  // the scheduler: engine timers, carrier events and deliveries, on the service clock

  #kick() {
    if (this.tickQueued || this.stopped || this.clock.kind === 'manual') return;
    this.tickQueued = true;
    setImmediate(() => {
      this.tickQueued = false;
      this.#tick();
    });
  }

  #tick() {
    if (this.stopped) return;
    const now = this.clock.now();
    this.carrier.runDue(now);
    const wake = this.engine.nextWakeup();
    if (wake !== null && wake <= now) this.#input({ t: 'advance', n: now });
    this.deliverer.runDue(now);
    this.#scheduleNext();
  }

  #nextDue() {
    let next = null;
    for (const t of [this.engine.nextWakeup(), this.carrier.nextDue(), this.deliverer.nextDue()]) {
      if (t !== null && t !== undefined && (next === null || t < next)) next = t;
    }
    return next;
  }

  #scheduleNext() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.clock.kind === 'manual' || this.stopped) return;
    const next = this.#nextDue();
    if (next === null) return;
    const ms = Math.min(this.clock.msUntil(next), 60000);
    this.timer = setTimeout(() => this.#tick(), Math.max(ms, 1));
  }

  async #settle() {
    for (let i = 0; i < 1000; i++) {
      await this.journal.drain();
      await this.deliverer.idle();
      if (this.journal.idle) return;
    }
  }

  // The manual clock's driver: steps through every due moment up to `target`.
  async #driveTo(target) {
    for (let guard = 0; guard < 1e6; guard++) {
      await this.#settle();
      if (this.stopped) return;
      const next = this.#nextDue();
      if (next === null || next > target) break;
      this.clock.set(next);
      this.#tick();
    }
    this.clock.set(target);
    this.#tick();
    await this.#settle();
  }

  // ---------------------------------------------------------------------------------------------
  // delivery bookkeeping

  // The payload of a first try is still in memory; a retry (or one after a restart) reads it.
  async #deliveryContent(d) {
    const payload = d.payload ?? ((await this.store.result(d.callId)) || {}).payload;
    const secret = await this.#secretOf(d.accountId);
    if (payload === undefined || secret === null) throw new Error(`no stored result for call ${d.callId}`);
    return { payload, secret };
  }

  async #secretOf(accountId) {
    if (!this.secrets.has(accountId)) {
      const acct = await this.store.accountById(accountId);
      remember(this.secrets, accountId, () => (acct ? acct.secret : null));
    }
    return this.secrets.get(accountId);
  }

  #recordTry(t) {
    // Lazy: a try lost with the process is tried again (at least once, the same webhook-id).
    this.journal.lazy('tries', { callId: t.callId, try: t.try, at: t.at, status: t.status, error: t.error });
    this.journal.lazy('deliveryUpdates', { callId: t.callId, state: t.state, tries: t.tries, nextAt: t.nextAt });
    this.emit('delivery', t);
  }

  // ---------------------------------------------------------------------------------------------
  // what the HTTP layer calls

  /**
   * Queues one call; resolves (after the commit) to the engine's enqueue result. `inboxId`: the
   * request came through the store from another node (cluster.js), answered in the same commit.
   */
  async queue(deploymentId, params, inboxId) {
    this.#policyBeforeQueue(deploymentId);
    // params: an object, or a JSON body's text as received (http.js), journaled as it is.
    const op = { t: 'enqueue', d: String(deploymentId), p: typeof params === 'string' ? params : stripEmpty(params), n: this.clock.now() };
    // A refused call changes nothing in the engine, so the journal does not keep it.
    const result = this.#input(op, (r) => r.ok);
    if (inboxId) this.#answer(inboxId, result);
    if (!result.ok) return result;
    await this.journal.committed();
    this.#kick();
    return result;
  }

  /**
   * Queues a bulk upload already spooled to `file` (in the store's upload directory, synced):
   * resolves (after the commit) to enqueueCsv's result.
   */
  async bulkQueue(deploymentId, params, options, file, inboxId) {
    this.#policyBeforeQueue(deploymentId);
    const now = this.clock.now();
    const op = { t: 'csv', d: String(deploymentId), p: stripEmpty(params), o: options, n: now, f: path.basename(file) };
    const result = this.#input(op, (r) => r.firstCallId !== null);
    if (inboxId) this.#answer(inboxId, { ...result, callIds: undefined });
    if (result.firstCallId === null) {
      // Nothing was queued: the entry changes no state, so it need not be kept.
      this.uploads = this.uploads.filter(([, f]) => f !== op.f);
      fs.rmSync(file, { force: true });
    }
    await this.journal.committed();
    this.#kick();
    return result;
  }

  /** Cancels the deployment's pending calls; resolves after the commit. */
  async cancel(deploymentId, inboxId) {
    this.#input({ t: 'cancel', d: String(deploymentId), n: this.clock.now() });
    if (inboxId) this.#answer(inboxId, {});
    await this.journal.committed();
    this.#kick();
  }

  // The answer rides with the entry's commit: the other node learns it once the entry is durable.
  #answer(id, result) {
    this.journal.add('answers', { id, answer: JSON.stringify(result), seq: this.journal.seq });
  }

  /**
   * A carrier outcome (`reason`: a rejected outcome's, e.g. "503 Service Unavailable"). Outcomes the
   * engine refuses (a late report after the ring timeout) are dropped.
   */
  report(callId, event, at, reason, attempt) {
    if (this.stopped) return;
    // An outcome of an attempt the engine has already ended (its ring timeout: the carrier has not
    // yet carried out the hangup, which waits for its commit) is dropped: it must not be taken for
    // the next attempt's, and it is no error. A carrier that names no attempt gets the engine's word.
    if (attempt !== undefined && this.inflight.get(String(callId))?.attempt !== attempt) return;
    // At the time the carrier says it happened (never before what the engine has already seen,
    // never after now).
    const now = this.clock.now();
    let n = Number.isInteger(at) && at < now ? at : now;
    const engineNow = this.engine.now();
    if (engineNow !== null && n < engineNow) n = engineNow;
    const op = { t: 'report', c: String(callId), e: event, n };
    if (reason !== undefined && reason !== null) op.r = String(reason);
    try {
      this.#input(op);
    } catch (err) {
      this.log(`carrier report ${event} for call ${callId} not applied: ${err.message}`);
    }
    this.#kick();
  }

  setCapacity(capacity) {
    this.#input({ t: 'capacity', c: capacity });
    this.capacity = capacity;
    this.#kick();
  }

  /** Dials per second (SPEC 14), or null for no limit; a journaled input. */
  setDialRate(rate) {
    this.#input({ t: 'dialRate', r: rate });
    this.dialRate = rate;
    this.#kick();
  }

  /**
   * Suppresses (on) or unsuppresses a number in the account's list (SPEC 14); resolves after the
   * commit to {ok: true, phoneNumber (E.164), changed} or {ok: false, error: {code, field, message}}
   * (the core's problem). Only a change is journaled; the suppressions table is written with it.
   */
  async suppress(accountId, number, on, inboxId) {
    let result;
    try {
      const changed = this.#input({ t: 'suppress', l: suppressionList(accountId), p: String(number), on: !!on }, (r) => r);
      const parsed = this.fuse.parseDestination(String(number));
      result = { ok: true, phoneNumber: parsed.destination.e164, changed };
      // The engine took the number as it was given; the journal entry keeps that text.
      if (changed) this.journal.add('suppressions', { accountId: Number(accountId), phoneNumber: result.phoneNumber, on: !!on, at: this.clock.now() });
    } catch (err) {
      if (!err.code || err instanceof TypeError) throw err;
      result = { ok: false, error: { code: err.code, field: err.field === undefined ? 'phone_number' : err.field, message: err.message } };
    }
    if (inboxId) this.#answer(inboxId, result);
    if (!result.ok) return result;
    await this.journal.committed();
    this.#kick();
    return result;
  }

  /** {ok: true, phoneNumber, suppressed} from the engine's list, or {ok: false, error}. */
  isSuppressed(accountId, number) {
    try {
      const suppressed = this.engine.isSuppressed(String(number), suppressionList(accountId));
      return { ok: true, phoneNumber: this.fuse.parseDestination(String(number)).destination.e164, suppressed };
    } catch (err) {
      if (!err.code || err instanceof TypeError) throw err;
      return { ok: false, error: { code: err.code, field: err.field === undefined ? 'phone_number' : err.field, message: err.message } };
    }
  }

  // SPEC 14: a deployment's policy (weight, calling hours from the deployments table, its account's
  // suppression list) goes to the engine as a journaled input when its policy_version is new: at the
  // first call queued in it by this process, and within a second of a change (the admin poll).
  #policyBeforeQueue(deploymentId) {
    if (!this.policyApplied.has(Number(deploymentId))) this.#applyPolicy(this.store.deploymentById(Number(deploymentId)));
  }

  #applyPolicy(row) {
    if (!row || row.deleted_at !== null || this.stopped) return;
    const applied = Math.max(this.policyApplied.get(row.id) ?? 0, row.policy_applied ?? 0);
    if (!(row.policy_version > applied)) {
      if (!this.policyApplied.has(row.id)) this.policyApplied.set(row.id, applied);
      return;
    }
    const op = {
      t: 'deployment',
      d: String(row.id),
      w: row.weight ?? 1,
      h: row.calling_hours === null || row.calling_hours === undefined ? null : JSON.parse(row.calling_hours),
      l: suppressionList(row.account_id),
      v: row.policy_version,
    };
    try {
      this.#input(op);
    } catch (err) {
      // Validated by the CLI with the same core: only a data directory edited by hand gets here.
      this.log(`deployment ${row.app}/${row.name}: its policy was not applied: ${err.message}`);
      this.policyApplied.set(row.id, row.policy_version);
      return;
    }
    this.journal.add('policies', { id: row.id, version: row.policy_version });
    this.#kick();
  }

  #applyPolicyChanges() {
    if (this.stopped || !this.store.policyPending) return;
    when(this.store.policyPending(), (rows) => {
      if (this.stopped) return;
      for (const row of rows) this.#applyPolicy(row);
    }, (err) => this.log(`deployment policies not read: ${err.message}`));
  }

  /** {deploymentId, text} of the call's call_details JSON, or null for an unknown call. */
  status(callId) {
    const id = Number(callId);
    return when(this.store.result(id), (stored) => {
      if (stored) return { deploymentId: stored.deployment_id, text: stored.payload };
      if (this.stopped) return null;
      const live = this.engine.get(String(id));
      if (!live) return null;
      return { deploymentId: this.#deploymentOfCall(id), text: JSON.stringify(live) };
    });
  }

  deliveries(callId) {
    return this.store.delivery(Number(callId));
  }

  /** Live counts per deployment id, with the final counts from the store. */
  deploymentCounts() {
    const byName = new Map();
    for (const d of this.engine.stats({ perDeployment: true }).byDeployment) byName.set(d.name, d);
    return (id) => {
      const live = byName.get(String(id)) || { queued: 0, waiting: 0, dialing: 0, connected: 0 };
      const fin = this.finalCounts.get(id) || { completed: 0, failed: 0, canceled: 0 };
      return {
        queued: live.queued + live.waiting,
        dialing: live.dialing,
        connected: live.connected,
        completed: fin.completed,
        failed: fin.failed,
        canceled: fin.canceled,
      };
    };
  }

  #cancelDeletedDeployments() {
    if (this.stopped) return;
    when(this.store.deletedUncanceled(), (rows) => {
      if (this.stopped) return;
      for (const d of rows) {
        this.#input({ t: 'cancel', d: String(d.id), n: this.clock.now() });
        this.journal.afterCommit((err) => !err && when(this.store.markCanceled(d.id), null, () => {}));
        this.#kick();
      }
    }, (err) => this.log(`deleted deployments not read: ${err.message}`));
  }
}

// `fn(value)` now for a value, after it for a promise (a synchronous store stays synchronous).
function when(value, fn, onError) {
  if (value && typeof value.then === 'function') return value.then(fn, onError);
  return fn ? fn(value) : value;
}

// A value that never changes once stored (a deployment's owner, an account's secret), looked up
// once; the map is emptied past 10,000 entries rather than grown without bound.
function remember(map, key, load) {
  let value = map.get(key);
  if (value === undefined) {
    value = load();
    if (map.size >= 10000) map.clear();
    map.set(key, value);
  }
  return value;
}

// The engine's suppression list of an account (each deployment's policy names its owner's).
function suppressionList(accountId) {
  return `account:${accountId}`;
}

// A dial rate in thousandths (the core's unit), 0 for none: comparing rates as the engine keeps them.
function milli(rate) {
  return rate === null || rate === undefined ? 0 : Math.round(rate * 1000);
}

// An empty form field means "not given" (the core's rule too); the journal need not keep it.
function stripEmpty(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = v;
  return out;
}

module.exports = { Outbound };

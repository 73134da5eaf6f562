'use strict';
// Several nodes on one PostgreSQL database (SPEC 12). Every node answers the whole API; one at a
// time, the leader, runs the queue engine's actions, the carrier and deliveries.
//
// Leadership: a session-level advisory lock (pg_try_advisory_lock) on a connection of the node's
// own, tried every second by the followers. PostgreSQL releases it the moment that session ends:
// the leader's process died (kill -9) or its connection was cut (pg_terminate_backend). A new
// leader bumps the `leader` row's term; the store's commits check that term inside their
// transaction, so the old leader can commit nothing more, and it dials only what it committed.
//
// No two leaders dial at once: a leader stops dialing as soon as it learns it lost the session,
// and by itself when its session has not answered a heartbeat for half the lease. PostgreSQL is
// told (tcp_keepalives_*, idle_session_timeout) to end a silent session only after 0.6 of the
// lease, so a leader cut off by the network has stopped before its lock can pass to another node;
// a follower takes over within the lease (at once when the old session's end is seen: kill -9,
// pg_terminate_backend). Whatever a stale leader still tries to commit fails on the term.
//
// Lines: a leader that stopped dialing may still hold calls in its carrier: a process frozen or
// starved of CPU past 0.6 of the lease cannot hang up until it runs again. So each leader holds a
// lock of its term on a second session (no idle timeout: it lasts as long as the process and its
// connection), taken before it commits anything and released once its carrier has hung up; the
// kernel's end of a dead process's connection releases it too. A new leader bounds each earlier
// term still holding its lock by the lines that term's engine could use (`line_holds`), and dials
// only on the lines left, getting the others back as those locks go.
//
// Followers: each keeps an engine replica current by applying the log (LISTEN fuse_log, plus a
// poll), without carrying out its actions; status reads come from it (and the results table).
// A write taken by a follower goes into the `inbox` table; the leader applies inbox requests in
// id order through the same path as its own and writes the answer in the same transaction as the
// journal entry; the follower answers once that is committed and its replica has applied it
// (so a read on the same node sees the write). Bulk uploads are copied into the database first:
// any node may have to replay them.
//
// Taking over: the follower's replica is exactly the log's state once it has read to the end
// after the term bump; then the attempts the old leader had in flight are closed by the SPEC 9
// rule (ringing -> noanswer, connected -> disconnected, counting toward max_attempts), and
// dialing, deliveries (retries keep their webhook-id: it is the cluster's server id and the call
// id) and the inbox resume. A leader that lost the lock drops its engine and carrier, and starts
// again as a follower from the store.
const { EventEmitter } = require('events');
const { performance } = require('perf_hooks');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Outbound } = require('./outbound');

const LOCK_KEY = 7210002; // pg_try_advisory_lock key of the leadership
// pg_advisory_lock(LINES_KEY, term): held by the leader of that term, on a session of its own, until
// its carrier has hung up. A new leader counts the lines of every earlier term still holding its
// lock as in use.
const LINES_KEY = 7210003;
// The terms whose lines lock is held now, in this database ($1: LINES_KEY).
const HELD_LINES_TERMS = `SELECT l.objid::bigint AS term FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = $1
  AND l.objsubid = 2 AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
const LINES_RECHECK_MS = 250;
const FORWARD_TIMEOUT_MS = 60000;
const EVENTS = ['dial', 'result', 'delivery'];

class ClusterNode extends EventEmitter {
  /**
   * @param {object} o  Outbound's options, with makeCarrier() instead of carrier, and
   * @param {number} [o.lease]  seconds (default 10): the longest a failover takes
   * @param {string} [o.nodeId]
   */
  constructor({ makeCarrier, firstCarrier = null, lease = 10, nodeId, ...outboundOptions }) {
    super();
    this.setMaxListeners(0);
    this.makeCarrier = makeCarrier;
    this.firstCarrier = firstCarrier; // created (and prepared) by createServer; each later replica gets a new one
    this.options = outboundOptions;
    this.store = outboundOptions.store;
    this.clock = outboundOptions.clock;
    this.capacity = outboundOptions.capacity ?? 10; // Outbound's default
    this.linesSession = null; // holds LINES_KEY of this node's term while it leads
    this.linesReserved = 0; // lines earlier leaders may still hold (see LINES_KEY)
    this.log = outboundOptions.log || (() => {});
    this.lease = lease;
    this.nodeId = nodeId || `${require('os').hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
    this.role = 'starting';
    this.current = null;
    this.session = null;
    this.stopped = false;
    this.waiting = new Map(); // inbox id -> {resolve, reject, timer}
    this.taken = new Set(); // inbox ids this leader applied or is applying
    this.answered = []; // of those, the ones whose answer is committed
    this.leaderships = 0;
    this.tags = 0;
    this.okWall = 0; // when the session last answered (the start of that query), by both clocks
    this.okMono = 0;
    this.store.leaseHeld = () => this.#leaseFresh();
  }

  get engine() {
    return this.current.engine;
  }
  get linesHistory() {
    return this.current.linesHistory;
  }
  get carrier() {
    return this.current.carrier;
  }
  get isLeader() {
    return this.role === 'leader';
  }

  async start() {
    await this.#follow();
    this.replayed = this.current.replayedAtLoad;
    await this.#connectSession();
    await this.#tryLead();
    this.timer = setInterval(() => this.#poll(), Math.min(1000, this.lease * 100));
    this.timer.unref();
    return { replayed: this.replayed };
  }

  // A follower's replica, loaded from the checkpoint and the log.
  async #follow() {
    const carrier = this.firstCarrier || this.makeCarrier();
    this.firstCarrier = null;
    // Each dial is placed only while the lease holds by this process's own clock.
    const o = new Outbound({ ...this.options, carrier, mayDial: () => this.current === o && this.#leaseCheck() });
    for (const e of EVENTS) o.on(e, (x) => this.emit(e, x));
    o.on('fatal', (err) => {
      this.emit('fatal', err);
      // A replica already replaced (abandoned, its commit failing late) says nothing of this one.
      if (this.current === o) this.#lost(`its commit failed (${err && err.message})`);
    });
    const { replayed } = await o.load({ follower: true });
    o.replayedAtLoad = replayed;
    this.current = o;
    this.role = 'follower';
  }

  async #connectSession() {
    // A session query that has no answer within the lease (a dead peer, no RST) fails; the
    // session is then given up (a lock try may have been granted without our hearing of it).
    const s = this.store.connect({ queryTimeoutMs: this.lease * 1000 });
    s.on('error', () => this.#sessionEnded(s));
    s.on('end', () => this.#sessionEnded(s));
    s.on('notification', (m) => this.#notified(m.channel));
    await s.connect();
    // PostgreSQL drops a silent session (and the lock) after 0.6 of the lease: later than the
    // leader gives up by itself (0.5), so the two never overlap.
    const idle = Math.max(1, Math.round(this.lease * 0.4));
    const interval = Math.max(1, Math.round(this.lease * 0.1));
    // A process that hangs (stopped, frozen) keeps its TCP connection up but sends no heartbeat:
    // PostgreSQL ends a session idle for 0.6 of the lease, which frees the lock for a follower
    // (the heartbeat and the followers' lock tries run every second).
    await s.query(`SET tcp_keepalives_idle = ${idle}; SET tcp_keepalives_interval = ${interval}; SET tcp_keepalives_count = 2; SET idle_session_timeout = ${Math.round(this.lease * 600)}`);
    await s.query('LISTEN fuse_log; LISTEN fuse_inbox; LISTEN fuse_answer; LISTEN fuse_admin');
    this.session = s;
    this.#renewLease();
  }

  // ---- the lease, by this process's own clock ----
  // The leader's session answered a heartbeat that began at (okWall, okMono). Once half the lease
  // has passed since then with no answer, the leader stops dialing and committing by itself:
  // PostgreSQL frees its lock only after 0.6 of the lease of silence, so it has stopped before
  // another node can take over. Measured on the wall clock and on the monotonic clock, whichever
  // says more: a frozen or suspended process, or a wall clock set back, does not stretch it.

  #renewLease(wall = Date.now(), mono = performance.now()) {
    this.okWall = wall;
    this.okMono = mono;
  }

  #leaseAge() {
    return Math.max(Date.now() - this.okWall, performance.now() - this.okMono);
  }

  /** Whether the lease still holds (no side effect: the store asks it before each transaction). */
  #leaseFresh() {
    return this.#leaseAge() <= this.lease * 500;
  }

  /** A leader whose lease ran out steps down at once, before any database answer. */
  #leaseCheck() {
    if (this.role !== 'leader') return false;
    if (this.#leaseFresh()) return true;
    this.#lost(`its lease ran out by its own clock (no heartbeat answer for ${Math.round(this.#leaseAge())} ms)`);
    return false;
  }

  #sessionEnded(s) {
    if (this.session !== s) return;
    this.session = null;
    s.removeAllListeners('notification');
    s.end().catch(() => {});
    if (this.role === 'leader' || this.role === 'promoting') this.#lost('its database session ended');
  }

  #notified(channel) {
    if (channel === 'fuse_log' && this.role === 'follower') this.#catchUp();
    else if (channel === 'fuse_inbox' && this.role === 'leader') this.#takeInbox();
    else if (channel === 'fuse_answer') this.#collectAnswers();
    else if (channel === 'fuse_admin') this.store.refreshDeployments().catch(() => {});
  }

  async #poll() {
    if (this.stopped) return;
    // First thing on every tick, even while a poll is still waiting: a leader whose lease ran out
    // (a thawed process runs this overdue timer at once) steps down without waiting for the
    // database. What an I/O callback may reach before it asks the same: each dial (mayDial) and
    // each transaction (store.leaseHeld).
    if (this.role === 'leader' && !this.#leaseCheck()) return;
    if (this.polling) return;
    this.polling = true;
    try {
      if (!this.session) {
        await this.#connectSession().catch((err) => this.log(`database session: ${err.message}`));
        return;
      }
      if (this.role === 'leader') {
        // The heartbeat: a leader whose session is silent for half the lease stops dialing.
        const wall = Date.now();
        const mono = performance.now();
        const s = this.session;
        const check = setTimeout(() => {
          if (this.session === s && this.role === 'leader' && !this.#leaseFresh()) {
            this.#lost('its database session has not answered for half the lease');
            s.end().catch(() => {});
          }
        }, this.lease * 500 + 1);
        try {
          await s.query('SELECT 1');
          if (this.session === s) this.#renewLease(wall, mono);
        } catch {}
        clearTimeout(check);
        if (this.role !== 'leader') return;
        this.#takeInbox();
        // Answers nobody collected (their node died while waiting) go after ten minutes.
        if (Date.now() - (this.swept || 0) > 60000) {
          this.swept = Date.now();
          this.store.query("DELETE FROM inbox WHERE answer IS NOT NULL AND created_at < now() - interval '10 minutes'").catch(() => {});
        }
      } else if (this.role === 'follower') {
        await this.#catchUp();
        await this.#tryLead();
      }
      if (this.waiting.size) await this.#collectAnswers();
    } finally {
      this.polling = false;
    }
  }

  #catchUp() {
    if (this.role !== 'follower') return Promise.resolve();
    const o = this.current;
    return o.catchUp().catch(async (err) => {
      if (err.code === 'FUSE_LOG_GAP' && this.current === o && this.role === 'follower') {
        this.log(`${err.message}: reloading from the checkpoint`);
        await this.#rebuild();
      } else if (!this.stopped) this.log(`following the log: ${err.message}`);
    });
  }

  async #rebuild() {
    const old = this.current;
    this.role = 'rebuilding';
    await old.abandon().catch(() => {});
    try {
      await this.#follow();
    } catch (err) {
      this.log(`reloading as a follower failed: ${err.message}; retrying`);
      this.current = old; // disposed: status reads answer from the store until the retry
      this.role = 'follower-broken';
      setTimeout(() => !this.stopped && this.#rebuild(), 1000).unref();
    }
  }

  async #tryLead() {
    if (this.role !== 'follower' || !this.session || this.stopped) return;
    let got = false;
    const s = this.session;
    try {
      const r = await s.query('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
      got = r.rows[0].ok;
    } catch (err) {
      // No answer in time: the lock may be ours without our knowing it; ending the session frees it.
      if (/timeout/i.test(err.message)) this.#sessionEnded(s);
      return;
    }
    if (!got) return;
    if (this.role !== 'follower' || this.stopped) {
      await this.session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
      return;
    }
    this.role = 'promoting';
    const session = this.session;
    try {
      // Waits for a commit of the old leader in progress (it holds the row FOR SHARE); every later
      // one of its commits fails on the new term.
      const r = await this.store.query('UPDATE leader SET term = term + 1, node = $1, since = now() WHERE id = 1 RETURNING term', [this.nodeId]);
      const term = Number(r.rows[0].term);
      const o = this.current;
      for (;;) {
        try {
          await o.catchUp();
          break;
        } catch (err) {
          if (err.code !== 'FUSE_LOG_GAP') throw err;
          await this.#rebuild();
          return this.#leadLater(session);
        }
      }
      if (this.role !== 'promoting' || this.session !== session) return;
      const left = o.inflight.size;
      // Before anything is committed (and so dialed) in this term. An earlier leader still holding
      // its lines lock may hold as many lines as its engine could use: besides the attempts the log
      // shows in flight, those whose hangup it committed but has not carried out (a starved process).
      const reserved = await this.#holdLines(term, Math.max(left, o.engine.stats().capacity));
      if (this.role !== 'promoting' || this.session !== session) return this.#releaseLines();
      const stored = Number(await this.store.getMeta('clock'));
      if (this.role !== 'promoting' || this.session !== session) return this.#releaseLines();
      this.clock.atLeast(Math.max(stored || 0, o.engine.now() ?? 0));
      this.store.term = term;
      this.role = 'leader';
      this.leaderships++;
      this.#renewLease();
      this.linesReserved = reserved;
      o.capacity = Math.max(0, this.capacity - reserved); // run() gives it to the engine (journaled)
      await o.run();
      this.log(`leader (term ${term}): closed ${left} attempts left in flight by the previous leader${reserved ? `; up to ${reserved} lines held by an earlier leader that has not hung up yet (frozen or cut off) count as in use until it has` : ''}`);
      if (reserved) this.#recheckLines(term, o);
      this.emit('leader', { term });
      this.#takeInbox();
    } catch (err) {
      this.log(`taking over failed: ${err.message}`);
      this.#lost(`taking over failed (${err.message})`);
    }
  }

  // ---- lines earlier leaders may still hold ----

  /** Takes this term's lines lock; answers how many lines earlier terms may still hold (`bound`: each, unless known). */
  async #holdLines(term, bound) {
    const s = this.store.connect({ queryTimeoutMs: this.lease * 1000 });
    const ended = () => {
      if (this.linesSession !== s) return;
      this.linesSession = null;
      s.end().catch(() => {});
      if (this.role === 'leader' || this.role === 'promoting') this.#lost('its lines session ended');
    };
    s.on('error', ended);
    s.on('end', ended);
    try {
      await s.connect();
      // No idle timeout: a frozen process keeps it (its kernel answers the keepalives); a dead one's
      // connection is closed by its kernel, or found dead by these keepalives within about the lease.
      const idle = Math.max(1, Math.round(this.lease * 0.5));
      await s.query(`SET tcp_keepalives_idle = ${idle}; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3`);
      await s.query('SELECT pg_advisory_lock($1, $2)', [LINES_KEY, term]);
    } catch (err) {
      s.end().catch(() => {});
      throw err;
    }
    // Given up meanwhile: a lock left held would keep those lines from every later leader.
    if (this.role !== 'promoting' || this.stopped) {
      s.end().catch(() => {});
      return 0;
    }
    this.#releaseLines();
    this.linesSession = s;
    // Each earlier term still holding its lock gets `bound`, unless the first leader after it
    // wrote its row already (nothing of that term has changed since).
    await this.store.query(
      `INSERT INTO line_holds (term, lines) SELECT held.term, $3 FROM (${HELD_LINES_TERMS}) held WHERE held.term < $2
       ON CONFLICT (term) DO NOTHING`,
      [LINES_KEY, term, bound],
    );
    return this.#linesHeldBefore(term);
  }

  async #linesHeldBefore(term) {
    // A term whose lock is gone holds nothing, ever again (it takes the lock before it commits):
    // its row goes in the same statement.
    const r = await this.store.query(
      `WITH held AS (${HELD_LINES_TERMS}),
         gone AS (DELETE FROM line_holds WHERE term < $2 AND term NOT IN (SELECT term FROM held))
       SELECT COALESCE(sum(lines), 0)::bigint AS n FROM line_holds WHERE term < $2 AND term IN (SELECT term FROM held)`,
      [LINES_KEY, term],
    );
    return Number(r.rows[0].n);
  }

  // While earlier leaders may hold lines: the lines come back to the engine as their locks go.
  #recheckLines(term, o) {
    const timer = setTimeout(async () => {
      if (this.stopped || this.role !== 'leader' || this.current !== o) return;
      let n = this.linesReserved;
      try {
        n = await this.#linesHeldBefore(term);
      } catch (err) {
        this.log(`lines held by earlier leaders: ${err.message}`);
      }
      if (this.stopped || this.role !== 'leader' || this.current !== o) return;
      if (n < this.linesReserved) {
        this.linesReserved = n;
        if (this.#leaseCheck()) o.setCapacity(Math.max(0, this.capacity - n));
        if (n === 0) this.log(`leader (term ${term}): the earlier leaders' lines are free; dialing on all ${this.capacity}`);
      }
      if (this.linesReserved) this.#recheckLines(term, o);
    }, LINES_RECHECK_MS);
    timer.unref();
  }

  /** After the carrier has hung up: other nodes may use this node's lines. */
  #releaseLines() {
    const s = this.linesSession;
    this.linesSession = null;
    this.linesReserved = 0;
    if (s) s.end().catch(() => {});
  }

  #leadLater(session) {
    // After a rebuild the lock is still ours: the next poll promotes (role follower again).
    if (this.session === session) session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
  }

  // The leadership is gone (or doubtful): stop dialing at once, then follow again from the store.
  #lost(why) {
    if (this.stopped) return;
    if (this.role !== 'leader' && this.role !== 'promoting') return;
    this.log(`no longer the leader: ${why}; following again`);
    this.store.term = null; // commits fail from now on
    this.role = 'demoting';
    const old = this.current;
    const abandoned = old.abandon(); // synchronously: carrier closed, timers stopped, nothing more dialed
    this.taken.clear();
    this.answered = [];
    if (this.session) {
      const s = this.session;
      this.session = null;
      s.end().catch(() => {});
    }
    this.emit('follower', { why });
    (async () => {
      await old.hungUp; // the lines are free: before the deliveries and a checkpoint have stopped
      this.#releaseLines();
      await abandoned.catch(() => {});
      if (this.stopped) return;
      try {
        await this.#follow();
      } catch (err) {
        this.log(`reloading as a follower failed: ${err.message}`);
        this.role = 'follower-broken';
        setTimeout(() => !this.stopped && this.#rebuild(), 1000).unref();
      }
    })();
  }

  // ---- the inbox: writes taken by followers, applied here in id order ----

  // A notification that arrives while a pass is running asks for one more pass (none is lost).
  async #takeInbox() {
    if (this.role !== 'leader' || this.stopped) return;
    if (this.takingInbox) {
      this.inboxAgain = true;
      return;
    }
    this.takingInbox = true;
    try {
      do {
        this.inboxAgain = false;
        await this.#takeInboxOnce();
      } while (this.inboxAgain && this.role === 'leader');
    } finally {
      this.takingInbox = false;
    }
  }

  async #takeInboxOnce() {
    const o = this.current;
    try {
      // A request stays `taken` until a read that began after its answer's commit: an earlier
      // snapshot still shows it unanswered, and it must not be applied twice.
      const answered = this.answered;
      this.answered = [];
      const r = await this.store.query('SELECT id, op FROM inbox WHERE answer IS NULL ORDER BY id LIMIT 1000');
      for (const id of answered) this.taken.delete(id);
      for (const row of r.rows) {
        const id = Number(row.id);
        if (this.taken.has(id)) continue;
        if (this.role !== 'leader' || this.current !== o) return;
        this.taken.add(id);
        const op = JSON.parse(row.op);
        let done;
        try {
          if (op.d !== undefined) await this.store.ensureDeployment(op.d);
          if (op.k === 'csv') await this.store.fetchUpload(op.f);
          if (this.role !== 'leader' || this.current !== o) return;
          if (op.k === 'queue') done = o.queue(op.d, op.p, id);
          else if (op.k === 'csv') done = o.bulkQueue(op.d, op.p, op.o, path.join(this.store.uploadDir(), op.f), id);
          else if (op.k === 'cancel') done = o.cancel(op.d, id);
          else if (op.k === 'suppress') done = o.suppress(op.a, op.p, op.on, id);
          else throw new Error(`unknown request ${op.k}`);
        } catch (err) {
          this.log(`forwarded request ${id}: ${err.message}`);
          this.taken.delete(id);
          continue;
        }
        done.catch(() => {}); // a failed commit: the leader steps down (and forgets `taken`)
        o.journal.committed().then(() => this.answered.push(id), () => {});
      }
    } catch (err) {
      if (!this.stopped) this.log(`reading the inbox: ${err.message}`);
    }
  }

  // Requests taken while an insert is being committed share the next one (group commit).
  #sendToInbox(op) {
    return new Promise((resolve, reject) => {
      (this.outbox ||= []).push({ op: JSON.stringify(op), tag: String(++this.tags), resolve, reject });
      if (!this.sending) {
        this.sending = true;
        setImmediate(() => this.#flushOutbox());
      }
    });
  }

  async #flushOutbox() {
    while (this.outbox && this.outbox.length) {
      const batch = this.outbox;
      this.outbox = [];
      try {
        const r = await this.store.query(
          "WITH i AS (INSERT INTO inbox (node, op, tag) SELECT $1, o, t FROM unnest($2::text[], $3::text[]) AS x(o, t) RETURNING id, tag) SELECT id, tag, pg_notify('fuse_inbox', '') FROM i",
          [this.nodeId, batch.map((b) => b.op), batch.map((b) => b.tag)],
        );
        const ids = new Map(r.rows.map((row) => [row.tag, Number(row.id)]));
        for (const b of batch) b.resolve(ids.get(b.tag));
      } catch (err) {
        for (const b of batch) b.reject(Object.assign(err, { statusCode: 503 }));
      }
    }
    this.sending = false;
  }

  async #forward(op) {
    const id = await this.#sendToInbox(op);
    const answer = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#withdraw(id), FORWARD_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
    });
    // Read-your-writes on this node: its replica has applied the entry before the answer.
    await this.#applied(answer.seq);
    return JSON.parse(answer.answer);
  }

  async #withdraw(id) {
    const w = this.waiting.get(id);
    if (!w) return;
    const r = await this.store.query('DELETE FROM inbox WHERE id = $1 AND answer IS NULL', [id]).catch(() => ({ rowCount: 0 }));
    if (r.rowCount === 1) {
      this.waiting.delete(id);
      w.reject(Object.assign(new Error('no leader answered in time; the request was not applied'), { statusCode: 503 }));
    } else {
      await this.#collectAnswers();
    }
  }

  async #collectAnswers() {
    if (!this.waiting.size) return;
    if (this.collecting) {
      this.collectAgain = true;
      return;
    }
    this.collecting = true;
    try {
      do {
        this.collectAgain = false;
        await this.#collectAnswersOnce();
      } while (this.collectAgain && this.waiting.size);
    } finally {
      this.collecting = false;
    }
  }

  async #collectAnswersOnce() {
    try {
      const ids = [...this.waiting.keys()];
      const r = await this.store.query('DELETE FROM inbox WHERE id = ANY($1::bigint[]) AND answer IS NOT NULL RETURNING id, answer, seq', [ids]);
      for (const row of r.rows) {
        const w = this.waiting.get(Number(row.id));
        if (!w) continue;
        this.waiting.delete(Number(row.id));
        clearTimeout(w.timer);
        w.resolve({ answer: row.answer, seq: Number(row.seq) });
      }
    } catch (err) {
      if (!this.stopped) this.log(`reading answers: ${err.message}`);
    }
  }

  async #applied(seq) {
    for (let i = 0; i < 600 && this.current.journal.seq < seq; i++) {
      if (this.role === 'follower') await this.#catchUp();
      if (this.current.journal.seq < seq) await new Promise((r) => setTimeout(r, 50));
    }
  }

  // ---- what the HTTP layer calls (Outbound's methods) ----

  queue(deploymentId, params) {
    if (this.#leaseCheck()) return this.current.queue(deploymentId, params);
    return this.#forward({ k: 'queue', d: deploymentId, p: params });
  }

  async bulkQueue(deploymentId, params, options, file) {
    await this.store.saveUpload(file);
    if (this.#leaseCheck()) {
      const result = await this.current.bulkQueue(deploymentId, params, options, file);
      if (result.firstCallId === null) await this.store.deleteUpload(path.basename(file)).catch(() => {});
      return result;
    }
    fs.rmSync(file, { force: true });
    const result = await this.#forward({ k: 'csv', d: deploymentId, p: params, o: options, f: path.basename(file) });
    if (result.firstCallId === null) await this.store.deleteUpload(path.basename(file)).catch(() => {});
    return result;
  }

  cancel(deploymentId) {
    if (this.#leaseCheck()) return this.current.cancel(deploymentId);
    return this.#forward({ k: 'cancel', d: deploymentId });
  }

  /** SPEC 14: the account's suppression list (a write: the leader's, forwarded from a follower). */
  suppress(accountId, number, on) {
    if (this.role === 'leader') return this.current.suppress(accountId, number, on);
    return this.#forward({ k: 'suppress', a: accountId, p: number, on });
  }

  async isSuppressed(accountId, number) {
    await this.#settled();
    return this.current.isSuppressed(accountId, number);
  }

  // Between two replicas (a leader stepping down, a follower reloading): wait for the next one.
  async #settled() {
    for (let i = 0; i < 600 && !this.stopped && !['leader', 'follower', 'promoting'].includes(this.role); i++) await new Promise((r) => setTimeout(r, 50));
  }

  async status(callId) {
    await this.#settled();
    const s = await this.current.status(callId);
    if (s || this.role !== 'follower') return s;
    // Not known here yet: another node may have just acknowledged it. Read to the log's end.
    await this.#catchUp();
    return this.current.status(callId);
  }

  deliveries(callId) {
    return this.store.delivery(Number(callId));
  }

  deploymentCounts() {
    return this.current.deploymentCounts();
  }

  report(callId, event, at, reason, attempt) {
    if (this.role === 'leader') this.current.report(callId, event, at, reason, attempt);
  }

  /** Leader: finishes what is in flight and writes a checkpoint; then leaves the cluster. */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(Object.assign(new Error('the node is stopping'), { statusCode: 503 }));
    }
    this.waiting.clear();
    if (this.role === 'leader') await this.current.stop().catch((err) => this.log(`stopping: ${err.message}`));
    else await this.current.abandon().catch(() => {});
    this.#releaseLines();
    this.store.term = null;
    if (this.session) {
      const s = this.session;
      this.session = null;
      await s.end().catch(() => {});
    }
  }
}

module.exports = { ClusterNode, LOCK_KEY };

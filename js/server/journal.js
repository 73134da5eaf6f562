'use strict';
// Group commit (SPEC 9). Everything the outbound system must keep (the engine's inputs, call
// ranges, results, delivery state) is appended to the open batch; one flush per turn of the event
// loop writes the batch in one transaction, then runs what waited for it: HTTP answers (a success
// is sent only after what it acknowledges is committed) and side effects (a dial is placed only
// after the engine step that chose it is on disk, so a restart never dials an attempt twice).
// Requests arriving while a batch is being written share the next one. Bookkeeping that nobody
// waits for (a delivery try's record: losing it in a crash only means one more try) is added with
// `lazy`: it rides with the next commit, or one at most LAZY_MS later, so that a stream of
// deliveries costs one fsync per few hundred tries, not one per turn of the event loop.
const LAZY_MS = 10;

function newBatch() {
  return { log: [], ranges: [], results: [], deliveries: [], deliveryUpdates: [], tries: [], meta: [], answers: [], suppressions: [], policies: [], after: [], size: 0 };
}

class Journal {
  /**
   * @param {object} store  commit(batch) (sync or async)
   * @param {(batch) => void} beforeCommit  last additions to a batch (e.g. the clock)
   * @param {() => void} afterCommit  runs after each commit (checkpoints)
   * @param {(err) => void} onFatal  a failed commit: the in-memory state is ahead of the disk
   */
  constructor({ store, seq = 0, beforeCommit = () => {}, afterCommit = () => {}, onFatal }) {
    this.store = store;
    this.seq = seq;
    this.batch = newBatch();
    this.beforeCommit = beforeCommit;
    this.afterCommitHook = afterCommit;
    this.onFatal = onFatal;
    this.flushing = null;
    this.scheduled = false;
    this.lazyTimer = null;
    this.commits = 0;
    this.syncNext = false;
  }

  /** Appends an engine input; returns its sequence number. */
  log(op) {
    const seq = ++this.seq;
    this.batch.log.push({ seq, op: JSON.stringify(op) });
    this.batch.size++;
    this.#schedule();
    return seq;
  }
  add(kind, row) {
    this.batch[kind].push(row);
    this.batch.size++;
    this.#schedule();
  }
  /** Like add(), for rows nobody waits for: committed with the next batch, at most LAZY_MS later. */
  lazy(kind, row) {
    this.batch[kind].push(row);
    this.batch.size++;
    this.#scheduleLazy();
  }
  #scheduleLazy() {
    if (this.scheduled || this.lazyTimer) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = null;
      this.#schedule();
    }, LAZY_MS);
    this.lazyTimer.unref();
  }
  /** Runs `fn` once everything appended so far is committed. */
  afterCommit(fn) {
    this.batch.after.push(fn);
    this.#schedule();
  }
  /** A promise for the commit of everything appended so far. */
  committed() {
    return new Promise((resolve, reject) => this.afterCommit((err) => (err ? reject(err) : resolve())));
  }
  get idle() {
    return !this.flushing && this.batch.size === 0 && this.batch.after.length === 0;
  }
  /** Resolves when nothing is waiting to be written. */
  async drain() {
    while (!this.idle) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  #schedule() {
    this.batch.eager = true;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.flushing) this.flush();
      else this.flushing.then(() => this.#schedule());
    });
  }

  flush() {
    if (this.flushing) return this.flushing;
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = null;
    }
    const batch = this.batch;
    if (batch.size === 0 && batch.after.length === 0) return Promise.resolve();
    this.batch = newBatch();
    this.beforeCommit(batch);
    const done = (err) => {
      this.flushing = null;
      if (err) {
        this.onFatal(err);
        for (const fn of batch.after) fn(err);
        return;
      }
      this.commits++;
      this.afterCommitHook();
      for (const fn of batch.after) {
        try {
          fn(null);
        } catch (e) {
          this.onFatal(e);
        }
      }
      if (this.batch.eager || this.batch.after.length) this.#schedule();
      else if (this.batch.size) this.#scheduleLazy();
    };
    let result;
    try {
      // syncNext: this one on this thread, done when commit() returns (a checkpoint waits for it).
      const sync = this.syncNext;
      this.syncNext = false;
      result = batch.size ? this.store.commit(batch, sync) : undefined;
    } catch (err) {
      this.flushing = Promise.resolve();
      done(err);
      return Promise.resolve();
    }
    if (result && typeof result.then === 'function') {
      this.flushing = result.then(() => done(null), (err) => done(err));
      return this.flushing;
    }
    this.flushing = Promise.resolve();
    done(null);
    return Promise.resolve();
  }
}

module.exports = { Journal };

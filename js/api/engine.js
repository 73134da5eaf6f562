'use strict';
// The queue engine (SPEC 5) and buildResultPayload over a backend (see js/api/index.js). The engine
// lives in the core (backend.EngineCore); this module checks argument types, fills `now`, turns the
// core's answers into objects and throws the errors the core returns.
const { expectString, describe, expectObject, wellFormed, unixNow, track, release, coreError } = require('./common');
const { paramsJson } = require('./validation');
const { Utf8Pieces, expectOptionTypes, isCsvInput } = require('./csv');

// The Float64Array the core writes packed actions' numbers into: its first size, and the largest
// kept after a call (a batch of ~25,000 actions; a larger one gets an array of its own).
const NUMBERS_INITIAL = 64; // grows on demand: a small engine stays small (wasm: thousands may share one heap)
const NUMBERS_KEPT = 1 << 18;

// enqueueCsv's options and their types (their values are the core's to judge).
const ENQUEUE_CSV_OPTION_TYPES = { strict: 'boolean', maxRows: 'number', partial: 'boolean', maxProblems: 'number', sizeHint: 'number', queueAsRead: 'boolean' };

function expectNumber(value, what) {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of Unix seconds, got ${describe(value)}`);
}

// A copy of a string that does not keep the text it was sliced from alive (V8 flattens the
// concatenation into a new string before slicing it).
function detached(s) {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/**
 * The action objects from packed actions (core/bridge/include/fuse/bridge_engine.hpp, PackedActions):
 * `numbers` holds the records, `text` their strings one after the other; `names` are the
 * deployment names this engine's core has sent so far (the new ones are appended here).
 */
function readActions(text, numbers, names, events, statuses) {
  const count = numbers[0];
  if (count < 0) throw coreError(text);
  const actions = [];
  if (count === 0) return actions;
  let k = 2;
  let at = 0;
  let end = 0;
  for (let n = numbers[1]; n > 0; n--) {
    end = at + numbers[k++];
    names.push(detached(text.slice(at, end)));
    at = end;
  }
  for (let i = 0; i < count; i++) {
    const type = numbers[k];
    if (type === 0) {
      end = at + numbers[k + 5];
      const phoneNumber = text.slice(at, end);
      at = end;
      end = at + numbers[k + 6];
      const uri = text.slice(at, end);
      at = end;
      end = at + numbers[k + 7];
      const e164 = text.slice(at, end);
      at = end;
      let ani = null;
      if (numbers[k + 8] >= 0) {
        end = at + numbers[k + 8];
        ani = text.slice(at, end);
        at = end;
      }
      let postd = null;
      if (numbers[k + 9] >= 0) {
        end = at + numbers[k + 9];
        postd = text.slice(at, end);
        at = end;
      }
      actions.push({
        type: 'dial',
        callId: String(numbers[k + 1]),
        deployment: names[numbers[k + 2]],
        phoneNumber,
        uri,
        e164,
        ani,
        postd,
        attempt: numbers[k + 3],
        timestamp: numbers[k + 4],
      });
      k += 10;
    } else if (type === 1) {
      actions.push({ type: 'hangup', callId: String(numbers[k + 1]), reason: events[numbers[k + 2]], timestamp: numbers[k + 3] });
      k += 4;
    } else {
      let resultUrl = null;
      if (numbers[k + 3] >= 0) {
        end = at + numbers[k + 3];
        resultUrl = text.slice(at, end);
        at = end;
      }
      end = at + numbers[k + 4];
      const payload = text.slice(at, end);
      at = end;
      actions.push({ type: 'result', callId: String(numbers[k + 1]), status: statuses[numbers[k + 2]], resultUrl, payload });
      k += 5;
    }
  }
  return actions;
}

// enqueueCsv's queued ids: the core gives the first and how many; they are consecutive numbers.
function callIdsOf({ first, count }) {
  const ids = [];
  for (let i = 0; i < count; i++) ids.push(String(first + i));
  return ids;
}

// result.callIds, built when first read: a million-row upload need not make a million strings
// for a caller that reads firstCallId and lastCallId only (the service).
function defineCallIds(result, range) {
  let ids = null;
  Object.defineProperty(result, 'callIds', {
    enumerable: true,
    configurable: true,
    get() {
      if (ids === null) ids = callIdsOf(range);
      return ids;
    },
    set(value) {
      ids = value;
    },
  });
}

function engineApi(backend) {
  let adopting = null; // an EngineCore restored by Engine.restore, handed to the constructor
  // CallEvent and CallStatus names in the core's enum order: packed actions and report() use the values.
  const { events, statuses } = JSON.parse(backend.engineVocabulary());
  const eventValues = new Map(events.map((name, value) => [name, value]));

  class Engine {
    #core;
    #numbers = new Float64Array(NUMBERS_INITIAL); // packed actions' numbers (the core writes them here)
    #names = []; // deployment names the core has sent with packed actions
    #uploading = false; // a createCsvEnqueuer upload is open

    /**
     * @param {{capacity: number, ringTimeout?: number, dialRate?: number|null}} options  capacity: concurrent
     *   lines across all deployments; ringTimeout: seconds of ringing before the engine raises noanswer
     *   (default 45); dialRate: dials per second across all deployments (SPEC 14; fractions allowed).
     */
    constructor(options) {
      if (adopting) {
        this.#core = track(this, adopting);
        adopting = null;
        this.#core.bindOutput(this.#numbers);
        return;
      }
      expectObject(options, 'new Engine(options): options');
      if (typeof options.capacity !== 'number') {
        throw new TypeError(`new Engine(options): options.capacity must be a number, got ${describe(options.capacity)}`);
      }
      if (options.ringTimeout !== undefined && typeof options.ringTimeout !== 'number') {
        throw new TypeError(`new Engine(options): options.ringTimeout must be a number, got ${describe(options.ringTimeout)}`);
      }
      if (options.dialRate != null && typeof options.dialRate !== 'number') {
        throw new TypeError(`new Engine(options): options.dialRate must be a number of dials per second or null, got ${describe(options.dialRate)}`);
      }
      const core = new backend.EngineCore();
      const error = core.configure(paramsJson(options));
      if (error) {
        if (typeof core.delete === 'function') core.delete();
        throw coreError(error);
      }
      this.#core = track(this, core);
      core.bindOutput(this.#numbers);
    }

    /** An engine that behaves exactly as the one that wrote `snapshot` (see snapshot()). */
    static restore(snapshot) {
      expectString(snapshot, 'Engine.restore(snapshot): snapshot');
      const core = new backend.EngineCore();
      const error = core.restore(snapshot);
      if (error) {
        if (typeof core.delete === 'function') core.delete();
        throw coreError(error);
      }
      adopting = core;
      return new Engine();
    }

    #live() {
      if (!this.#core) {
        const err = new Error('This Engine has been disposed.');
        err.code = 'ERR_ENGINE_DISPOSED';
        throw err;
      }
      return this.#core;
    }

    /**
     * Validates `params` (SPEC 3, as validateQueueRequest) and queues the call in `deployment`.
     * @returns {{ok: boolean, callId?: string, errors: object[], warnings: object[]}}
     */
    enqueue(deployment, params, now = unixNow(), options = {}) {
      expectObject(params, 'engine.enqueue(deployment, params, now): params');
      return this.#enqueueText('engine.enqueue(deployment, params, now, options)', deployment, () => paramsJson(params), now, options);
    }

    /**
     * enqueue() for parameters given as the JSON text of their object (a request body as it came):
     * the text crosses to the core as it is, unparsed here. The core reads JSON strictly: a key
     * given twice is refused (JSON.parse would keep the last).
     */
    enqueueJson(deployment, paramsText, now = unixNow(), options = {}) {
      expectString(paramsText, 'engine.enqueueJson(deployment, paramsText, now): paramsText');
      return this.#enqueueText('engine.enqueueJson(deployment, paramsText, now, options)', deployment, () => wellFormed(paramsText), now, options);
    }

    #enqueueText(fn, deployment, text, now, options) {
      expectString(deployment, `${fn}: deployment`);
      expectNumber(now, `${fn}: now`);
      expectObject(options, `${fn}: options`);
      const { strict = false } = options;
      if (typeof strict !== 'boolean') throw new TypeError(`${fn}: options.strict must be a boolean, got ${describe(strict)}`);
      return JSON.parse(this.#live().enqueue(wellFormed(deployment), text(), now, strict));
    }

    /**
     * Validates a bulk_queue upload (as validateCsv) and queues its rows in `deployment`, all or
     * none (with options.partial: the valid rows), sharing `params` (start_timestamp,
     * end_timestamp, max_attempts, reattempt_wait, result_url, is_pci).
     * @returns validateCsv's result plus {firstCallId, lastCallId, callIds} (null, null, [] when
     *   nothing was queued); the ids are the queued rows', in row order.
     */
    enqueueCsv(deployment, csv, params = {}, now = unixNow(), options = {}) {
      const fn = 'engine.enqueueCsv(deployment, csv, params, now, options)';
      const upload = this.#beginCsv(fn, deployment, params, now, options, () => {
        if (!isCsvInput(csv)) throw new TypeError(`${fn}: csv must be a string, Uint8Array or ArrayBuffer, got ${describe(csv)}`);
      });
      try {
        upload.push(csv);
      } catch (err) {
        upload.abort();
        throw err;
      }
      return upload.finish();
    }

    /**
     * enqueueCsv in pieces, for uploads that arrive (or are read) in chunks: push(chunk) any number
     * of times (strings, Uint8Array or ArrayBuffer; a UTF-8 sequence may be split between chunks),
     * then finish() for enqueueCsv's result, or abort() to drop the upload. Memory is bounded by
     * the chunk and the problems kept, not by the file. Nothing is queued before finish(), and the
     * engine accepts no other input until the upload ends.
     */
    createCsvEnqueuer(deployment, params = {}, now = unixNow(), options = {}) {
      return this.#beginCsv('engine.createCsvEnqueuer(deployment, params, now, options)', deployment, params, now, options);
    }

    // checkCsv: enqueueCsv's check of its csv argument, in the order of the arguments.
    #beginCsv(fn, deployment, params, now, options, checkCsv = () => {}) {
      expectString(deployment, `${fn}: deployment`);
      checkCsv();
      expectObject(params, `${fn}: params`);
      expectNumber(now, `${fn}: now`);
      expectObject(options, `${fn}: options`);
      expectOptionTypes(options, fn, ENQUEUE_CSV_OPTION_TYPES);
      const core = this.#live();
      if (this.#uploading) {
        const err = new Error(`${fn}: another CSV upload into this engine has not finished; finish() or abort() it first.`);
        err.code = 'ERR_UPLOAD_IN_PROGRESS';
        throw err;
      }
      core.csvBegin(wellFormed(deployment), paramsJson(params), paramsJson(options), now);
      this.#uploading = true;
      const pieces = new Utf8Pieces((bytes) => core.csvPush(bytes));
      let open = true;
      const check = (what) => {
        if (!open) throw new Error(`${fn}: ${what} after the upload ended.`);
      };
      const end = () => {
        open = false;
        this.#uploading = false;
      };
      return {
        push: (chunk) => {
          check('push()');
          if (!isCsvInput(chunk)) throw new TypeError(`${fn}: push(chunk): chunk must be a string, Uint8Array or ArrayBuffer, got ${describe(chunk)}`);
          pieces.push(chunk);
        },
        finish: () => {
          check('finish()');
          let text;
          try {
            pieces.end();
            text = core.csvFinish();
          } catch (err) {
            core.csvAbort();
            throw err;
          } finally {
            end();
          }
          if (text.startsWith('{"error"')) throw coreError(text);
          const result = JSON.parse(text);
          defineCallIds(result, result.callIds);
          return result;
        },
        abort: () => {
          if (!open) return;
          end();
          core.csvAbort();
        },
      };
    }
    #actions(text) {
      let numbers = this.#numbers;
      if (numbers[0] <= -2) {
        // They did not fit (-2 - count): the one place the array grows, for both builds.
        numbers = this.#numbers = new Float64Array(Math.max(-2 - numbers[0], 2 * numbers.length));
        this.#core.bindOutput(numbers);
        this.#core.copyOutput();
      }
      const actions = readActions(text, numbers, this.#names, events, statuses);
      if (numbers.length > NUMBERS_KEPT) {
        // A rare huge batch does not keep its memory.
        this.#numbers = new Float64Array(NUMBERS_INITIAL);
        this.#core.bindOutput(this.#numbers);
      }
      return actions;
    }

    /** Processes everything due at or before `now`, then dials while lines are free. @returns actions */
    advance(now = unixNow()) {
      expectNumber(now, 'engine.advance(now): now');
      return this.#actions(this.#live().advance(now));
    }

    /**
     * A carrier outcome: connected, disconnected, busy, noanswer, informationtone or rejected
     * (with `reason`, the carrier's answer, e.g. "503 Service Unavailable"). @returns actions
     */
    report(callId, event, now = unixNow(), reason = undefined) {
      expectString(callId, 'engine.report(callId, event, now, reason?): callId');
      expectString(event, 'engine.report(callId, event, now, reason?): event');
      expectNumber(now, 'engine.report(callId, event, now, reason?): now');
      if (reason !== undefined && reason !== null) expectString(reason, 'engine.report(callId, event, now, reason?): reason');
      // No reason crosses as undefined: the addon then reads no string (every report but rejected).
      const why = reason == null ? undefined : wellFormed(reason);
      const core = this.#live();
      const value = eventValues.get(event);
      // An unknown name goes to the core as it is, for its message.
      const text = value === undefined ? core.reportNamed(wellFormed(callId), wellFormed(event), now, why) : core.report(wellFormed(callId), value, now, why);
      return this.#actions(text);
    }

    /** Cancels the deployment's queued and waiting calls (dialing and connected ones continue). @returns actions */
    cancelDeployment(deployment, now = unixNow()) {
      expectString(deployment, 'engine.cancelDeployment(deployment, now): deployment');
      expectNumber(now, 'engine.cancelDeployment(deployment, now): now');
      return this.#actions(this.#live().cancelDeployment(wellFormed(deployment), now));
    }

    /** The call's call_details (SPEC 5) as of now, or null for an unknown id. */
    get(callId) {
      expectString(callId, 'engine.get(callId): callId');
      return JSON.parse(this.#live().get(wellFormed(callId)));
    }

    /** Counts; with {perDeployment: true} also `byDeployment` (creation order). */
    stats(options = {}) {
      expectObject(options, 'engine.stats(options): options');
      const { perDeployment = false } = options;
      if (typeof perDeployment !== 'boolean') {
        throw new TypeError(`engine.stats: options.perDeployment must be a boolean, got ${describe(perDeployment)}`);
      }
      return JSON.parse(this.#live().stats(perDeployment));
    }

    /** When to call advance() next (Unix seconds), or null when nothing is pending. */
    nextWakeup() {
      return this.#live().nextWakeup();
    }

    /** The engine's time: the latest time an accepted input carried (Unix seconds), or null before the first. */
    now() {
      return this.#live().now();
    }

    /** Changes the number of lines; lowering it hangs nothing up. */
    setCapacity(capacity) {
      if (typeof capacity !== 'number') throw new TypeError(`engine.setCapacity(capacity): capacity must be a number, got ${describe(capacity)}`);
      const error = this.#live().setCapacity(capacity);
      if (error) throw coreError(error);
    }

    /** Changes the pacing: dials per second across all deployments (fractions allowed), or null for no limit. */
    setDialRate(rate) {
      if (rate !== null && typeof rate !== 'number') {
        throw new TypeError(`engine.setDialRate(rate): rate must be a number of dials per second or null, got ${describe(rate)}`);
      }
      if (rate === 0) throw new RangeError('engine.setDialRate(rate): a rate of 0 would never dial; give null for no limit, or setCapacity(0) to pause.');
      const error = this.#live().setDialRate(rate === null ? 0 : rate);
      if (error) throw coreError(error);
    }

    /**
     * A deployment's dial-time policy (SPEC 14), created if new: {weight?, callingHours?,
     * suppressionList?}; keys not given keep their value, callingHours null clears it.
     * @returns the policy now in force
     */
    setDeployment(deployment, policy) {
      expectString(deployment, 'engine.setDeployment(deployment, policy): deployment');
      expectObject(policy, 'engine.setDeployment(deployment, policy): policy');
      const core = this.#live();
      const error = core.setDeployment(wellFormed(deployment), paramsJson(policy));
      if (error) throw coreError(error);
      return JSON.parse(core.deploymentPolicy(wellFormed(deployment)));
    }

    /** The deployment's policy ({weight: 1, callingHours: null, suppressionList: null} when never set). */
    deploymentPolicy(deployment) {
      expectString(deployment, 'engine.deploymentPolicy(deployment): deployment');
      return JSON.parse(this.#live().deploymentPolicy(wellFormed(deployment)));
    }

    #suppression(op, fn, number, list) {
      expectString(number, `engine.${fn}(number, list?): number`);
      if (list !== undefined && list !== null) expectString(list, `engine.${fn}(number, list?): list`);
      const text = this.#live().suppression(op, list == null ? '' : wellFormed(list), wellFormed(number));
      if (text.startsWith('{')) throw coreError(text);
      return text === 'true';
    }

    /**
     * Suppresses a number (any accepted form; kept as E.164) in `list` (default: the engine-wide
     * list every call is checked against; a named list applies to deployments whose policy names
     * it). A suppressed call is canceled when it comes up to dial (event `suppressed`).
     * @returns whether it was added (false: already there)
     */
    suppress(number, list) {
      return this.#suppression(0, 'suppress', number, list);
    }

    /** @returns whether it was removed (false: it was not suppressed) */
    unsuppress(number, list) {
      return this.#suppression(1, 'unsuppress', number, list);
    }

    isSuppressed(number, list) {
      return this.#suppression(2, 'isSuppressed', number, list);
    }

    /**
     * Drops the final calls (completed, failed, canceled) so that memory holds only live ones; get()
     * and stats() forget them, every other call keeps its id and behaviour, and new calls number on
     * after the highest id ever given (also after snapshot/restore). @returns how many were dropped
     */
    compact() {
      return this.#live().compact();
    }

    /** The entire state as JSON text, for Engine.restore(). */
    snapshot() {
      return this.#live().snapshot();
    }

    /** Frees the engine's memory now (it is also freed when the Engine is garbage-collected). */
    dispose() {
      const core = this.#core;
      if (!core) return;
      this.#core = null;
      core.dispose();
      release(this, core);
    }

    /** `using engine = new Engine(...)` disposes it at the end of the block. */
    [Symbol.dispose]() {
      this.dispose();
    }
  }

  /** The call_details payload (SPEC 5) for a call described by its events. */
  function buildResultPayload(call) {
    expectObject(call, 'buildResultPayload(call): call');
    const text = backend.buildResultPayload(paramsJson(call));
    if (text.startsWith('{"error"')) throw coreError(text);
    return text;
  }

  return { Engine, buildResultPayload };
}

module.exports = { engineApi };

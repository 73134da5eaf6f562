'use strict';
// The queue engine (SPEC 5) and buildResultPayload over a backend (see js/api/index.js). The engine
// lives in the core (backend.EngineCore); this module checks argument types, fills `now`, turns the
// core's JSON into objects and throws the errors the core returns.
const { expectString, wellFormed, unixNow, track, release } = require('./common');
const { paramsJson } = require('./validation');

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function expectObject(value, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${describe(value)}`);
  }
}

function expectNumber(value, what) {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of Unix seconds, got ${describe(value)}`);
}

// {"error":{code, field, message}[, "errors":[...]]} from the core, as a thrown Error with .code.
function coreError(text) {
  const body = JSON.parse(text);
  const err = new Error(body.error.message);
  err.code = body.error.code;
  err.field = body.error.field;
  if (body.errors) err.errors = body.errors;
  return err;
}

// Actions come back as a JSON array, each result action's payload after it, unescaped, behind a
// U+001E separator (which JSON text never contains raw); an error comes back as an object.
function actionsOf(text) {
  if (text.charCodeAt(0) !== 0x5b /* [ */) throw coreError(text);
  const cut = text.indexOf('\x1e');
  if (cut < 0) return JSON.parse(text);
  const actions = JSON.parse(text.slice(0, cut));
  const payloads = text.slice(cut + 1).split('\x1e');
  let next = 0;
  for (const action of actions) if (action.type === 'result') action.payload = payloads[next++];
  return actions;
}

function engineApi(backend) {
  let adopting = null; // an EngineCore restored by Engine.restore, handed to the constructor

  class Engine {
    #core;

    /**
     * @param {{capacity: number, ringTimeout?: number}} options  capacity: concurrent lines across all
     *   deployments; ringTimeout: seconds of ringing before the engine raises noanswer (default 45).
     */
    constructor(options) {
      if (adopting) {
        this.#core = track(this, adopting);
        adopting = null;
        return;
      }
      expectObject(options, 'new Engine(options): options');
      if (typeof options.capacity !== 'number') {
        throw new TypeError(`new Engine(options): options.capacity must be a number, got ${describe(options.capacity)}`);
      }
      if (options.ringTimeout !== undefined && typeof options.ringTimeout !== 'number') {
        throw new TypeError(`new Engine(options): options.ringTimeout must be a number, got ${describe(options.ringTimeout)}`);
      }
      const core = new backend.EngineCore();
      const error = core.configure(JSON.stringify(options));
      if (error) {
        if (typeof core.delete === 'function') core.delete();
        throw coreError(error);
      }
      this.#core = track(this, core);
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
      expectString(deployment, 'engine.enqueue(deployment, params, now): deployment');
      expectObject(params, 'engine.enqueue(deployment, params, now): params');
      expectNumber(now, 'engine.enqueue(deployment, params, now): now');
      expectObject(options, 'engine.enqueue(deployment, params, now, options): options');
      const { strict = false } = options;
      if (typeof strict !== 'boolean') throw new TypeError(`engine.enqueue: options.strict must be a boolean, got ${describe(strict)}`);
      return JSON.parse(this.#live().enqueue(wellFormed(deployment), paramsJson(params), now, strict));
    }

    /** Processes everything due at or before `now`, then dials while lines are free. @returns actions */
    advance(now = unixNow()) {
      expectNumber(now, 'engine.advance(now): now');
      return actionsOf(this.#live().advance(now));
    }

    /** A carrier outcome: connected, disconnected, busy, noanswer or informationtone. @returns actions */
    report(callId, event, now = unixNow()) {
      expectString(callId, 'engine.report(callId, event, now): callId');
      expectString(event, 'engine.report(callId, event, now): event');
      expectNumber(now, 'engine.report(callId, event, now): now');
      return actionsOf(this.#live().report(wellFormed(callId), wellFormed(event), now));
    }

    /** Cancels the deployment's queued and waiting calls (dialing and connected ones continue). @returns actions */
    cancelDeployment(deployment, now = unixNow()) {
      expectString(deployment, 'engine.cancelDeployment(deployment, now): deployment');
      expectNumber(now, 'engine.cancelDeployment(deployment, now): now');
      return actionsOf(this.#live().cancelDeployment(wellFormed(deployment), now));
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

    /** Changes the number of lines; lowering it hangs nothing up. */
    setCapacity(capacity) {
      if (typeof capacity !== 'number') throw new TypeError(`engine.setCapacity(capacity): capacity must be a number, got ${describe(capacity)}`);
      const error = this.#live().setCapacity(capacity);
      if (error) throw coreError(error);
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

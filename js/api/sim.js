'use strict';
// createSimCarrier (SPEC 11) over a backend (see js/api/index.js): the simulated carrier's answer for
// each attempt. The script (NPA-555-01XY) and the seeded model are the core's
// (core/include/fuse/sim_carrier.hpp); this module checks argument types and unpacks the answer.
const { describe, expectString, optionalObject, track, release } = require('./common');
const { paramsJson } = require('./validation');

const OUTCOMES = ['connected', 'busy', 'noanswer', 'informationtone', 'rejected'];

function simApi(backend) {
  /**
   * @param {{seed?: number, rates?: object, ringTime?: {mean, spread?}, talkTime?: {mean, spread?},
   *   ringTimeout?: number}} [options]  as previewWindow's (the same model).
   * @returns {{attempt(e164: string, callId: string|number, attempt: number):
   *   {outcome: string, after: number|null, talk: number}, dispose(): void}}
   *   `after`: seconds from the dial to the carrier's report of `outcome` (null for noanswer: the
   *   engine's ring timeout raises it); `talk`: seconds connected before `disconnected`.
   */
  function createSimCarrier(options) {
    options = optionalObject(options, 'createSimCarrier(options): options');
    const core = new backend.SimCarrierCore();
    const error = core.configure(paramsJson(options));
    if (error) {
      if (typeof core.delete === 'function') core.delete();
      const body = JSON.parse(error);
      const err = new Error(body.error.message);
      err.code = body.error.code;
      err.field = body.error.field;
      err.errors = body.errors;
      throw err;
    }
    const carrier = {
      attempt(e164, callId, attempt) {
        expectString(e164, 'carrier.attempt(e164, callId, attempt): e164');
        const call = typeof callId === 'string' ? Number(callId) : callId;
        if (!Number.isSafeInteger(call) || call < 0) throw new TypeError(`carrier.attempt: callId must be a whole number, got ${describe(callId)}`);
        if (!Number.isInteger(attempt) || attempt < 1 || attempt > 15) throw new TypeError(`carrier.attempt: attempt must be a whole number from 1 to 15, got ${describe(attempt)}`);
        if (!handle) throw new Error('This simulated carrier has been disposed.');
        const packed = handle.attempt(e164, call, attempt);
        const outcome = OUTCOMES[packed % 8];
        const rest = Math.floor(packed / 8);
        const ring = rest % 262144;
        const talk = Math.floor(rest / 262144);
        return { outcome, after: outcome === 'noanswer' ? null : ring, talk };
      },
      dispose() {
        if (!handle) return;
        const h = handle;
        handle = null;
        h.dispose();
        release(carrier, h);
      },
      [Symbol.dispose]() {
        carrier.dispose();
      },
    };
    let handle = track(carrier, core);
    return carrier;
  }
  return { createSimCarrier };
}

module.exports = { simApi };

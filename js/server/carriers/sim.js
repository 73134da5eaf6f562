'use strict';
// The `sim` carrier (SPEC 11): places no real call. Each dial's outcome comes from the package's
// simulated carrier model (fuse.createSimCarrier: the scripted NPA-555-01XY numbers, seeded random
// outcomes for the rest, the window preview's model), and is reported on the service clock:
// `after` seconds after the dial the outcome (connected, busy, informationtone, rejected; noanswer is
// never reported, the engine's ring timeout applies), then `talk` seconds later disconnected.
//
// The carrier adapter interface (every carrier implements it):
//   prepare()             optional, async: checks what start() will need (a free port); throws
//                         a RangeError saying what to change
//   start({report(callId, event, at?, reason?, attempt?), clock})   report: carrier outcomes back to
//                         the engine, at service time `at` when the carrier knows it (default: now);
//                         `reason` with `rejected` only (the carrier's answer, "503 Service Unavailable");
//                         `attempt`: the dial action's, so that an outcome of an attempt the engine
//                         has already ended and dialed again is not taken for the new one's
//   dial(action, {deployment})  a dial action (js/types/engine.d.ts DialAction); deployment: its
//                         app/name as the API says it (action.deployment is the store's id)
//   hangup(callId, reason) the engine gave up on the attempt (ring timeout): stop it
//   nextDue() -> service time of the carrier's next own event, or null (clock-driven carriers)
//   runDue(now)           report what is due at or before `now`
//   close()               may return a promise (the service waits for it)
//   stats() -> {active, maxActive, dials}   lines in use now / at most (tests count capacity here)
const { heapPush, heapPop } = require('../delivery');

class SimCarrier {
  constructor({ fuse, seed = 1, rates, ringTime, talkTime, ringTimeout } = {}) {
    const options = { seed };
    if (rates) options.rates = rates;
    if (ringTime) options.ringTime = ringTime;
    if (talkTime) options.talkTime = talkTime;
    if (ringTimeout) options.ringTimeout = ringTimeout;
    this.model = fuse.createSimCarrier(options);
    this.events = []; // heap on nextAt: {nextAt, callId (number), id (string), event, attempt}
    this.active = new Map(); // callId -> attempt being carried
    this.maxActive = 0;
    this.dials = 0;
  }

  start({ report }) {
    this.report = report;
  }

  dial(action) {
    const { outcome, after, talk } = this.model.attempt(action.e164, action.callId, action.attempt);
    this.active.set(action.callId, action.attempt);
    this.dials++;
    if (this.active.size > this.maxActive) this.maxActive = this.active.size;
    if (after === null) return; // never answers: the engine's ring timeout ends it
    const at = action.timestamp + after;
    const callId = Number(action.callId);
    heapPush(this.events, { nextAt: at, callId, id: action.callId, event: outcome, attempt: action.attempt });
    if (outcome === 'connected') heapPush(this.events, { nextAt: at + talk, callId, id: action.callId, event: 'disconnected', attempt: action.attempt });
  }

  hangup(callId) {
    this.active.delete(callId); // its pending events are dropped when they come up
  }

  nextDue() {
    return this.events.length ? this.events[0].nextAt : null;
  }

  runDue(now) {
    while (this.events.length && this.events[0].nextAt <= now) {
      const e = heapPop(this.events);
      if (this.active.get(e.id) !== e.attempt) continue; // hung up, or a later attempt
      if (e.event !== 'connected') this.active.delete(e.id);
      // A simulated rejection reads as a real carrier's most common one.
      const reason = e.event === 'rejected' ? '503 Service Unavailable' : undefined;
      this.report(e.id, e.event, e.nextAt, reason, e.attempt); // at its own time: a late tick must not reorder it after a ring timeout
    }
  }

  stats() {
    return { active: this.active.size, maxActive: this.maxActive, dials: this.dials };
  }

  close() {
    this.events = [];
    this.active.clear();
    if (this.model.dispose) this.model.dispose();
  }
}

module.exports = { SimCarrier };

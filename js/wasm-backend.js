'use strict';
// Adapts the embind module to the backend interface js/api expects (the native addon's): embind
// takes typed arrays as bytes only, so Uint32Array arguments cross as a Uint8Array view; the
// engine's packed actions are read straight from the wasm heap (wasm/engine.cpp).
function bytes(typed) {
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

// The native EngineCore's interface over the embind one. Packed actions (bridge_engine.hpp): the
// embind method leaves them in the heap and a header says where; the numbers are copied into the
// Float64Array bound with bindOutput (replaced by a larger one, with -2 first in the old one, when
// they do not fit, as the addon does) and the text is decoded and returned.
function engineCoreClass(mod) {
  const decoder = new TextDecoder();

  class EngineCore {
    #core;
    #header; // index of the header in HEAPU32
    #out = new Float64Array(0);

    constructor() {
      this.#core = new mod.EngineCore();
      this.#header = this.#core.headerAddress() >>> 2;
    }

    delete() {
      this.#core.delete();
    }

    configure(options) { return this.#core.configure(options); }
    restore(snapshot) { return this.#core.restore(snapshot); }
    enqueue(deployment, params, now, strict) { return this.#core.enqueue(deployment, params, now, strict); }
    csvBegin(deployment, params, options, now) { this.#core.csvBegin(deployment, params, options, now); }
    csvPush(bytes) { this.#core.csvPush(bytes); }
    csvFinish() { return this.#core.csvFinish(); }
    csvAbort() { this.#core.csvAbort(); }
    setCapacity(capacity) { return this.#core.setCapacity(capacity); }
    get(callId) { return this.#core.get(callId); }
    stats(perDeployment) { return this.#core.stats(perDeployment); }
    nextWakeup() { return this.#core.nextWakeup(); }
    snapshot() { return this.#core.snapshot(); }
    dispose() { this.#core.dispose(); }

    bindOutput(array) {
      this.#out = array;
    }

    output() {
      return this.#out;
    }

    advance(now) {
      this.#core.advance(now);
      return this.#take();
    }

    report(callId, event, now) {
      this.#core.report(callId, event, now);
      return this.#take();
    }

    reportNamed(callId, event, now) {
      this.#core.reportNamed(callId, event, now);
      return this.#take();
    }

    cancelDeployment(deployment, now) {
      this.#core.cancelDeployment(deployment, now);
      return this.#take();
    }

    // The heap views are read here, after the call: a call may grow the memory, which replaces them.
    #take() {
      const u32 = mod.HEAPU32;
      const h = this.#header;
      const numbersAt = u32[h] >>> 3;
      const count = u32[h + 1];
      const textAt = u32[h + 2];
      const textBytes = u32[h + 3];
      let out = this.#out;
      if (out.length < count) {
        if (out.length > 0) out[0] = -2;
        this.#out = out = new Float64Array(Math.max(count, 2 * out.length));
      }
      out.set(mod.HEAPF64.subarray(numbersAt, numbersAt + count));
      return textBytes === 0 ? '' : decoder.decode(mod.HEAPU8.subarray(textAt, textAt + textBytes));
    }
  }
  return EngineCore;
}

function wasmBackend(mod) {
  return Object.assign(Object.create(mod), {
    parseDestinations: (utf8, lengths, fields) => mod.parseDestinations(utf8, bytes(lengths), fields),
    EngineCore: engineCoreClass(mod),
  });
}

module.exports = { wasmBackend };

'use strict';
// Adapts the embind module to the backend interface js/api expects (the native addon's). Large
// byte buffers are copied into the wasm heap with one HEAPU8.set (embind's own Uint8Array ->
// std::string conversion copies byte by byte in JS) and passed as (pointer, length); the engine's
// packed actions are read straight from the wasm heap (wasm/engine.cpp).

/** Runs fn(ptr, length) with `typed` copied into the heap (aligned for any element type). */
function heapCall(mod, typed, fn) {
  const length = typed.byteLength;
  const ptr = mod._malloc(Math.max(8, length));
  if (!ptr) throw new RangeError(`fuse-outbound (wasm): out of memory copying ${length} bytes`);
  try {
    mod.HEAPU8.set(new Uint8Array(typed.buffer, typed.byteOffset, length), ptr);
    return fn(ptr, length);
  } finally {
    mod._free(ptr);
  }
}

// The streaming CSV validator, taking Uint8Array chunks as the native class does.
function csvValidationClass(mod) {
  return class CsvValidation {
    constructor(paramsJson, optionsJson) {
      this.inner = new mod.CsvValidation(paramsJson, optionsJson);
    }
    push(bytes) {
      return heapCall(mod, bytes, (ptr, len) => this.inner.push(ptr, len));
    }
    finish() {
      return this.inner.finish();
    }
    delete() {
      this.inner.delete();
    }
  };
}

// The native EngineCore's interface over the embind one. Packed actions (bridge_engine.hpp): the
// embind method leaves them in the heap and a header says where; the numbers are copied into the
// Float64Array bound with bindOutput (when they do not fit, -2 - their count goes first and
// copyOutput() copies them into the larger array js/api/engine.js binds next, as with the addon)
// and the text is decoded and returned.
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
    csvPush(bytes) { heapCall(mod, bytes, (ptr, len) => this.#core.csvPush(ptr, len)); }
    csvFinish() { return this.#core.csvFinish(); }
    csvAbort() { this.#core.csvAbort(); }
    setCapacity(capacity) { return this.#core.setCapacity(capacity); }
    setDialRate(rate) { return this.#core.setDialRate(rate); }
    setDeployment(deployment, policy) { return this.#core.setDeployment(deployment, policy); }
    deploymentPolicy(deployment) { return this.#core.deploymentPolicy(deployment); }
    suppression(op, list, number) { return this.#core.suppression(op, list, number); }
    get(callId) { return this.#core.get(callId); }
    stats(perDeployment) { return this.#core.stats(perDeployment); }
    nextWakeup() { return this.#core.nextWakeup(); }
    now() { return this.#core.now(); }
    snapshot() { return this.#core.snapshot(); }
    compact() { return this.#core.compact(); }
    dispose() { this.#core.dispose(); }

    bindOutput(array) {
      this.#out = array;
    }

    // The last packed numbers again, into the array bound since (js/api/engine.js grew it).
    copyOutput() {
      this.#copy();
    }

    advance(now) {
      this.#core.advance(now);
      return this.#take();
    }

    report(callId, event, now, reason = '') {
      this.#core.report(callId, event, now, reason);
      return this.#take();
    }

    reportNamed(callId, event, now, reason = '') {
      this.#core.reportNamed(callId, event, now, reason);
      return this.#take();
    }

    cancelDeployment(deployment, now) {
      this.#core.cancelDeployment(deployment, now);
      return this.#take();
    }

    // The heap views are read here, after the call: a call may grow the memory, which replaces them.
    #take() {
      this.#copy();
      const u32 = mod.HEAPU32;
      const textAt = u32[this.#header + 2];
      const textBytes = u32[this.#header + 3];
      return textBytes === 0 ? '' : decoder.decode(mod.HEAPU8.subarray(textAt, textAt + textBytes));
    }

    // Into the bound array when they fit, else -2 - their count first (as the addon does).
    #copy() {
      const u32 = mod.HEAPU32;
      const numbersAt = u32[this.#header] >>> 3;
      const count = u32[this.#header + 1];
      const out = this.#out;
      if (count <= out.length) out.set(mod.HEAPF64.subarray(numbersAt, numbersAt + count));
      else if (out.length > 0) out[0] = -2 - count;
    }
  }
  return EngineCore;
}

function wasmBackend(mod) {
  return Object.assign(Object.create(mod), {
    parseDestinations: (utf8, lengths, fields) =>
      heapCall(mod, utf8, (text, textLength) =>
        heapCall(mod, lengths, (lens) => mod.parseDestinations(text, textLength, lens, lengths.length, fields))),
    CsvValidation: csvValidationClass(mod),
    EngineCore: engineCoreClass(mod),
  });
}

module.exports = { wasmBackend };

'use strict';
// Adapts the embind module to the backend interface js/api expects (the native addon's). Large
// byte buffers are copied into the wasm heap with one HEAPU8.set (embind's own Uint8Array ->
// std::string conversion copies byte by byte in JS) and passed as (pointer, length).

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

function wasmBackend(mod) {
  return Object.assign(Object.create(mod), {
    parseDestinations: (utf8, lengths, fields) =>
      heapCall(mod, utf8, (text, textLength) =>
        heapCall(mod, lengths, (lens) => mod.parseDestinations(text, textLength, lens, lengths.length, fields))),
    CsvValidation: csvValidationClass(mod),
  });
}

module.exports = { wasmBackend };

'use strict';
// Adapts the embind module to the backend interface js/api expects (the native addon's): embind
// takes typed arrays as bytes only, so Uint32Array arguments cross as a Uint8Array view.
function bytes(typed) {
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function wasmBackend(mod) {
  return Object.assign(Object.create(mod), {
    parseDestinations: (utf8, lengths, fields) => mod.parseDestinations(utf8, bytes(lengths), fields),
  });
}

module.exports = { wasmBackend };

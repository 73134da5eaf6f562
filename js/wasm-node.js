'use strict';
// The WebAssembly build in Node, instantiated synchronously, so that require('fuse-outbound') can
// fall back to it without becoming asynchronous. dist/fuse_outbound.wasm.js carries the module as a
// base64 data URI (SINGLE_FILE, one file for browsers and bundlers); Node compiles those bytes with
// new WebAssembly.Module, which (unlike browsers' main thread) has no size limit, and hands the
// instance to the Emscripten loader through its instantiateWasm hook. With no asynchronous step
// left, the loader finishes running before it returns.
const fs = require('fs');
const path = require('path');

const loaderFile = path.join(__dirname, '..', 'dist', 'fuse_outbound.wasm.js');
let loaded = null;

function missing(cause) {
  return Object.assign(new Error('fuse-outbound: the wasm build is missing; run `npm run build:wasm`.'), {
    code: 'FUSE_WASM_NOT_FOUND',
    cause,
  });
}

/** The Emscripten module, ready to use; the same object on every call. Throws FUSE_WASM_NOT_FOUND. */
function loadWasmSync() {
  if (loaded) return loaded;
  let source;
  try {
    source = fs.readFileSync(loaderFile, 'latin1');
  } catch (err) {
    throw missing(err);
  }
  const match = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(source);
  if (!match) throw missing(new Error(`${loaderFile} holds no embedded wasm module`));
  const compiled = new WebAssembly.Module(Buffer.from(match[1], 'base64'));
  const mod = {
    instantiateWasm(imports, receiveInstance) {
      const instance = new WebAssembly.Instance(compiled, imports);
      receiveInstance(instance, compiled);
      return instance.exports;
    },
  };
  require(loaderFile)(mod);
  if (!mod.calledRun) throw new Error('fuse-outbound: the wasm module did not initialise synchronously');
  loaded = mod;
  return mod;
}

module.exports = { loadWasmSync };

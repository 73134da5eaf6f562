'use strict';
// Helpers shared by the API modules: argument checks and string hand-over. No rules live here.

const encoder = new TextEncoder();

function expectString(value, what) {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
}

// What a TypeError says was given: "null", "an array", "Uint8Array", "string", ...
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return Object.prototype.toString.call(value).slice(8, -1);
  return typeof value;
}

const isObject = (value) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value);

/** Throws a TypeError unless `value` is a plain object; returns it. */
function expectObject(value, what) {
  if (!isObject(value)) throw new TypeError(`${what} must be an object, got ${describe(value)}`);
  return value;
}

/** As expectObject, with undefined and null meaning {} (an optional argument). */
function optionalObject(value, what) {
  return value === undefined || value === null ? {} : expectObject(value, what);
}

// Lone surrogates become U+FFFD before a string crosses to the core, so the native addon and
// embind (which would otherwise encode them differently) see the same UTF-8.
function wellFormed(s) {
  return s.isWellFormed() ? s : s.toWellFormed();
}

// Unix seconds now, for the `now` options the core needs (the core has no clock).
function unixNow() {
  return Math.floor(Date.now() / 1000);
}

// Frees wasm-side objects when their JS wrapper is collected; native objects free themselves.
const wasmObjects = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((handle) => handle.delete()) : null;
function track(wrapper, handle) {
  if (wasmObjects && typeof handle.delete === 'function') wasmObjects.register(wrapper, handle, wrapper);
  return handle;
}
function release(wrapper, handle) {
  if (handle && typeof handle.delete === 'function') {
    if (wasmObjects) wasmObjects.unregister(wrapper);
    handle.delete();
  }
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

module.exports = { encoder, expectString, describe, isObject, expectObject, optionalObject, wellFormed, unixNow, track, release, coreError };

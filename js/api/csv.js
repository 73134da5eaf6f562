'use strict';
// validateCsv / createCsvValidator (SPEC 4) over a backend (see js/api/index.js). The backend's
// CsvValidation (core/bridge/include/fuse/bridge_csv.hpp) does all the checking; this module only turns
// strings into UTF-8, feeds the core in bounded pieces (so the wasm heap stays small whatever the
// file size) and parses the result.
const { encoder, describe, optionalObject, unixNow, track, release, coreError } = require('./common');
const { paramsJson } = require('./validation');

// Bytes handed to the core per call.
const PUSH_BYTES = 1 << 20;
// UTF-16 code units of a string encoded per call: at most 3 bytes each in UTF-8.
const ENCODE_UNITS = 1 << 20;

// One scratch buffer for encodeInto, shared by all validators: a push is synchronous and the core
// copies what it keeps, so the buffer is free again when push() returns.
let scratch = null;
function scratchFor(units) {
  const size = Math.max(1024, units * 3);
  if (!scratch || scratch.length < size) scratch = new Uint8Array(size);
  return scratch;
}

const tag = (v) => Object.prototype.toString.call(v);
const isBytes = (v) => ArrayBuffer.isView(v) && tag(v) === '[object Uint8Array]';
const isArrayBuffer = (v) => tag(v) === '[object ArrayBuffer]';
const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;

// The options' types (as validateQueueRequest checks now and strict); their values and any unknown
// option are the core's to judge (invalid_option).
const OPTION_TYPES = {
  now: 'number',
  strict: 'boolean',
  maxRows: 'number',
  partial: 'boolean',
  maxProblems: 'number',
  includeRequests: 'boolean',
  sizeHint: 'number',
};
function expectOptionTypes(options, fn, types = OPTION_TYPES) {
  for (const [name, type] of Object.entries(types)) {
    const value = options[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
      throw new TypeError(`${fn}: options.${name} must be a ${type === 'number' ? 'finite number' : type}, got ${describe(value)}`);
    }
  }
}

/**
 * Hands a file to the core in bounded UTF-8 pieces through `send(bytes)`: bytes PUSH_BYTES at a
 * time, strings encoded ENCODE_UNITS code units at a time into a shared scratch buffer. A string
 * piece that ends with the first half of a surrogate pair keeps it for the next one, so a
 * character split across two pushes is encoded whole. Used by CsvValidator and Engine#enqueueCsv.
 */
class Utf8Pieces {
  #send;
  #high = '';

  constructor(send) {
    this.#send = send;
  }

  /** A string, Uint8Array or ArrayBuffer; returns false (sending nothing) for anything else. */
  push(chunk) {
    if (typeof chunk === 'string') this.#pushString(chunk);
    else if (isBytes(chunk)) this.#pushBytes(chunk);
    else if (isArrayBuffer(chunk)) this.#pushBytes(new Uint8Array(chunk));
    else return false;
    return true;
  }

  /** End of the file: a high surrogate still held is sent. */
  end() {
    this.#flushHigh();
  }

  #pushBytes(bytes) {
    this.#flushHigh();
    for (let i = 0; i < bytes.length; i += PUSH_BYTES) this.#send(bytes.subarray(i, i + PUSH_BYTES));
  }

  #pushString(s) {
    if (this.#high) {
      s = this.#high + s;
      this.#high = '';
    }
    if (s.length && isHighSurrogate(s.charCodeAt(s.length - 1))) {
      this.#high = s[s.length - 1];
      s = s.slice(0, -1);
    }
    for (let i = 0; i < s.length; ) {
      let end = Math.min(s.length, i + ENCODE_UNITS);
      if (end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end--;  // keep the pair together
      const buf = scratchFor(end - i);
      const { written } = encoder.encodeInto(i === 0 && end === s.length ? s : s.slice(i, end), buf);
      this.#send(buf.subarray(0, written));
      i = end;
    }
  }

  // A lone high surrogate left at the end (or before bytes): encoded on its own, as U+FFFD, exactly
  // as TextEncoder encodes it inside a whole string.
  #flushHigh() {
    if (this.#high) {
      const lone = this.#high;
      this.#high = '';
      this.#send(encoder.encode(lone));
    }
  }
}

/** The streaming validator returned by createCsvValidator(). */
class CsvValidator {
  #handle;
  #pieces;
  #progress = { rows: 0, bytes: 0, fileError: false };

  constructor(backend, paramsJson, optionsJson) {
    this.#handle = track(this, new backend.CsvValidation(paramsJson, optionsJson));
    this.#pieces = new Utf8Pieces((bytes) => {
      this.#progress = this.#handle.push(bytes);
    });
  }

  /**
   * Feeds the next piece of the file (split anywhere: inside a line, a quoted field, a UTF-8
   * sequence or a surrogate pair). Returns the progress so far: {rows, bytes, fileError}; once
   * fileError is true the verdict is decided and reading more cannot change it (finish() now).
   */
  push(chunk) {
    if (!this.#handle) throw new Error('CsvValidator.push(): finish() was already called');
    if (!this.#pieces.push(chunk)) {
      throw new TypeError(`CsvValidator.push(chunk): chunk must be a string, Uint8Array or ArrayBuffer, got ${describe(chunk)}`);
    }
    return { ...this.#progress };
  }

  /** Frees the validation without a result (finish() also frees it); `using` calls it. */
  [Symbol.dispose]() {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = null;
    release(this, handle);
  }

  /** Ends the file and returns the result ({ok, rows, valid, invalid, queued, errors, warnings, ...}). */
  finish() {
    if (!this.#handle) throw new Error('CsvValidator.finish(): finish() was already called');
    this.#pieces.end();
    const handle = this.#handle;
    this.#handle = null;
    let text;
    try {
      text = handle.finish();
    } finally {
      release(this, handle);
    }
    if (text.startsWith('{"error"')) throw coreError(text);
    return JSON.parse(text);
  }
}

/** What a CSV file may be handed over as: a string, a Uint8Array or an ArrayBuffer. */
function isCsvInput(value) {
  return typeof value === 'string' || isBytes(value) || isArrayBuffer(value);
}

function csvApi(backend) {
  function createCsvValidator(params, options, fn = 'createCsvValidator(params, options)') {
    params = optionalObject(params, `${fn}: params`);
    options = optionalObject(options, `${fn}: options`);
    expectOptionTypes(options, fn);
    const optionsJson = paramsJson({ ...options, now: options.now ?? unixNow() });  // well-formed keys too
    return new CsvValidator(backend, paramsJson(params), optionsJson);
  }

  function validateCsv(input, params, options) {
    if (!isCsvInput(input)) {
      throw new TypeError(`validateCsv(input): input must be a string, Uint8Array or ArrayBuffer, got ${describe(input)}`);
    }
    const validator = createCsvValidator(params, options, 'validateCsv(input, params, options)');
    validator.push(input);
    return validator.finish();
  }

  return { validateCsv, createCsvValidator: (params, options) => createCsvValidator(params, options) };
}

module.exports = { csvApi, CsvValidator, Utf8Pieces, expectOptionTypes, isCsvInput };

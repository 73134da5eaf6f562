'use strict';
// parseDestination / parseDestinations (SPEC 2) over a backend (see js/api/index.js).
const { encoder, expectString, wellFormed } = require('./common');

// Splits a '\n'-joined column into `count` entries ('' for absent ones becomes null).
function splitColumn(text, count) {
  if (count === 0) return [];
  const parts = text.split('\n');
  for (let i = 0; i < parts.length; i++) if (parts[i] === '') parts[i] = null;
  return parts;
}

function stripProblem(p) {
  return { code: p.code, field: p.field, message: p.message };
}

// At most this many inputs (and characters) per parseDestinations call: see there.
const MAX_BATCH_INPUTS = 1_000_000;
const MAX_BATCH_CHARS = 64 << 20;

// Columns the core can write (core/bridge/include/fuse/bridge_destination.hpp DestinationField).
const FIELD = { e164: 1, national: 2, uri: 4, ani: 8, postd: 16, problems: 32 };

// The result of parseDestinations(): columns over all inputs. The first crossing brings the
// verdicts and the E.164 column; other columns are fetched on first use (re-parsing in the core
// costs less than building columns nobody reads) and split into arrays only when read.
class DestinationBatch {
  constructor(fetch, raw, count) {
    this.length = count;
    this.valid = raw.valid;
    this.invalid = raw.invalid;
    /** 0 valid, 1 valid with warnings, 2 invalid; one byte per input. */
    this.status = raw.status;
    /** Country calling code per input, 0 when invalid. */
    this.countryCode = raw.countryCode;
    Object.defineProperty(this, '_fetch', { value: fetch });
    Object.defineProperty(this, '_raw', { value: { ...raw } });
    Object.defineProperty(this, '_cache', { value: Object.create(null) });
  }
  _text(name) {
    const raw = this._raw;
    if (raw[name] === undefined) {
      // Fetch every missing column at once: whoever reads one usually reads the rest (at()).
      let mask = 0;
      for (const [field, bit] of Object.entries(FIELD)) if (raw[field] === undefined) mask |= bit;
      Object.assign(raw, this._fetch(mask));
    }
    return raw[name];
  }
  _column(name) {
    const cache = this._cache;
    if (!(name in cache)) cache[name] = splitColumn(this._text(name), this.length);
    return cache[name];
  }
  /** E.164 per input (null when invalid). */
  get e164() { return this._column('e164'); }
  get nationalNumber() { return this._column('national'); }
  get uri() { return this._column('uri'); }
  get ani() { return this._column('ani'); }
  get postd() { return this._column('postd'); }
  _problems() {
    const cache = this._cache;
    if (!cache.problems) cache.problems = JSON.parse(this._text('problems'));
    return cache.problems;
  }
  /** Every error, each with the index of its input (built once: the same array on every read). */
  get errors() {
    const cache = this._cache;
    if (!cache.errors) cache.errors = this._problems().filter((p) => p.severity === 'error').map((p) => ({ index: p.index, ...stripProblem(p) }));
    return cache.errors;
  }
  /** Every warning, each with the index of its input (built once: the same array on every read). */
  get warnings() {
    const cache = this._cache;
    if (!cache.warnings) cache.warnings = this._problems().filter((p) => p.severity === 'warning').map((p) => ({ index: p.index, ...stripProblem(p) }));
    return cache.warnings;
  }
  isValid(i) { return this.status[i] !== 2; }
  /** The same object parseDestination(inputs[i]) returns. */
  at(i) {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    const cache = this._cache;
    if (!cache.byIndex) {
      cache.byIndex = new Map();
      for (const p of this._problems()) {
        let list = cache.byIndex.get(p.index);
        if (!list) cache.byIndex.set(p.index, (list = []));
        list.push(p);
      }
    }
    const problems = cache.byIndex.get(i) || [];
    const warnings = problems.filter((p) => p.severity === 'warning').map(stripProblem);
    if (this.status[i] === 2) {
      return { ok: false, errors: problems.filter((p) => p.severity === 'error').map(stripProblem), warnings };
    }
    return {
      ok: true,
      destination: {
        e164: this.e164[i],
        countryCode: this.countryCode[i],
        nationalNumber: this.nationalNumber[i],
        ani: this.ani[i],
        postd: this.postd[i],
        uri: this.uri[i],
      },
      warnings,
    };
  }
  *[Symbol.iterator]() {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

function destinationApi(backend) {
  function parseDestination(input) {
    expectString(input, 'parseDestination(input): input');
    return JSON.parse(backend.parseDestination(wellFormed(input)));
  }

  function parseDestinations(inputs) {
    if (!Array.isArray(inputs)) throw new TypeError('parseDestinations(inputs): inputs must be an array of strings');
    const count = inputs.length;
    // A batch crosses the boundary as one text each way: its problems must fit in one JS string
    // (and the wasm heap), so a batch is bounded; larger lists go in slices.
    if (count > MAX_BATCH_INPUTS) {
      throw new RangeError(`parseDestinations(inputs): at most ${MAX_BATCH_INPUTS.toLocaleString('en-US')} inputs per call, got ${count.toLocaleString('en-US')}; ` +
        `parse them in slices: for (let i = 0; i < inputs.length; i += ${MAX_BATCH_INPUTS}) parseDestinations(inputs.slice(i, i + ${MAX_BATCH_INPUTS}))`);
    }
    let chars = 0;
    const lengths = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const s = inputs[i];
      if (typeof s !== 'string') expectString(s, `parseDestinations(inputs): inputs[${i}]`);
      lengths[i] = s.length;
      chars += s.length;
    }
    if (chars > MAX_BATCH_CHARS) {
      throw new RangeError(`parseDestinations(inputs): the inputs hold ${chars.toLocaleString('en-US')} characters, more than ${MAX_BATCH_CHARS.toLocaleString('en-US')} per call; parse them in smaller slices`);
    }
    // One UTF-8 buffer for all inputs; the core splits it by the UTF-16 lengths.
    const utf8 = encoder.encode(inputs.join(''));
    const fetch = (fields) => backend.parseDestinations(utf8, lengths, fields);
    return new DestinationBatch(fetch, fetch(FIELD.e164), count);
  }

  return { parseDestination, parseDestinations, DestinationBatch };
}

module.exports = { destinationApi, DestinationBatch };

'use strict';
// validateQueueRequest (SPEC 3) over a backend (see js/api/index.js). Every rule is the core's;
// this module checks argument types, fills `now`, and hands the parameters over as JSON text.
const { describe, wellFormed, unixNow } = require('./common');

// Whether JSON.stringify alone writes `value` as the core must read it (no lone surrogate, no
// BigInt, no NaN or infinity, anywhere): the usual case, and a walk is much cheaper than a replacer
// called for every value. Deep or odd values take the replacer's path.
function plain(value, depth) {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed();
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      if (value === null) return true;
      if (depth > 8 || typeof value.toJSON === 'function') return false;
      if (Array.isArray(value)) {
        for (const v of value) if (!plain(v, depth + 1)) return false;
        return true;
      }
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (!key.isWellFormed() || !plain(value[key], depth + 1)) return false;
      }
      return true;
    default:
      return false; // bigint, function, symbol
  }
}

function hasIllFormedKey(object) {
  for (const key of Object.keys(object)) if (!key.isWellFormed()) return true;
  return false;
}

// The parameters as JSON text. Strings and keys are made well-formed first: JSON.stringify writes a
// lone surrogate as a \ud800 escape, which is not valid JSON text for the core. A BigInt (a phone
// number or a timestamp held as one) crosses as its decimal digits, as a form post would send it.
// NaN and the infinities cross as their names: JSON.stringify would make them null, which reads as
// "not given"; as text the core refuses them naming the field.
function paramsJson(params) {
  return plain(params, 0) ? JSON.stringify(params) : JSON.stringify(params, (key, value) => {
    if (typeof value === 'string') return wellFormed(value);
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (typeof value === 'bigint') return value.toString();
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && hasIllFormedKey(value)) {
      const copy = {};
      for (const k of Object.keys(value)) copy[wellFormed(k)] = value[k];
      return copy;
    }
    return value;
  });
}

function validationApi(backend) {
  function validateQueueRequest(params, options = {}) {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new TypeError(`validateQueueRequest(params): params must be an object of queue parameters, got ${describe(params)}`);
    }
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`validateQueueRequest(params, options): options must be an object, got ${describe(options)}`);
    }
    const { now = unixNow(), strict = false } = options;
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw new TypeError(`validateQueueRequest: options.now must be a finite number of Unix seconds, got ${describe(now)}`);
    }
    if (typeof strict !== 'boolean') {
      throw new TypeError(`validateQueueRequest: options.strict must be a boolean, got ${describe(strict)}`);
    }
    return JSON.parse(backend.validateQueueRequest(paramsJson(params), JSON.stringify({ now, strict })));
  }

  return { validateQueueRequest };
}

module.exports = { validationApi, paramsJson };

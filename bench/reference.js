'use strict';
// The reference implementations the benchmarks compare against: the same jobs done with the
// libraries people reach for (libphonenumber-js for numbers, papaparse for CSV).
const { parsePhoneNumberFromString } = require('libphonenumber-js/min');

const POSTD = /^[0-9*#A-Da-dpPwW]{1,32}$/;

/** A destination checked with libphonenumber-js: number and ani possible, postd well-formed. Returns E.164 or null. */
function referenceDestination(input) {
  const parts = input.trim().replace(/^tel:/i, '').split(';');
  const number = parsePhoneNumberFromString(parts[0], 'US');
  if (!number || !number.isPossible()) return null;
  for (let i = 1; i < parts.length; i++) {
    const eq = parts[i].indexOf('=');
    const name = parts[i].slice(0, eq).toLowerCase();
    const value = parts[i].slice(eq + 1);
    if (name === 'ani') {
      const ani = parsePhoneNumberFromString(value, 'US');
      if (!ani || !ani.isPossible()) return null;
    } else if (name === 'postd') {
      if (!POSTD.test(value.replace(/[-.() ]/g, ''))) return null;
    } else {
      return null;
    }
  }
  return number.number;
}

module.exports = { referenceDestination };

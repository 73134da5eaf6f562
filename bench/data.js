'use strict';
// Deterministic benchmark inputs, generated in memory (or under bench/data/, ignored by git).
const { makeRandom } = require('../tests/js/helpers/random');

// A valid-looking NANP national number: area code [2-9][0-8][0-9], exchange [2-9]XX, no N11.
function nanpNumber(rand) {
  const d = () => Math.floor(rand() * 10);
  const n2to9 = () => 2 + Math.floor(rand() * 8);
  let area, exchange;
  do area = `${n2to9()}${Math.floor(rand() * 9)}${d()}`; while (area[1] === '1' && area[2] === '1');
  do exchange = `${n2to9()}${d()}${d()}`; while (exchange[1] === '1' && exchange[2] === '1');
  return `${area}${exchange}${String(Math.floor(rand() * 10000)).padStart(4, '0')}`;
}

// The platform doc's forms of a destination, for a national number.
const DOC_FORMS = [
  (n) => n,
  (n) => `1${n}`,
  (n) => `tel:+1${n}`,
  (n, ani) => `1${n};ani=${ani}`,
  (n, ani) => `tel:+1${n};ani=${ani};postd=2`,
];

const INTERNATIONAL = [
  (r) => `+44 20 ${String(Math.floor(r() * 1e4)).padStart(4, '0')} ${String(Math.floor(r() * 1e4)).padStart(4, '0')}`,
  (r) => `+33 1 ${Array.from({ length: 4 }, () => String(Math.floor(r() * 100)).padStart(2, '0')).join(' ')}`,
  (r) => `+49 30 ${String(Math.floor(r() * 1e7)).padStart(7, '0')}`,
  (r) => `011 81 3 ${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
  (r) => `+61 2 ${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
];

const INVALID = ['617555123', '1-800-FLOWERS', '+999 123 4567', '6175551234;ext=12', '1115551234', ''];

/** One million (or `count`) mixed destinations: doc forms 80%, international 15%, invalid 5%. */
function mixedDestinations(count = 1_000_000, seed = 7) {
  const rand = makeRandom(seed);
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const x = rand();
    if (x < 0.8) out[i] = DOC_FORMS[i % DOC_FORMS.length](nanpNumber(rand), nanpNumber(rand));
    else if (x < 0.95) out[i] = INTERNATIONAL[i % INTERNATIONAL.length](rand);
    else out[i] = INVALID[i % INVALID.length];
  }
  return out;
}

module.exports = { makeRandom, nanpNumber, DOC_FORMS, mixedDestinations };

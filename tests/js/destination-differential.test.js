'use strict';
// Differential test: our accept/reject of 100,000+ generated numbers (NANP and 35 other country
// codes, valid and invalid lengths, in the forms users send) against libphonenumber-js's
// possible-number verdict. Every disagreement must fall in a class explained below; an
// unexplained one fails the test with examples. Both builds are checked (they must agree anyway).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { parsePhoneNumberFromString } = require('libphonenumber-js/min');
const metadata = require('libphonenumber-js/metadata.min.json');
const { forEachBuild } = require('./helpers/builds');
const { makeRandom } = require('./helpers/random');

const COUNTRY_CODES = [
  '44', '33', '49', '39', '34', '31', '32', '41', '43', '46', '47', '45', '358', '353', '351', '48', '7',
  '91', '86', '81', '82', '61', '64', '55', '52', '54', '27', '234', '20', '972', '971', '65', '852', '63',
  '800', '882',
];

// Possible national lengths of a calling code, over every region that shares it.
function possibleLengths(cc) {
  const regions = metadata.country_calling_codes[cc];
  const entries = regions ? regions.map((r) => metadata.countries[r]) : [metadata.nonGeographic[cc]];
  return [...new Set(entries.flatMap((e) => e[3]))].sort((a, b) => a - b);
}

function generate(count) {
  const rand = makeRandom(20261125);
  const digit = () => String(Math.floor(rand() * 10));
  const digits = (n, firstNonZero) => {
    let s = firstNonZero ? String(1 + Math.floor(rand() * 9)) : '';
    while (s.length < n) s += digit();
    return s;
  };
  const spaced = (s) => (rand() < 0.3 ? s.replace(/(\d{3})(?=\d)/g, '$1 ') : s);
  const cases = [];
  while (cases.length < count) {
    if (rand() < 0.35) {
      // NANP: national 10 digits (area code and exchange drawn over all digits so the N11 / x9x /
      // [01]xx rules get exercised), sometimes with the 1, sometimes a wrong length.
      const len = rand() < 0.85 ? 10 : 7 + Math.floor(rand() * 6);
      const national = digits(len, false);
      const form = Math.floor(rand() * 4);
      if (form === 0) cases.push({ input: national, region: 'US' });
      else if (form === 1) cases.push({ input: '1' + national, region: 'US' });
      else if (form === 2) cases.push({ input: '+1 ' + spaced(national) });
      else cases.push({ input: 'tel:+1' + national });
    } else {
      const cc = rand() < 0.97 ? COUNTRY_CODES[Math.floor(rand() * COUNTRY_CODES.length)] : String(900 + Math.floor(rand() * 100));
      const lengths = metadata.country_calling_codes[cc] || metadata.nonGeographic[cc] ? possibleLengths(cc) : [8];
      const min = lengths[0], max = lengths[lengths.length - 1];
      const len = Math.max(2, min - 2 + Math.floor(rand() * (max - min + 5)));
      const national = digits(len, rand() < 0.95);
      const form = Math.floor(rand() * 3);
      if (form === 0) cases.push({ input: '+' + cc + ' ' + spaced(national) });
      else if (form === 1) cases.push({ input: 'tel:+' + cc + national });
      else cases.push({ input: '011' + cc + national, region: 'US' });
    }
  }
  return cases;
}

function theirs(c) {
  // libphonenumber-js reads "011..." and national numbers with a default country, and no "tel:".
  const parsed = parsePhoneNumberFromString(c.input.replace(/^tel:/, ''), c.region);
  return { possible: Boolean(parsed && parsed.isPossible()), parsed };
}

function digitsOf(s) {
  return s.replace(/\D/g, '');
}

// The national number as we read the input: digits after "+CC" or "011CC", or a NANP national form.
function nationalAsWritten(c, cc) {
  const input = c.input.replace(/^tel:/, '');
  const d = digitsOf(input);
  if (input.startsWith('+')) return d.slice(cc.length);
  if (input.startsWith('011')) return d.slice(3 + cc.length);
  return d.length === 11 && d[0] === '1' ? d.slice(1) : d;
}

// Why we and libphonenumber-js may disagree, checked in order; each returns a reason or null.
// The differences seen are all of one direction: libphonenumber-js calls "possible" what we reject.
const explanations = [
  // NANP numbers need a valid area code and exchange (SPEC 2: [2-9][0-8][0-9], [2-9]XX, no N11);
  // a possible-number check looks at the length only.
  (c, ours, them) =>
    !ours.ok && them.possible && ours.errors.some((e) => /area code|exchange|service code/.test(e.message))
      ? 'nanp-area-code-or-exchange-rule'
      : null,
  // E.164 caps a number at 15 digits including the country code (SPEC 2); libphonenumber's
  // metadata lists national lengths (e.g. DE 15, JP 16) that exceed it with the country code.
  (c, ours, them) =>
    !ours.ok && them.possible && ours.errors.some((e) => /at most 15/.test(e.message)) ? 'e164-15-digit-limit' : null,
  // libphonenumber strips a national (trunk) prefix even after +CC or 011CC (+44 0 20..., +7 8...,
  // +1 1...), and a leading 1 from 11-12 digit US inputs; we take the digits as written and report
  // the length, since the carrier would dial them as written.
  (c, ours, them) => {
    if (ours.ok || !them.possible || !them.parsed) return null;
    const written = nationalAsWritten(c, them.parsed.countryCallingCode);
    const theirs = them.parsed.nationalNumber;
    return written.length > theirs.length && written.endsWith(theirs) ? 'libphonenumber-strips-a-national-prefix' : null;
  },
];

forEachBuild((getFuse, buildName) => {
  test('accept/reject agrees with libphonenumber-js possible-number, every difference explained', () => {
    const fuse = getFuse();
    const cases = generate(100_000);
    const batch = fuse.parseDestinations(cases.map((c) => c.input));
    const classes = new Map();
    const unexplained = [];
    let agree = 0;
    const countries = new Set();
    cases.forEach((c, i) => {
      const them = theirs(c);
      const ok = batch.isValid(i);
      if (ok) countries.add(batch.countryCode[i]);
      if (ok === them.possible) {
        agree++;
        return;
      }
      const ours = batch.at(i);
      let reason = null;
      for (const explain of explanations) if ((reason = explain(c, ours, them))) break;
      if (!reason) {
        unexplained.push({ input: c.input, ours: ours.ok || ours.errors.map((e) => e.message), theirs: them.possible });
        return;
      }
      classes.set(reason, (classes.get(reason) || 0) + 1);
    });
    const summary = [...classes].map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`[${buildName}] ${cases.length} numbers, ${agree} agree; explained differences: ${summary || 'none'}`);
    assert.deepEqual(unexplained.slice(0, 10), [], `${unexplained.length} unexplained differences`);
    assert.ok(countries.size >= 21, `valid numbers from ${countries.size} country codes`);
    // The NANP rule must actually be exercised, or the test proves nothing about it.
    assert.ok(classes.get('nanp-area-code-or-exchange-rule') > 1000);
    assert.ok(agree > cases.length * 0.8, `only ${agree} agree`);
  });
});

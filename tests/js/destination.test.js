'use strict';
// parseDestination / parseDestinations (SPEC 2): one table of cases, run against both builds.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild, loadBuilds } = require('./helpers/builds');

// [input, expected]: expected is the canonical uri for a valid input, or the list of error codes.
const cases = [
  // the platform doc's forms
  ['6175551234', 'tel:+16175551234'],
  ['16175551234', 'tel:+16175551234'],
  ['tel:+16175551234', 'tel:+16175551234'],
  ['16175551234;ani=8009957586', 'tel:+16175551234;ani=8009957586'],
  ['16175551234;postd=2', 'tel:+16175551234;postd=2'],
  ['tel:+16175551234;ani=8009957586;postd=2', 'tel:+16175551234;ani=8009957586;postd=2'],
  ['tel:+12125551234;ani=8009957586', 'tel:+12125551234;ani=8009957586'],
  // separators, case, whitespace
  [' (617) 555-1234 ', 'tel:+16175551234'],
  ['617.555.1234', 'tel:+16175551234'],
  ['1 617 555 1234', 'tel:+16175551234'],
  ['TEL:+1-617-555-1234;ANI=800-995-7586;POSTD=1W2P', 'tel:+16175551234;ani=8009957586;postd=1w2p'],
  ['tel:6175551234', 'tel:+16175551234'],
  ['6175551234;postd=ww#*abcd', 'tel:+16175551234;postd=ww#*ABCD'],
  // international
  ['+44 20 7946 0958', 'tel:+442079460958'],
  ['011 44 20 7946 0958', 'tel:+442079460958'],
  ['+33 1 23 45 67 89', 'tel:+33123456789'],
  ['+49 30 123456', 'tel:+4930123456'],
  ['+81 3-1234-5678', 'tel:+81312345678'],
  ['+61 2 9876 5432', 'tel:+61298765432'],
  ['+91 98765 43210', 'tel:+919876543210'],
  ['+55 11 91234 5678', 'tel:+5511912345678'],
  ['+353 1 234 5678', 'tel:+35312345678'],
  ['+800 1234 5678', 'tel:+80012345678'],
  ['6175551234;ani=+442079460958', 'tel:+16175551234;ani=+442079460958'],
  ['+442079460958;ani=6175551234', 'tel:+442079460958;ani=6175551234'],
  // errors
  ['', ['missing_phone_number']],
  ['   ', ['missing_phone_number']],
  ['12345', ['invalid_phone_number']],
  ['617555123', ['invalid_phone_number']],
  ['26175551234', ['invalid_phone_number']],
  ['+999 123 4567', ['invalid_phone_number']],
  ['+0 617', ['invalid_phone_number']],
  ['+44 2079', ['invalid_phone_number']],
  ['+1 617 555 12345', ['invalid_phone_number']],
  ['1-800-FLOWERS', ['invalid_phone_number']],
  ['1175551234', ['invalid_phone_number']],
  ['6915551234', ['invalid_phone_number']],
  ['4115551234', ['invalid_phone_number']],
  ['6171551234', ['invalid_phone_number']],
  ['6179111234', ['invalid_phone_number']],
  ['9111111234', ['invalid_phone_number', 'invalid_phone_number']],
  ['6175551234;ext=12', ['invalid_phone_number']],
  ['6175551234;isub=12', ['invalid_phone_number']],
  ['tel:6175551234;phone-context=+1', ['invalid_phone_number']],
  ['6175551234;x=1', ['invalid_phone_number']],
  ['6175551234;', ['invalid_phone_number']],
  [';postd=1', ['invalid_phone_number']],
  ['6175551234;ani=', ['invalid_ani']],
  ['6175551234;ani=555', ['invalid_ani']],
  ['6175551234;ani=1115551234', ['invalid_ani']],
  ['6175551234;ani=8009957586;ANI=8009957586', ['invalid_ani']],
  ['6175551234;postd=', ['invalid_postd']],
  ['6175551234;postd=12e', ['invalid_postd']],
  ['6175551234;postd=' + '1'.repeat(33), ['invalid_postd']],
  ['6175551234;postd=1;postd=2', ['invalid_postd']],
  ['6175551234;postd=' + '9'.repeat(300), ['invalid_phone_number']],
  ['tel:+1911555;ext=1;ani=12;postd=xx', ['invalid_phone_number', 'invalid_phone_number', 'invalid_ani', 'invalid_postd']],
  ['617\u00a05551234', ['invalid_phone_number']],
  ['617555\ud8001234', ['invalid_phone_number']],
];

const warningCases = [
  ['617-555-0123', ['fictional_number']],
  ['6175551234;ani=2125550199', ['fictional_number']],
  ['617-555-0200', []],
];

forEachBuild((getFuse) => {
  test('the table of destinations', () => {
    const fuse = getFuse();
    for (const [input, expected] of cases) {
      const r = fuse.parseDestination(input);
      if (typeof expected === 'string') {
        assert.equal(r.ok, true, `${JSON.stringify(input)}: ${JSON.stringify(r.errors)}`);
        assert.equal(r.destination.uri, expected, input);
        assert.deepEqual(r.warnings, [], input);
      } else {
        assert.equal(r.ok, false, input);
        assert.deepEqual(r.errors.map((e) => e.code), expected, input);
        for (const e of r.errors) {
          assert.equal(e.field, 'phone_number');
          assert.ok(e.message.length > 20, e.message);
        }
      }
    }
  });

  test('normalised fields', () => {
    const r = getFuse().parseDestination('tel:+16175551234;ani=8009957586;postd=2');
    assert.deepEqual(r, {
      ok: true,
      destination: {
        e164: '+16175551234',
        countryCode: 1,
        nationalNumber: '6175551234',
        ani: '+18009957586',
        postd: '2',
        uri: 'tel:+16175551234;ani=8009957586;postd=2',
      },
      warnings: [],
    });
    const intl = getFuse().parseDestination('+44 20 7946 0958').destination;
    assert.equal(intl.countryCode, 44);
    assert.equal(intl.nationalNumber, '2079460958');
    assert.equal(intl.ani, null);
    assert.equal(intl.postd, null);
  });

  test('warnings: the fictional 555-01XX range', () => {
    for (const [input, codes] of warningCases) {
      const r = getFuse().parseDestination(input);
      assert.equal(r.ok, true, input);
      assert.deepEqual(r.warnings.map((w) => w.code), codes, input);
    }
  });

  test('messages name the value and the fix', () => {
    const fuse = getFuse();
    const [short] = fuse.parseDestination('617555123').errors;
    assert.match(short.message, /"617555123"/);
    assert.match(short.message, /10 digits/);
    const [gb] = fuse.parseDestination('+44 20794609').errors;
    assert.match(gb.message, /7, 9 or 10 digits after the country code; this one has 8/);
    const [ext] = fuse.parseDestination('6175551234;ext=12').errors;
    assert.match(ext.message, /postd=/);
  });

  test('batch: parseDestinations agrees with parseDestination item by item', () => {
    const fuse = getFuse();
    const inputs = [...cases.map(([i]) => i), ...warningCases.map(([i]) => i)];
    const batch = fuse.parseDestinations(inputs);
    assert.equal(batch.length, inputs.length);
    let valid = 0;
    inputs.forEach((input, i) => {
      const single = fuse.parseDestination(input);
      assert.deepEqual(batch.at(i), single, input);
      assert.equal(batch.isValid(i), single.ok);
      assert.equal(batch.e164[i], single.ok ? single.destination.e164 : null);
      if (single.ok) valid++;
    });
    assert.equal(batch.valid, valid);
    assert.equal(batch.invalid, inputs.length - valid);
    assert.deepEqual([...batch], inputs.map((i) => fuse.parseDestination(i)));
    assert.ok(batch.errors.every((e) => Number.isInteger(e.index) && !batch.isValid(e.index)));
    assert.equal(batch.at(inputs.length), undefined);
  });

  test('batch: surrogate pairs split across inputs read as lone surrogates', () => {
    const fuse = getFuse();
    const inputs = ['617\ud83d', '\ude00555', '', '\ud83d', '', '\ude00', 'x\ud83d\ude00', '6175551234'];
    const batch = fuse.parseDestinations(inputs);
    inputs.forEach((input, i) => assert.deepEqual(batch.at(i), fuse.parseDestination(input), JSON.stringify(input)));
  });

  test('batch: empty and large', () => {
    const fuse = getFuse();
    const empty = fuse.parseDestinations([]);
    assert.equal(empty.length, 0);
    assert.deepEqual(empty.e164, []);
    const many = Array.from({ length: 20000 }, (_, i) => `+1 617 ${200 + (i % 700)} ${String(i).padStart(4, '0')}`);
    const batch = fuse.parseDestinations(many);
    assert.equal(batch.valid + batch.invalid, many.length);
    for (let i = 0; i < many.length; i += 997) assert.deepEqual(batch.at(i), fuse.parseDestination(many[i]));
  });

  test('argument types', () => {
    const fuse = getFuse();
    assert.throws(() => fuse.parseDestination(6175551234), TypeError);
    assert.throws(() => fuse.parseDestination(null), TypeError);
    assert.throws(() => fuse.parseDestinations('6175551234'), TypeError);
    assert.throws(() => fuse.parseDestinations(['6175551234', 5]), /inputs\[1\]/);
  });
});

test('native and wasm builds give identical results on generated input', async (t) => {
  const builds = await loadBuilds();
  const names = Object.keys(builds);
  if (names.length < 2) return t.skip('needs both builds');
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = '0123456789+-. ()tel:;aniposdtw=#*ABCDx\u00e9\t';
  const inputs = [];
  for (let i = 0; i < 5000; i++) {
    const len = Math.floor(rand() * 30);
    let s = '';
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
    inputs.push(s);
  }
  const [a, b] = names.map((n) => builds[n]);
  for (const input of inputs) assert.deepEqual(a.parseDestination(input), b.parseDestination(input), input);
  assert.deepEqual([...a.parseDestinations(inputs)], [...b.parseDestinations(inputs)]);
});

test('the country table in the core is the one the installed libphonenumber-js metadata gives', () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const script = path.join(__dirname, '..', '..', 'scripts', 'gen-country-table.js');
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

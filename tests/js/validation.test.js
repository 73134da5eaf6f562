'use strict';
// validateQueueRequest (SPEC 3, 7) through the public JS API of both builds.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild, loadBuilds, buildNames } = require('./helpers/builds');

const NOW = 1700000000;
const PHONE = '6175551234';
const DESTINATION = {
  e164: '+16175551234',
  countryCode: 1,
  nationalNumber: '6175551234',
  ani: null,
  postd: null,
  uri: 'tel:+16175551234',
};

// One table for both builds. `errors`/`warnings`: [code, field] in the order reported; `request`:
// fields the normalised request must have; `says`: text one of the problems' messages contains.
const cases = [
  {
    name: 'minimal request gets the defaults',
    params: { phone_number: ` ${PHONE} ` },
    request: {
      phone_number: PHONE,
      destination: DESTINATION,
      start_timestamp: null,
      end_timestamp: null,
      max_attempts: 1,
      reattempt_wait: 0,
      result_url: null,
      metadata: null,
      is_pci: false,
    },
  },
  {
    name: 'every parameter as a JSON number',
    params: {
      phone_number: 16175551234,
      start_timestamp: NOW + 60,
      end_timestamp: NOW + 3600,
      max_attempts: 3,
      reattempt_wait: 300,
      result_url: 'https://example.com/fuse-result',
      metadata: { name: 'John Doe', appointment: 'Monday at 10am', visits: 3, vip: true, note: null },
      is_pci: 1,
    },
    request: {
      phone_number: '16175551234',
      destination: DESTINATION,
      start_timestamp: NOW + 60,
      end_timestamp: NOW + 3600,
      max_attempts: 3,
      reattempt_wait: 300,
      result_url: 'https://example.com/fuse-result',
      metadata: { name: 'John Doe', appointment: 'Monday at 10am', visits: 3, vip: true, note: null },
      is_pci: true,
    },
  },
  {
    name: 'every parameter as a string, as a form post sends them',
    params: {
      phone_number: 'tel:+16175551234;ani=8009957586;postd=2',
      start_timestamp: String(NOW + 60),
      end_timestamp: ` ${NOW + 3600} `,
      max_attempts: '3',
      reattempt_wait: '300',
      result_url: 'HTTPS://example.com/cb?x=1',
      metadata: '{"name":"John Doe","visits":3}',
      is_pci: '0',
    },
    request: {
      phone_number: 'tel:+16175551234;ani=8009957586;postd=2',
      destination: { ...DESTINATION, ani: '+18009957586', postd: '2', uri: 'tel:+16175551234;ani=8009957586;postd=2' },
      start_timestamp: NOW + 60,
      end_timestamp: NOW + 3600,
      max_attempts: 3,
      reattempt_wait: 300,
      result_url: 'HTTPS://example.com/cb?x=1',
      metadata: { name: 'John Doe', visits: 3 },
      is_pci: false,
    },
  },
  {
    name: 'empty and null optional parameters are not given',
    params: { phone_number: PHONE, start_timestamp: '', end_timestamp: null, max_attempts: '', result_url: '', metadata: '', is_pci: '' },
    request: { start_timestamp: null, end_timestamp: null, max_attempts: 1, result_url: null, metadata: null, is_pci: false },
  },
  { name: 'a BigInt phone number is its digits', params: { phone_number: 6175551234n }, request: { phone_number: PHONE } },

  // phone_number
  { name: 'phone_number absent', params: {}, errors: [['missing_phone_number', 'phone_number']] },
  { name: 'phone_number null', params: { phone_number: null }, errors: [['missing_phone_number', 'phone_number']] },
  { name: 'phone_number empty', params: { phone_number: '  ' }, errors: [['missing_phone_number', 'phone_number']] },
  { name: 'phone_number boolean', params: { phone_number: true }, errors: [['invalid_phone_number', 'phone_number']], says: 'got a boolean (true)' },
  { name: 'phone_number array', params: { phone_number: [PHONE] }, errors: [['invalid_phone_number', 'phone_number']], says: 'got an array' },
  { name: 'phone_number fraction', params: { phone_number: 6175551234.5 }, errors: [['invalid_phone_number', 'phone_number']] },
  { name: 'phone_number too short', params: { phone_number: '12345' }, errors: [['invalid_phone_number', 'phone_number']] },
  { name: 'bad caller ID', params: { phone_number: `${PHONE};ani=123` }, errors: [['invalid_ani', 'phone_number']] },
  { name: 'bad post-dial digits', params: { phone_number: `${PHONE};postd=xyz` }, errors: [['invalid_postd', 'phone_number']] },
  { name: 'fictional number is a warning', params: { phone_number: '617-555-0123' }, warnings: [['fictional_number', 'phone_number']] },

  // timestamps
  { name: 'timestamps at their bounds', params: { phone_number: PHONE, start_timestamp: 0, end_timestamp: 253402300799 }, request: { start_timestamp: 0, end_timestamp: 253402300799 } },
  { name: 'timestamp with a fraction', params: { phone_number: PHONE, start_timestamp: 1.5 }, errors: [['invalid_timestamp', 'start_timestamp']], says: 'not a whole number' },
  { name: 'timestamp "1.5"', params: { phone_number: PHONE, start_timestamp: '1.5' }, errors: [['invalid_timestamp', 'start_timestamp']], says: 'start_timestamp "1.5"' },
  { name: 'timestamp "1e9"', params: { phone_number: PHONE, end_timestamp: '1e9' }, errors: [['invalid_timestamp', 'end_timestamp']] },
  { name: 'timestamp "-3"', params: { phone_number: PHONE, start_timestamp: '-3' }, errors: [['invalid_timestamp', 'start_timestamp']], says: 'negative' },
  { name: 'timestamp boolean', params: { phone_number: PHONE, start_timestamp: true }, errors: [['invalid_timestamp', 'start_timestamp']] },
  { name: 'timestamp after 9999', params: { phone_number: PHONE, start_timestamp: 253402300800 }, errors: [['invalid_timestamp', 'start_timestamp']] },
  { name: 'timestamp in milliseconds', params: { phone_number: PHONE, end_timestamp: NOW * 1000 }, errors: [['invalid_timestamp', 'end_timestamp']], says: `give seconds (${NOW})` },
  { name: 'end equal to start', params: { phone_number: PHONE, start_timestamp: NOW + 10, end_timestamp: NOW + 10 }, errors: [['end_before_start', 'end_timestamp']] },
  { name: 'end before start', params: { phone_number: PHONE, start_timestamp: NOW + 10, end_timestamp: String(NOW + 5) }, errors: [['end_before_start', 'end_timestamp']] },
  { name: 'end one second after start', params: { phone_number: PHONE, start_timestamp: NOW + 10, end_timestamp: NOW + 11 }, request: { end_timestamp: NOW + 11 } },
  { name: 'end equal to now', params: { phone_number: PHONE, end_timestamp: NOW }, errors: [['end_in_past', 'end_timestamp']] },
  { name: 'end in the past', params: { phone_number: PHONE, end_timestamp: NOW - 7200 }, errors: [['end_in_past', 'end_timestamp']], says: '2 hours in the past' },
  { name: 'now from options', params: { phone_number: PHONE, end_timestamp: 100 }, options: { now: 99 }, request: { end_timestamp: 100 } },

  // attempts
  { name: 'attempts at their lower bounds', params: { phone_number: PHONE, max_attempts: 1, reattempt_wait: 60 }, request: { max_attempts: 1, reattempt_wait: 60 } },
  { name: 'attempts at their upper bounds', params: { phone_number: PHONE, max_attempts: '10', reattempt_wait: '86400' }, request: { max_attempts: 10, reattempt_wait: 86400 } },
  { name: 'max_attempts 0', params: { phone_number: PHONE, max_attempts: 0, reattempt_wait: 60 }, errors: [['invalid_max_attempts', 'max_attempts']] },
  { name: 'max_attempts 11', params: { phone_number: PHONE, max_attempts: 11, reattempt_wait: 60 }, errors: [['invalid_max_attempts', 'max_attempts']], says: 'max_attempts 11 is out of range' },
  { name: 'max_attempts "three"', params: { phone_number: PHONE, max_attempts: 'three', reattempt_wait: 60 }, errors: [['invalid_max_attempts', 'max_attempts']] },
  { name: 'reattempt_wait 59', params: { phone_number: PHONE, max_attempts: 2, reattempt_wait: 59 }, errors: [['invalid_reattempt_wait', 'reattempt_wait']] },
  { name: 'reattempt_wait 86401', params: { phone_number: PHONE, max_attempts: 2, reattempt_wait: '86401' }, errors: [['invalid_reattempt_wait', 'reattempt_wait']] },
  { name: 'max_attempts without reattempt_wait', params: { phone_number: PHONE, max_attempts: 3 }, errors: [['max_attempts_requires_reattempt_wait', 'max_attempts']] },
  { name: 'reattempt_wait without max_attempts', params: { phone_number: PHONE, reattempt_wait: 300 }, errors: [['reattempt_wait_requires_max_attempts', 'reattempt_wait']] },

  // result_url
  { name: 'result_url with IPv6, port and user', params: { phone_number: PHONE, result_url: 'http://user:pw@[2001:db8::1]:8080/cb' }, request: { result_url: 'http://user:pw@[2001:db8::1]:8080/cb' } },
  { name: 'result_url ftp', params: { phone_number: PHONE, result_url: 'ftp://x' }, errors: [['invalid_result_url', 'result_url']], says: 'result_url "ftp://x"' },
  { name: 'result_url without scheme', params: { phone_number: PHONE, result_url: 'example.com/cb' }, errors: [['invalid_result_url', 'result_url']], says: 'must start with http:// or https://' },
  { name: 'result_url without host', params: { phone_number: PHONE, result_url: 'https:///cb' }, errors: [['invalid_result_url', 'result_url']], says: 'has no host' },
  { name: 'result_url with a space', params: { phone_number: PHONE, result_url: 'https://example.com/a b' }, errors: [['invalid_result_url', 'result_url']], says: 'contains a space' },
  { name: 'result_url with a bad port', params: { phone_number: PHONE, result_url: 'https://example.com:70000/' }, errors: [['invalid_result_url', 'result_url']], says: 'port' },
  { name: 'result_url too long', params: { phone_number: PHONE, result_url: `https://example.com/${'a'.repeat(2029)}` }, errors: [['invalid_result_url', 'result_url']], says: '2,049 characters' },
  { name: 'result_url at the length limit', params: { phone_number: PHONE, result_url: `https://example.com/${'a'.repeat(2028)}` }, request: { result_url: `https://example.com/${'a'.repeat(2028)}` } },

  // metadata
  { name: 'metadata keeps key order', params: { phone_number: PHONE, metadata: '{"zeta":1,"alpha":2.5}' }, request: { metadata: { zeta: 1, alpha: 2.5 } }, order: ['zeta', 'alpha'] },
  { name: 'empty metadata object is no metadata', params: { phone_number: PHONE, metadata: {} }, request: { metadata: null } },
  { name: 'metadata text not JSON', params: { phone_number: PHONE, metadata: '{"name": ' }, errors: [['invalid_metadata', 'metadata']], says: 'line 1, column' },
  { name: 'metadata text holding an array', params: { phone_number: PHONE, metadata: '[1,2]' }, errors: [['invalid_metadata', 'metadata']] },
  { name: 'metadata as an array', params: { phone_number: PHONE, metadata: [1, 2] }, errors: [['invalid_metadata', 'metadata']] },
  { name: 'metadata as a number', params: { phone_number: PHONE, metadata: 42 }, errors: [['invalid_metadata', 'metadata']] },
  { name: 'metadata key given twice', params: { phone_number: PHONE, metadata: '{"a":1,"a":2}' }, errors: [['invalid_metadata_key', 'metadata']], says: '"a" is given twice' },
  {
    name: 'metadata keys: one problem per bad key',
    params: { phone_number: PHONE, metadata: { ok: 1, 'first name': 'x', '1st': 'y', ['k'.repeat(65)]: 'z' } },
    errors: [['invalid_metadata_key', 'metadata'], ['invalid_metadata_key', 'metadata'], ['invalid_metadata_key', 'metadata']],
    says: '"first name" contains a space',
  },
  { name: 'metadata key of 64 characters', params: { phone_number: PHONE, metadata: { ['k'.repeat(64)]: 1 } }, request: { metadata: { ['k'.repeat(64)]: 1 } } },
  {
    name: 'metadata nested values',
    params: { phone_number: PHONE, metadata: { address: { street: 'Main' }, tags: ['a'] } },
    errors: [['invalid_metadata_value', 'metadata'], ['invalid_metadata_value', 'metadata']],
    says: '"address" is an object',
  },
  { name: 'metadata of exactly 64 KiB', params: { phone_number: PHONE, metadata: { k: 'x'.repeat(65536 - 8) } }, request: { metadata: { k: 'x'.repeat(65536 - 8) } } },
  { name: 'metadata one byte over 64 KiB', params: { phone_number: PHONE, metadata: { k: 'x'.repeat(65536 - 7) } }, errors: [['metadata_too_large', 'metadata']], says: '65,537 bytes' },
  { name: 'lone surrogates become U+FFFD', params: { phone_number: PHONE, metadata: { name: 'a\ud800b' } }, request: { metadata: { name: 'a\ufffdb' } } },

  // sensitive data
  { name: 'card number with spaces', params: { phone_number: PHONE, metadata: { note: '4111 1111 1111 1111' } }, warnings: [['possible_card_number', 'metadata']], says: 'ending 1111' },
  { name: 'card number as a number', params: { phone_number: PHONE, metadata: { ref: 4111111111111111 } }, warnings: [['possible_card_number', 'metadata']] },
  { name: 'Luhn failure is no card', params: { phone_number: PHONE, metadata: { ref: '4111-1111-1111-1112' } } },
  { name: 'SSN shape', params: { phone_number: PHONE, metadata: { ref: '078-05-1120' } }, warnings: [['possible_ssn', 'metadata']] },
  { name: 'SSN lookalike', params: { phone_number: PHONE, metadata: { ref: '666-05-1120', phone: '617-555-1234' } } },
  { name: 'sensitive key', params: { phone_number: PHONE, metadata: { dateOfBirth: 'x' } }, warnings: [['sensitive_key', 'metadata']], says: 'metadata key "dateOfBirth" names a date of birth' },
  { name: 'ordinary keys', params: { phone_number: PHONE, metadata: { name: 'x', appointment: 'y', panel: 'z', spin: 1 } } },
  {
    name: 'strict mode makes findings errors',
    params: { phone_number: PHONE, metadata: { ssn: '123-45-6789' } },
    options: { strict: true },
    errors: [['sensitive_key', 'metadata'], ['possible_ssn', 'metadata']],
  },

  // is_pci
  { name: 'is_pci true', params: { phone_number: PHONE, is_pci: true }, request: { is_pci: true } },
  { name: 'is_pci "1"', params: { phone_number: PHONE, is_pci: '1' }, request: { is_pci: true } },
  { name: 'is_pci 2', params: { phone_number: PHONE, is_pci: 2 }, errors: [['invalid_is_pci', 'is_pci']] },
  { name: 'is_pci "yes"', params: { phone_number: PHONE, is_pci: 'yes' }, errors: [['invalid_is_pci', 'is_pci']], says: 'is_pci "yes"' },

  // unknown parameters
  { name: 'typo gets a suggestion', params: { phone_number: PHONE, max_attempt: 3 }, warnings: [['unknown_parameter', 'max_attempt']], says: 'did you mean max_attempts?' },
  { name: 'camelCase gets a suggestion', params: { phone_number: PHONE, resultUrl: 'https://x.example' }, warnings: [['unknown_parameter', 'resultUrl']], says: 'did you mean result_url?' },
  { name: 'unrelated name lists the parameters', params: { phone_number: PHONE, colour: 'red' }, warnings: [['unknown_parameter', 'colour']], says: 'the parameters are phone_number' },

  {
    name: 'every problem at once',
    params: {
      phone_number: '12345',
      start_timestamp: 'soon',
      end_timestamp: 100,
      max_attempts: 20,
      result_url: 'ftp://x',
      metadata: { '1a': [1], dob: 'x' },
      is_pci: 'maybe',
      colour: 'red',
    },
    errors: [
      ['invalid_phone_number', 'phone_number'],
      ['invalid_timestamp', 'start_timestamp'],
      ['end_in_past', 'end_timestamp'],
      ['invalid_max_attempts', 'max_attempts'],
      ['max_attempts_requires_reattempt_wait', 'max_attempts'],
      ['invalid_result_url', 'result_url'],
      ['invalid_metadata_key', 'metadata'],
      ['invalid_metadata_value', 'metadata'],
      ['invalid_is_pci', 'is_pci'],
    ],
    warnings: [['sensitive_key', 'metadata'], ['unknown_parameter', 'colour']],
  },
];

function pairs(problems) {
  return problems.map((p) => [p.code, p.field]);
}

forEachBuild((getFuse) => {
  for (const c of cases) {
    test(c.name, () => {
      const r = getFuse().validateQueueRequest(c.params, { now: NOW, ...c.options });
      const errors = c.errors || [];
      assert.deepEqual(pairs(r.errors), errors);
      assert.deepEqual(pairs(r.warnings), c.warnings || []);
      assert.equal(r.ok, errors.length === 0);
      for (const p of [...r.errors, ...r.warnings]) {
        assert.deepEqual(Object.keys(p), ['code', 'field', 'message']);
        assert.ok(p.message.length > 0);
      }
      if (c.says) assert.ok([...r.errors, ...r.warnings].some((p) => p.message.includes(c.says)), JSON.stringify(r));
      if (r.ok) {
        assert.deepEqual(Object.keys(r.request), [
          'phone_number', 'destination', 'start_timestamp', 'end_timestamp', 'max_attempts', 'reattempt_wait',
          'result_url', 'metadata', 'is_pci',
        ]);
        for (const [key, value] of Object.entries(c.request || {})) assert.deepEqual(r.request[key], value, key);
        if (c.order) assert.deepEqual(Object.keys(r.request.metadata), c.order);
      } else {
        assert.equal(r.request, undefined);
      }
    });
  }

  test('the request carries the same destination parseDestination gives', () => {
    const fuse = getFuse();
    const input = 'tel:+16175551234;ani=8009957586;postd=2';
    assert.deepEqual(fuse.validateQueueRequest({ phone_number: input }).request.destination, fuse.parseDestination(input).destination);
  });

  test('now defaults to the current time', () => {
    const fuse = getFuse();
    const now = Math.floor(Date.now() / 1000);
    assert.equal(fuse.validateQueueRequest({ phone_number: PHONE, end_timestamp: now + 120 }).ok, true);
    const past = fuse.validateQueueRequest({ phone_number: PHONE, end_timestamp: now - 120 });
    assert.deepEqual(pairs(past.errors), [['end_in_past', 'end_timestamp']]);
    // An explicit now overrides it, in both directions.
    assert.equal(fuse.validateQueueRequest({ phone_number: PHONE, end_timestamp: now - 120 }, { now: now - 121 }).ok, true);
    assert.equal(fuse.validateQueueRequest({ phone_number: PHONE, end_timestamp: now + 120 }, { now: now + 120 }).ok, false);
    // A fractional now is rounded down.
    assert.equal(fuse.validateQueueRequest({ phone_number: PHONE, end_timestamp: 100 }, { now: 99.9 }).ok, true);
  });

  test('programming errors throw TypeError', () => {
    const fuse = getFuse();
    for (const params of [undefined, null, 'phone_number=6175551234', 6175551234, [PHONE]]) {
      assert.throws(() => fuse.validateQueueRequest(params), TypeError, String(params));
    }
    for (const options of [null, 'strict']) {
      assert.throws(() => fuse.validateQueueRequest({ phone_number: PHONE }, options), TypeError);
    }
    for (const now of ['1700000000', NaN, Infinity, null]) {
      assert.throws(() => fuse.validateQueueRequest({ phone_number: PHONE }, { now }), TypeError, String(now));
    }
    assert.throws(() => fuse.validateQueueRequest({ phone_number: PHONE }, { strict: 'yes' }), TypeError);
  });
});

test('both builds give identical results', { skip: buildNames.length < 2 }, async () => {
  const builds = await loadBuilds();
  const [a, b] = Object.values(builds);
  for (const c of cases) {
    const options = { now: NOW, ...c.options };
    assert.deepEqual(a.validateQueueRequest(c.params, options), b.validateQueueRequest(c.params, options), c.name);
  }
});

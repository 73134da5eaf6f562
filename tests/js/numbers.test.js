'use strict';
// Numbers the core writes into JSON (metadata values in payloads and requests) read exactly as
// JavaScript prints them (Number#toString), in both builds: edge cases plus seeded random doubles.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { forEachBuild } = require('./helpers/builds');
const { mulberry32 } = require('./helpers/random');

const EDGES = [1.5, 0.1, 1e21, 1e20, 123e18, 1e-7, 1.23e-7, 1e-6, 123456789.125, -0.000001, 5e-324,
  1.7976931348623157e308, -1e300, 2 ** 53 + 2, 1e16 + 2, 1 / 3, -2 / 3, 1.0000000000000002, -0, 0];

function metadataText(fuse, value) {
  const payload = fuse.buildResultPayload({ phone_number: '6175551234', events: [{ event: 'queued', timestamp: 1 }], metadata: { x: value } });
  return /"metadata":\{"x":([^}]*)\}/.exec(payload)[1];
}

forEachBuild((getFuse) => {
  test('metadata numbers are written as JSON.stringify writes them', () => {
    const fuse = getFuse();
    for (const v of EDGES) assert.equal(metadataText(fuse, v), JSON.stringify(v), String(v));
    const rand = mulberry32(7);
    for (let i = 0; i < 20000; i++) {
      const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 80 - 40);
      assert.equal(metadataText(fuse, v), JSON.stringify(v), String(v));
    }
  });

  test('the same through validateQueueRequest (metadata given as JSON text)', () => {
    const fuse = getFuse();
    for (const v of EDGES) {
      const r = fuse.validateQueueRequest({ phone_number: '6175551234', metadata: `{"x": ${JSON.stringify(v)}}` });
      assert.equal(r.ok, true);
      assert.equal(JSON.stringify(r.request.metadata.x), JSON.stringify(v));
    }
  });
});

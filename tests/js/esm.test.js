'use strict';
// The ESM entry (js/index.mjs) lists its named exports by hand, since Node cannot see the CommonJS
// entry's run-time exports: the list must be exactly the CommonJS module's.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

test('js/index.mjs exports every name of the CommonJS entry, and the same values', async () => {
  const cjs = require('../../js/index.js');
  const esm = await import(path.join(__dirname, '../../js/index.mjs'));
  const named = Object.keys(esm).filter((k) => k !== 'default').sort();
  assert.deepEqual(named, Object.keys(cjs).sort());
  for (const k of named) assert.equal(esm[k], cjs[k], k);
  assert.equal(esm.default, cjs);
});

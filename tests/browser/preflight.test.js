'use strict';
// The CSV preflight page in headless Chromium: a real file upload through the file input, the
// wasm build validating it in a Web Worker, then the summary and the problem table, checked on
// the DOM; a screenshot is saved under tests/browser/artifacts/.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openBrowser, screenshot } = require('./helpers');

let env;
let dir;
before(async () => {
  env = await openBrowser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-browser-'));
});
after(async () => {
  await env.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// 2,000 good rows plus known problems: a bad number (row 3), a ragged row whose record starts on
// line 6 because row 4's quoted field spans two lines, a duplicate (row 2000 = row 1) and an SSN.
function uploadWithKnownErrors() {
  const rows = ['destination,name,notes'];
  rows.push('6175551234,Ann,first');
  rows.push('tel:+12125551234;ani=8009957586,Bob,ok');
  rows.push('617555,Cy,bad number');
  rows.push('16175550000,Di,"two\nlines"');
  rows.push('2125559999,Ed');
  for (let i = 6; i < 2000; i++) rows.push(`+1 (617) ${220 + (i % 70)}-${String(i).padStart(4, '0')},Person ${i},"Mon, 10am"`);
  rows.push('617-555-1234,Zed,"SSN 123-45-6789"');
  return rows.join('\r\n') + '\r\n';
}

async function upload(page, name, text) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  await page.setInputFiles('#file', file);
  await page.waitForSelector('#summary:not([hidden])', { timeout: 30_000 });
}

const textOf = (page, selector) => page.locator(selector).innerText();

test('a file with known errors: summary, problem table, screenshot', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1200, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${env.url}/examples/preflight/`);
  await upload(page, 'calls.csv', uploadWithKnownErrors());

  assert.match(await textOf(page, '#verdict'), /Not ready/);
  assert.equal(await textOf(page, '#count-rows'), '2,000');
  assert.equal(await textOf(page, '#count-invalid'), '2');
  assert.equal(await textOf(page, '#count-valid'), '1,998');
  assert.equal(await textOf(page, '#count-queued'), '0');
  assert.equal(await textOf(page, '#count-errors'), '2');
  assert.equal(await textOf(page, '#count-warnings'), '2');

  const rows = await page.$$eval('#problems-table tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const summary = rows.map(([row, line, column, severity, code]) => [row, line, column, severity, code]);
  assert.deepEqual(summary, [
    ['3', '4', 'destination', 'error', 'invalid_phone_number'],
    ['5', '7', '', 'error', 'csv_field_count'],
    ['2000', '2002', 'notes', 'warning', 'possible_ssn'],
    ['2000', '2002', 'destination', 'warning', 'duplicate_destination'],
  ]);
  assert.match(rows[0][5], /destination "617555" has 6 digits/);
  assert.match(rows[3][5], /also on row 1/);
  assert.match(await textOf(page, '#progress-text'), /Done: 2,000 rows/);

  const shot = await screenshot(page, 'preflight-errors');
  assert.ok(fs.statSync(shot).size > 10_000, 'screenshot written');
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('upload parameters and partial mode change the verdict', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/examples/preflight/`);
  await upload(page, 'calls.csv', uploadWithKnownErrors());
  await page.check('#partial');
  await page.waitForFunction(() => /Ready/.test(document.querySelector('#verdict').textContent));
  assert.match(await textOf(page, '#verdict'), /Ready: 1,998 of 2,000 rows can be queued/);
  assert.equal(await textOf(page, '#count-queued'), '1,998');

  // A bad upload parameter is a file-level error: nothing is queued even in partial mode.
  await page.fill('#max-attempts', '3');
  await page.dispatchEvent('#max-attempts', 'change');
  await page.waitForFunction(() => /Not ready/.test(document.querySelector('#verdict').textContent));
  const codes = await page.$$eval('#problems-table tbody tr td.code', (tds) => tds.map((td) => td.textContent));
  assert.ok(codes.includes('max_attempts_requires_reattempt_wait'), codes.join());
  await page.close();
});

test('a clean file is ready, and a large one shows progress', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/examples/preflight/`);
  const rows = ['destination,name'];
  // Area code [2-9][0-8][2-8] and exchange [2-8]X[2-7]: never N11, never x9x.
  for (let i = 0; i < 200_000; i++) {
    rows.push(`${2 + (i % 8)}${i % 9}${2 + (i % 7)}${2 + (i % 7)}${i % 10}${2 + (i % 6)}${String(i % 10_000).padStart(4, '0')},Person ${i}`);
  }
  await upload(page, 'big.csv', rows.join('\n'));
  assert.match(await textOf(page, '#verdict'), /Ready: all 200,000 rows can be queued/);
  assert.equal(await textOf(page, '#count-errors'), '0');
  assert.equal(await textOf(page, '#count-invalid'), '0');
  assert.equal(await page.locator('#progress').evaluate((p) => p.value), 1);
  await screenshot(page, 'preflight-ready');
  await page.close();
});

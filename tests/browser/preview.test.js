'use strict';
// The window preview on the preflight page, in headless Chromium: after a CSV is validated, the
// preview (wasm, in the worker) shows the same numbers the native build computes for the same
// options, and follows changes to the lines and the window. A screenshot is saved.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const native = require('../../js/index.js');
const { openBrowser, screenshot } = require('./helpers');

let env;
let dir;
before(async () => {
  env = await openBrowser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuse-preview-'));
});
after(async () => {
  await env.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ROWS = 5000;
function cleanUpload() {
  const rows = ['destination,name'];
  for (let i = 0; i < ROWS; i++) rows.push(`+1 (617) ${220 + (i % 70)}-${String(i).padStart(4, '0')},Person ${i}`);
  return rows.join('\n') + '\n';
}

// The numbers the page shows, as text.
async function shown(page) {
  const ids = ['pv-calls', 'pv-completed', 'pv-failed', 'pv-canceled', 'pv-needed-capacity', 'pv-needed-end', 'pv-drain'];
  const out = {};
  for (const id of ids) out[id] = await page.locator(`#${id}`).innerText();
  out.verdict = await page.locator('#pv-verdict').innerText();
  return out;
}

// What the page should show for `options`, computed with the native build.
async function expected(page, options) {
  const r = native.previewWindow(options);
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  const when = (unix) => page.evaluate((u) => {
    const d = new Date(u * 1000);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }, unix);
  const fmt = (n) => n.toLocaleString('en-US');
  return {
    result: r,
    text: {
      'pv-calls': fmt(r.calls),
      'pv-completed': fmt(r.completed),
      'pv-failed': fmt(r.failed),
      'pv-canceled': fmt(r.canceled),
      'pv-needed-capacity': r.needed.capacity === null ? '-' : fmt(r.needed.capacity),
      'pv-needed-end': r.needed.endTimestamp === null ? '-' : await when(r.needed.endTimestamp),
      'pv-drain': r.drainTimestamp === null ? '-' : await when(r.drainTimestamp),
    },
  };
}

async function setWindow(page, start, end) {
  await page.fill('#pv-start', start);
  await page.fill('#pv-end', end);
}

test('the preview shows what the engine computes, and follows the lines and the window', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1200, height: 1100 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${env.url}/examples/preflight/`);
  const file = path.join(dir, 'calls.csv');
  fs.writeFileSync(file, cleanUpload());
  await page.setInputFiles('#file', file);
  await page.waitForSelector('#preview:not([hidden])', { timeout: 30_000 });

  // 5,000 calls on 30 lines in a 2-hour window: does not fit.
  await page.fill('#pv-capacity', '30');
  await setWindow(page, '2026-12-01T09:00', '2026-12-01T11:00');
  const [start, end] = await page.evaluate(() => ['2026-12-01T09:00', '2026-12-01T11:00'].map((v) => new Date(v).getTime() / 1000));
  const defaults = { talkTime: { mean: 60, spread: 30 }, rates: { connected: 0.7, busy: 0.1, noanswer: 0.15, informationtone: 0.05 } };
  const small = await expected(page, { calls: ROWS, capacity: 30, start, end, ...defaults });
  assert.equal(small.result.fits, false);
  await page.waitForFunction((c) => document.querySelector('#pv-canceled').textContent === c, small.text['pv-canceled']);
  const before = await shown(page);
  assert.deepEqual({ ...before, verdict: undefined }, { ...small.text, verdict: undefined });
  assert.match(before.verdict, /Does not fit/);
  // The chart has the lines-in-use area, the queued line and the window end.
  assert.equal(await page.locator('#pv-chart path.lines').count(), 1);
  assert.equal(await page.locator('#pv-chart path.queued').count(), 1);
  assert.equal(await page.locator('#pv-chart line.end').count(), 1);
  await screenshot(page, 'preview-does-not-fit');

  // The capacity the preview says is needed: now it fits.
  const needed = small.result.needed.capacity;
  await page.fill('#pv-capacity', String(needed));
  const big = await expected(page, { calls: ROWS, capacity: needed, start, end, ...defaults });
  assert.equal(big.result.fits, true);
  await page.waitForFunction(() => /^Fits/.test(document.querySelector('#pv-verdict').textContent));
  assert.deepEqual({ ...(await shown(page)), verdict: undefined }, { ...big.text, verdict: undefined });

  // Back to 30 lines with a window long enough (the needed end): it fits too.
  await page.fill('#pv-capacity', '30');
  const neededEnd = await page.evaluate((u) => {
    const d = new Date(u * 1000 + 59_000); // round up to the minute the input can hold
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, small.result.needed.endTimestamp);
  await setWindow(page, '2026-12-01T09:00', neededEnd);
  await page.waitForFunction(() => /^Fits/.test(document.querySelector('#pv-verdict').textContent));
  assert.equal(await page.locator('#pv-canceled').innerText(), '0');
  await screenshot(page, 'preview-fits');

  // SPEC 14: calling hours in Los Angeles (09:00 here is 01:00 there) and a dial rate: the page's
  // numbers are the engine's again; a bad value shows the core's message.
  await page.fill('#pv-calling-hours', 'tcpa');
  await page.fill('#pv-timezone', 'America/Los_Angeles');
  await page.fill('#pv-dial-rate', '2');
  const endAt = await page.evaluate((v) => new Date(v).getTime() / 1000, neededEnd);
  const policy = await expected(page, { calls: ROWS, capacity: 30, start, end: endAt, ...defaults, callingHours: 'tcpa', timezone: 'America/Los_Angeles', dialRate: 2 });
  await page.waitForFunction((c) => document.querySelector('#pv-canceled').textContent === c, policy.text['pv-canceled']);
  assert.deepEqual({ ...(await shown(page)), verdict: undefined }, { ...policy.text, verdict: undefined });
  await page.fill('#pv-calling-hours', '21:00-08:00');
  await page.waitForFunction(() => /close before they open/.test(document.querySelector('#preview').textContent));
  await screenshot(page, 'preview-calling-hours');
  assert.deepEqual(pageErrors, []);
  await page.close();
});

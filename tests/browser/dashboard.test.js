'use strict';
// The service's dashboard in headless Chromium: log in (Basic auth), upload a file (the wasm
// preflight runs in the page first; a file with a bad row is not sent), watch the counts move to
// completed over server-sent events, cancel a deployment's pending calls; screenshots saved.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { chromium } = require('playwright-core');
const { screenshot } = require('./helpers');
const { startServer, request } = require('../server/helpers');

async function launch() {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error('Chromium is not installed: run scripts/setup.sh (apt-get install chromium)');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic'] });
}

const count = (page, deployment, name) => page.locator(`#deployments tr[data-deployment="${deployment}"] td[data-count="${name}"]`);

async function waitForCount(page, deployment, name, value) {
  await page.waitForFunction(([d, n, v]) => {
    const td = document.querySelector(`#deployments tr[data-deployment="${d}"] td[data-count="${n}"]`);
    return td && td.textContent === String(v);
  }, [deployment, name, value], { timeout: 15000 });
}

test('dashboard: log in, upload with preflight, counts to completed, cancel', { timeout: 120000 }, async (t) => {
  const { server, url, account, auth } = await startServer(t);
  server.deployments.add('dev@example.com', 'app1', 'surveys');
  const browser = await launch();
  t.after(() => browser.close());

  // Without credentials: 401 (and the page never loads).
  const denied = await fetch(url + '/');
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get('www-authenticate'), /^Basic realm="fuse-outbound"/);

  const context = await browser.newContext({ httpCredentials: { username: account.email, password: account.developerKey }, viewport: { width: 1100, height: 1100 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (dialog) => dialog.accept());
  const res = await page.goto(url + '/');
  assert.equal(res.status(), 200);
  await page.waitForSelector('#deployments tr[data-deployment="app1/main"]');
  assert.match(await page.textContent('#status'), /^live/);

  // A file with a bad row: the preflight in the page names it and nothing is sent.
  await page.selectOption('select[name=deployment]', 'app1/main');
  await page.setInputFiles('input[name=csv]', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('destination,name\n6175550100,Ann\n617-555-123,Bob\n') });
  await page.click('button[type=submit]');
  await page.waitForSelector('#preflight .problems li');
  assert.match(await page.textContent('#preflight'), /2 rows, 1 valid, 1 with errors/);
  assert.match(await page.textContent('#preflight .problems'), /Row 2 \(line 3\): destination "617-555-123" has 9 digits/);
  assert.match(await page.textContent('#preflight'), /Not sent/);
  assert.equal((await request(`${url}/api/outbound/1`, { auth })).status, 404, 'nothing was queued');
  await screenshot(page, 'dashboard-preflight-refused');

  // A good file: checked, then posted to bulk_queue.
  const rows = ['destination,name', ...Array.from({ length: 5 }, (_, i) => `617555010${i},Person ${i}`)].join('\n') + '\n';
  await page.setInputFiles('input[name=csv]', { name: 'calls.csv', mimeType: 'text/csv', buffer: Buffer.from(rows) });
  await page.click('button[type=submit]');
  await page.waitForSelector('#upload-result p', { timeout: 15000 }).catch(async (err) => {
    throw new Error(`${err.message}\npreflight: ${await page.textContent('#preflight')}\npage errors: ${pageErrors.join('; ')}`);
  });
  assert.equal(await page.textContent('#upload-result'), 'queued 5 calls (ids 1 to 5)');
  assert.match(await page.textContent('#preflight'), /5 rows, 5 valid, 0 with errors/);
  assert.equal(await page.textContent('#upload-result'), 'queued 5 calls (ids 1 to 5)');
  await waitForCount(page, 'app1/main', 'queued', 5);
  await screenshot(page, 'dashboard-queued');

  // Time moves: the counts follow over server-sent events, to completed.
  await server.clock.advance(10);
  await waitForCount(page, 'app1/main', 'connected', 5);
  assert.equal(await count(page, 'app1/main', 'queued').textContent(), '0');
  await server.clock.advance(120);
  await waitForCount(page, 'app1/main', 'completed', 5);
  await page.waitForFunction(() => document.querySelectorAll('#latest tbody tr').length === 5);
  assert.match(await page.textContent('#latest tbody'), /completed/);
  assert.match(await page.textContent('#lines-now'), /\(0 of 10\)/);
  const { lines } = (await request(`${url}/api/dashboard`, { auth })).json;
  assert.equal(Math.max(...lines.history.map(([, n]) => n)), 5);
  assert.equal(lines.history.at(-1)[1], 0, 'the chart comes back down to 0');
  await screenshot(page, 'dashboard-completed');

  // Cancel: under the manual clock, new calls stay queued until time moves; the button cancels them.
  await page.selectOption('select[name=deployment]', 'app1/surveys');
  const later = ['destination', '6175550110', '6175550111', '6175550112'].join('\n') + '\n';
  await page.setInputFiles('input[name=csv]', { name: 'later.csv', mimeType: 'text/csv', buffer: Buffer.from(later) });
  await page.click('button[type=submit]');
  await page.waitForSelector('#upload-result .ok');
  await waitForCount(page, 'app1/surveys', 'queued', 3);
  await page.click('#deployments tr[data-deployment="app1/surveys"] button');
  await waitForCount(page, 'app1/surveys', 'canceled', 3);
  assert.match(await page.textContent('#upload-result'), /app1\/surveys: pending calls canceled/);
  assert.equal(await count(page, 'app1/main', 'completed').textContent(), '5', 'the other deployment is untouched');
  await screenshot(page, 'dashboard-canceled');
  assert.deepEqual(pageErrors, []);
});

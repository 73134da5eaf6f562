'use strict';
// The queue engine driven by timers, as a dialer service drives it: calls queued from a CSV upload
// (and one on its own), advance() run when nextWakeup() says, dials handed to a pretend carrier
// whose outcomes come back as reports, and each result POSTed to its result_url (a stub here).
// The engine's clock runs 50 times faster than the wall clock, so this takes about 3 seconds.
//   node examples/engine-loop.js [--wasm]
const SPEED = 50; // engine seconds per wall-clock second
const START = 1_700_000_000; // Unix seconds at which the engine's clock starts
const started = performance.now();
const clock = () => START + ((performance.now() - started) / 1000) * SPEED;
const now = () => Math.floor(clock()); // the engine takes whole seconds
const at = (time, fn) => setTimeout(fn, Math.max(0, Math.ceil(((time - clock()) * 1000) / SPEED)));
const log = (line) => console.log(`[+${String(now() - START).padStart(3)}s] ${line}`);

// Stands in for the HTTP POST of the call_details JSON, e.g. fetch(url, { method: 'POST', body: payload }).
async function postResult(url, payload) {
  const details = JSON.parse(payload);
  log(`POST ${url} call ${details.call_id} ${details.status} after ${details.attempts} attempt(s)`);
}

// A pretend carrier: every number answers after a few seconds and talks a while, except one that
// is always busy and one that never answers (the engine hangs up after ringTimeout).
const BUSY = '6175550142';
const SILENT = '6175550143';
function carrier(engine, dial, handle) {
  const n = Number(dial.callId);
  const report = (event) => {
    log(`carrier: ${dial.callId} ${event}`);
    handle(engine.report(dial.callId, event, now()));
  };
  const ring = dial.timestamp + 2 + (n % 5);
  if (dial.e164.endsWith(SILENT)) return;
  if (dial.e164.endsWith(BUSY)) return at(ring, () => report('busy'));
  at(ring, () => {
    report('connected');
    at(now() + 10 + 5 * (n % 4), () => report('disconnected'));
  });
}

async function main() {
  const fuse = process.argv.includes('--wasm') ? await require('fuse-outbound/wasm').init() : require('fuse-outbound');
  const engine = new fuse.Engine({ capacity: 3 }); // three lines; ringTimeout 45 s
  const resultUrl = 'https://example.com/fuse/results';

  const csv = ['destination,name', '6175550140,Ann', '16175550141,Bob', BUSY + ',Cy', SILENT + ',Di', 'tel:+16175550144;postd=2,Ed'];
  const upload = engine.enqueueCsv('reminders', csv.join('\n'), { max_attempts: 2, reattempt_wait: 60, result_url: resultUrl }, now());
  if (!upload.ok) throw new Error(upload.errors.map((e) => e.message).join('\n'));
  log(`queued ${upload.queued} calls from the CSV: ids ${upload.callIds.join(', ')}`);
  const single = engine.enqueue('surveys', { phone_number: '6175550145', result_url: resultUrl, metadata: { survey: 'q3' } }, now());
  log(`queued call ${single.callId} on its own`);

  let wake = null;
  const posts = [];
  let done = null;
  const finished = new Promise((resolve) => (done = resolve));

  // Carries out what the engine asks, then sets the timer for its next wakeup.
  function handle(actions) {
    for (const action of actions) {
      if (action.type === 'dial') {
        log(`dial ${action.callId} ${action.uri} (${action.deployment}, attempt ${action.attempt})`);
        carrier(engine, action, handle);
      } else if (action.type === 'hangup') {
        log(`hang up ${action.callId}: ${action.reason}`);
      } else if (action.resultUrl) {
        posts.push(postResult(action.resultUrl, action.payload));
      }
    }
    clearTimeout(wake);
    const stats = engine.stats();
    if (stats.completed + stats.failed + stats.canceled === stats.calls) return done(stats);
    const next = engine.nextWakeup();
    if (next !== null) wake = at(next, () => handle(engine.advance(now())));
  }

  handle(engine.advance(now()));
  const stats = await finished;
  await Promise.all(posts);
  log(`done: ${stats.completed} completed, ${stats.failed} failed, ${stats.canceled} canceled`);
  engine.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

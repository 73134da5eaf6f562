// The script an installed project runs (tests/install/install.test.js): a little of every part of
// the API, reduced to plain data, so that each way of loading the package (addon, wasm fallback,
// ESM, browser bundle, Web Worker) can be compared with the others value for value.
export function run(fuse) {
  const inputs = ['tel:+16175551234;ani=8009957586;postd=2', '(617) 555-1234', 'bad', '+442079460000', '617-010-1234'];
  const parsed = inputs.map((input) => {
    const r = fuse.parseDestination(input);
    return r.ok ? { e164: r.destination.e164, ani: r.destination.ani, postd: r.destination.postd } : { errors: r.errors.map((e) => e.code) };
  });
  const batch = fuse.parseDestinations(inputs);
  const request = fuse.validateQueueRequest(
    { phone_number: '6175551234', max_attempts: '3', reattempt_wait: 300, metadata: { name: 'Ann' }, extra: 1 },
    { strict: true, now: 1700000000 },
  );
  const csv = fuse.validateCsv('destination,name\n6175551234,Ann\nbad,Bo\n6175551234,Cy\n', { max_attempts: 2, reattempt_wait: 60 });

  const start = 1700000000;
  const engine = new fuse.Engine({ capacity: 2, ringTimeout: 30 });
  const ids = ['6175550100', '6175550101', '6175550102'].map((phone) => engine.enqueue('reminders', { phone_number: phone, max_attempts: 2, reattempt_wait: 60 }, start).callId);
  const actions = [];
  const keep = (list) => list.forEach((a) => actions.push(a.type === 'result' ? { type: a.type, payload: JSON.parse(a.payload) } : { type: a.type, callId: a.callId, attempt: a.attempt, reason: a.reason }));
  keep(engine.advance(start));
  keep(engine.report(ids[0], 'connected', start + 5));
  keep(engine.report(ids[1], 'busy', start + 6));
  keep(engine.report(ids[0], 'disconnected', start + 40));
  keep(engine.advance(start + 120));
  // memoryBytes is left out: it counts the build's own allocations (wasm's pointers are 4 bytes).
  const counts = ({ memoryBytes, ...rest }) => rest;
  const stats = counts(engine.stats());
  const copy = fuse.Engine.restore(engine.snapshot());
  const restored = counts(copy.stats());
  copy.dispose();
  engine.dispose();

  const preview = fuse.previewWindow({ calls: 2000, capacity: 10, start: 1700000000, end: 1700000000 + 3600, seed: 7 });
  const values = {
    parsed,
    batch: { e164: [...batch.e164], errors: batch.errors.map((e) => [e.index ?? null, e.code]) },
    request: request.ok ? request.request : request.errors,
    csv: { ok: csv.ok, queued: csv.queued, errors: (csv.errors || []).map((e) => [e.row, e.code]), warnings: (csv.warnings || []).map((e) => [e.row, e.code]) },
    engine: { ids, actions, stats, restored },
    preview: { fits: preview.fits, completed: preview.completed, failed: preview.failed, canceled: preview.canceled, drain: preview.drainTimestamp },
  };
  return JSON.parse(JSON.stringify(values)); // plain data, as a process prints it and a worker posts it
}

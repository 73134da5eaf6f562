// Compiled (not run) by `tsc -p tests/types`: the declarations must accept real usage and reject misuse.
import * as fuse from 'fuse-outbound';
import { init } from 'fuse-outbound/wasm';

const r = fuse.parseDestination('tel:+16175551234;ani=8009957586;postd=2');
if (r.ok) {
  const e164: string = r.destination.e164;
  const ani: string | null = r.destination.ani;
  void e164, ani;
} else {
  const codes: string[] = r.errors.map((e) => e.code);
  void codes;
}
const batch = fuse.parseDestinations(['6175551234', 'bad']);
const first: string | null = batch.e164[0];
for (const item of batch) if (!item.ok) void item.errors[0].message;
void first;

const v = fuse.validateQueueRequest(
  { phone_number: '6175551234', max_attempts: '3', reattempt_wait: 300, metadata: { name: 'John Doe' }, is_pci: 0 },
  { strict: true, now: 1700000000 },
);
if (v.ok) {
  const wait: number = v.request.reattempt_wait;
  const e164: string = v.request.destination.e164;
  const end: number | null = v.request.end_timestamp;
  void wait, e164, end;
} else {
  const fields: string[] = v.errors.map((e) => e.field);
  void fields;
}
const options: fuse.ValidationOptions = {};
fuse.validateQueueRequest({ phone_number: 6175551234, metadata: '{"a":1}', custom_field: 1 }, options);

const engine = new fuse.Engine({ capacity: 10, ringTimeout: 45 });
const queued: fuse.EnqueueResult = engine.enqueue('sales', { phone_number: '6175551234', max_attempts: 3, reattempt_wait: 300 }, 1700000000);
const fromBody: fuse.EnqueueResult = engine.enqueueJson('sales', '{"phone_number":"6175551234"}', 1700000000, { strict: true });
void fromBody;
const enqueuer: fuse.CsvEnqueuer = engine.createCsvEnqueuer('sales', { max_attempts: 2, reattempt_wait: 60 }, 1700000000, { queueAsRead: false });
enqueuer.push('destination\n6175551234\n');
const streamed: fuse.EnqueueCsvResult = enqueuer.finish();
void streamed.firstCallId;
const dropped: number = engine.compact();
void dropped;
// @ts-expect-error the text form takes a string
engine.enqueueJson('sales', { phone_number: '6175551234' });
if (queued.ok) {
  const id: string = queued.callId;
  for (const action of engine.report(id, 'busy', 1700000010)) {
    if (action.type === 'dial') void action.uri;
    else if (action.type === 'result') void (JSON.parse(action.payload) as fuse.CallDetails).status;
    else void action.reason;
  }
  const details: fuse.CallDetails | null = engine.get(id);
  void details;
}
const wake: number | null = engine.nextWakeup();
const perDeployment = engine.stats({ perDeployment: true }).byDeployment;
engine.setCapacity(5);
const copy: fuse.Engine = fuse.Engine.restore(engine.snapshot());
copy.dispose();
const payload: string = fuse.buildResultPayload({
  phone_number: '6173720293',
  max_attempts: 1,
  reattempt_wait: 300,
  events: [{ event: 'queued', timestamp: 1475095892 }],
});
void wake, perDeployment, payload, engine.advance(), engine.cancelDeployment('sales');
const upload: fuse.EnqueueCsvResult = engine.enqueueCsv('sales', 'destination\n6175551234\n', { max_attempts: 2, reattempt_wait: 60 }, 1700000000, { partial: true });
const uploadIds: string[] = upload.callIds;
const uploadFirst: string | null = upload.firstCallId;
const bytesHeld: number = engine.stats().memoryBytes;
engine.enqueueCsv('sales', new Uint8Array(0));
void uploadIds, uploadFirst, bytesHeld;

async function wasm() {
  const w = await init();
  const same: fuse.ParseDestinationResult = w.parseDestination('6175551234');
  const checked: fuse.ValidateQueueRequestResult = w.validateQueueRequest({ phone_number: '6175551234' });
  const wasmEngine: fuse.Engine = new w.Engine({ capacity: 1 });
  void same, checked, wasmEngine;
}
void wasm;

// @ts-expect-error parseDestination takes a string
fuse.parseDestination(6175551234);
// @ts-expect-error validateQueueRequest takes an object of parameters
fuse.validateQueueRequest('6175551234');
// @ts-expect-error strict is a boolean
fuse.validateQueueRequest({ phone_number: '6175551234' }, { strict: 'yes' });
// @ts-expect-error capacity is required
new fuse.Engine({ ringTimeout: 30 });
// @ts-expect-error report takes a carrier outcome, not an engine-raised event
engine.report('1', 'dialing', 1700000000);
engine.report('1', 'rejected', 1700000000, '503 Service Unavailable');
// @ts-expect-error a reason is text
engine.report('1', 'rejected', 1700000000, 503);
// @ts-expect-error enqueueCsv takes the time as an argument, not an option
engine.enqueueCsv('sales', 'destination\n', {}, 1700000000, { now: 1700000000 });
// @ts-expect-error buildResultPayload needs the events
fuse.buildResultPayload({ phone_number: '6175551234' });

const csv = fuse.validateCsv('destination,name\n6175551234,Ann\n', { max_attempts: 2, reattempt_wait: 300 }, { partial: true, includeRequests: true });
const csvQueued: number = csv.queued + csv.errorCount;
const firstRow: number | undefined = csv.errors[0]?.row;
const requestUri: string | undefined = csv.requests?.[0]?.destination.uri;
void csvQueued, firstRow, requestUri;
const streaming = fuse.createCsvValidator({}, { maxRows: 5000 });
const progress: fuse.CsvProgress = streaming.push(new Uint8Array([100, 10]));
const done: fuse.CsvResult = streaming.finish();
void progress, done;
// @ts-expect-error maxRows is a number
fuse.validateCsv('destination\n', {}, { maxRows: '10' });
// @ts-expect-error push takes text or bytes
streaming.push(42);

const preview = fuse.previewWindow({
  calls: 40000,
  capacity: 30,
  start: 1700000000,
  end: 1700028800,
  maxAttempts: 3,
  reattemptWait: 300,
  talkTime: { mean: 60, spread: 30 },
  ringTime: { mean: 15 },
  rates: { connected: 0.7, busy: 0.2, noanswer: 0.1 },
  competing: [{ calls: 10000, start: 1700000600 }],
});
if (preview.ok) {
  const neededLines: number | null = preview.needed.capacity;
  const drain: number | null = preview.drainTimestamp;
  const busiest: number = Math.max(...preview.timeline.map((p) => p.linesInUse));
  const otherDone: number | null = preview.competing[0].drainTimestamp;
  void neededLines, drain, busiest, otherDone;
} else {
  void preview.errors[0].field;
}
fuse.previewWindow({ csv, capacity: 10 });
// @ts-expect-error capacity is required
fuse.previewWindow({ calls: 10 });
// @ts-expect-error talkTime is {mean, spread}
fuse.previewWindow({ calls: 10, capacity: 1, talkTime: 60 });

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

async function wasm() {
  const w = await init();
  const same: fuse.ParseDestinationResult = w.parseDestination('6175551234');
  const checked: fuse.ValidateQueueRequestResult = w.validateQueueRequest({ phone_number: '6175551234' });
  void same, checked;
}
void wasm;

// @ts-expect-error parseDestination takes a string
fuse.parseDestination(6175551234);
// @ts-expect-error validateQueueRequest takes an object of parameters
fuse.validateQueueRequest('6175551234');
// @ts-expect-error strict is a boolean
fuse.validateQueueRequest({ phone_number: '6175551234' }, { strict: 'yes' });

const csv = fuse.validateCsv('destination,name\n6175551234,Ann\n', { max_attempts: 2, reattempt_wait: 300 }, { partial: true, includeRequests: true });
const queued: number = csv.queued + csv.errorCount;
const firstRow: number | undefined = csv.errors[0]?.row;
const requestUri: string | undefined = csv.requests?.[0]?.destination.uri;
void queued, firstRow, requestUri;
const streaming = fuse.createCsvValidator({}, { maxRows: 5000 });
const progress: fuse.CsvProgress = streaming.push(new Uint8Array([100, 10]));
const done: fuse.CsvResult = streaming.finish();
void progress, done;
// @ts-expect-error maxRows is a number
fuse.validateCsv('destination\n', {}, { maxRows: '10' });
// @ts-expect-error push takes text or bytes
streaming.push(42);

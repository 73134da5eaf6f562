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

async function wasm() {
  const w = await init();
  const same: fuse.ParseDestinationResult = w.parseDestination('6175551234');
  void same;
}
void wasm;

// @ts-expect-error parseDestination takes a string
fuse.parseDestination(6175551234);

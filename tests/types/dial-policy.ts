// Compiled (not run) by `tsc -p tests/types`: SPEC 14's dial-time policy in the declarations.
import * as fuse from 'fuse-outbound';

const engine = new fuse.Engine({ capacity: 10, ringTimeout: 45, dialRate: 2.5 });
new fuse.Engine({ capacity: 1, dialRate: null });
engine.setDialRate(0.5);
engine.setDialRate(null);
const stats: fuse.EngineStats = engine.stats();
const rate: number | null = stats.dialRate;
const suppressedCount: number = stats.suppressed;
void rate, suppressedCount;

const policy: fuse.DeploymentPolicy = engine.setDeployment('sales', { weight: 3, callingHours: 'tcpa', suppressionList: 'client-a' });
const hours: string | null = policy.callingHours;
const list: string | null = policy.suppressionList;
const weight: number = engine.deploymentPolicy('sales').weight;
void hours, list, weight;
engine.setDeployment('sales', { callingHours: { 'mon-fri': '08:00-21:00', sat: '09:00-17:00' } });
engine.setDeployment('sales', { callingHours: null });
engine.setDeployment('support', {});

const added: boolean = engine.suppress('+16175551234');
const inList: boolean = engine.isSuppressed('(617) 555-1234', 'client-a');
const removed: boolean = engine.unsuppress('tel:+16175551234', null);
void added, inList, removed;

engine.enqueue('sales', { phone_number: '2125551234', calling_hours: 'mon-fri 08:00-21:00; sat 09:00-17:00', timezone: 'America/New_York' }, 1773057540);
engine.enqueue('sales', { phone_number: '2125551234', calling_hours: { 'mon-fri': '08:00-21:00' } });
fuse.validateQueueRequest({ phone_number: '2125551234', calling_hours: 'tcpa', timezone: 'America/Chicago' }, { now: 1773057540 });
fuse.validateCsv('destination,calling_hours,timezone\n2125551234,tcpa,America/Chicago\n', { calling_hours: '08:00-20:00', timezone: 'America/New_York' });

const details = engine.get('1');
if (details) {
  const wasSuppressed: boolean = details.events.some((e) => e.event === 'suppressed');
  void wasSuppressed;
}
const event: fuse.CallEventName = 'suppressed';
void event;

const preview = fuse.previewWindow({
  calls: 2000,
  capacity: 30,
  start: 1773046800,
  callingHours: 'tcpa',
  timezone: 'America/New_York',
  numbers: ['6175550001', '3125550002'],
  suppressed: ['+16175550001'],
  dialRate: 0.5,
  weight: 2,
  competing: [{ calls: 100, weight: 1, callingHours: { 'mon-fri': '09:00-17:00' } }],
});
if (preview.ok) {
  const ofCanceled: number = preview.suppressed + preview.competing[0].suppressed;
  void ofCanceled;
}

// @ts-expect-error dialRate is dials per second, not text
new fuse.Engine({ capacity: 1, dialRate: '2/s' });
// @ts-expect-error setDeployment takes a policy object, not the hours alone
engine.setDeployment('sales', 'tcpa');
// @ts-expect-error weight is a number
engine.setDeployment('sales', { weight: 'heavy' });
// @ts-expect-error suppress returns whether the number was added, not the policy
const wrong: fuse.DeploymentPolicy = engine.suppress('+16175551234');
void wrong;
// @ts-expect-error a suppression list is named by a string
engine.suppress('+16175551234', 7);
// @ts-expect-error preview numbers are an array
fuse.previewWindow({ calls: 10, capacity: 1, numbers: '6175551234' });
// @ts-expect-error calling hours are text or an object of day: hours
fuse.previewWindow({ calls: 10, capacity: 1, callingHours: 8 });

'use strict';
// fuse-outbound serve: the outbound service (SPEC 8-11) on the embedded store.
const { parseArgs, UsageError } = require('./args');

const usage = `Usage: fuse-outbound serve [options]

Runs the outbound service: the platform's HTTP API (queue, bulk_queue, status, cancel), durable
storage in the data directory, the queue engine, a carrier and signed result callbacks.

Options:
  --port N                 port to listen on (default 8080; 0 picks a free one)
  --host ADDR              address to listen on (default 127.0.0.1)
  --data DIR               data directory (default ./fuse-data)
  --store postgres://...   several nodes on one PostgreSQL database instead (SPEC 12): any
                           number of nodes, one leader at a time, the others take over
  --lease S                with --store: seconds within which a follower takes over (default 10)
  --capacity N             concurrent outbound lines (default 10)
  --dial-rate N            dials per second across all deployments (SPEC 14; fractions to the
                           thousandth, 0.5: one dial every 2 s; default: no limit)
  --ring-timeout S         seconds of ringing before noanswer (default 45; set when DIR is new)
  --carrier sim|sip        the carrier (default sim: simulated, SPEC 11; sip: a SIP trunk, SPEC 13)
  --seed N                 the sim carrier's seed for numbers outside 555-01XY (default 1)
  --trunk HOST:PORT        sip: the trunk or PBX every INVITE goes to
  --transport udp|tcp      sip: the transport (default udp)
  --sip-user U --sip-password P   sip: digest credentials, used when the trunk challenges (401/407)
  --caller-id-header from|pai     sip: the ani in From only (default), or also in P-Asserted-Identity
  --sip-bind HOST:PORT     sip: where our SIP stack listens (default 0.0.0.0:5060)
  --sip-public-address IP  sip: the address the trunk reaches us at, behind NAT (Via, Contact, SDP)
  --sip-postd-wait S       sip: seconds a 'w' in postd waits (default 1)
  --sip-max-call S         sip: hang up a connected call after S seconds (default 0: never)
  --speed N                run the clock N times faster than real time (default 1)
  --allow-callbacks-to C   CIDR ranges (comma-separated) callbacks may reach although private
                           or loopback, e.g. 127.0.0.1/32 for a local receiver
  --rate-limit N           requests per second per account (default 0: no limit)
  --max-upload-bytes N     a bulk_queue file's limit (default 1073741824)
  --max-rows N             a bulk_queue file's row limit (default 1000000)
  --verbose                print each dial and result, the lines in use (and with --store
                           when this node becomes leader or follower)
Administration: fuse-outbound accounts add, fuse-outbound deployments add|set|delete.
`;

const SPEC = {
  port: 'number', host: 'string', data: 'string', store: 'string', lease: 'number', capacity: 'number', dialRate: 'number', ringTimeout: 'number', carrier: 'string',
  seed: 'number', speed: 'number', allowCallbacksTo: 'string', rateLimit: 'number', maxUploadBytes: 'number',
  maxRows: 'number', verbose: 'boolean', trunk: 'string', transport: 'string', sipUser: 'string',
  sipPassword: 'string', callerIdHeader: 'string', sipBind: 'string', sipPostdWait: 'number', sipMaxCall: 'number',
  sipPublicAddress: 'string',
};

const SIP_FLAGS = ['trunk', 'transport', 'sipUser', 'sipPassword', 'callerIdHeader', 'sipBind', 'sipPostdWait', 'sipMaxCall', 'sipPublicAddress'];

// The carrier's options from the flags; sip flags need --carrier sip.
function carrierOptions(o) {
  const carrier = o.carrier || 'sim';
  if (carrier !== 'sip') {
    const stray = SIP_FLAGS.find((k) => o[k] !== undefined);
    if (stray) throw new UsageError(`--${stray.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is for --carrier sip`);
    return o.seed !== undefined ? { seed: o.seed } : {};
  }
  if (!o.trunk) throw new UsageError('--carrier sip needs --trunk HOST:PORT (the SIP trunk or PBX to dial through)');
  wholeNumber(o, 'sipMaxCall', 0, 86400);
  const out = { trunk: o.trunk };
  if (o.transport !== undefined) out.transport = o.transport;
  if (o.sipUser !== undefined) out.user = o.sipUser;
  if (o.sipPassword !== undefined) out.password = o.sipPassword;
  if (o.callerIdHeader !== undefined) out.callerIdHeader = o.callerIdHeader;
  if (o.sipBind !== undefined) out.bind = o.sipBind;
  if (o.sipPostdWait !== undefined) out.postdWait = o.sipPostdWait;
  if (o.sipMaxCall !== undefined) out.maxCallSeconds = o.sipMaxCall;
  if (o.sipPublicAddress !== undefined) out.publicAddress = o.sipPublicAddress;
  return out;
}

function wholeNumber(options, name, lo, hi) {
  const v = options[name];
  if (v === undefined) return;
  const flag = '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  if (!Number.isInteger(v) || v < lo || v > hi) throw new UsageError(`${flag} must be a whole number from ${lo} to ${hi}, got ${v}`);
}

function checkOptions(o) {
  wholeNumber(o, 'port', 0, 65535);
  wholeNumber(o, 'capacity', 0, 100000);
  wholeNumber(o, 'ringTimeout', 1, 86400);
  if (o.dialRate !== undefined) {
    // The core's rule (range, thousandths), through the package's API.
    const { Engine } = require('../index');
    let engine;
    try {
      engine = new Engine({ capacity: 1, dialRate: o.dialRate });
    } catch (err) {
      throw new UsageError(`--dial-rate: ${err.message}`);
    }
    engine.dispose();
  }
  wholeNumber(o, 'seed', 0, Number.MAX_SAFE_INTEGER);
  wholeNumber(o, 'lease', 2, 3600);
  if (o.store !== undefined && !/^postgres(ql)?:\/\//.test(o.store)) throw new UsageError(`--store takes a postgres:// URL, got '${o.store}'`);
  if (o.store !== undefined && o.data !== undefined) throw new UsageError('give --data (SQLite) or --store (PostgreSQL), not both');
  if (o.lease !== undefined && o.store === undefined) throw new UsageError('--lease applies to --store postgres://... only');
  wholeNumber(o, 'rateLimit', 0, 1e9);
  wholeNumber(o, 'maxUploadBytes', 1, 2 ** 40);
  wholeNumber(o, 'maxRows', 1, 1000000);
  if (o.speed !== undefined && !(o.speed > 0 && o.speed <= 1e6)) throw new UsageError(`--speed must be a number above 0 and at most 1000000, got ${o.speed}`);
}

async function run(args, { stdout, stderr }) {
  const { options, positionals } = parseArgs(args, SPEC);
  if (positionals.length) throw new UsageError(`serve takes no arguments (got '${positionals[0]}'); see --help`);
  checkOptions(options);
  const { createServer } = require('../server');
  const { parseAllowList } = require('../server/delivery');
  try {
    if (options.allowCallbacksTo) parseAllowList(options.allowCallbacksTo);
  } catch (err) {
    throw new UsageError(err.message);
  }
  const server = await createServer({
    data: options.data || 'fuse-data',
    store: options.store,
    lease: options.lease,
    capacity: options.capacity,
    dialRate: options.dialRate,
    ringTimeout: options.ringTimeout,
    carrier: options.carrier || 'sim',
    carrierOptions: carrierOptions(options),
    speed: options.speed,
    allowCallbacksTo: options.allowCallbacksTo,
    rateLimit: options.rateLimit,
    maxUploadBytes: options.maxUploadBytes,
    maxRows: options.maxRows,
    log: (line) => stderr.write(`fuse-outbound: ${line}\n`),
  }).catch((err) => {
    if (err instanceof RangeError || /carrier/.test(err.message)) throw new UsageError(err.message);
    throw err;
  });
  if (options.verbose) {
    // Lines in use in the carrier after each batch of dials, with the wall time (ms): tests add
    // them up across the nodes of a cluster.
    // Calls that end are seen within 20 ms (a count that only rose would overstate the sum).
    let counting = false;
    let shown = null;
    const showLines = () => {
      shown = server.carrier.stats().active;
      stdout.write(`lines ${shown} at ${Date.now()}\n`);
    };
    const countLines = () => {
      if (counting) return;
      counting = true;
      queueMicrotask(() => {
        counting = false;
        showLines();
      });
    };
    setInterval(() => shown !== null && server.carrier.stats().active !== shown && showLines(), 20).unref();
    server.outbound.on('dial', (a) => {
      stdout.write(`dial   call ${a.callId} attempt ${a.attempt} ${a.e164}\n`);
      countLines();
    });
    server.outbound.on('result', (r) => stdout.write(`result call ${r.callId} ${r.status}\n`));
  }
  const url = await server.listen({ port: options.port ?? 8080, host: options.host || '127.0.0.1' });
  if (options.verbose && server.store.kind === 'postgres') {
    server.outbound.on('leader', ({ term }) => stdout.write(`leader term ${term} at ${Date.now()}\n`));
    server.outbound.on('follower', () => stdout.write(`follower at ${Date.now()}\n`));
    if (server.outbound.isLeader) stdout.write(`leader term ${server.store.term} at ${Date.now()}\n`); // taken while starting
  }
  const where = server.store.kind === 'postgres' ? `store postgres, ${server.outbound.isLeader ? 'leader' : 'follower'}` : `data ${server.store.dir}`;
  const carrier = options.carrier === 'sip' ? `sip carrier to ${options.trunk} over ${(options.transport || 'udp').toLowerCase()}` : `${options.carrier || 'sim'} carrier`;
  stdout.write(`fuse-outbound serving ${url} (${where}, ${server.outbound.capacity} lines, ${options.dialRate !== undefined ? `${options.dialRate} dials/s, ` : ''}${carrier}${options.speed && options.speed !== 1 ? `, clock x${options.speed}` : ''}; replayed ${server.replayed} journal entries)\n`);
  await new Promise((resolve) => {
    const stop = async (signal) => {
      stdout.write(`fuse-outbound: ${signal}: finishing what is in flight, then stopping\n`);
      await server.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

module.exports = { summary: 'run the outbound service (HTTP API, durable store, carrier, callbacks)', usage, run };

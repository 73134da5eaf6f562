'use strict';
// The sip carrier (SPEC 13) against SIPp as the far end: each behaviour of tests/sip/*.xml through
// the carrier's interface (start/dial/hangup, reports collected), then the whole service
// (`serve --carrier sip`): calls queued over HTTP, results POSTed to a receiver.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { SipCarrier, digestResponse, outcomeOf } = require('../../js/server/carriers/sip');
const { sippMissing, startSipp, requests, until, startRtpListener, freePort, OUR_HOST } = require('./sipp');
const { startServer, startReceiver, request, multipart, tempDir, basic } = require('./helpers');

const skip = sippMissing || false;
const ANI = '+18005550100';

let nextCall = 1;
function dialAction(overrides = {}) {
  return { type: 'dial', callId: String(nextCall++), deployment: '1', phoneNumber: '6172001234', uri: 'tel:+16172001234', e164: '+16172001234', ani: ANI, postd: null, attempt: 1, timestamp: 0, ...overrides };
}

/** A started carrier whose reports are collected: {carrier, reports, reported(n)}. */
async function carrierFor(t, sipp, options = {}) {
  const bindPort = await freePort(OUR_HOST, options.transport || 'udp');
  const carrier = new SipCarrier({ trunk: sipp.trunk, bind: `${OUR_HOST}:${bindPort}`, ...options });
  const reports = [];
  carrier.start({ report: (callId, event, at, reason) => reports.push(reason === undefined ? { callId, event } : { callId, event, reason }) });
  t.after(() => carrier.close());
  return { carrier, reports, reported: (n, ms = 10000) => until(() => reports.length >= n, ms, `${n} carrier report(s); got ${JSON.stringify(reports)}`) };
}

async function sippSucceeded(sipp) {
  const { code, output } = await sipp.done;
  assert.equal(code, 0, `sipp failed: ${output.slice(-1500)}`);
}

test('digest: the RFC 2617 section 3.5 example gives its published response', () => {
  const header = digestResponse(
    { scheme: 'Digest', realm: '"testrealm@host.com"', qop: '"auth,auth-int"', nonce: '"dcd98b7102dd2f0e8b11d0f600bfb0c093"', opaque: '"5ccc069c403ebaf9f0171e9517f40e41"' },
    { method: 'GET', uri: '/dir/index.html', user: 'Mufasa', password: 'Circle Of Life', cnonce: '0a4f113b', nc: '00000001' },
  );
  assert.match(header, /response="6629fae49393a05397450978507c4ef1"/);
  assert.match(header, /opaque="5ccc069c403ebaf9f0171e9517f40e41"/);
  assert.match(header, /qop=auth, nc=00000001, cnonce="0a4f113b"/);
});

test('outcomes of final responses (SPEC 13), the Q.850 cause deciding when present', () => {
  const cases = [
    [[486, 'Busy Here'], { event: 'busy' }],
    [[600, 'Busy Everywhere'], { event: 'busy' }],
    [[603, 'Decline'], { event: 'busy' }],
    [[404, 'Not Found'], { event: 'informationtone' }],
    [[410, 'Gone'], { event: 'informationtone' }],
    [[484, 'Address Incomplete'], { event: 'informationtone' }],
    [[485, 'Ambiguous'], { event: 'informationtone' }],
    [[604, 'Does Not Exist Anywhere'], { event: 'informationtone' }],
    [[408, 'Request Timeout'], { event: 'noanswer' }],
    [[480, 'Temporarily Unavailable'], { event: 'noanswer' }],
    [[503, 'Service Unavailable'], { event: 'rejected', reason: '503 Service Unavailable' }],
    [[403, ''], { event: 'rejected', reason: '403 Forbidden' }],
    [[302, 'Moved Temporarily'], { event: 'rejected', reason: '302 Moved Temporarily' }],
    [[488, 'Not Acceptable\r\nX: y'], { event: 'rejected', reason: '488 Not Acceptable X: y' }],
    [[503, 'Service Unavailable', 'Q.850;cause=17;text="User busy"'], { event: 'busy' }],
    [[603, 'Decline', 'Q.850;cause=1'], { event: 'informationtone' }],
    [[480, 'Temporarily Unavailable', 'Q.850 ; cause=18'], { event: 'noanswer' }],
    [[486, 'Busy Here', 'Q.850;cause=19'], { event: 'noanswer' }],
    [[486, 'Busy Here', 'SIP;cause=200, Q.850;cause=21;text="Call rejected"'], { event: 'rejected', reason: '486 Busy Here (Q.850 cause 21: Call rejected)' }],
    [[486, 'Busy Here', 'SIP;cause=486'], { event: 'busy' }], // no Q.850: the status decides
  ];
  for (const [[status, phrase, reason], expected] of cases) assert.deepEqual(outcomeOf(status, phrase, reason), expected, `${status} ${reason || ''}`);
});

test('answer, then the far end hangs up: connected then disconnected; the INVITE carries the SPEC 13 headers', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-then-bye', { duration: 500 });
  const { carrier, reports, reported } = await carrierFor(t, sipp);
  const action = dialAction();
  carrier.dial(action, { deployment: 'app1/main' });
  await reported(2);
  assert.deepEqual(reports, [{ callId: action.callId, event: 'connected' }, { callId: action.callId, event: 'disconnected' }]);
  await sippSucceeded(sipp);
  const [invite] = requests(sipp.messages(), 'INVITE');
  assert.equal(invite.firstLine, `INVITE sip:+16172001234@${sipp.trunk} SIP/2.0`);
  assert.match(invite.headers.from[0], /^"\+18005550100" <sip:\+18005550100@127\.0\.0\.2>;tag=\w+$/);
  assert.equal(invite.headers['p-asserted-identity'], undefined, 'From only by default');
  assert.deepEqual(invite.headers['x-fuse-call-id'], [action.callId]);
  assert.deepEqual(invite.headers['x-fuse-deployment'], ['app1/main']);
  assert.match(invite.body, /^m=audio \d+ RTP\/AVP 0 101$/m);
  assert.match(invite.body, /^a=rtpmap:101 telephone-event\/8000$/m);
  assert.equal(requests(sipp.messages(), 'ACK').length, 1);
  assert.equal(carrier.stats().active, 0);
});

test('--sip-bind 0.0.0.0 with --sip-public-address: the public address in Via, Contact and SDP', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-then-bye', { duration: 200 });
  const port = await freePort('0.0.0.0');
  const carrier = new SipCarrier({ trunk: sipp.trunk, bind: `0.0.0.0:${port}`, publicAddress: OUR_HOST });
  const reports = [];
  carrier.start({ report: (callId, event) => reports.push(event) });
  t.after(() => carrier.close());
  carrier.dial(dialAction());
  await until(() => reports.length >= 2, 10000, 'connected and disconnected');
  assert.deepEqual(reports, ['connected', 'disconnected']);
  await sippSucceeded(sipp);
  const [invite] = requests(sipp.messages(), 'INVITE');
  assert.match(invite.headers.via[0], new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${port};`));
  assert.match(invite.headers.contact[0], new RegExp(`<sip:fuse@127\\.0\\.0\\.1:${port}>`));
  assert.match(invite.body, /^c=IN IP4 127\.0\.0\.1$/m);
});

test('--caller-id-header pai: the ani in From and in P-Asserted-Identity; no ani: anonymous, no PAI', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-then-bye', { duration: 200, calls: 2 });
  const { carrier, reported } = await carrierFor(t, sipp, { callerIdHeader: 'pai' });
  carrier.dial(dialAction());
  await reported(2);
  carrier.dial(dialAction({ ani: null }));
  await reported(4);
  await sippSucceeded(sipp);
  const [withAni, without] = requests(sipp.messages(), 'INVITE');
  assert.match(withAni.headers.from[0], /<sip:\+18005550100@127\.0\.0\.2>/);
  assert.deepEqual(withAni.headers['p-asserted-identity'], ['<sip:+18005550100@127.0.0.2>']);
  assert.match(without.headers.from[0], /<sip:anonymous@anonymous\.invalid>/);
  assert.equal(without.headers['p-asserted-identity'], undefined);
});

test('a re-INVITE from the far end (a session refresh) is accepted with our SDP; the call stays up', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-reinvite-bye', { duration: 500 });
  const { carrier, reports, reported } = await carrierFor(t, sipp);
  carrier.dial(dialAction());
  await reported(2);
  assert.deepEqual(reports.map((r) => r.event), ['connected', 'disconnected']);
  await sippSucceeded(sipp); // it required the 200 with SDP, and sent its BYE after
  const answers = sipp.messages().filter((m) => m.direction === 'received' && m.firstLine.startsWith('SIP/2.0 200') && /INVITE$/.test(m.headers.cseq[0]));
  assert.equal(answers.length, 1);
  assert.match(answers[0].body, /a=rtpmap:101 telephone-event\/8000/);
});

test('answer, then we hang up (the call reached --sip-max-call): our BYE, disconnected', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-then-wait-for-bye');
  const { carrier, reports, reported } = await carrierFor(t, sipp, { maxCallSeconds: 1 });
  const action = dialAction();
  carrier.dial(action);
  await reported(2);
  assert.deepEqual(reports.map((r) => r.event), ['connected', 'disconnected']);
  await sippSucceeded(sipp);
  const [bye] = requests(sipp.messages(), 'BYE');
  assert.ok(bye, 'SIPp received our BYE');
  assert.match(bye.headers.cseq[0], /^2 BYE$/);
});

for (const [scenario, expected] of [
  ['busy-486', { event: 'busy' }],
  ['not-found-404', { event: 'informationtone' }],
  ['unavailable-503', { event: 'rejected', reason: '503 Service Unavailable' }],
  ['q850-cause-17', { event: 'busy' }], // 480 would be noanswer: the Q.850 cause decides
  ['q850-cause-34', { event: 'rejected', reason: '503 Service Unavailable (Q.850 cause 34: No circuit/channel available)' }],
]) {
  test(`${scenario}: ${expected.event}${expected.reason ? ` "${expected.reason}"` : ''}`, { skip, timeout: 30000 }, async (t) => {
    const sipp = await startSipp(t, scenario);
    const { carrier, reports, reported } = await carrierFor(t, sipp);
    const action = dialAction();
    carrier.dial(action);
    await reported(1);
    await sippSucceeded(sipp); // it got our ACK for the final response
    assert.deepEqual(reports, [{ callId: action.callId, ...expected }]);
    assert.equal(carrier.stats().active, 0);
  });
}

test('180 forever: the engine\'s hangup (ring timeout) sends CANCEL, SIPp answers 487, nothing more is reported', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'ring-forever');
  const { carrier, reports } = await carrierFor(t, sipp);
  const action = dialAction();
  carrier.dial(action);
  await until(() => sipp.messages().some((m) => m.direction === 'sent' && m.firstLine.includes('180 Ringing')), 5000, '180 Ringing');
  carrier.hangup(action.callId, 'noanswer');
  await sippSucceeded(sipp); // CANCEL, 200, 487, our ACK
  const [cancel] = requests(sipp.messages(), 'CANCEL');
  const [invite] = requests(sipp.messages(), 'INVITE');
  assert.match(cancel.headers.cseq[0], /^1 CANCEL$/);
  assert.equal(cancel.headers.via[0], invite.headers.via[0], 'the CANCEL names the INVITE\'s transaction');
  await until(() => carrier.stats().active === 0, 5000, 'the dialog to end');
  assert.deepEqual(reports, []);
});

test('a 200 crossing our CANCEL: ACK, then BYE; nothing reported (the engine counted noanswer)', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-crosses-cancel');
  const { carrier, reports } = await carrierFor(t, sipp);
  const action = dialAction();
  carrier.dial(action);
  await until(() => sipp.messages().some((m) => m.direction === 'sent' && m.firstLine.includes('180 Ringing')), 5000, '180 Ringing');
  carrier.hangup(action.callId, 'noanswer');
  await sippSucceeded(sipp);
  const messages = sipp.messages();
  assert.equal(requests(messages, 'ACK').length, 1);
  assert.equal(requests(messages, 'BYE').length, 1);
  assert.ok(messages.indexOf(requests(messages, 'ACK')[0]) < messages.indexOf(requests(messages, 'BYE')[0]));
  await until(() => carrier.stats().active === 0, 5000, 'the dialog to end');
  assert.deepEqual(reports, []);
});

// RFC 2617's digest, computed here independently of the carrier, to check what SIPp cannot (see auth-407.xml).
function expectedDigest(header, { user, password, method }) {
  const field = (name) => (new RegExp(`${name}="?([^",]+)"?`).exec(header) || [])[1];
  const md5 = (s) => require('crypto').createHash('md5').update(s).digest('hex');
  const ha1 = md5(`${user}:${field('realm')}:${password}`);
  const ha2 = md5(`${method}:${field('uri')}`);
  return md5(`${ha1}:${field('nonce')}:${field('nc')}:${field('cnonce')}:auth:${ha2}`);
}

test('401 challenge: SIPp verifies our digest and answers 200; with a wrong password it refuses (403: rejected)', { skip, timeout: 30000 }, async (t) => {
  const keys = { sip_user: 'fuse', sip_password: 's3cret' };
  const good = await startSipp(t, 'auth-401', { keys, duration: 200 });
  const a = await carrierFor(t, good, { user: 'fuse', password: 's3cret' });
  a.carrier.dial(dialAction());
  await a.reported(2);
  assert.deepEqual(a.reports.map((r) => r.event), ['connected', 'disconnected']);
  await sippSucceeded(good);
  const [first, second] = requests(good.messages(), 'INVITE');
  assert.equal(first.headers.authorization, undefined);
  assert.match(second.headers.authorization[0], /^Digest username="fuse", realm="sipp\.test", /);
  assert.equal(second.headers['call-id'][0], first.headers['call-id'][0], 'the same call, asked again');
  assert.match(second.headers.cseq[0], /^2 INVITE$/);

  const wrong = await startSipp(t, 'auth-401', { keys });
  const b = await carrierFor(t, wrong, { user: 'fuse', password: 'wrong' });
  b.carrier.dial(dialAction());
  await b.reported(1);
  assert.deepEqual(b.reports.map(({ event, reason }) => ({ event, reason })), [{ event: 'rejected', reason: '403 Forbidden' }]);
  await sippSucceeded(wrong);
});

test('407 challenge then 200: Proxy-Authorization with the right digest; without credentials: rejected with the reason', { skip, timeout: 30000 }, async (t) => {
  const good = await startSipp(t, 'auth-407', { duration: 200 });
  const a = await carrierFor(t, good, { user: 'fuse', password: 's3cret' });
  a.carrier.dial(dialAction());
  await a.reported(2);
  assert.deepEqual(a.reports.map((r) => r.event), ['connected', 'disconnected']);
  await sippSucceeded(good);
  const [, second] = requests(good.messages(), 'INVITE');
  const header = second.headers['proxy-authorization'][0];
  assert.match(header, /^Digest username="fuse", realm="sipp\.test", nonce="[^"]+", uri="sip:\+16172001234@127\.0\.0\.2:\d+", response="[0-9a-f]{32}", algorithm=MD5, qop=auth, nc=00000001, cnonce="[0-9a-f]+"$/);
  assert.equal(/response="([0-9a-f]+)"/.exec(header)[1], expectedDigest(header, { user: 'fuse', password: 's3cret', method: 'INVITE' }));

  const none = await startSipp(t, 'auth-407');
  const c = await carrierFor(t, none);
  c.carrier.dial(dialAction());
  await c.reported(1);
  assert.deepEqual(c.reports.map(({ event, reason }) => ({ event, reason })), [{ event: 'rejected', reason: '407 Proxy Authentication Required (no credentials configured)' }]);
});

test('postd without telephone-event in the answer: SIP INFO (application/dtmf-relay), p = 1 s, w = --sip-postd-wait', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'info-digits');
  const { carrier, reports, reported } = await carrierFor(t, sipp, { postdWait: 0.5 });
  carrier.dial(dialAction({ postd: '12p#w*9ABCD0' }));
  await reported(2, 20000);
  assert.deepEqual(reports.map((r) => r.event), ['connected', 'disconnected']);
  await sippSucceeded(sipp);
  const infos = requests(sipp.messages(), 'INFO');
  assert.ok(infos.every((i) => i.headers['content-type'][0] === 'application/dtmf-relay'));
  const digits = infos.map((i) => /^Signal=(.)$/m.exec(i.body)[1]).join('');
  assert.equal(digits, '12#*9ABCD0');
  // The pauses are at least their length (never shorter; how much longer depends on the machine).
  assert.ok(infos[2].at - infos[1].at >= 1000, `p: ${infos[2].at - infos[1].at} ms`);
  assert.ok(infos[3].at - infos[2].at >= 500, `w: ${infos[3].at - infos[2].at} ms`);
});

test('postd with telephone-event in the answer: RFC 4733 events to the answer\'s RTP address, decoded by our own listener', { skip, timeout: 30000 }, async (t) => {
  const rtp = await startRtpListener(t);
  const sipp = await startSipp(t, 'rtp-digits', { duration: 3000, keys: { rtp_ip: rtp.host, rtp_port: rtp.port } });
  const { carrier, reported } = await carrierFor(t, sipp);
  carrier.dial(dialAction({ postd: '159#*D0' }));
  await reported(2, 20000);
  await sippSucceeded(sipp);
  assert.deepEqual(rtp.digits.join(''), '159#*D0');
  assert.equal(requests(sipp.messages(), 'INFO').length, 0);
  assert.ok(rtp.packets.every((p) => p.payloadType === 101));
  // Each event: a first packet with the marker bit, the end sent three times.
  const first = rtp.packets.filter((p) => p.timestamp === rtp.packets[0].timestamp);
  assert.equal(first[0].marker, true);
  assert.equal(first.filter((p) => p.end).length, 3);
});

test('TCP: the same dialog over --transport tcp; a trunk that refuses the connection is rejected', { skip, timeout: 30000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-then-bye', { transport: 'tcp', duration: 300 });
  const { carrier, reports, reported } = await carrierFor(t, sipp, { transport: 'tcp' });
  carrier.dial(dialAction());
  await reported(2);
  assert.deepEqual(reports.map((r) => r.event), ['connected', 'disconnected']);
  await sippSucceeded(sipp);
  assert.match(requests(sipp.messages(), 'INVITE')[0].headers.via[0], /^SIP\/2\.0\/TCP /);

  const closedPort = await freePort('127.0.0.2', 'tcp'); // nobody listens there
  const down = await carrierFor(t, { trunk: `127.0.0.2:${closedPort}` }, { transport: 'tcp' });
  down.carrier.dial(dialAction());
  await down.reported(1);
  assert.equal(down.reports[0].event, 'rejected');
  assert.match(down.reports[0].reason, /^503 Service Unavailable/);
});

test('no response at all (a trunk that swallows every INVITE): rejected after Timer B, 32 s', { skip, timeout: 60000 }, async (t) => {
  const silent = require('dgram').createSocket('udp4');
  let invites = 0;
  silent.on('message', (b) => (invites += /^INVITE /.test(b.toString('latin1')) ? 1 : 0));
  await new Promise((r) => silent.bind(0, '127.0.0.2', r));
  t.after(() => new Promise((r) => silent.close(r)));
  const { carrier, reports, reported } = await carrierFor(t, { trunk: `127.0.0.2:${silent.address().port}` });
  carrier.dial(dialAction());
  await reported(1, 40000);
  assert.deepEqual(reports.map(({ event, reason }) => ({ event, reason })), [{ event: 'rejected', reason: '408 Request Timeout (no response from the trunk)' }]);
  assert.ok(invites > 1, 'the INVITE was retransmitted over UDP');
});

test('serve: sip flags are usage errors (exit 2) without --carrier sip, without --trunk, or with bad values', { timeout: 30000 }, async (t) => {
  const { spawnSync } = require('child_process');
  const fs = require('fs');
  const CLI = require('path').join(__dirname, '../../js/cli.js');
  const data = tempDir();
  t.after(() => fs.rmSync(data, { recursive: true, force: true }));
  for (const [args, message] of [
    [['--carrier', 'sip'], /--carrier sip needs --trunk HOST:PORT/],
    [['--trunk', '192.0.2.1:5060'], /--trunk is for --carrier sip/],
    [['--carrier', 'sip', '--trunk', '192.0.2.1:5060', '--transport', 'tls'], /--transport must be udp or tcp, got 'tls'/],
    [['--carrier', 'sip', '--trunk', 'sip.example.net:99999'], /--trunk must be HOST:PORT/],
    [['--carrier', 'sip', '--trunk', '192.0.2.1', '--sip-user', 'u'], /--sip-user and --sip-password go together/],
    [['--carrier', 'sip', '--trunk', '192.0.2.1', '--caller-id-header', 'rpid'], /--caller-id-header must be from or pai/],
  ]) {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--data', data, '--port', '0', ...args], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  // A --sip-bind port already taken: said at start, nothing left locked.
  const busy = require('dgram').createSocket('udp4');
  await new Promise((r) => busy.bind(0, OUR_HOST, r));
  t.after(() => busy.close());
  const taken = await new Promise((resolve) => {
    const p = require('child_process').spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', '0', '--carrier', 'sip', '--trunk', '127.0.0.2:5060', '--sip-bind', `${OUR_HOST}:${busy.address().port}`]);
    let err = '';
    p.stderr.on('data', (c) => (err += c));
    p.on('exit', (code) => resolve({ code, err }));
  });
  assert.equal(taken.code, 2, taken.err);
  assert.match(taken.err, /--sip-bind 127\.0\.0\.1:\d+: the port is in use; give --sip-bind HOST:PORT a free one/);
  assert.equal(fs.existsSync(require('path').join(data, 'serve.lock')), false, 'nothing left locked');
});

// ---- the service ---------------------------------------------------------------------------

async function sipService(t, sipp, { ringTimeout, speed = 1, capacity = 10, carrierOptions = {} } = {}) {
  const bindPort = await freePort(OUR_HOST);
  return startServer(t, {
    clock: 'real',
    speed,
    capacity,
    ringTimeout,
    carrier: 'sip',
    carrierOptions: { trunk: sipp.trunk, bind: `${OUR_HOST}:${bindPort}`, ...carrierOptions },
  });
}

const queue = (s, params) => request(`${s.url}/api/apps/app1/main/queue`, { method: 'POST', auth: s.auth, form: params });
const resultsOf = (receiver) => receiver.got.map((r) => JSON.parse(r.body));

test('serve --carrier sip: calls queued over HTTP are dialed through SIPp; results with the right statuses and events', { skip, timeout: 60000 }, async (t) => {
  const sipp = await startSipp(t, 'answer-then-bye', { duration: 1000, calls: 2 });
  const s = await sipService(t, sipp);
  const receiver = await startReceiver(t);
  const ids = [];
  for (const phone of ['6172001234;ani=8005550100', '6172001235']) {
    const r = await queue(s, { phone_number: phone, result_url: `${receiver.url}/r`, metadata: JSON.stringify({ n: phone }) });
    assert.equal(r.status, 200, r.text);
    ids.push(r.json.call_id);
  }
  await until(() => receiver.got.length >= 2, 20000, 'two results');
  for (const d of resultsOf(receiver)) {
    assert.equal(d.status, 'completed');
    assert.deepEqual(d.events.map((e) => e.event), ['queued', 'dialing', 'connected', 'disconnected']);
    assert.ok(d.duration >= 1 && d.duration <= 5, `duration ${d.duration}`);
    assert.ok(ids.includes(d.call_id));
  }
  await sippSucceeded(sipp);
  const invites = requests(sipp.messages(), 'INVITE');
  assert.deepEqual(invites.map((i) => i.headers['x-fuse-call-id'][0]).sort(), [...ids].sort());
  assert.deepEqual(invites.map((i) => i.headers['x-fuse-deployment'][0]), ['app1/main', 'app1/main']);
  const withAni = invites.find((i) => i.firstLine.includes('+16172001234'));
  assert.match(withAni.headers.from[0], /<sip:\+18005550100@/);
});

test('serve --carrier sip: a 503 is a rejected attempt, re-attempted, failed with each reason in its events', { skip, timeout: 60000 }, async (t) => {
  const sipp = await startSipp(t, 'unavailable-503', { calls: 2 });
  const s = await sipService(t, sipp, { speed: 30 }); // reattempt_wait 60 s: 2 s of real time
  const receiver = await startReceiver(t);
  const r = await queue(s, { phone_number: '6172001234', max_attempts: 2, reattempt_wait: 60, result_url: `${receiver.url}/r` });
  assert.equal(r.status, 200, r.text);
  await until(() => receiver.got.length >= 1, 20000, 'the result');
  const [d] = resultsOf(receiver);
  assert.equal(d.status, 'failed');
  assert.equal(d.attempts, '2');
  assert.deepEqual(d.events.filter((e) => e.event === 'rejected').map((e) => e.reason), ['503 Service Unavailable', '503 Service Unavailable']);
  await sippSucceeded(sipp);
  const status = await request(`${s.url}/api/outbound/${r.json.call_id}`, { auth: s.auth });
  assert.deepEqual(status.json.call_details, d, 'the same payload from the store');
});

test('serve --carrier sip: the ring timeout CANCELs a call that only rings; it fails with noanswer', { skip, timeout: 60000 }, async (t) => {
  const sipp = await startSipp(t, 'ring-forever');
  const s = await sipService(t, sipp, { ringTimeout: 2 });
  const receiver = await startReceiver(t);
  const r = await queue(s, { phone_number: '6172001234', result_url: `${receiver.url}/r` });
  assert.equal(r.status, 200, r.text);
  await until(() => receiver.got.length >= 1, 20000, 'the result');
  const [d] = resultsOf(receiver);
  assert.equal(d.status, 'failed');
  assert.deepEqual(d.events.map((e) => e.event), ['queued', 'dialing', 'noanswer']);
  assert.equal(d.events[2].timestamp - d.events[1].timestamp, 2);
  await sippSucceeded(sipp);
  assert.equal(requests(sipp.messages(), 'CANCEL').length, 1);
});

test('kill -9 after a rejected attempt: the restart replays the journal, reason included', { skip, timeout: 60000 }, async (t) => {
  const { spawn, execFileSync } = require('child_process');
  const fs = require('fs');
  const CLI = require('path').join(__dirname, '../../js/cli.js');
  const data = tempDir();
  t.after(() => fs.rmSync(data, { recursive: true, force: true }));
  const a = JSON.parse(execFileSync(process.execPath, [CLI, 'accounts', 'add', 'x@example.com', '--json', '--data', data], { encoding: 'utf8' }));
  execFileSync(process.execPath, [CLI, 'deployments', 'add', 'x@example.com', 'app1', 'main', '--data', data]);
  const auth = basic(a.email, a.developer_key);
  const serve = (args) => {
    const proc = spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => proc.exitCode === null && proc.kill('SIGKILL'));
    let out = '';
    return new Promise((resolve, reject) => {
      proc.stdout.on('data', (c) => {
        out += c;
        const m = /fuse-outbound serving (http:\/\/\S+)/.exec(out);
        if (m) resolve({ proc, url: m[1], replayed: Number((/replayed (\d+) journal entries/.exec(out) || [])[1]) });
      });
      proc.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
  };
  const sipp = await startSipp(t, 'unavailable-503');
  const first = await serve(['--carrier', 'sip', '--trunk', sipp.trunk, '--sip-bind', `${OUR_HOST}:${await freePort(OUR_HOST)}`]);
  const q = await request(`${first.url}/api/apps/app1/main/queue`, { method: 'POST', auth, form: { phone_number: '6172001234', max_attempts: 2, reattempt_wait: 3600 } });
  assert.equal(q.status, 200, q.text);
  const rejected = (d) => d && d.events.find((e) => e.event === 'rejected');
  await until(async () => rejected((await request(`${first.url}/api/outbound/${q.json.call_id}`, { auth })).json?.call_details), 10000, 'the rejected attempt');
  await sippSucceeded(sipp);
  await new Promise((r) => { first.proc.once('exit', r); first.proc.kill('SIGKILL'); });
  const second = await serve(['--capacity', '0']);
  assert.ok(second.replayed >= 2, `replayed ${second.replayed} journal entries: the report came from the journal, not a checkpoint`);
  const d = (await request(`${second.url}/api/outbound/${q.json.call_id}`, { auth })).json.call_details;
  assert.equal(d.status, 'queued'); // waiting for its second attempt
  assert.deepEqual(rejected(d), { event: 'rejected', timestamp: d.events[2].timestamp, reason: '503 Service Unavailable' });
  second.proc.kill('SIGTERM');
});

test('load: 1,000 calls through SIPp on 200 lines (about 100 calls/s); no call lost, every outcome right', { skip, timeout: 180000 }, async (t) => {
  const calls = 1000;
  const sipp = await startSipp(t, 'load-mixed', { calls, duration: 2000, timeout: 150, extra: ['-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '1048576'] });
  const s = await sipService(t, sipp, { capacity: 200 });
  const receiver = await startReceiver(t);
  const numbers = Array.from({ length: calls }, (_, i) => `617${2000000 + i}`);
  const r = await request(`${s.url}/api/apps/app1/main/bulk_queue`, {
    method: 'POST',
    auth: s.auth,
    body: multipart({ result_url: `${receiver.url}/r` }, ['destination', ...numbers].join('\n')),
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.queued, calls);
  await until(() => receiver.got.length >= calls, 150000, `${calls} results (got ${receiver.got.length})`);
  const results = resultsOf(receiver);
  assert.equal(new Set(results.map((d) => d.call_id)).size, calls, 'each call once');
  // The scenario's rule, by the number's last digit: 9 busy, 8 503, the rest answered.
  const expected = (digit) =>
    digit === '9' ? ['failed', 'queued,dialing,busy'] : digit === '8' ? ['failed', 'queued,dialing,rejected'] : ['completed', 'queued,dialing,connected,disconnected'];
  const wrong = results.filter((d) => {
    const [status, events] = expected(d.phone_number.at(-2));
    return d.status !== status || d.events.map((e) => e.event).join() !== events;
  });
  assert.deepEqual(wrong, []);
  assert.ok(results.filter((d) => d.status === 'failed').every((d) => d.events[2].event === 'busy' || d.events[2].reason === '503 Service Unavailable'));
  assert.equal(results.filter((d) => d.status === 'completed').length, 800);
  assert.ok(s.server.carrier.stats().maxActive <= 200);
  await sippSucceeded(sipp);
  // Each call one dialog at the far end (retransmissions of an INVITE carry its Call-ID).
  assert.equal(new Set(requests(sipp.messages(), 'INVITE').map((m) => m.headers['call-id'][0])).size, calls);
});

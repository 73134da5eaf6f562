'use strict';
// The `sip` carrier (SPEC 13): each dial action is a SIP INVITE to one trunk (a carrier's SIP trunk
// or a PBX), over UDP or TCP, with digest authentication when challenged. The npm `sip` package
// (0.0.6) gives the transport, parser and transactions; the dialog layer (one client dialog per
// attempt: INVITE, ACK, CANCEL, BYE, INFO) and the media needed for post-dial digits (RFC 4733
// events over RTP) are here. The carrier interface is sim.js's.
//
// Outcomes (SPEC 13): 2xx -> ACK, connected; BYE either way -> disconnected; 486/600/603 busy;
// 404/410/484/485/604 informationtone; 408/480 noanswer; any other final response, failed
// authentication or no response at all -> rejected with "CODE Reason-Phrase". A `Reason: Q.850;
// cause=N` header decides when present (17 busy, 1 informationtone, 18/19 noanswer, others
// rejected). The engine's hangup (ring timeout) -> CANCEL before an answer (a 2xx that crosses it
// -> ACK, then BYE), BYE after one.
const crypto = require('crypto');
const dgram = require('dgram');
const net = require('net');
const os = require('os');
const sip = require('sip');

const BUSY = new Set([486, 600, 603]);
const INFORMATIONTONE = new Set([404, 410, 484, 485, 604]);
const NOANSWER = new Set([408, 480]);
// Q.850 causes with an outcome of their own (ITU-T Q.850 table 1).
const Q850 = { 1: 'informationtone', 17: 'busy', 18: 'noanswer', 19: 'noanswer' };
// Reason phrases for responses that come without one (and for those the stack makes itself).
const PHRASES = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated',
  488: 'Not Acceptable Here', 500: 'Server Internal Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Server Time-out', 600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere',
};
const DTMF_EVENTS = '0123456789*#ABCD';
const DIGIT_MS = 160; // each digit's tone; RFC 4733 section 2.5.1.2 suggests at least 40 ms
const GAP_MS = 100; // between digits

/** "host:port" -> {host, port}; `what` names the flag in errors. */
function parseHostPort(text, what, defaultPort) {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(String(text || '').trim());
  const port = m && m[2] !== undefined ? Number(m[2]) : defaultPort;
  if (!m || !(port >= 0 && port <= 65535) || (port === 0 && what !== '--sip-bind')) {
    throw new RangeError(`${what} must be HOST:PORT (e.g. sip.example.net:5060), got '${text}'`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

// The address the far end can reach us at: the bound one, or for a wildcard bind the first
// external IPv4 address (loopback when the trunk is on this machine).
function advertisedAddress(bindHost, trunkHost) {
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return bindHost;
  if (/^127\./.test(trunkHost) || trunkHost === 'localhost') return '127.0.0.1';
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list || []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

const unquote = (s) => (typeof s === 'string' ? s.replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1') : s);
const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');

/**
 * The Authorization / Proxy-Authorization value answering a digest challenge (RFC 2617, as SIP
 * uses it: RFC 3261 section 22.4): MD5 or MD5-sess, qop "auth" when offered, else none.
 */
function digestResponse(challenge, { method, uri, user, password, cnonce = crypto.randomBytes(8).toString('hex'), nc = '00000001' }) {
  const realm = unquote(challenge.realm) || '';
  const nonce = unquote(challenge.nonce) || '';
  const algorithm = unquote(challenge.algorithm) || 'MD5';
  const qops = (unquote(challenge.qop) || '').split(',').map((q) => q.trim());
  const qop = qops.includes('auth') ? 'auth' : null;
  let ha1 = md5(`${user}:${realm}:${password}`);
  if (/^md5-sess$/i.test(algorithm)) ha1 = md5(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  const q = (s) => `"${String(s).replace(/(["\\])/g, '\\$1')}"`;
  const parts = [`username=${q(user)}`, `realm=${q(realm)}`, `nonce=${q(nonce)}`, `uri=${q(uri)}`, `response=${q(response)}`, `algorithm=${algorithm}`];
  if (challenge.opaque !== undefined) parts.push(`opaque=${q(unquote(challenge.opaque))}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${q(cnonce)}`);
  return 'Digest ' + parts.join(', ');
}

/** The first Q.850 cause of a Reason header value (RFC 3326), or null: {cause, text}. */
function q850Of(reasonHeader) {
  if (typeof reasonHeader !== 'string') return null;
  const m = /Q\.850\s*((?:;[^,;]*)*)/i.exec(reasonHeader);
  if (!m) return null;
  const cause = /;\s*cause\s*=\s*(\d+)/i.exec(m[1]);
  if (!cause) return null;
  const text = /;\s*text\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(m[1]);
  return { cause: Number(cause[1]), text: text ? unquote(text[1].trim()) : '' };
}

/** A final response (>= 300) -> {event, reason?} (SPEC 13). */
function outcomeOf(status, phrase, reasonHeader) {
  const line = `${status} ${phrase || PHRASES[status] || 'Unknown'}`.trim();
  const q = q850Of(reasonHeader);
  if (q) {
    const event = Q850[q.cause];
    if (event) return { event };
    return { event: 'rejected', reason: oneLine(`${line} (Q.850 cause ${q.cause}${q.text ? `: ${q.text}` : ''})`) };
  }
  if (BUSY.has(status)) return { event: 'busy' };
  if (INFORMATIONTONE.has(status)) return { event: 'informationtone' };
  if (NOANSWER.has(status)) return { event: 'noanswer' };
  return { event: 'rejected', reason: oneLine(line) };
}

// A reason the core accepts: one line, at most 256 bytes.
function oneLine(s) {
  let out = String(s).replace(/[\x00-\x1f\x7f]+/g, ' ').trim() || 'rejected';
  while (Buffer.byteLength(out) > 256) out = out.slice(0, -1);
  return out;
}

/** Our SDP offer: PCMU and telephone-event (RFC 4733) on `port`. */
function sdpOffer(address, port, sessionId) {
  return [
    'v=0',
    `o=fuse ${sessionId} ${sessionId} IN IP4 ${address}`,
    's=fuse-outbound',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** The answer's audio destination and telephone-event payload type: {address, port, eventPayload|null} or null. */
function parseSdpAnswer(text) {
  if (typeof text !== 'string' || !text) return null;
  let sessionAddress = null;
  let media = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('c=')) {
      const address = line.split(/\s+/)[2];
      if (media) media.address = address;
      else sessionAddress = address;
    } else if (line.startsWith('m=')) {
      if (media && media.type === 'audio' && media.port) break; // the first usable audio stream
      const [type, port, , ...formats] = line.slice(2).split(/\s+/);
      media = { type, port: Number(port), formats, address: null, eventPayload: null };
    } else if (media && line.startsWith('a=rtpmap:')) {
      const m = /^a=rtpmap:(\d+)\s+telephone-event\/8000/i.exec(line);
      if (m && media.formats.includes(m[1])) media.eventPayload = Number(m[1]);
    }
  }
  if (!media || media.type !== 'audio' || !media.port) return null;
  return { address: media.address || sessionAddress, port: media.port, eventPayload: media.eventPayload };
}

/** One RFC 4733 telephone-event RTP packet. */
function rtpEventPacket({ payloadType, marker, seq, timestamp, ssrc, event, end, duration }) {
  const b = Buffer.alloc(16);
  b[0] = 0x80; // version 2
  b[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  b[12] = event;
  b[13] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
  b.writeUInt16BE(Math.min(duration, 0xffff), 14);
  return b;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class SipCarrier {
  /**
   * @param {object} o
   * @param {string} o.trunk  HOST:PORT of the trunk
   * @param {'udp'|'tcp'} [o.transport]
   * @param {string} [o.user] @param {string} [o.password]  digest credentials
   * @param {'from'|'pai'} [o.callerIdHeader]  'pai': the ani also in P-Asserted-Identity
   * @param {string} [o.bind]  HOST:PORT our stack listens on (default 0.0.0.0:5060)
   * @param {number} [o.postdWait]  seconds a `w` in postd waits (default 1)
   * @param {number} [o.maxCallSeconds]  BYE a connected call after this long (default 0: never)
   * @param {string} [o.publicAddress]  the IPv4 address the trunk reaches us at (behind NAT), in
   *   Via, Contact and SDP (default: the bound address, or the first external one for 0.0.0.0)
   */
  constructor({ trunk, transport = 'udp', user, password, callerIdHeader = 'from', bind = '0.0.0.0:5060', postdWait = 1, maxCallSeconds = 0, publicAddress, log = () => {} } = {}) {
    if (!trunk) throw new RangeError('--carrier sip needs --trunk HOST:PORT');
    this.trunk = parseHostPort(trunk, '--trunk', 5060);
    if (net.isIPv6(this.trunk.host)) throw new RangeError(`--trunk ${trunk}: the SIP stack (sip 0.0.6) speaks IPv4 only; give an IPv4 address or a name`);
    this.transport = String(transport).toLowerCase();
    if (!['udp', 'tcp'].includes(this.transport)) throw new RangeError(`--transport must be udp or tcp, got '${transport}'`);
    if ((user === undefined) !== (password === undefined)) throw new RangeError('--sip-user and --sip-password go together');
    this.credentials = user !== undefined ? { user: String(user), password: String(password) } : null;
    if (!['from', 'pai'].includes(callerIdHeader)) throw new RangeError(`--caller-id-header must be from or pai, got '${callerIdHeader}'`);
    this.callerIdHeader = callerIdHeader;
    this.bind = parseHostPort(bind, '--sip-bind', 5060);
    if (!(postdWait >= 0 && postdWait <= 60)) throw new RangeError(`--sip-postd-wait must be 0 to 60 seconds, got ${postdWait}`);
    this.postdWait = postdWait;
    if (!(Number.isInteger(maxCallSeconds) && maxCallSeconds >= 0 && maxCallSeconds <= 86400)) {
      throw new RangeError(`--sip-max-call must be a whole number of seconds from 0 to 86400, got ${maxCallSeconds}`);
    }
    this.maxCallSeconds = maxCallSeconds;
    this.log = log;
    if (publicAddress !== undefined && !net.isIPv4(String(publicAddress))) {
      throw new RangeError(`--sip-public-address must be an IPv4 address, got '${publicAddress}'`);
    }
    this.address = publicAddress !== undefined ? String(publicAddress) : advertisedAddress(this.bind.host, this.trunk.host);
    this.calls = new Map(); // our call id -> dialog
    this.bySipCallId = new Map(); // SIP Call-ID -> dialog
    // The stack answers 503 itself after a remote 503 (it would try another address), so the
    // responses that really came are noted here: Call-ID -> latest final response seen.
    this.received = new Map();
    this.maxActive = 0;
    this.dials = 0;
    this.closed = false;
    this.stack = null;
  }

  /** Whether our SIP address can be bound (the stack itself would only crash on a busy port). */
  async prepare() {
    const { host, port } = this.bind;
    await new Promise((resolve, reject) => {
      const fail = (err) =>
        reject(new RangeError(`--sip-bind ${host}:${port || 5060}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}; give --sip-bind HOST:PORT a free one`));
      if (this.transport === 'udp') {
        const s = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
        s.once('error', fail);
        s.bind(port || 5060, host, () => s.close(resolve));
      } else {
        const srv = net.createServer();
        srv.once('error', fail);
        srv.listen(port || 5060, host, () => srv.close(resolve));
      }
    });
  }

  start({ report }) {
    this.report = report;
    const port = this.bind.port || 5060;
    // sip 0.0.6 sends UDP without a callback and has no 'error' listener on its socket, so a failed
    // send (no route to the trunk) would be an uncaught exception: its socket is caught as it is
    // made (synchronously, inside create) and given one.
    const made = [];
    const createSocket = dgram.createSocket;
    dgram.createSocket = (...args) => {
      const socket = createSocket.apply(dgram, args);
      made.push(socket);
      return socket;
    };
    try {
      this.#create(port);
    } finally {
      dgram.createSocket = createSocket;
    }
    for (const socket of made) socket.on('error', (err) => this.log(`sip: udp: ${err.message}`));
    this.port = port;
  }

  #create(port) {
    this.stack = sip.create(
      {
        address: this.bind.host,
        port,
        publicAddress: this.address,
        udp: this.transport === 'udp',
        tcp: this.transport === 'tcp',
        logger: {
          recv: (m) => {
            // Only for dialogs still open: a late retransmission must not be kept forever.
            if (m.status >= 300 && m.headers && this.bySipCallId.has(m.headers['call-id'])) this.received.set(m.headers['call-id'], m);
          },
          error: (err) => this.log(`sip: ${err && err.message ? err.message : err}`),
        },
      },
      (rq, remote) => this.#onRequest(rq, remote),
    );
  }

  /** The SIP URI of a number at the trunk. */
  #uri(user, withPort) {
    const host = this.trunk.host.includes(':') ? `[${this.trunk.host}]` : this.trunk.host;
    return `sip:${user}@${host}${withPort ? `:${this.trunk.port}` : ''}${withPort && this.transport === 'tcp' ? ';transport=tcp' : ''}`;
  }

  dial(action, context = {}) {
    if (this.closed) return;
    this.dials++;
    const call = {
      id: action.callId,
      attempt: action.attempt,
      e164: action.e164,
      ani: action.ani,
      postd: action.postd,
      deployment: context.deployment ?? action.deployment,
      sipCallId: `${crypto.randomBytes(12).toString('hex')}@${this.address}`,
      fromTag: crypto.randomBytes(6).toString('hex'),
      cseq: 1,
      state: 'calling', // calling -> early -> confirmed -> ended
      provisional: false,
      cancelWanted: false, // the engine hung up before an answer
      canceled: false,
      authTried: false,
      reported: null, // the outcome reported for this attempt
      invite: null,
      rtp: null,
      timers: new Set(),
    };
    this.calls.set(call.id, call);
    this.bySipCallId.set(call.sipCallId, call);
    if (this.calls.size > this.maxActive) this.maxActive = this.calls.size;
    this.#openRtp(call)
      .then(() => this.#sendInvite(call))
      .catch((err) => this.#fail(call, `503 Service Unavailable (${err.message})`));
  }

  #openRtp(call) {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(net.isIPv6(this.bind.host) ? 'udp6' : 'udp4');
      socket.on('error', (err) => (call.rtp ? this.log(`rtp: ${err.message}`) : reject(err)));
      socket.on('message', () => {}); // audio from the far end is not used
      socket.bind(0, this.bind.host, () => {
        call.rtp = { socket, port: socket.address().port, seq: crypto.randomInt(0, 0xffff), ssrc: crypto.randomInt(0, 0xffffffff) };
        if (call.state === 'ended') this.#closeRtp(call);
        resolve();
      });
    });
  }

  #closeRtp(call) {
    if (!call.rtp) return;
    try {
      call.rtp.socket.close();
    } catch {}
    call.rtp = null;
  }

  #sendInvite(call, authorization) {
    if (call.state === 'ended') return;
    const caller = call.ani || 'anonymous';
    const domain = call.ani ? this.trunk.host : 'anonymous.invalid';
    const headers = {
      to: { uri: this.#uri(call.e164, false) },
      from: { name: call.ani ? `"${call.ani}"` : '"Anonymous"', uri: `sip:${caller}@${domain}`, params: { tag: call.fromTag } },
      'call-id': call.sipCallId,
      cseq: { method: 'INVITE', seq: call.cseq },
      contact: [{ uri: `sip:fuse@${this.address}:${this.port}${this.transport === 'tcp' ? ';transport=tcp' : ''}` }],
      'max-forwards': 70,
      allow: 'INVITE, ACK, CANCEL, BYE, INFO, OPTIONS',
      'user-agent': 'fuse-outbound',
      'x-fuse-call-id': String(call.id),
      'x-fuse-deployment': encodeURIComponent(String(call.deployment ?? '')).replace(/%2F/g, '/'),
      'content-type': 'application/sdp',
    };
    if (this.callerIdHeader === 'pai' && call.ani) headers['p-asserted-identity'] = `<sip:${call.ani}@${this.trunk.host}>`;
    if (authorization) headers[authorization.header] = authorization.value;
    const rq = { method: 'INVITE', uri: this.#uri(call.e164, true), version: '2.0', headers, content: sdpOffer(this.address, call.rtp.port, Date.now()) };
    call.invite = rq;
    call.provisional = false;
    try {
      this.stack.send(rq, (rs) => this.#onInviteResponse(call, rq, rs));
    } catch (err) {
      this.#fail(call, `503 Service Unavailable (${err.message})`);
    }
  }

  #onInviteResponse(call, rq, rs) {
    if (rq !== call.invite) return; // an earlier, challenged INVITE
    if (rs.status < 200) {
      if (!call.provisional) {
        call.provisional = true;
        if (call.state === 'calling') call.state = 'early';
        if (call.cancelWanted) this.#sendCancel(call);
      }
      return;
    }
    if (rs.status < 300) return this.#onAnswer(call, rs);
    if (call.state === 'ended') return; // given up already (closing): nothing to report
    const local = rs.headers.via === rq.headers.via; // made by the stack: a timeout or a transport error
    let status = rs.status;
    let phrase = rs.reason;
    let reasonHeader = rs.headers.reason;
    let challenge = rs;
    if (local) {
      const seen = this.received.get(call.sipCallId);
      if (seen && seen.headers.cseq && seen.headers.cseq.seq === rq.headers.cseq.seq) {
        status = seen.status;
        phrase = seen.reason;
        reasonHeader = seen.headers.reason;
        challenge = seen;
      } else {
        // Nothing came from the trunk: "no response at all" is rejected (SPEC 13), never the
        // noanswer or informationtone a real 408 or 404 would be.
        this.received.delete(call.sipCallId);
        if (call.canceled || call.cancelWanted) return this.#end(call);
        return this.#fail(call, status === 408 ? '408 Request Timeout (no response from the trunk)' : `${status} ${PHRASES[status] || 'Error'} (the trunk could not be reached)`);
      }
    }
    this.received.delete(call.sipCallId);
    if (call.canceled || call.cancelWanted) return this.#end(call); // the engine already counted noanswer
    if ((status === 401 || status === 407) && !local) {
      const list = challenge.headers[status === 401 ? 'www-authenticate' : 'proxy-authenticate'];
      const digest = Array.isArray(list) && list.find((c) => /^digest$/i.test(c.scheme));
      if (this.credentials && digest && !call.authTried) {
        call.authTried = true;
        call.cseq++;
        const value = digestResponse(digest, { method: 'INVITE', uri: rq.uri, ...this.credentials });
        return this.#sendInvite(call, { header: status === 401 ? 'authorization' : 'proxy-authorization', value });
      }
      const why = !this.credentials ? 'no credentials configured' : call.authTried ? 'authentication failed' : 'no digest challenge';
      return this.#fail(call, `${status} ${phrase || PHRASES[status]} (${why})`);
    }
    const outcome = outcomeOf(status, phrase, reasonHeader);
    this.#finish(call, outcome.event, outcome.reason);
  }

  #onAnswer(call, rs) {
    if (call.state === 'confirmed' || (call.state === 'ended' && call.ack)) {
      if (rs.headers.cseq.seq === call.ack.headers.cseq.seq) this.#send(call.ack); // a retransmitted 2xx
      return;
    }
    const late = call.state === 'ended'; // answered after we gave the attempt up: ACK, then BYE
    call.remoteTo = rs.headers.to;
    const contact = Array.isArray(rs.headers.contact) && rs.headers.contact[0];
    call.remoteTarget = contact ? contact.uri : call.invite.uri;
    if (this.transport === 'tcp' && !/;transport=/i.test(call.remoteTarget)) call.remoteTarget += ';transport=tcp';
    call.routeSet = (rs.headers['record-route'] || []).slice().reverse();
    call.ack = this.#inDialog(call, 'ACK', call.invite.headers.cseq.seq);
    this.#send(call.ack);
    if (late) return this.#sendBye(call);
    call.state = 'confirmed';
    if (call.canceled || call.cancelWanted || this.closed) {
      // The answer crossed our CANCEL: the call is up on the far side, so it is hung up at once.
      return this.#sendBye(call);
    }
    this.#report(call, 'connected');
    call.media = parseSdpAnswer(rs.content);
    if (call.postd) this.#playPostd(call).catch((err) => this.log(`call ${call.id}: postd: ${err.message}`));
    if (this.maxCallSeconds > 0) this.#timer(call, () => this.#hangUpConnected(call), this.maxCallSeconds * 1000);
  }

  // A request inside the dialog (RFC 3261 12.2.1.1).
  #inDialog(call, method, seq, extra = {}) {
    const rq = {
      method,
      uri: call.remoteTarget,
      version: '2.0',
      headers: {
        to: call.remoteTo,
        from: call.invite.headers.from,
        'call-id': call.sipCallId,
        cseq: { method, seq },
        via: [],
        'max-forwards': 70,
        ...extra.headers,
      },
      content: extra.content || '',
    };
    if (call.routeSet.length) rq.headers.route = call.routeSet;
    return rq;
  }

  #send(rq, onResponse) {
    try {
      this.stack.send(rq, onResponse);
      return true;
    } catch (err) {
      this.log(`sip: could not send ${rq.method}: ${err.message}`);
      return false;
    }
  }

  #sendCancel(call) {
    if (call.canceled) return;
    call.canceled = true;
    const rq = call.invite;
    const cancel = {
      method: 'CANCEL',
      uri: rq.uri,
      version: '2.0',
      headers: {
        to: rq.headers.to,
        from: rq.headers.from,
        'call-id': rq.headers['call-id'],
        cseq: { method: 'CANCEL', seq: rq.headers.cseq.seq },
        via: [rq.headers.via[0]], // the INVITE's branch: it names the transaction to cancel
        'max-forwards': 70,
      },
    };
    this.#send(cancel, () => {});
    // Should the trunk never answer the INVITE after the CANCEL, the dialog is dropped anyway.
    this.#timer(call, () => this.#end(call), 32000);
  }

  #sendBye(call) {
    if (call.byeSent) return;
    call.byeSent = true;
    call.cseq++;
    const done = () => this.#end(call);
    if (!this.#send(this.#inDialog(call, 'BYE', call.cseq), done)) done();
  }

  #hangUpConnected(call) {
    if (call.state !== 'confirmed') return;
    this.#report(call, 'disconnected');
    this.#sendBye(call);
  }

  // post-dial digits (SPEC 13): RFC 4733 events when the answer offers telephone-event, else SIP INFO.
  async #playPostd(call) {
    const useRtp = call.media && call.media.eventPayload !== null && call.media.address;
    for (const ch of call.postd) {
      if (call.state !== 'confirmed' || call.byeSent) return;
      if (ch === 'p') await sleep(1000);
      else if (ch === 'w') await sleep(this.postdWait * 1000);
      else if (useRtp) await this.#rtpDigit(call, DTMF_EVENTS.indexOf(ch));
      else await this.#infoDigit(call, ch);
    }
  }

  async #rtpDigit(call, event) {
    const rtp = call.rtp;
    if (!rtp || event < 0) return;
    const { address, port, eventPayload } = call.media;
    // One timestamp per event; the packets every 40 ms carry the growing duration, then three
    // end packets (RFC 4733 section 2.5.1.4: the end is sent three times).
    rtp.timestamp = (rtp.timestamp ?? crypto.randomInt(0, 0x7fffffff)) + ((DIGIT_MS + GAP_MS) * 8);
    const send = (marker, end, duration) =>
      new Promise((resolve) => {
        if (!call.rtp) return resolve();
        const packet = rtpEventPacket({ payloadType: eventPayload, marker, seq: rtp.seq++, timestamp: rtp.timestamp, ssrc: rtp.ssrc, event, end, duration });
        rtp.socket.send(packet, port, address, () => resolve());
      });
    for (let ms = 40, first = true; ms < DIGIT_MS; ms += 40, first = false) {
      await send(first, false, ms * 8);
      await sleep(40);
    }
    for (let i = 0; i < 3; i++) await send(false, true, DIGIT_MS * 8);
    await sleep(GAP_MS);
  }

  #infoDigit(call, digit) {
    return new Promise((resolve) => {
      call.cseq++;
      const info = this.#inDialog(call, 'INFO', call.cseq, {
        headers: { 'content-type': 'application/dtmf-relay' },
        content: `Signal=${digit}\r\nDuration=${DIGIT_MS}\r\n`,
      });
      if (!this.#send(info, () => resolve())) return resolve();
    }).then(() => sleep(GAP_MS));
  }

  // Requests from the far end: BYE ends a call; INFO/OPTIONS are answered; anything else is refused.
  #onRequest(rq) {
    const call = this.bySipCallId.get(rq.headers['call-id']);
    const answer = (status, reason, extension) => {
      try {
        this.stack.send(sip.makeResponse(rq, status, reason, extension));
      } catch (err) {
        this.log(`sip: could not answer ${rq.method}: ${err.message}`);
      }
    };
    if (rq.method === 'ACK') return;
    if (rq.method === 'OPTIONS') return answer(200, 'OK');
    if (rq.method === 'INVITE' && !call) return answer(603, 'Decline'); // we place calls, we take none
    if (!call) return answer(481, 'Call/Transaction Does Not Exist');
    if (rq.method === 'INVITE' && call.state === 'confirmed') {
      // A re-INVITE (session timers, a hold): the same session again, so the call stays up.
      return answer(200, 'OK', { headers: { contact: call.invite.headers.contact, 'content-type': 'application/sdp' }, content: call.invite.content });
    }
    if (rq.method === 'BYE') {
      answer(200, 'OK');
      if (call.state === 'confirmed' && !call.byeSent) this.#report(call, 'disconnected');
      return this.#end(call);
    }
    if (rq.method === 'INFO' || rq.method === 'UPDATE') return answer(200, 'OK');
    return answer(405, 'Method Not Allowed');
  }

  #timer(call, fn, ms) {
    const t = setTimeout(() => {
      call.timers.delete(t);
      fn();
    }, ms);
    call.timers.add(t);
  }

  #report(call, event, reason) {
    // One outcome per attempt, and disconnected only after connected.
    if (event === 'disconnected' ? call.reported !== 'connected' : call.reported) return;
    call.reported = event;
    if (!this.closed) this.report(call.id, event, undefined, reason, call.attempt);
  }

  // A failed attempt: its outcome, then the dialog is gone.
  #finish(call, event, reason) {
    this.#report(call, event, reason);
    this.#end(call);
  }

  #fail(call, reason) {
    this.#finish(call, 'rejected', oneLine(reason));
  }

  #end(call) {
    if (call.state === 'ended') return;
    call.state = 'ended';
    for (const t of call.timers) clearTimeout(t);
    call.timers.clear();
    this.#closeRtp(call);
    if (this.calls.get(call.id) === call) this.calls.delete(call.id);
    this.bySipCallId.delete(call.sipCallId);
    this.received.delete(call.sipCallId);
  }

  /** The engine gave up on the attempt (ring timeout): CANCEL before an answer, BYE after one. */
  hangup(callId) {
    const call = this.calls.get(callId);
    if (!call || call.state === 'ended') return;
    call.reported = call.reported || 'noanswer'; // the engine raised it: nothing more to report
    if (call.state === 'confirmed') return this.#sendBye(call);
    if (!call.invite) return this.#end(call); // still opening its RTP port: never sent
    call.cancelWanted = true;
    // CANCEL only once the trunk has answered provisionally (RFC 3261 9.1); until then the INVITE
    // runs on and the CANCEL follows its first provisional response.
    if (call.provisional) this.#sendCancel(call);
  }

  nextDue() {
    return null; // driven by the network, not by the service clock
  }

  runDue() {}

  stats() {
    return { active: this.calls.size, maxActive: this.maxActive, dials: this.dials };
  }

  /** Hangs up what is in flight (CANCEL or BYE), then stops the stack. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    const open = [...this.calls.values()];
    for (const call of open) {
      if (call.state === 'confirmed') this.#sendBye(call);
      else if (call.provisional) this.#sendCancel(call);
      else call.cancelWanted = true;
    }
    // Long enough for the requests to leave (and most answers to come), never long.
    if (open.length) await sleep(200);
    for (const call of open) this.#end(call);
    if (this.stack) this.stack.destroy();
    this.stack = null;
  }
}

module.exports = { SipCarrier, digestResponse, outcomeOf, parseSdpAnswer, q850Of, parseHostPort };

'use strict';
// Result delivery (SPEC 10): POST each final call's payload to its result_url, signed per Standard
// Webhooks with the account's secret; retried with backoff on anything but 2xx and 410; every try
// recorded through the journal (so a restart resumes the schedule).
//
// SSRF guard: only http(s); the host's addresses are resolved and checked when the request is made,
// and the connection goes to the checked address (undici connects with our lookup, so nothing can
// resolve the name again in between). Loopback, private, link-local, unique-local, multicast and
// cloud-metadata addresses are refused unless an --allow-callbacks-to range holds them. Redirects
// are not followed; at most 64 KiB of a response is read.
const dns = require('dns');
const net = require('net');
// undici is loaded with the first delivery: a service that has none to make (a bulk upload, a
// follower) does not carry it.
let undici = null;
const http = () => (undici ||= require('undici'));
const { signWebhook } = require('./credentials');

// Seconds to wait before each retry (SPEC 10): about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
const RETRY_DELAYS = [5, 300, 1800, 7200, 18000, 36000, 36000];
const MAX_RESPONSE_BYTES = 64 * 1024;
// Payloads kept in memory for their retries, in all (UTF-16 code units): past it, a retry reads its
// payload back from the store (a receiver down for long, or a restart, always does).
const HELD_PAYLOADS = 16 * 1024 * 1024;

const BLOCKED_V4 = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const BLOCKED_V6 = [
  ['::', 96], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32],
  ['100::', 64], ['2002::', 16],
];

function blockList(ranges, family) {
  const list = new net.BlockList();
  for (const [addr, prefix] of ranges) list.addSubnet(addr, prefix, family);
  return list;
}
const blockedV4 = blockList(BLOCKED_V4, 'ipv4');
const blockedV6 = blockList(BLOCKED_V6, 'ipv6');

/** A net.BlockList of the ranges in `--allow-callbacks-to` ("127.0.0.0/8,::1/128"); throws on a bad one. */
function parseAllowList(text) {
  const list = new net.BlockList();
  const ranges = [];
  for (const raw of String(text || '').split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const [addr, bits] = item.split('/');
    const family = net.isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new RangeError(`--allow-callbacks-to: '${item}' is not a CIDR range; write e.g. 127.0.0.1/32 or ::1/128`);
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
    ranges.push(`${addr}/${prefix}`);
  }
  list.ranges = ranges;
  return list;
}

/** Why `address` may not receive callbacks, or null when it may. */
function refusal(address, allow) {
  const family = net.isIP(address);
  if (!family) return `${address} is not an IP address`;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  // net.BlockList matches an IPv4-mapped IPv6 address, in any spelling (::ffff:127.0.0.1,
  // ::ffff:7f00:1), against its IPv4 ranges too.
  if (allow && allow.check(address, type)) return null;
  if (blockedV4.check(address, type) || (family === 6 && blockedV6.check(address, 'ipv6'))) {
    return `${address} is a loopback, private, link-local or reserved address`;
  }
  return null;
}

class RefusedAddress extends Error {
  constructor(message) {
    super(message);
    this.code = 'FUSE_CALLBACK_REFUSED';
  }
}

// dns.lookup, then the check: what the socket connects to is what was checked.
function guardedLookup(allow) {
  return (hostname, options, callback) => {
    const all = options && options.all;
    dns.lookup(hostname, { all: true, family: options && options.family, hints: options && options.hints }, (err, addresses) => {
      if (err) return callback(err);
      for (const a of addresses) {
        const why = refusal(a.address, allow);
        if (why) return callback(new RefusedAddress(`callbacks to ${hostname} are refused: ${why} (allow it with --allow-callbacks-to)`));
      }
      if (all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

// A deterministic jitter of +-10% (from the webhook id and try), so a test under the manual clock
// sees the same schedule every run, and receivers do not see every retry of an outage at once.
function retryDelay(webhookId, tries) {
  const base = RETRY_DELAYS[Math.min(tries - 1, RETRY_DELAYS.length - 1)];
  let h = 2166136261;
  const s = `${webhookId}:${tries}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return Math.max(1, Math.round(base * (0.9 + ((h % 1000) / 1000) * 0.2)));
}

/**
 * Delivers results. The outbound system hands it deliveries ({callId, accountId, url, webhookId,
 * tries, nextAt, payload?}); it asks `load(delivery)` for {payload, secret} when it sends, and reports each
 * try to `record({callId, try, at, status?, error?, state, tries, nextAt})` (the journal).
 */
class Deliverer {
  constructor({ clock, allow = null, timeoutMs = 15000, concurrency = 256, perOrigin = 64, load, record, log = () => {} }) {
    this.clock = clock;
    this.allow = allow;
    this.timeoutMs = timeoutMs;
    this.concurrency = concurrency;
    this.perOrigin = perOrigin;
    this.load = load;
    this.record = record;
    this.log = log;
    this.pending = []; // min-heap on nextAt
    this.inFlight = new Set(); // promises
    this.byOrigin = new Map(); // origin -> in-flight count
    this.waiting = new Map(); // origin -> {items, head}: due deliveries held back by a limit, FIFO
    this.waitingCount = 0;
    this.agentInstance = null; // see the agent getter
    this.heldBytes = 0; // payloads kept for retries (HELD_PAYLOADS)
    this.closed = false;
    this.targets = new Map(); // result_url text -> {url, refused} (see #target)
  }

  // The connection pool, made with the first delivery.
  get agent() {
    this.agentInstance ||= new (http().Agent)({
      connect: { lookup: guardedLookup(this.allow), timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 10000,
      connections: this.perOrigin,
      pipelining: 1,
    });
    return this.agentInstance;
  }

  add(d) {
    heapPush(this.pending, d);
  }
  size() {
    return this.pending.length + this.inFlight.size + this.waitingCount;
  }
  nextDue() {
    return this.pending.length ? this.pending[0].nextAt : null;
  }

  /** Starts every delivery due at or before `now` (within the concurrency limits; the rest wait their turn). */
  runDue(now) {
    while (this.pending.length && this.pending[0].nextAt <= now) this.#offer(heapPop(this.pending));
  }

  /** Resolves when no delivery is in flight or waiting for a free connection. */
  async idle() {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  #offer(d) {
    if (this.closed) return;
    if (d.origin === undefined) d.origin = originOf(d.url);
    if ((this.byOrigin.get(d.origin) || 0) < this.perOrigin && this.inFlight.size < this.concurrency) {
      this.#start(d);
      return;
    }
    let q = this.waiting.get(d.origin);
    if (!q) this.waiting.set(d.origin, (q = { items: [], head: 0 }));
    q.items.push(d);
    this.waitingCount++;
  }

  // A slot is free: the same origin's next waiting delivery first, then any origin's.
  #release(origin) {
    if (this.closed) return;
    const order = this.waiting.has(origin) ? [origin, ...this.waiting.keys()] : this.waiting.keys();
    for (const o of order) {
      if (this.inFlight.size >= this.concurrency) return;
      const q = this.waiting.get(o);
      if (!q) continue;
      while (q.head < q.items.length && (this.byOrigin.get(o) || 0) < this.perOrigin && this.inFlight.size < this.concurrency) {
        const d = q.items[q.head];
        q.items[q.head++] = undefined;
        this.waitingCount--;
        this.#start(d);
      }
      if (q.head === q.items.length) this.waiting.delete(o);
    }
  }

  #start(d) {
    const origin = d.origin;
    this.byOrigin.set(origin, (this.byOrigin.get(origin) || 0) + 1);
    const p = this.#send(d).finally(() => {
      this.inFlight.delete(p);
      const n = this.byOrigin.get(origin) - 1;
      if (n) this.byOrigin.set(origin, n);
      else this.byOrigin.delete(origin);
      this.#release(origin);
      if (this.onSettled) this.onSettled();
    });
    this.inFlight.add(p);
  }

  async #send(d) {
    const tryNo = d.tries + 1;
    let status = null;
    let error = null;
    let permanent = false;
    let payload;
    if (d.held) this.heldBytes -= d.payload.length; // in flight now, like a first try's
    try {
      let secret;
      ({ payload, secret } = await this.load(d));
      const { url, refused } = this.#target(d.url);
      if (refused) throw new RefusedAddress(refused);
      const now = Date.now();
      const deadline = now + this.timeoutMs;
      const timestamp = Math.floor(now / 1000); // wall time: receivers check it against theirs
      const res = await http().request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'fuse-outbound',
          'webhook-id': d.webhookId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, d.webhookId, timestamp, payload),
        },
        body: payload,
      });
      status = res.statusCode;
      // The agent's headersTimeout and bodyTimeout bound each wait; the deadline bounds a receiver
      // that trickles its body.
      let read = 0;
      try {
        // Most receivers answer with no body (204, or content-length 0): nothing to read then.
        if (status === 204 || res.headers['content-length'] === '0') {
          await res.body.dump();
        } else {
          for await (const chunk of res.body) {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES || Date.now() > deadline) break;
          }
        }
      } finally {
        res.body.destroy();
      }
    } catch (err) {
      error = err.code === 'FUSE_CALLBACK_REFUSED' ? err.message : describeError(err);
      permanent = err.code === 'FUSE_CALLBACK_REFUSED' || (err.cause && err.cause.code === 'FUSE_CALLBACK_REFUSED');
      if (err.cause && err.cause.code === 'FUSE_CALLBACK_REFUSED') error = err.cause.message;
    }
    const at = this.clock.now();
    let state;
    let nextAt = null;
    if (status !== null && status >= 200 && status < 300) state = 'delivered';
    else if (status === 410) state = 'gone';
    else if (permanent) state = 'failed';
    else if (tryNo > RETRY_DELAYS.length) state = 'failed';
    else {
      state = 'pending';
      nextAt = at + retryDelay(d.webhookId, tryNo);
    }
    this.record({ callId: d.callId, try: tryNo, at, status, error, state, tries: tryNo, nextAt });
    if (state === 'pending' && !this.closed) {
      const held = payload !== undefined && this.heldBytes + payload.length <= HELD_PAYLOADS;
      if (held) this.heldBytes += payload.length;
      this.add({ ...d, payload: held ? payload : undefined, held, tries: tryNo, nextAt });
    }
  }

  // The parsed URL and, for an address written in it, whether callbacks to it are refused: the
  // same few result_urls come back for thousands of calls, so each is judged once (the host names'
  // addresses are still checked at every connection, by guardedLookup).
  #target(text) {
    let t = this.targets.get(text);
    if (t) return t;
    const url = new URL(text);
    let refused = null;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') refused = `callbacks go to http(s) URLs only, not ${url.protocol}`;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!refused && net.isIP(host)) {
      const why = refusal(host, this.allow);
      if (why) refused = `callbacks to ${host} are refused: ${why} (allow it with --allow-callbacks-to)`;
    }
    if (this.targets.size >= 4096) this.targets.clear();
    t = { url, refused };
    this.targets.set(text, t);
    return t;
  }

  async close() {
    this.closed = true;
    await this.idle();
    if (this.agentInstance) await this.agentInstance.close();
  }
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function describeError(err) {
  const cause = err.cause || err;
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || cause.code === 'UND_ERR_HEADERS_TIMEOUT' || cause.code === 'UND_ERR_BODY_TIMEOUT') {
    return 'timed out';
  }
  return cause.code ? `${cause.code}${cause.message ? ': ' + cause.message : ''}` : String(cause.message || cause);
}

// A binary min-heap on nextAt (then callId, so the order is total).
function before(a, b) {
  return a.nextAt < b.nextAt || (a.nextAt === b.nextAt && a.callId < b.callId);
}
function heapPush(h, x) {
  let i = h.length;
  h.push(x);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(x, h[p])) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = x;
}
function heapPop(h) {
  const top = h[0];
  const last = h.pop();
  if (h.length) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const c = l + 1 < h.length && before(h[l + 1], h[l]) ? l + 1 : l;
      if (!before(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
  return top;
}

module.exports = { Deliverer, parseAllowList, refusal, retryDelay, RETRY_DELAYS, heapPush, heapPop };

'use strict';
// Developer keys and webhook secrets (SPEC 8, 10). A key is 192 random bits shown once; the store
// keeps its SHA-256 (a key this long needs no slow hash: it cannot be guessed, only stolen), and
// keys are compared in constant time.
const crypto = require('crypto');

function newDeveloperKey() {
  return crypto.randomBytes(24).toString('base64url');
}
function newSigningSecret() {
  return 'whsec_' + crypto.randomBytes(32).toString('base64');
}
function hashKey(key) {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}
function keyMatches(key, storedHash) {
  const a = Buffer.from(hashKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** {email, key} from an `Authorization: Basic ...` header, or null when it is not one. */
function parseBasic(header) {
  if (typeof header !== 'string') return null;
  const m = /^Basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { email: text.slice(0, colon), key: text.slice(colon + 1) };
}

// An account's secret as a key object, decoded once: every delivery signs with one of a few.
const signingKeys = new Map();
function signingKey(secret) {
  let key = signingKeys.get(secret);
  if (!key) {
    key = crypto.createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64'));
    if (signingKeys.size >= 1000) signingKeys.clear();
    signingKeys.set(secret, key);
  }
  return key;
}

/** The Standard Webhooks signature: v1,base64(HMAC-SHA256(secret bytes, id.timestamp.body)). */
function signWebhook(secret, id, timestamp, body) {
  return 'v1,' + crypto.createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/**
 * Whether headers carry a valid signature of `body` (what a receiver checks; the demo's receiver
 * uses it, test suites use the standardwebhooks package). `toleranceSeconds` bounds the timestamp's
 * distance from now (replays).
 */
function verifyWebhook(secret, headers, body, { toleranceSeconds = 300, now = Date.now() / 1000 } = {}) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !/^\d+$/.test(timestamp || '') || !signatures) return false;
  if (Math.abs(now - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body));
  return String(signatures).split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === expected.length && crypto.timingSafeEqual(got, expected);
  });
}

module.exports = { newDeveloperKey, newSigningSecret, hashKey, keyMatches, parseBasic, signWebhook, verifyWebhook };

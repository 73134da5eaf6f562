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

/** The Standard Webhooks signature: v1,base64(HMAC-SHA256(secret bytes, id.timestamp.body)). */
function signWebhook(secret, id, timestamp, body) {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return 'v1,' + crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

module.exports = { newDeveloperKey, newSigningSecret, hashKey, keyMatches, parseBasic, signWebhook };

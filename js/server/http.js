'use strict';
// The platform's HTTP API (SPEC 8) on fastify, with @fastify/multipart for form uploads: queue,
// bulk_queue, status, cancel, plus the deliveries extension, the suppressions (SPEC 14) and the dashboard. Every answer is JSON
// unless Accept prefers XML; every error is {"error": "<what to fix>"} (+ "problems" for 400).
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { pipeline } = require('stream/promises');
const http = require('http');
const Fastify = require('fastify');
const FastifyErrors = Fastify.errorCodes;
const secureJson = require('secure-json-parse');
const { toXml, prefersXml } = require('./xml');
const { parseBasic, keyMatches } = require('./credentials');

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const MESSAGES = {
  unauthorized: 'Send HTTP Basic credentials: your account email and developer key.',
  noDeployment: 'No deployment was found by that application id and deployment id.',
  noCall: 'No call was found by that call id.',
  otherAccount: 'That deployment belongs to another account.',
  otherAccountCall: 'That call belongs to another account.',
  deleted: 'That deployment was deleted; queue calls in another deployment.',
};

class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

function send(request, reply, status, body) {
  reply.code(status);
  if (body === undefined) return reply.send();
  if (prefersXml(request.headers.accept)) {
    reply.type('application/xml; charset=utf-8');
    return reply.send(toXml(typeof body === 'string' ? JSON.parse(body) : body));
  }
  reply.type('application/json; charset=utf-8');
  return reply.send(typeof body === 'string' ? body : JSON.stringify(body));
}

function sendError(request, reply, err) {
  const body = { error: err.message, ...err.extra };
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return send(request, reply, err.status, body);
}

// Whether the core reading this JSON text as it is queues exactly what JSON.parse and
// JSON.stringify would hand it (the route's way): no \u escape (a lone surrogate is made
// well-formed on that way), no key secure-json-parse refuses, no run of 16 digits (JS numbers keep
// 15 to 17) and no exponent, no byte order mark. A key given twice the core refuses, and the
// refusal is answered the route's way. Anything else merely takes the route's way.
const NOT_PLAIN_JSON = /\\u|__proto__|constructor|\d{16}|\d[eE]|^\uFEFF/;
function sameAsParsed(text) {
  return text !== '' && !NOT_PLAIN_JSON.test(text);
}

// A form post's fields, as strings (the validators read decimal strings as numbers).
function formParams(body) {
  const params = {};
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

// What send() needs of a fastify reply, over a bare node:http response (the fast lane).
class FastReply {
  constructor(res) {
    this.res = res;
    this.status = 200;
    this.headers = {};
  }
  code(status) {
    this.status = status;
    return this;
  }
  header(name, value) {
    this.headers[name] = value;
    return this;
  }
  type(contentType) {
    this.headers['content-type'] = contentType;
    return this;
  }
  send(body) {
    if (body === undefined) {
      this.res.writeHead(this.status, this.headers);
      this.res.end();
      return this;
    }
    this.headers['content-length'] = Buffer.byteLength(body);
    this.res.writeHead(this.status, this.headers);
    this.res.end(body);
    return this;
  }
}

// One sentence for a 400: how many problems, and the first one's message.
function problemsError(problems, what) {
  const errors = problems.filter((p) => !p.severity || p.severity === 'error');
  const first = errors[0] || problems[0];
  const n = errors.length;
  const lead = n > 1 ? `${what} has ${n} problems; the first: ` : '';
  return new HttpError(400, `${lead}${first ? first.message : `${what} is invalid.`}`, { problems: errors });
}

// A token bucket per account (429 past it): `rate` requests a second, bursts of twice that.
class RateLimiter {
  constructor(rate) {
    this.rate = rate;
    this.buckets = new Map();
  }
  take(key) {
    if (!this.rate) return true;
    const now = Date.now() / 1000;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.rate * 2, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.rate * 2, b.tokens + (now - b.at) * this.rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/**
 * @param {object} o
 * @param {import('./outbound').Outbound} o.outbound
 * @param {object} o.store
 * @param {number} [o.maxUploadBytes]  a bulk_queue file's limit (413 past it)
 * @param {number} [o.maxRows]
 * @param {number} [o.rateLimit]  requests per second per account (0: none)
 * @param {number} [o.maxUploadsPerAccount]  bulk uploads at once per account (429 past it)
 */
function buildApp({ outbound, store, maxUploadBytes = 1 << 30, maxRows = 1000000, rateLimit = 0, maxUploadsPerAccount = 2, bodyLimit = 1 << 20, dashboard = null }) {
  let fastQueue = () => false; // set below, once the handlers it shares exist
  const app = Fastify({
    logger: false,
    bodyLimit,
    // The one hot endpoint (POST queue with a JSON or form body) is answered before fastify's
    // request pipeline, which costs about 12 us a request here (a sixth of what queue costs), by
    // the same handler as the fastify route. Everything else goes to fastify.
    serverFactory: (handler) => http.createServer((req, res) => {
      if (!fastQueue(req, res)) handler(req, res);
    }),
    return503OnClosing: true,
    forceCloseConnections: true,
    // Fastify's own refusals (a URL that does not decode, a path segment too long) in our form.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode === 414 ? 414 : 400;
      const message = error.code === 'FST_ERR_BAD_URL'
        ? 'The URL does not decode (a % not followed by two hex digits?): percent-encode it correctly.'
        : status === 414
          ? 'A part of the URL is too long (over 100 characters): check the app and deployment ids.'
          : `The request cannot be read: ${error.message}`;
      return sendError(request, reply, new HttpError(status, message));
    },
  });
  app.register(require('@fastify/multipart'), {
    limits: { fileSize: maxUploadBytes, files: 1, fields: 64, fieldSize: 128 * 1024, parts: 70, headerPairs: 100 },
  });
  // The platform takes forms and JSON only: other types (text/plain included) answer 415.
  app.removeContentTypeParser('text/plain');
  // Form posts: fields as strings (the validators read decimal strings as numbers).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (req, body, done) => done(null, formParams(body)));

  const limiter = new RateLimiter(rateLimit);
  const uploadsByAccount = new Map();
  const authCache = new Map(); // Authorization header -> account row (bounded)

  // Store reads may be asynchronous (store.d.ts): the handlers await them.
  async function authenticate(request) {
    const header = request.headers.authorization;
    const cached = header && authCache.get(header);
    if (cached) return cached;
    const creds = parseBasic(header);
    const account = creds && (await store.account(creds.email));
    if (!account || !keyMatches(creds.key, account.key_hash)) {
      const err = new HttpError(401, header ? 'Those credentials are not valid: check the account email and developer key.' : MESSAGES.unauthorized);
      err.headers = { 'www-authenticate': 'Basic realm="fuse-outbound", charset="UTF-8"' };
      throw err;
    }
    if (authCache.size >= 10000) authCache.clear();
    authCache.set(header, account);
    return account;
  }

  function limit(account) {
    if (!limiter.take(account.id)) {
      const err = new HttpError(429, `Too many requests for this account: at most ${rateLimit} a second; retry after a second.`);
      err.headers = { 'retry-after': '1' };
      throw err;
    }
  }

  const deploymentCache = new Map(); // "app\0name" -> {row, at}
  async function deploymentFor(account, params) {
    const key = `${params.app}\0${params.deployment}`;
    let hit = deploymentCache.get(key);
    const now = Date.now();
    // Rows change only through the CLI (another process): a second's staleness is fine.
    if (!hit || now - hit.at > 1000) {
      hit = { row: await store.deployment(params.app, params.deployment), at: now };
      if (deploymentCache.size >= 10000) deploymentCache.clear();
      deploymentCache.set(key, hit);
    }
    const row = hit.row;
    if (!row) throw new HttpError(404, MESSAGES.noDeployment);
    if (row.account_id !== account.id) throw new HttpError(403, MESSAGES.otherAccount);
    if (row.deleted_at !== null) throw new HttpError(409, MESSAGES.deleted);
    return row;
  }

  async function callFor(account, id) {
    if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new HttpError(404, MESSAGES.noCall);
    const status = await outbound.status(id);
    if (!status) throw new HttpError(404, MESSAGES.noCall);
    const dep = status.deploymentId === null ? null : store.deploymentById(status.deploymentId);
    if (!dep || dep.account_id !== account.id) throw new HttpError(403, MESSAGES.otherAccountCall);
    return status;
  }

  app.setErrorHandler((err, request, reply) => sendError(request, reply, httpErrorOf(err)));

  // Any error a handler or fastify raises, as the HttpError answered for it.
  function httpErrorOf(err) {
    if (err instanceof HttpError) return err;
    const code = err.statusCode;
    if (code === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_PARTS_LIMIT' || err.code === 'FST_FILES_LIMIT' || err.code === 'FST_FIELDS_LIMIT') {
      const msg = err.code === 'FST_FILES_LIMIT' ? 'Send one file part, named csv.' : err.code === 'FST_FIELDS_LIMIT' || err.code === 'FST_PARTS_LIMIT' ? 'The form has too many fields: send only the queue parameters.' : `The request body is too large: at most ${err.code === 'FST_REQ_FILE_TOO_LARGE' ? `${maxUploadBytes} bytes for a csv file` : `${bodyLimit} bytes`}.`;
      return new HttpError(413, msg);
    }
    if (code === 415 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new HttpError(415, 'Send the parameters as multipart/form-data, application/x-www-form-urlencoded or application/json.');
    }
    if (code === 503) {
      // A node that lost the leadership while the request waited for its commit: not applied.
      const e = new HttpError(503, 'The service is changing leaders and did not apply this request; retry it.');
      e.headers = { 'retry-after': '1' };
      return e;
    }
    if (code >= 400 && code < 500) {
      const message = err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'The JSON body is empty: send a JSON object of queue parameters.' : /JSON/.test(err.message) || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? `The body is not valid JSON (${err.message}).` : `The request is malformed: ${err.message}.`;
      return new HttpError(code, message);
    }
    console.error(err);
    return new HttpError(500, 'Internal error: this is a bug in fuse-outbound; the request was not applied.');
  }
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new HttpError(404, `There is no endpoint ${request.method} ${request.url.split('?')[0].slice(0, 200)}.`)));

  // A route with its allowed methods; other methods answer 405 with Allow.
  function route(url, handlers) {
    const allow = Object.keys(handlers);
    if (allow.includes('GET')) allow.push('HEAD');
    for (const [method, handler] of Object.entries(handlers)) app.route({ method, url, handler });
    const other = ALL_METHODS.filter((m) => !allow.includes(m));
    app.route({
      method: other,
      url,
      handler: async (request, reply) => {
        const err = new HttpError(405, `Use ${allow.filter((m) => m !== 'HEAD').join(' or ')} for this endpoint.`);
        err.headers = { allow: allow.join(', ') };
        return sendError(request, reply, err);
      },
    });
  }

  async function readQueueParams(request) {
    if (request.isMultipart()) {
      const params = {};
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          part.file.resume();
          throw new HttpError(400, `queue takes no file (got the file part '${part.fieldname}'); use bulk_queue for a csv upload.`);
        }
        params[part.fieldname] = part.value;
      }
      return params;
    }
    return paramsOfBody(request.body);
  }

  // A parsed body's queue parameters: none for no body, else it must be an object.
  function paramsOfBody(body) {
    if (body === undefined || body === null) return {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The JSON body must be an object of queue parameters.');
    return body;
  }

  // POST queue, from fastify's route or from the fast lane. readParams: the body's parameters (an
  // object, or a JSON body's text); parsedParams: when they are text, the body as fastify's route
  // reads it, for the answer when the core refuses the text.
  async function queue(request, reply, readParams, parsedParams = null) {
    const account = await authenticate(request);
    limit(account);
    const dep = await deploymentFor(account, request.params);
    const params = await readParams();
    let result = await outbound.queue(dep.id, params);
    // Refused (nothing was queued): the answer is the one the parsed body gets, word for word.
    if (!result.ok && parsedParams) result = await outbound.queue(dep.id, await parsedParams());
    if (!result.ok) throw problemsError(result.errors, 'The call');
    reply.header('link', `</api/outbound/${result.callId}>; rel="status"`);
    return send(request, reply, 200, { call_id: result.callId });
  }

  route('/api/apps/:app/:deployment/queue', {
    POST: (request, reply) => queue(request, reply, () => readQueueParams(request)),
  });

  // The fast lane: POST queue with plain path segments, no query, and a JSON or form body; the
  // rest (multipart, percent-escapes, a closing server) takes fastify's way. Answers as fastify
  // would: the same handler, the same parsers (secure-json-parse, URLSearchParams), the same limits.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const QUEUE_PATH = /^\/api\/apps\/([A-Za-z0-9._~-]{1,100})\/([A-Za-z0-9._~-]{1,100})\/queue$/;
  fastQueue = (req, res) => {
    if (req.method !== 'POST' || closing) return false;
    const m = QUEUE_PATH.exec(req.url);
    if (!m) return false;
    const type = (req.headers['content-type'] || '').toLowerCase();
    const json = type === 'application/json' || type === 'application/json; charset=utf-8';
    if (!json && type !== 'application/x-www-form-urlencoded') return false;
    const request = { headers: req.headers, params: { app: m[1], deployment: m[2] } };
    const reply = new FastReply(res);
    const fail = (err) => {
      if (!res.headersSent) sendError(request, reply, httpErrorOf(err));
    };
    if (Number(req.headers['content-length']) > bodyLimit) {
      fail(new FastifyErrors.FST_ERR_CTP_BODY_TOO_LARGE());
      req.resume();
      return true;
    }
    let body = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      size += Buffer.byteLength(chunk);
      if (size > bodyLimit && !res.headersSent) {
        fail(new FastifyErrors.FST_ERR_CTP_BODY_TOO_LARGE());
        req.removeAllListeners('data');
        req.resume();
      }
      body += chunk;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (res.headersSent) return;
      const parsed = () => {
        if (!json) return formParams(body);
        // As fastify's JSON parser (its defaults: a __proto__ or constructor key is refused).
        if (body === '') throw new FastifyErrors.FST_ERR_CTP_EMPTY_JSON_BODY();
        let value;
        try {
          value = secureJson.parse(body, null, { protoAction: 'error', constructorAction: 'error' });
        } catch {
          throw new FastifyErrors.FST_ERR_CTP_INVALID_JSON_BODY();
        }
        return paramsOfBody(value);
      };
      if (json && sameAsParsed(body)) queue(request, reply, () => body, parsed).catch(fail);
      else queue(request, reply, parsed).catch(fail);
    });
    return true;
  };

  route('/api/apps/:app/:deployment/bulk_queue', {
    POST: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const dep = await deploymentFor(account, request.params);
      if (!request.isMultipart()) throw new HttpError(415, 'Send bulk_queue as multipart/form-data with the file in a part named csv.');
      const uploading = uploadsByAccount.get(account.id) || 0;
      if (uploading >= maxUploadsPerAccount) {
        const err = new HttpError(429, `This account already has ${uploading} uploads in progress; wait for one to finish.`);
        err.headers = { 'retry-after': '5' };
        throw err;
      }
      uploadsByAccount.set(account.id, uploading + 1);
      const spool = path.join(store.uploadDir(), `${Date.now()}-${crypto.randomBytes(6).toString('hex')}.csv`);
      let spooled = false;
      let handedOver = false;
      try {
        const params = {};
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'csv') {
              part.file.resume();
              throw new HttpError(400, `The file part is named '${part.fieldname}'; name it csv.`);
            }
            // Spooled to disk as it arrives: a 1 GB upload never sits in memory.
            await pipeline(part.file, fs.createWriteStream(spool));
            if (part.file.truncated) throw new HttpError(413, `The csv file is too large: at most ${maxUploadBytes} bytes.`);
            spooled = true;
          } else {
            if (part.fieldname === 'phone_number' || part.fieldname === 'metadata') {
              throw new HttpError(400, `bulk_queue takes no ${part.fieldname}: each row's destination and columns come from the csv file.`);
            }
            params[part.fieldname] = part.value;
          }
        }
        if (!spooled) throw new HttpError(400, 'bulk_queue needs a file part named csv (a CSV with a destination column).');
        const fd = fs.openSync(spool, 'r+');
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        const options = { maxRows };
        if (params.partial !== undefined) {
          if (params.partial !== '0' && params.partial !== '1' && params.partial !== 'true' && params.partial !== 'false') {
            throw new HttpError(400, `partial must be 0 or 1, got '${String(params.partial).slice(0, 20)}'.`);
          }
          options.partial = params.partial === '1' || params.partial === 'true';
          delete params.partial;
        }
        handedOver = true; // the outbound system owns the file from here
        const result = await outbound.bulkQueue(dep.id, params, options, spool);
        if (result.firstCallId === null) {
          const problems = result.errors && result.errors.length ? result.errors : [];
          if (problems.length) throw problemsError(problems, 'The upload');
        }
        return send(request, reply, 200, {
          success: true,
          queued: result.queued,
          first_call_id: result.firstCallId,
          last_call_id: result.lastCallId,
          warnings: result.warnings,
          ...(result.errors && result.errors.length ? { errors: result.errors } : {}),
        });
      } finally {
        uploadsByAccount.set(account.id, uploadsByAccount.get(account.id) - 1);
        if (!handedOver) fs.rmSync(spool, { force: true });
      }
    },
  });

  route('/api/apps/:app/:deployment/cancel', {
    DELETE: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const dep = await deploymentFor(account, request.params);
      await outbound.cancel(dep.id);
      return send(request, reply, 202);
    },
  });

  route('/api/outbound/:id', {
    GET: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const status = await callFor(account, request.params.id);
      return send(request, reply, 200, `{"call_details":${status.text}}`);
    },
  });

  route('/api/outbound/:id/deliveries', {
    GET: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      await callFor(account, request.params.id);
      const d = await outbound.deliveries(request.params.id);
      const body = d
        ? {
            call_id: request.params.id,
            result_url: d.url,
            webhook_id: d.webhook_id,
            state: d.state,
            next_attempt_at: d.next_at,
            tries: d.tries.map((t) => (t.error === null ? { at: t.at, status: t.status } : { at: t.at, error: t.error })),
          }
        : { call_id: request.params.id, state: 'none', tries: [] };
      return send(request, reply, 200, body);
    },
  });

  // SPEC 14: the account's suppression list (do-not-call). The number in any accepted form (SPEC 2),
  // URL-encoded; answers name it in E.164 as the package parses it. The engine's list is the truth
  // (journaled, in its snapshot); the store's table, written with each change, answers the listing.
  function suppressionAnswer(result) {
    if (!result.ok) throw problemsError([result.error], 'The phone number');
    return result;
  }

  route('/api/suppressions/:number', {
    PUT: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const r = suppressionAnswer(await outbound.suppress(account.id, request.params.number, true));
      return send(request, reply, 200, { phone_number: r.phoneNumber, suppressed: true });
    },
    DELETE: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const r = suppressionAnswer(await outbound.suppress(account.id, request.params.number, false));
      if (!r.changed) throw new HttpError(404, `${r.phoneNumber} is not suppressed for this account.`, { phone_number: r.phoneNumber, suppressed: false });
      return send(request, reply, 200, { phone_number: r.phoneNumber, suppressed: false });
    },
    GET: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const r = suppressionAnswer(await outbound.isSuppressed(account.id, request.params.number));
      return send(request, reply, 200, { phone_number: r.phoneNumber, suppressed: r.suppressed });
    },
  });

  // Pages in E.164 order: ?limit=N (1-1000, default 100) and ?after=<the previous page's next>.
  route('/api/suppressions', {
    GET: async (request, reply) => {
      const account = await authenticate(request);
      limit(account);
      const q = request.query || {};
      let max = 100;
      if (q.limit !== undefined) {
        if (!/^[1-9][0-9]{0,3}$/.test(String(q.limit)) || Number(q.limit) > 1000) throw new HttpError(400, `limit must be a whole number from 1 to 1000, got '${String(q.limit).slice(0, 20)}'.`);
        max = Number(q.limit);
      }
      const after = q.after === undefined ? '' : String(q.after).slice(0, 64);
      const rows = await store.suppressions(account.id, after, max + 1);
      const page = rows.slice(0, max);
      return send(request, reply, 200, {
        suppressions: page.map((r) => ({ phone_number: r.phone_number, suppressed_at: r.created_at })),
        next: rows.length > max ? page[page.length - 1].phone_number : null,
      });
    },
  });

  if (dashboard) dashboard(app, { authenticate, send, sendError, HttpError, outbound, store });
  return app;
}

module.exports = { buildApp, HttpError };

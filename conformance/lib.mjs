// Shared machinery for the conformance scripts (send.mjs, graph.mjs).
//
// Each script drives real third-party Messenger clients from npm against a
// running `messemu serve` and prints one line per check:
//
//   ok - <name>
//   not ok - <name>: <why>
//   #   request:  <method> <url> <body>      (details of the last exchange)
//   #   response: <status> <body>
//
// and closes with the line `N passed, N failed`, exiting non-zero on any
// failure. What is right is decided by the platform facts in docs/rules.md, never by what
// the emulator happens to answer: a check that fails shows an emulator bug (or
// an unfinished endpoint), and is not to be weakened to make it pass.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------
// Configuration (environment; defaults are messemu's built-in ones).

function env(name, fallback) {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

export const cfg = {
  url: env('MESSEMU_URL', 'http://127.0.0.1:8765').replace(/\/+$/, ''),
  token: env('MESSEMU_PAGE_TOKEN', 'EAAMessemuTestPageToken'),
  pageId: env('MESSEMU_PAGE_ID', '109876543210987'),
  psid: env('MESSEMU_PSID', '5275811702471834'), // Alice
  appId: env('MESSEMU_APP_ID', '1517776481860111'),
  appSecret: env('MESSEMU_APP_SECRET', 'messemu-app-secret'),
  // A second test user (Bob), used where a check needs a user other than MESSEMU_PSID.
  psid2: env('MESSEMU_PSID2', '6283749102837465'),
};

// A PSID in the platform's format that no test user has.
export const UNKNOWN_PSID = '1000000000000001';

// Oldest live Graph version (PLATFORM.md §1.1, option default) and the latest.
export const OLDEST_LIVE_VERSION = 'v20.0';
export const LATEST_VERSION = 'v26.0';

// ---------------------------------------------------------------------------
// Exchanges: the last HTTP request/response seen by any client, for failure
// reports. Checks run one at a time, so "last" is well defined.

let last = null;

function brief(v, max = 700) {
  let s;
  if (v === undefined) return '(none)';
  if (typeof v === 'string') s = v;
  else if (v && typeof v.getHeaders === 'function') s = '[multipart form-data]';
  else {
    try {
      s = JSON.stringify(v);
    } catch {
      s = String(v);
    }
  }
  s = s.replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

function record(x) {
  last = x;
}

export function lastExchange() {
  return last;
}

// instrumentAxiosClient records the raw (not camelCased) response text of a
// messaging-api-messenger client, so that checks can look at the wire keys
// (`error_subcode`, `recipient_id`) rather than the client's camelCased copy.
export function instrumentAxiosClient(client) {
  const ax = client.axios;
  ax.defaults.timeout = 15000;
  let raw;
  ax.defaults.transformResponse.unshift((data) => {
    raw = data;
    return data;
  });
  const onResponse = (res) => {
    const c = res.config || {};
    record({
      method: (c.method || '').toUpperCase(),
      url: `${c.baseURL || ''}${c.url || ''}`.replace(/([^:])\/\//g, '$1/'),
      reqBody: c.data,
      status: res.status,
      headers: res.headers || {},
      text: typeof raw === 'string' ? raw : brief(raw),
    });
  };
  ax.interceptors.response.use(
    (res) => {
      onResponse(res);
      return res;
    },
    (err) => {
      if (err && err.response) onResponse(err.response);
      else {
        const c = (err && err.config) || {};
        record({
          method: (c.method || '').toUpperCase(),
          url: `${c.baseURL || ''}${c.url || ''}`.replace(/([^:])\/\//g, '$1/'),
          reqBody: c.data,
          status: 0,
          headers: {},
          text: `transport error: ${err && err.message}`,
        });
      }
      return Promise.reject(err);
    },
  );
  return client;
}

// instrumentRequestLib patches the `request` library (used by botly) so the
// status, headers and body of each exchange are recorded; botly itself hands
// its callbacks only the parsed body.
export function instrumentRequestLib() {
  const request = require('request');
  for (const m of ['get', 'post', 'delete', 'put']) {
    const orig = request[m];
    if (orig.__messemu) continue;
    const patched = function (opts, cb) {
      const o = typeof opts === 'object' ? { timeout: 15000, ...opts } : opts;
      return orig.call(this, o, (err, res, body) => {
        const qs = o && o.qs ? `?${new URLSearchParams(o.qs)}` : '';
        record({
          method: m.toUpperCase(),
          url: `${(o && o.url) || ''}${qs}`,
          reqBody: o && o.body,
          status: res ? res.statusCode : 0,
          headers: res ? res.headers : {},
          text: err ? `transport error: ${err.message}` : typeof body === 'string' ? body : JSON.stringify(body),
        });
        if (cb) cb(err, res, body);
      });
    };
    patched.__messemu = true;
    request[m] = patched;
  }
}

// instrumentRequestPromise wraps request-promise (used by messenger-bot) so
// that each exchange is recorded. Call it before requiring the client: the
// client takes the module's export when it loads. The wrapper keeps
// request-promise's answers (the body on 2xx, a StatusCodeError carrying the
// response otherwise).
export function instrumentRequestPromise() {
  const path = require.resolve('request-promise');
  const rp = require('request-promise');
  if (rp.__messemu) return;
  const { StatusCodeError } = require('request-promise/errors');
  const wrapped = function (opts) {
    const o = { timeout: 15000, ...opts, resolveWithFullResponse: true, simple: false };
    const qs = o.qs ? `?${new URLSearchParams(o.qs)}` : '';
    const exchange = { method: (o.method || 'GET').toUpperCase(), url: `${o.uri || o.url}${qs}`, reqBody: typeof o.json === 'object' ? o.json : o.body };
    return rp(o).then(
      (res) => {
        record({ ...exchange, status: res.statusCode, headers: res.headers, text: typeof res.body === 'string' ? res.body : JSON.stringify(res.body) });
        if (res.statusCode < 200 || res.statusCode > 299) throw new StatusCodeError(res.statusCode, res.body, opts, res);
        return opts.resolveWithFullResponse ? res : res.body;
      },
      (err) => {
        record({ ...exchange, status: 0, headers: {}, text: `transport error: ${err && err.message}` });
        throw err;
      },
    );
  };
  wrapped.__messemu = true;
  require.cache[path].exports = wrapped;
}

// instrumentHttps taps Node's https.request, which every client reaches
// whatever library it is built on (node-fetch, request, a proxy agent
// preloaded with -r), and records each exchange as the client saw it: the
// method, the https:// URL it asked for, the body it wrote, the status,
// headers and body of the answer, and `via`, the connection the answer came
// over: the peer address (the intercept proxy's, for a tunnelled request)
// and the certificate the server showed, with its issuer's SHA-256
// fingerprint. onExchange, if given, is called with each exchange as it is
// recorded. Call it after any preloaded agent and before the calls.
export function instrumentHttps({ onExchange } = {}) {
  const https = require('node:https');
  if (https.request.__messemu) return;
  const orig = https.request;
  const tapped = function (...args) {
    const req = orig.apply(this, args);
    const chunks = [];
    const keep = (c, enc) => {
      if (c === undefined || c === null || typeof c === 'function') return;
      chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c), typeof enc === 'string' ? enc : 'utf8'));
    };
    const write = req.write;
    req.write = function (c, enc, ...rest) {
      keep(c, enc);
      return write.call(this, c, enc, ...rest);
    };
    const end = req.end;
    req.end = function (c, enc, ...rest) {
      keep(c, enc);
      return end.call(this, c, enc, ...rest);
    };
    const exchange = () => ({
      method: req.method,
      url: `https://${req.host}${req.path}`,
      reqBody: Buffer.concat(chunks).toString('utf8'),
    });
    req.on('response', (res) => {
      const s = res.socket || {};
      let cert = null;
      try {
        cert = typeof s.getPeerCertificate === 'function' ? s.getPeerCertificate(true) : null;
      } catch {
        cert = null;
      }
      const issuer = cert && cert.issuerCertificate;
      const via = {
        remote: `${s.remoteAddress}:${s.remotePort}`,
        subject: cert && cert.subject ? cert.subject.CN : undefined,
        issuer: cert && cert.issuer ? cert.issuer.CN : undefined,
        issuerFingerprint: issuer && issuer.fingerprint256,
      };
      const body = [];
      res.on('data', (c) => body.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
      res.on('end', () => {
        const x = { ...exchange(), status: res.statusCode, headers: res.headers, text: Buffer.concat(body).toString('utf8'), via };
        record(x);
        if (onExchange) onExchange(x);
      });
    });
    req.on('error', (err) => {
      const x = { ...exchange(), status: 0, headers: {}, text: `transport error: ${err && err.message}` };
      record(x);
      if (onExchange) onExchange(x);
    });
    return req;
  };
  tapped.__messemu = true;
  https.request = tapped;
}

// ---------------------------------------------------------------------------
// Raw HTTP, for what no client sends (form bodies, headers, versions).

export async function http(method, path, { query, json, form, body, headers = {}, token = cfg.token } = {}) {
  const u = new URL(path.startsWith('http') ? path : `${cfg.url}${path}`);
  if (token !== null && token !== undefined) u.searchParams.set('access_token', token);
  for (const [k, v] of Object.entries(query || {})) u.searchParams.set(k, v);
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(15000) };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (form !== undefined) {
    init.body = new URLSearchParams(form).toString();
    init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (body !== undefined) {
    init.body = body;
  }
  let res;
  try {
    res = await fetch(u, init);
  } catch (e) {
    record({ method, url: u.toString(), reqBody: init.body, status: 0, headers: {}, text: `transport error: ${e.message}` });
    throw new CheckError(`transport error: ${e.message}`);
  }
  const text = await res.text();
  const hdrs = Object.fromEntries(res.headers.entries());
  record({ method, url: u.toString(), reqBody: init.body, status: res.status, headers: hdrs, text });
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: hdrs, text, body: parsed };
}

// ---------------------------------------------------------------------------
// Checks.

export class CheckError extends Error {}

let passed = 0;
let failed = 0;
const failures = [];

function fail(msg) {
  throw new CheckError(msg);
}

export const expect = {
  true(cond, msg) {
    if (!cond) fail(msg);
  },
  equal(got, want, what) {
    if (got !== want) fail(`${what}: want ${brief(want)}, got ${brief(got)}`);
  },
  match(got, re, what) {
    if (typeof got !== 'string' || !re.test(got)) fail(`${what}: want a string matching ${re}, got ${brief(got)}`);
  },
  keys(obj, want, what) {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) fail(`${what}: want an object with keys [${want}], got ${brief(obj)}`);
    const got = Object.keys(obj).sort();
    const w = [...want].sort();
    if (got.join(',') !== w.join(',')) fail(`${what}: want keys [${w}], got [${got}]`);
  },
  // deepEqual compares JSON values; object key order does not matter, array order does.
  deepEqual(got, want, what) {
    const g = canonical(got);
    const w = canonical(want);
    if (g !== w) fail(`${what}: want ${brief(w)}, got ${brief(g)}`);
  },
};

function canonical(v) {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x,
  );
}

// check runs one named check. A check that throws fails; the reason and the
// last exchange are printed.
export async function check(name, fn) {
  last = null;
  let timer;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new CheckError('timed out after 30 s')), 30000);
      }),
    ]);
    passed++;
    console.log(`ok - ${name}`);
    return true;
  } catch (e) {
    failed++;
    failures.push(name);
    const why = e instanceof CheckError ? e.message : `unexpected ${e && e.name}: ${e && e.message}`;
    console.log(`not ok - ${name}: ${why.replace(/\n/g, ' ')}`);
    if (last) {
      console.log(`#   request:  ${last.method} ${last.url} ${brief(last.reqBody)}`);
      console.log(`#   response: ${last.status} ${brief(last.text)}`);
    }
    return false;
  } finally {
    clearTimeout(timer);
  }
}

// finish prints the closing line and sets the exit status.
export function finish() {
  if (failures.length) console.log(`# failed: ${failures.join('; ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Calling clients.

// succeed awaits a client call that must succeed and returns the client's
// value plus the raw wire body of the answer.
export async function succeed(call) {
  let data;
  try {
    data = await call();
  } catch (e) {
    const r = e && e.response;
    if (r) fail(`want success, got HTTP ${r.status} ${brief(last ? last.text : r.data)}`);
    fail(`want success, got ${e && e.name}: ${e && e.message}`);
  }
  return { data, ...wire() };
}

// wire returns the last exchange's status, headers and parsed raw body.
export function wire() {
  if (!last) fail('no HTTP exchange was recorded');
  let body;
  try {
    body = JSON.parse(last.text);
  } catch {
    fail(`answer is not JSON: ${brief(last.text)}`);
  }
  return { status: last.status, headers: last.headers, body };
}

// refuse awaits a client call that must be refused and checks the Graph
// error on the wire. For botly (which resolves with the error body) pass a
// call that resolves; the error is read from the recorded exchange.
export async function refuse(call, spec) {
  let threw = false;
  try {
    await call();
  } catch (e) {
    threw = true;
    if (!(e && e.response) && !(e instanceof CheckError)) fail(`want a Graph error, got ${e && e.name}: ${e && e.message}`);
    if (e instanceof CheckError) throw e;
  }
  const w = wire();
  if (!threw && w.status < 400) fail(`want HTTP 400 with ${specText(spec)}, got HTTP ${w.status} ${brief(w.body)}`);
  graphError(w, spec);
  return w;
}

function specText(s) {
  return `${s.code}${s.subcode ? `/${s.subcode}` : ''} ${s.message ? JSON.stringify(s.message) : s.messageMatch || ''}`;
}

// graphError checks an answer against PLATFORM.md §1.3: HTTP 400, the
// envelope, code, subcode (absent unless given), type, message, a 23-character
// fbtrace_id, no error_user_*, and WWW-Authenticate on 104 and 190.
export function graphError({ status, headers, body }, spec) {
  const { code, subcode, type = 'OAuthException', message, messageMatch } = spec;
  expect.equal(status, 400, 'HTTP status');
  expect.true(body && typeof body.error === 'object', `want an {"error":{…}} envelope, got ${brief(body)}`);
  const e = body.error;
  if (e.code !== code || (e.error_subcode ?? null) !== (subcode ?? null)) {
    fail(`want code ${code}${subcode ? `/${subcode}` : ' (no subcode)'}, got ${e.code}${e.error_subcode !== undefined ? `/${e.error_subcode}` : ''}: ${JSON.stringify(e.message)}`);
  }
  if (message !== undefined) expect.equal(e.message, message, 'error.message');
  if (messageMatch !== undefined) expect.match(e.message, messageMatch, 'error.message');
  expect.equal(e.type, type, 'error.type');
  expect.match(e.fbtrace_id, /^[A-Za-z0-9]{23}$/, 'error.fbtrace_id');
  const userKeys = Object.keys(e).filter((k) => k.startsWith('error_user_'));
  expect.true(userKeys.length === 0, `error has ${userKeys.join(', ')}; PLATFORM.md §1.3 says never`);
  if (code === 104 || code === 190) {
    const wa = headers['www-authenticate'];
    expect.equal(wa, `OAuth "Facebook Platform" "invalid_token" "${e.message}"`, 'WWW-Authenticate header');
  }
}

// ---------------------------------------------------------------------------
// Shapes of success answers.

export const MID = /^m_[A-Za-z0-9_-]{86}$/;
export const ASSET_ID = /^\d{15,16}$/;

// messageAnswer checks a Send API message answer (PLATFORM.md §2.8).
export function messageAnswer(body, psid, { reusable = false } = {}) {
  expect.keys(body, reusable ? ['recipient_id', 'message_id', 'attachment_id'] : ['recipient_id', 'message_id'], 'answer');
  expect.equal(body.recipient_id, psid, 'recipient_id');
  expect.match(body.message_id, MID, 'message_id');
  if (reusable) expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
  return body;
}

// actionAnswer checks a sender action answer: {"recipient_id"} only.
export function actionAnswer(body, psid) {
  expect.keys(body, ['recipient_id'], 'answer');
  expect.equal(body.recipient_id, psid, 'recipient_id');
}

// ---------------------------------------------------------------------------
// Control API (/_messemu/v1/), to play the user's side.

// userWrites makes the test user write to the Page, which opens the 24 h
// messaging window (PLATFORM.md §2.2). It returns the control API's answer.
export async function userWrites(psid, text = 'hi') {
  const r = await http('POST', `/_messemu/v1/users/${psid}/messages`, { json: { text }, token: null });
  if (r.status < 200 || r.status > 299) fail(`control API: want 2xx, got HTTP ${r.status} ${brief(r.text)}`);
  return r.body;
}

export async function advanceClock(duration) {
  const r = await http('POST', '/_messemu/v1/clock/advance', { json: { duration }, token: null });
  if (r.status < 200 || r.status > 299) fail(`control API clock/advance: want 2xx, got HTTP ${r.status} ${brief(r.text)}`);
  return r.body;
}

// The journal (/_messemu/v1/journal): what messemu recorded of each call,
// read without touching the recorded exchange, so that a failed check still
// shows the client's request and answer.

async function journalGet(query) {
  const u = new URL(`${cfg.url}/_messemu/v1/journal`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  const res = await fetch(u, { signal: AbortSignal.timeout(15000) });
  const text = await res.text();
  if (res.status !== 200) fail(`control API journal: want 200, got HTTP ${res.status} ${brief(text)}`);
  return JSON.parse(text);
}

// journalMark answers the newest event's sequence number: a check takes it
// before its calls and reads what they caused with journalRequests.
export async function journalMark() {
  const { last_seq: seq } = await journalGet({ limit: 1 });
  if (!Number.isInteger(seq)) fail(`control API journal: no last_seq in the answer`);
  return seq;
}

// journalRequests answers the Graph calls journalled after seq (oldest first),
// a batch's items among them, as {method, path, status, request, violations}.
export async function journalRequests(after) {
  const j = await journalGet({ after, kind: 'request' });
  return j.events;
}

// findMid digs a message id out of a control API answer, whatever its shape.
export function findMid(obj) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const [k, v] of Object.entries(obj)) {
    if ((k === 'mid' || k === 'message_id') && typeof v === 'string' && v.startsWith('m_')) return v;
  }
  for (const v of Object.values(obj)) {
    const m = findMid(v);
    if (m) return m;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Small media bodies for uploads (content matters less than the part's type).

export const media = {
  png: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
  // An MPEG-1 Layer III frame header followed by silence.
  mp3: Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]),
  // The start of an ISO BMFF file (ftyp box).
  mp4: Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), Buffer.alloc(64)]),
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
};

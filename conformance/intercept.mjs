// Clients that hard-code https://graph.facebook.com, driven through
// messemu's intercept mode (`messemu serve --intercept ADDR --ca-dir DIR`):
// bootbot 1.1.0 (node-fetch 1, Graph v2.12), messenger-node 0.3.2 (Meta's
// sample SDK: request, no version in the path), fb-messenger 2.3.1
// (node-fetch 2, v2.6) and fb-messenger-bot-api 4.4.0 (request, v3.1). None
// of them takes a base URL; each runs unchanged.
//
//   messemu serve --intercept 127.0.0.1:8443 --ca-dir /tmp/ca --no-demo-bot
//   eval "$(messemu env --intercept 127.0.0.1:8443 --ca-dir /tmp/ca)"
//   MESSEMU_CA_DIR=/tmp/ca GLOBAL_AGENT_ENVIRONMENT_VARIABLE_NAMESPACE= GLOBAL_AGENT_FORCE_GLOBAL_AGENT=false \
//     node -r global-agent/bootstrap intercept.mjs
//
// How the calls reach messemu on Node 20 (no NODE_USE_ENV_PROXY):
// - the `request` library (messenger-node, fb-messenger-bot-api) reads
//   HTTPS_PROXY and NO_PROXY itself and tunnels with CONNECT;
// - node-fetch (bootbot, fb-messenger) goes through Node's https agent, which
//   global-agent (preloaded with -r) replaces: with an empty variable
//   namespace it reads the same HTTPS_PROXY and NO_PROXY that `messemu env`
//   prints, and HTTP_PROXY stays unset, so plain http (the control API) is
//   never proxied. GLOBAL_AGENT_FORCE_GLOBAL_AGENT=false leaves the agent the
//   request library brings for its own tunnel alone.
// - NODE_EXTRA_CA_CERTS (from `messemu env`) makes Node trust messemu's CA.
//
// Every call is checked to have gone through the proxy: the client asked for
// https://graph.facebook.com/…, the connection it was answered on is to the
// intercept address, the certificate shown for graph.facebook.com was issued
// by the CA in MESSEMU_CA_DIR, and the plain listener's journal holds one
// request event per exchange, with the same method, path and status.
//
// What the clients send (read from node_modules):
// - bootbot: JSON to /v2.12/me/messages with messaging_type RESPONSE; quick
//   replies from strings get payload BOOTBOT_QR_<TITLE>, menu buttons from
//   strings BOOTBOT_BUTTON_<TITLE>; profile calls to /v2.12/me/messenger_profile
//   (DELETE with {"fields":[…]}); getUserProfile asks first_name, last_name,
//   profile_pic, locale, timezone, gender. It never rejects: a Graph error
//   resolves as the error body (and is logged).
// - messenger-node: https://graph.facebook.com + path (no version unless
//   graph_api_version is given: the app default version), the token in the
//   query, no messaging_type (D1); Graph errors reject with the body.
//   getMessengerProfile() asks for the legacy fields payment_settings,
//   target_audience and home_url too.
// - fb-messenger: JSON to /v2.6/me/messages, messaging_type only with a tag;
//   its thread-settings helpers POST to /v2.6/{pageId}/thread_settings with
//   the token in the query without `access_token=` (so no token at all).
// - fb-messenger-bot-api: JSON to /v3.1/me/messages, no messaging_type;
//   greeting and Get Started go to /v3.1/me/thread_settings, the persistent
//   menu to /v3.1/me/messenger_profile with the thread-settings keys
//   setting_type and thread_state beside persistent_menu. Errors resolve as
//   the body.

import { createRequire } from 'node:module';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cfg,
  UNKNOWN_PSID,
  check,
  finish,
  expect,
  graphError,
  http as plain,
  messageAnswer,
  actionAnswer,
  userWrites,
  journalMark,
  journalRequests,
  instrumentHttps,
  OLDEST_LIVE_VERSION,
  LATEST_VERSION,
  MID,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const PSID = cfg.psid;
const GRAPH = 'https://graph.facebook.com/';

// ---------------------------------------------------------------------------
// Set-up: the proxy, the CA, the agent.

const proxyURL = process.env.HTTPS_PROXY || process.env.https_proxy || '';
const caDir = process.env.MESSEMU_CA_DIR || '';
let interceptAddr = '';
let caFingerprint = '';

const ready = await check('setup: HTTPS_PROXY, NODE_EXTRA_CA_CERTS and global-agent are in place', async () => {
  expect.true(proxyURL !== '', 'HTTPS_PROXY is not set: run eval "$(messemu env --intercept ADDR --ca-dir DIR)" first');
  interceptAddr = new URL(proxyURL).host;
  expect.true(!!process.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS is not set (messemu env prints it)');
  expect.true(!!globalThis.GLOBAL_AGENT, 'global-agent is not loaded: run node -r global-agent/bootstrap intercept.mjs');
  expect.equal(globalThis.GLOBAL_AGENT.HTTPS_PROXY, proxyURL, 'global-agent HTTPS_PROXY (set GLOBAL_AGENT_ENVIRONMENT_VARIABLE_NAMESPACE= so it reads HTTPS_PROXY)');
  expect.true(!globalThis.GLOBAL_AGENT.HTTP_PROXY, `global-agent HTTP_PROXY must stay unset (plain http is the control API), got ${globalThis.GLOBAL_AGENT.HTTP_PROXY}`);
  if (caDir) caFingerprint = new X509Certificate(readFileSync(join(caDir, 'ca.pem'))).fingerprint256;
});
if (!ready) {
  finish();
  process.exit();
}

// The tap goes over global-agent's own patch, so it sees what the client
// asked for; intercepted() collects what it records.
let watchers = [];
instrumentHttps({ onExchange: (x) => watchers.forEach((w) => w(x)) });

const BootBot = require('bootbot');
const Messenger = require('messenger-node');
const FBMessenger = require('fb-messenger');
const { FacebookMessagingAPIClient, FacebookProfileAPIClient } = require('fb-messenger-bot-api');

// ---------------------------------------------------------------------------
// Calls through the proxy.

// quiet runs a client call with console.log and console.error silenced: bootbot
// logs every Graph error it receives.
async function quiet(fn) {
  const { log, error } = console;
  console.log = () => {};
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
    console.error = error;
  }
}

// intercepted makes a client call and checks that every HTTPS exchange it
// made went to graph.facebook.com through the intercept proxy and shows in
// the plain listener's journal. It answers the client's value (or the value
// it rejected with, as `rejected`), the exchanges, and the journalled
// request events, one per exchange, in order.
async function intercepted(call) {
  const seq = await journalMark();
  const exchanges = [];
  const stop = watchExchanges(exchanges);
  let data;
  let rejected;
  let threw = false;
  try {
    data = await quiet(call);
  } catch (e) {
    threw = true;
    rejected = e;
  } finally {
    stop();
  }
  expect.true(exchanges.length > 0, `the client made no HTTPS request (${threw ? `it rejected with ${brief(rejected)}` : `it answered ${brief(data)}`})`);
  for (const x of exchanges) {
    expect.true(x.url.startsWith(GRAPH), `the client asked for ${x.url}, want ${GRAPH}…`);
    expect.true(!!x.via, `no answer on ${x.method} ${x.url}: ${x.text}`);
    expect.equal(x.via.remote, interceptAddr, `connection of ${x.method} ${x.url} (want the intercept proxy)`);
    expect.equal(x.via.subject, 'graph.facebook.com', 'certificate subject');
    if (caFingerprint) expect.equal(x.via.issuerFingerprint, caFingerprint, `issuer of the certificate (want messemu's CA in ${caDir})`);
    else expect.match(x.via.issuer, /^messemu local CA/, 'certificate issuer');
  }
  const events = await journalRequests(seq);
  const got = events.map((e) => `${e.method} ${e.path} ${e.status}`);
  const want = exchanges.map((x) => `${x.method} ${new URL(x.url).pathname} ${x.status}`);
  expect.deepEqual(got, want, 'journalled requests (method path status) against the exchanges');
  return { data, rejected, threw, exchanges, events, wire: parsed(exchanges[exchanges.length - 1]) };
}

function watchExchanges(list) {
  const w = (x) => list.push(x);
  watchers.push(w);
  return () => {
    watchers = watchers.filter((v) => v !== w);
  };
}
function brief(v) {
  try {
    return JSON.stringify(v).slice(0, 300);
  } catch {
    return String(v);
  }
}

function parsed(x) {
  let body;
  try {
    body = JSON.parse(x.text);
  } catch {
    body = undefined;
  }
  return { status: x.status, headers: x.headers || {}, body };
}

// served checks a 200 answer's version header.
function servedAs(w, version) {
  expect.equal(w.status, 200, `HTTP status (answer ${brief(w.body)})`);
  expect.equal(w.headers['facebook-api-version'], version, 'facebook-api-version');
}

// expiredWarning checks the journalled warning that an old version was
// served as the oldest live one (D21).
function expiredWarning(event, version) {
  const v = (event.violations || []).find((x) => x.rule === 'version.expired');
  expect.true(!!v, `want the version.expired warning in the journal, got ${brief(event.violations)}`);
  expect.equal(v.detail, `${version} has expired; served as ${OLDEST_LIVE_VERSION}`, 'version.expired detail');
}

function hasWarning(event, rule) {
  expect.true((event.violations || []).some((v) => v.rule === rule && v.severity === 'warning'), `want the ${rule} warning in the journal, got ${brief(event.violations)}`);
}

// refused checks a Graph error the client met, on the wire.
async function refused(call, spec) {
  const r = await intercepted(call);
  graphError(r.wire, spec);
  return r;
}

async function profile(fields) {
  const r = await plain('GET', '/me/messenger_profile', { query: { fields } });
  expect.equal(r.status, 200, `GET messenger_profile?fields=${fields}: ${r.text}`);
  return r.body;
}

async function clearProfile() {
  const r = await plain('DELETE', '/me/messenger_profile', {
    json: { fields: ['get_started', 'persistent_menu', 'greeting', 'whitelisted_domains', 'ice_breakers'] },
  });
  expect.equal(r.status, 200, `DELETE messenger_profile: ${r.text}`);
}

const success = { result: 'success' };
const noUser = { code: 100, subcode: 2018001, message: '(#100) No matching user found' };
const badToken = { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
const getStartedFirst = { code: 100, subcode: 2018145, message: '(#100) You must set a Get Started button if you also wish to use persistent menu.' };
const listGone = { code: 100, message: "(#100) Template type 'list' is no longer supported" };
const threadSettings = { code: 100, message: '(#100) The Thread Settings API (thread_settings, replaced on the platform by messenger_profile) is not emulated by messemu' };

await check('control: the user writes to the Page (opens the window)', async () => {
  await userWrites(PSID, 'hi');
});

// ===========================================================================
// bootbot 1.1.0 (node-fetch 1.7, Graph v2.12)

const bot = new BootBot({ accessToken: cfg.token, verifyToken: 'messemu-verify-token', appSecret: cfg.appSecret });
const badBot = new BootBot({ accessToken: 'not-a-token', verifyToken: 'messemu-verify-token', appSecret: cfg.appSecret });

await check('bootbot: sendTextMessage goes through the proxy, served as the oldest live version', async () => {
  const { data, events, wire } = await intercepted(() => bot.sendTextMessage(PSID, 'Hello from bootbot'));
  messageAnswer(data, PSID);
  servedAs(wire, OLDEST_LIVE_VERSION);
  expect.equal(events[0].path, '/v2.12/me/messages', 'journalled path');
  expect.equal(events[0].mid, data.message_id, 'journalled mid');
  expect.equal(events[0].request.messaging_type, 'RESPONSE', 'journalled messaging_type');
  expiredWarning(events[0], 'v2.12');
});

await check('bootbot: sendTextMessage with quick replies from strings', async () => {
  const { data, events } = await intercepted(() => bot.sendTextMessage(PSID, 'Pick one', ['Red', 'Dark blue']));
  messageAnswer(data, PSID);
  expect.deepEqual(events[0].request.message.quick_replies, [
    { content_type: 'text', title: 'Red', payload: 'BOOTBOT_QR_RED' },
    { content_type: 'text', title: 'Dark blue', payload: 'BOOTBOT_QR_DARKBLUE' },
  ], 'journalled quick_replies');
});

await check('bootbot: sendButtonTemplate with a string button and a web_url button', async () => {
  const { data } = await intercepted(() =>
    bot.sendButtonTemplate(PSID, 'What next?', ['Start', { type: 'web_url', title: 'Site', url: 'https://www.example.com/' }]),
  );
  messageAnswer(data, PSID);
});

await check('bootbot: sendGenericTemplate', async () => {
  const { data } = await intercepted(() =>
    bot.sendGenericTemplate(PSID, [
      { title: 'A hat', subtitle: 'Red', image_url: 'https://www.example.com/hat.png', buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_HAT' }] },
    ]),
  );
  messageAnswer(data, PSID);
});

await check('bootbot: sendAttachment of an image URL', async () => {
  const { data } = await intercepted(() => bot.sendAttachment(PSID, 'image', 'https://www.example.com/cat.png'));
  messageAnswer(data, PSID);
});

for (const action of ['typing_on', 'mark_seen']) {
  await check(`bootbot: sendAction ${action} answers {recipient_id}`, async () => {
    const { data } = await intercepted(() => bot.sendAction(PSID, action));
    actionAnswer(data, PSID);
  });
}

await check('bootbot: getUserProfile answers the six asked fields plus id', async () => {
  const { data, events } = await intercepted(() => bot.getUserProfile(PSID));
  expect.keys(data, ['id', 'first_name', 'last_name', 'profile_pic', 'locale', 'timezone', 'gender'], 'answer');
  expect.equal(data.id, PSID, 'id');
  expect.equal(events[0].path, `/v2.12/${PSID}`, 'journalled path');
});

await check('bootbot: setPersistentMenu before any Get Started → 100/2018145', async () => {
  await clearProfile();
  const { data } = await refused(() => bot.setPersistentMenu(['Help']), getStartedFirst);
  expect.true(!!(data && data.error), 'bootbot resolves with the error body');
});

await check('bootbot: setGetStartedButton, setGreetingText, setPersistentMenu answer success; the profile holds them', async () => {
  for (const call of [
    () => bot.setGetStartedButton('BOOTBOT_GET_STARTED'),
    () => bot.setGreetingText('Hi from bootbot'),
    () => bot.setPersistentMenu(['Help', { type: 'web_url', title: 'Site', url: 'https://www.example.com/' }]),
  ]) {
    const { data } = await intercepted(call);
    expect.deepEqual(data, success, 'answer');
  }
  const got = await profile('get_started,greeting,persistent_menu');
  expect.deepEqual(got, {
    data: [{
      get_started: { payload: 'BOOTBOT_GET_STARTED' },
      greeting: [{ locale: 'default', text: 'Hi from bootbot' }],
      persistent_menu: [{
        locale: 'default',
        composer_input_disabled: false,
        call_to_actions: [
          { type: 'postback', title: 'Help', payload: 'BOOTBOT_BUTTON_HELP' },
          { type: 'web_url', title: 'Site', url: 'https://www.example.com/' },
        ],
      }],
    }],
  }, 'messenger_profile');
});

await check('bootbot: deletePersistentMenu and deleteGetStartedButton answer success; the profile keeps the greeting', async () => {
  for (const call of [() => bot.deletePersistentMenu(), () => bot.deleteGetStartedButton()]) {
    const { data, events } = await intercepted(call);
    expect.deepEqual(data, success, 'answer');
    expect.equal(events[0].method, 'DELETE', 'journalled method');
  }
  expect.deepEqual(await profile('get_started,greeting,persistent_menu'), { data: [{ greeting: [{ locale: 'default', text: 'Hi from bootbot' }] }] }, 'messenger_profile');
});

await check('bootbot: setGreetingText of 161 characters → 100 length', async () => {
  await refused(() => bot.setGreetingText('g'.repeat(161)), { code: 100, message: '(#100) Length of param greeting[0][text] must be less than or equal to 160' });
});

await check('bootbot: say to an unknown PSID → 100/2018001', async () => {
  await refused(() => bot.say(UNKNOWN_PSID, 'anyone?'), noUser);
});

await check("bootbot: sendListTemplate → the removed 'list' template is refused", async () => {
  await refused(
    () => bot.sendListTemplate(PSID, [
      { title: 'One', subtitle: 'first', image_url: 'https://www.example.com/1.png' },
      { title: 'Two', subtitle: 'second', image_url: 'https://www.example.com/2.png' },
    ], ['More']),
    listGone,
  );
});

await check('bootbot: a bad token → 190 with WWW-Authenticate', async () => {
  await refused(() => badBot.say(PSID, 'x'), badToken);
});

// ===========================================================================
// messenger-node 0.3.2 (request, no version in the path)

const client = new Messenger.Client({ page_token: cfg.token });
const badClient = new Messenger.Client({ page_token: 'not-a-token' });
const to = { id: PSID };

await check('messenger-node: sendText goes through the proxy, unversioned: served as the latest version, D1 warning', async () => {
  const { data, events, wire } = await intercepted(() => client.sendText(to, 'Hello from messenger-node'));
  messageAnswer(data, PSID);
  servedAs(wire, LATEST_VERSION);
  expect.equal(events[0].path, '/me/messages', 'journalled path');
  expect.equal(events[0].mid, data.message_id, 'journalled mid');
  expect.equal(events[0].request.messaging_type, undefined, 'journalled messaging_type');
  hasWarning(events[0], 'messaging_type.missing');
  expect.true(!(events[0].violations || []).some((v) => v.rule === 'version.expired'), 'no version warning on an unversioned call');
});

await check('messenger-node: sendQuickReplies with text', async () => {
  const qr = [{ content_type: 'text', title: 'Yes', payload: 'YES' }, { content_type: 'text', title: 'No', payload: 'NO' }];
  const { data, events } = await intercepted(() => client.sendQuickReplies(to, qr, 'Coffee?'));
  messageAnswer(data, PSID);
  expect.deepEqual(events[0].request.message, { text: 'Coffee?', quick_replies: qr }, 'journalled message');
});

await check('messenger-node: sendQuickReplies with the legacy location chip (its own example) is served with a warning', async () => {
  const { data, events } = await intercepted(() => client.sendQuickReplies(to, [{ content_type: 'location' }], 'Where are you?'));
  messageAnswer(data, PSID);
  expect.true((events[0].violations || []).some((v) => v.severity === 'warning' && /location/.test(`${v.rule} ${v.detail} ${v.path}`)),
    `want a warning about the location quick reply, got ${brief(events[0].violations)}`);
});

await check('messenger-node: sendTemplate of a button template', async () => {
  const { data } = await intercepted(() =>
    client.sendTemplate(to, { template_type: 'button', text: 'What next?', buttons: [{ type: 'postback', title: 'Start', payload: 'START' }] }),
  );
  messageAnswer(data, PSID);
});

await check('messenger-node: sendAttachment by URL (is_reusable) answers an attachment_id', async () => {
  const { data } = await intercepted(() => client.sendAttachment({ type: 'image', source: 'https://www.example.com/dog.png', is_reusable: true }, to));
  messageAnswer(data, PSID, { reusable: true });
});

for (const action of ['typing_on', 'typing_off', 'mark_seen']) {
  await check(`messenger-node: sendSenderAction ${action} answers {recipient_id}`, async () => {
    const { data, events } = await intercepted(() => client.sendSenderAction(to, action));
    actionAnswer(data, PSID);
    expect.equal(events[0].request.sender_action, action, 'journalled sender_action');
  });
}

await check('messenger-node: getUserProfile answers the asked fields plus id', async () => {
  const { data } = await intercepted(() => client.getUserProfile(PSID, ['first_name', 'last_name', 'profile_pic']));
  expect.keys(data, ['id', 'first_name', 'last_name', 'profile_pic'], 'answer');
  expect.equal(data.id, PSID, 'id');
});

await check('messenger-node: getUserProfile of a field users do not have → 100 no-field', async () => {
  // On a GET the request library hands messenger-node the body as text, so
  // its `body.error` test misses and it resolves with the parsed error.
  const { data } = await refused(() => client.getUserProfile(PSID, ['first_name', 'email']), {
    code: 100, message: '(#100) Tried accessing nonexisting field (email) on node type (User)',
  });
  expect.equal(data && data.error && data.error.code, 100, 'messenger-node resolves with the error body (a GET)');
});

await check('messenger-node: setMessengerProfile (get_started, greeting, menu, whitelisted domain) answers success', async () => {
  await clearProfile();
  const fields = {
    get_started: { payload: 'MN_GET_STARTED' },
    greeting: [{ locale: 'default', text: 'Hi from messenger-node' }],
    persistent_menu: [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Help', payload: 'HELP' }] }],
    whitelisted_domains: ['https://www.example.com'],
  };
  const { data } = await intercepted(() => client.setMessengerProfile(fields));
  expect.deepEqual(data, success, 'answer');
});

await check('messenger-node: getMessengerProfile() (its default fields, legacy ones among them) answers what is set', async () => {
  const { data, events } = await intercepted(() => client.getMessengerProfile());
  expect.true(Array.isArray(data.data) && data.data.length === 1, `want {"data":[{…}]}, got ${brief(data)}`);
  const p = data.data[0];
  expect.keys(p, ['get_started', 'greeting', 'persistent_menu', 'whitelisted_domains'], 'profile');
  expect.deepEqual(p.get_started, { payload: 'MN_GET_STARTED' }, 'get_started');
  expect.deepEqual(p.greeting, [{ locale: 'default', text: 'Hi from messenger-node' }], 'greeting');
  expect.equal(events[0].request.fields, 'account_linking_url,persistent_menu,get_started,greeting,whitelisted_domains,payment_settings,target_audience,home_url', 'journalled fields');
});

await check('messenger-node: deleteMessengerProfile answers success; the profile is empty', async () => {
  const { data } = await intercepted(() => client.deleteMessengerProfile(['persistent_menu', 'get_started', 'greeting', 'whitelisted_domains']));
  expect.deepEqual(data, success, 'answer');
  expect.deepEqual(await profile('get_started,greeting,persistent_menu,whitelisted_domains'), { data: [] }, 'messenger_profile');
});

await check('messenger-node: setMessengerProfile({}) → 100 requires one of the params', async () => {
  await refused(() => client.setMessengerProfile({}), {
    code: 100,
    message: '(#100) Requires one of the params: get_started,persistent_menu,target_audience,whitelisted_domains,greeting,account_linking_url,payment_settings,home_url,ice_breakers,commands',
  });
});

await check('messenger-node: sendText to an unknown PSID → 100/2018001 (the client rejects with the body)', async () => {
  const { rejected } = await refused(() => client.sendText({ id: UNKNOWN_PSID }, 'anyone?'), noUser);
  expect.deepEqual(rejected && rejected.error && rejected.error.error_subcode, 2018001, 'rejected body error_subcode');
});

await check('messenger-node: sendTemplate of a list template → refused as removed', async () => {
  await refused(() => client.sendTemplate(to, {
    template_type: 'list',
    elements: [{ title: 'One', subtitle: 'first' }, { title: 'Two', subtitle: 'second' }],
  }), listGone);
});

await check('messenger-node: custom labels (its v2.11, legacy `name`): create, label the user, read, unlabel, delete', async () => {
  const created = await intercepted(() => client.createCustomLabel('vip'));
  expect.keys(created.data, ['id'], 'create answer');
  expect.deepEqual(created.events[0].request, { name: 'vip' }, 'journalled create');
  const id = created.data.id;
  expect.deepEqual((await intercepted(() => client.addPsidtoCustomLabel(PSID, id))).data, { success: true }, 'label answer');
  const mine = await intercepted(() => client.getCustomLabelsByPsid(PSID));
  expect.true(Array.isArray(mine.data.data) && mine.data.data.some((l) => l.id === id), `the user's labels list ${id}: ${brief(mine.data)}`);
  expect.deepEqual((await intercepted(() => client.getCustomLabelById(id))).data, { id, name: 'vip' }, 'label by id (fields=id,name)');
  const all = await intercepted(() => client.getAllCustomLabels());
  expect.deepEqual(all.data.data, [{ id, name: 'vip' }], "the Page's labels (fields=id,name)");
  expect.deepEqual((await intercepted(() => client.removePsidfromCustomLabel(PSID, id))).data, { success: true }, 'unlabel answer (DELETE with a JSON body)');
  expect.deepEqual((await intercepted(() => client.getCustomLabelsByPsid(PSID))).data, { data: [] }, "the user's labels after the unlabel");
  expect.deepEqual((await intercepted(() => client.deleteCustomLabel(id))).data, { success: true }, 'delete answer');
});

await check('messenger-node: getMessagingInsights of a current metric answers it', async () => {
  const { data } = await intercepted(() => client.getMessagingInsights({ metrics: ['page_messages_new_conversations_unique'] }));
  expect.true(Array.isArray(data.data) && data.data.length === 1 && data.data[0].name === 'page_messages_new_conversations_unique', `want the metric, got ${brief(data)}`);
});

await check('messenger-node: getMessagingInsights of its retired default metric → 100 invalid (D16)', async () => {
  await refused(() => client.getMessagingInsights({ metrics: ['page_messages_active_threads_unique'] }), { code: 100, message: '(#100) Invalid parameter' });
});

await check('messenger-node: generateMessengerCode (retired) → not emulated', async () => {
  await refused(() => client.generateMessengerCode({ ref: 'billboard' }), {
    code: 100, message: '(#100) Messenger Codes (messenger_codes, retired on the platform) is not emulated by messemu',
  });
});

await check('messenger-node: a bad token → 190 with WWW-Authenticate', async () => {
  await refused(() => badClient.sendText(to, 'x'), badToken);
});

// ===========================================================================
// fb-messenger 2.3.1 (node-fetch 2.7, Graph v2.6)

const fbm = new FBMessenger({ token: cfg.token });

await check('fb-messenger: sendTextMessage goes through the proxy (v2.6 served as the oldest live version; no messaging_type: D1)', async () => {
  const { data, events, wire } = await intercepted(() => fbm.sendTextMessage({ id: PSID, text: 'Hello from fb-messenger' }));
  messageAnswer(data, PSID);
  servedAs(wire, OLDEST_LIVE_VERSION);
  expiredWarning(events[0], 'v2.6');
  hasWarning(events[0], 'messaging_type.missing');
});

await check('fb-messenger: sendQuickRepliesMessage with text', async () => {
  const { data } = await intercepted(() =>
    fbm.sendQuickRepliesMessage({ id: PSID, attachment: 'Tea or coffee?', quickReplies: [{ content_type: 'text', title: 'Tea', payload: 'TEA' }] }),
  );
  messageAnswer(data, PSID);
});

await check('fb-messenger: sendButtonsMessage', async () => {
  const { data } = await intercepted(() =>
    fbm.sendButtonsMessage({ id: PSID, text: 'Choose', buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }] }),
  );
  messageAnswer(data, PSID);
});

await check('fb-messenger: sendTextMessage with a tag sends MESSAGE_TAG; HUMAN_AGENT is served', async () => {
  const { data, events } = await intercepted(() => fbm.sendTextMessage({ id: PSID, text: 'an agent here', tag: 'HUMAN_AGENT' }));
  messageAnswer(data, PSID);
  expect.equal(events[0].request.messaging_type, 'MESSAGE_TAG', 'journalled messaging_type');
});

await check('fb-messenger: sendAction typing_on answers {recipient_id}', async () => {
  const { data } = await intercepted(() => fbm.sendAction({ id: PSID, action: 'typing_on' }));
  actionAnswer(data, PSID);
});

await check('fb-messenger: getProfile answers the six asked fields plus id', async () => {
  const { data } = await intercepted(() => fbm.getProfile({ id: PSID }));
  expect.keys(data, ['id', 'first_name', 'last_name', 'profile_pic', 'locale', 'timezone', 'gender'], 'answer');
});

await check('fb-messenger: setGreetingText (thread_settings, the token sent without access_token=) → 104', async () => {
  await refused(() => fbm.setGreetingText({ pageId: cfg.pageId, message: 'Hi' }), {
    code: 104, message: 'An access token is required to request this resource.',
  });
});

await check('fb-messenger: sendTextMessage with a retired tag → 100 enum', async () => {
  await refused(() => fbm.sendTextMessage({ id: PSID, text: 'shipped', tag: 'SHIPPING_UPDATE' }), {
    code: 100, messageMatch: /^\(#100\) Param tag must be one of \{.*\} - got "SHIPPING_UPDATE"\.$/,
  });
});

await check('fb-messenger: sendListMessage → refused as removed', async () => {
  await refused(() => fbm.sendListMessage({ id: PSID, elements: [{ title: 'One', subtitle: 'a' }, { title: 'Two', subtitle: 'b' }] }), listGone);
});

// ===========================================================================
// fb-messenger-bot-api 4.4.0 (request, Graph v3.1)

const fbb = new FacebookMessagingAPIClient(cfg.token);
const fbbProfile = new FacebookProfileAPIClient(cfg.token);

await check('fb-messenger-bot-api: sendTextMessage goes through the proxy (v3.1 served as the oldest live version)', async () => {
  const { data, events, wire } = await intercepted(() => fbb.sendTextMessage(PSID, 'Hello from fb-messenger-bot-api'));
  messageAnswer(data, PSID);
  servedAs(wire, OLDEST_LIVE_VERSION);
  expiredWarning(events[0], 'v3.1');
  expect.match(data.message_id, MID, 'message_id');
});

await check('fb-messenger-bot-api: sendQuickReplyMessage with text', async () => {
  const { data } = await intercepted(() => fbb.sendQuickReplyMessage(PSID, 'Sure?', [{ content_type: 'text', title: 'Yes', payload: 'Y' }]));
  messageAnswer(data, PSID);
});

await check('fb-messenger-bot-api: toggleTyping and markSeen answer {recipient_id}', async () => {
  for (const call of [() => fbb.toggleTyping(PSID, true), () => fbb.toggleTyping(PSID, false), () => fbb.markSeen(PSID)]) {
    const { data } = await intercepted(call);
    actionAnswer(data, PSID);
  }
});

await check('fb-messenger-bot-api: getUserProfile without fields asks first_name', async () => {
  const { data } = await intercepted(() => fbb.getUserProfile(PSID));
  expect.deepEqual(data, { first_name: 'Alice', id: PSID }, 'answer');
});

for (const [name, call] of [
  ['setGreetingMessage', () => fbbProfile.setGreetingMessage('Hello')],
  ['setGetStartedAction', () => fbbProfile.setGetStartedAction('GS')],
]) {
  await check(`fb-messenger-bot-api: ${name} (thread_settings) → not emulated`, async () => {
    await refused(call, threadSettings);
  });
}

await check('fb-messenger-bot-api: setPersistentMenu without a Get Started → 100/2018145', async () => {
  await clearProfile();
  await refused(() => fbbProfile.setPersistentMenu([{ type: 'postback', title: 'Help', payload: 'HELP' }]), getStartedFirst);
});

await check('fb-messenger-bot-api: setPersistentMenu once Get Started is set: success, setting_type and thread_state ignored with warnings', async () => {
  const gs = await plain('POST', '/me/messenger_profile', { json: { get_started: { payload: 'GS' } } });
  expect.equal(gs.status, 200, `set get_started on the plain listener: ${gs.text}`);
  const { data, events } = await intercepted(() => fbbProfile.setPersistentMenu([{ type: 'postback', title: 'Help', payload: 'HELP' }]));
  expect.deepEqual(data, success, 'answer');
  const unknown = (events[0].violations || []).filter((v) => v.severity === 'warning' && /unknown-parameter/.test(v.rule)).map((v) => v.path).sort();
  expect.deepEqual(unknown, ['setting_type', 'thread_state'], 'unknown-parameter warnings (paths)');
  const got = await profile('persistent_menu');
  expect.deepEqual(got, { data: [{ persistent_menu: [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Help', payload: 'HELP' }] }] }] }, 'messenger_profile');
});

await check('fb-messenger-bot-api: sendTextMessage to an unknown PSID → 100/2018001', async () => {
  await refused(() => fbb.sendTextMessage(UNKNOWN_PSID, 'anyone?'), noUser);
});

finish();

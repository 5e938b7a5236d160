// messenger-bot 2.5.0 (remixz/messenger-bot: request-promise, promises or
// callbacks) against a running `messemu serve`, pointed at it with its
// `graph_url` option: every Graph call the client makes, and its webhook
// middleware receiving messemu's signed events.
//
//   MESSEMU_URL=http://127.0.0.1:8765 node messengerbot.mjs
//
// What the client sends (read from node_modules/messenger-bot/index.js):
// - base `graph_url` (default https://graph.facebook.com/v2.12/, kept here:
//   served as the oldest live version, §1.1); the token in the query; JSON
//   bodies.
// - sendMessage(id, message, cb, messagingType, tag): {recipient, message},
//   plus messaging_type only when given (none by default: W, D1) and tag
//   with MESSAGE_TAG.
// - set*/remove*: POST {field: value} and DELETE {"fields":[field]} on
//   /me/messenger_profile; getProfile asks first_name, last_name,
//   profile_pic, locale, timezone, gender; unlinkAccount POSTs {psid} to
//   /me/unlink_accounts; getAttachmentUploadId POSTs a URL upload.
// - middleware(): answers the handshake when hub.verify_token matches, and
//   checks X-Hub-Signature (sha1 of the body with app_secret) on each POST.

import http from 'node:http';
import { createRequire } from 'node:module';
import {
  cfg,
  UNKNOWN_PSID,
  check,
  finish,
  expect,
  succeed,
  refuse,
  http as graphHttp,
  messageAnswer,
  actionAnswer,
  userWrites,
  journalMark,
  journalRequests,
  instrumentRequestPromise,
  ASSET_ID,
  OLDEST_LIVE_VERSION,
  wire,
} from './lib.mjs';

instrumentRequestPromise(); // before messenger-bot takes request-promise
const require = createRequire(import.meta.url);
const Bot = require('messenger-bot');

const PSID = cfg.psid;
const VERIFY_TOKEN = 'messemu-verify-token'; // messemu's built-in one
const success = { result: 'success' };

const bot = new Bot({ token: cfg.token, graph_url: `${cfg.url}/v2.12/`, app_secret: cfg.appSecret, verify: VERIFY_TOKEN });
const badBot = new Bot({ token: 'not-a-token', graph_url: `${cfg.url}/v2.12/` });

// The bot's webhook, on loopback: messenger-bot's own middleware.
const inbox = [];
const botErrors = [];
bot.on('message', (event, reply) => inbox.push({ event, reply }));
bot.on('error', (err) => botErrors.push(err.message));
const hookServer = http.createServer(bot.middleware());
await new Promise((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
const hookURL = `http://127.0.0.1:${hookServer.address().port}/webhook`;

async function control(method, path, json) {
  const r = await graphHttp(method, `/_messemu/v1/${path}`, { json, token: null });
  expect.true(r.status >= 200 && r.status <= 299, `control API ${method} ${path}: want 2xx, got HTTP ${r.status} ${r.text}`);
  return r.body;
}

// waitFor polls until pred() holds, for at most ms.
async function waitFor(pred, ms, what) {
  const end = Date.now() + ms;
  while (!pred()) {
    expect.true(Date.now() < end, `${what}: nothing within ${ms} ms (bot errors: ${JSON.stringify(botErrors)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

await check('control: the user writes to the Page (opens the window)', async () => {
  await userWrites(PSID, 'hi');
});

// ===========================================================================
// User Profile (§7)

await check('messenger-bot: getProfile answers the asked fields the user has, plus id', async () => {
  const { data, status, headers } = await succeed(() => bot.getProfile(PSID));
  expect.equal(status, 200, 'HTTP status');
  expect.equal(headers['facebook-api-version'], OLDEST_LIVE_VERSION, 'facebook-api-version for /v2.12/');
  const users = await control('GET', 'users');
  const list = Array.isArray(users) ? users : users.data;
  const user = (list || []).find((u) => u.psid === PSID || u.id === PSID);
  expect.true(!!user, `no user ${PSID} in the control API`);
  const asked = ['first_name', 'last_name', 'profile_pic', 'locale', 'timezone', 'gender'];
  const want = { id: PSID };
  for (const f of asked) if (f in user) want[f] = user[f];
  expect.deepEqual(data, want, 'answer');
});

await check('messenger-bot: getProfile of an unknown PSID → 100/33', async () => {
  await refuse(() => bot.getProfile(UNKNOWN_PSID), {
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported get request. Object with ID '${UNKNOWN_PSID}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });
});

// ===========================================================================
// Send API (§2)

await check('messenger-bot: sendMessage without messaging_type is served, with the D1 warning journalled', async () => {
  const seq = await journalMark();
  const { data } = await succeed(() => bot.sendMessage(PSID, { text: 'Hello from messenger-bot' }));
  messageAnswer(data, PSID);
  const call = (await journalRequests(seq)).find((e) => e.mid === data.message_id);
  expect.true(!!call, `no journalled send with mid ${data.message_id}`);
  expect.equal(call.request.messaging_type, undefined, 'journalled messaging_type');
  expect.true((call.violations || []).some((v) => v.rule === 'messaging_type.missing' && v.severity === 'warning'),
    `want the messaging_type.missing warning, got ${JSON.stringify(call.violations)}`);
});

await check('messenger-bot: sendMessage with RESPONSE', async () => {
  const { data } = await succeed(() => bot.sendMessage(PSID, { text: 'a response' }, undefined, 'RESPONSE'));
  messageAnswer(data, PSID);
});

await check('messenger-bot: sendMessage with MESSAGE_TAG and tag HUMAN_AGENT', async () => {
  const seq = await journalMark();
  const { data } = await succeed(() => bot.sendMessage(PSID, { text: 'an agent here' }, undefined, 'MESSAGE_TAG', 'HUMAN_AGENT'));
  messageAnswer(data, PSID);
  const call = (await journalRequests(seq)).find((e) => e.mid === data.message_id);
  expect.true(!!call, `no journalled send with mid ${data.message_id}`);
  expect.equal(call.request.tag, 'HUMAN_AGENT', 'journalled tag');
  expect.equal(call.request.messaging_type, 'MESSAGE_TAG', 'journalled messaging_type');
});

await check('messenger-bot: sendMessage of a button template', async () => {
  const message = {
    attachment: {
      type: 'template',
      payload: { template_type: 'button', text: 'What next?', buttons: [{ type: 'postback', title: 'Start', payload: 'START' }] },
    },
  };
  const { data } = await succeed(() => bot.sendMessage(PSID, message, undefined, 'RESPONSE'));
  messageAnswer(data, PSID);
});

await check('messenger-bot: sendMessage with a retired tag → 100 enum', async () => {
  await refuse(() => bot.sendMessage(PSID, { text: 'shipped' }, undefined, 'MESSAGE_TAG', 'SHIPPING_UPDATE'), {
    code: 100, messageMatch: /^\(#100\) Param tag must be one of \{.*\} - got "SHIPPING_UPDATE"\.$/,
  });
});

await check('messenger-bot: sendMessage to an unknown PSID → 100/2018001', async () => {
  await refuse(() => bot.sendMessage(UNKNOWN_PSID, { text: 'anyone?' }), { code: 100, subcode: 2018001, message: '(#100) No matching user found' });
});

await check('messenger-bot: a bad token → 190 with WWW-Authenticate', async () => {
  await refuse(() => badBot.sendMessage(PSID, { text: 'x' }), { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
});

for (const action of ['typing_on', 'typing_off', 'mark_seen']) {
  await check(`messenger-bot: sendSenderAction ${action} answers {recipient_id}`, async () => {
    const { data } = await succeed(() => bot.sendSenderAction(PSID, action));
    actionAnswer(data, PSID);
  });
}

// ===========================================================================
// Attachment Upload API (§3)

await check('messenger-bot: getAttachmentUploadId by URL answers {attachment_id}; the id sends', async () => {
  const { data } = await succeed(() => bot.getAttachmentUploadId('https://www.example.com/messenger-bot.png', true, 'image'));
  expect.keys(data, ['attachment_id'], 'answer');
  expect.match(data.attachment_id, ASSET_ID, 'attachment_id');
  const sent = await succeed(() =>
    bot.sendMessage(PSID, { attachment: { type: 'image', payload: { attachment_id: data.attachment_id } } }, undefined, 'RESPONSE'),
  );
  messageAnswer(sent.data, PSID);
});

await check('messenger-bot: getAttachmentUploadId of type sticker → 100 enum', async () => {
  await refuse(() => bot.getAttachmentUploadId('https://www.example.com/s.png', true, 'sticker'), {
    code: 100, messageMatch: /^\(#100\) Param message\[attachment\]\[type\] must be one of \{.*\} - got "sticker"\.$/,
  });
});

// ===========================================================================
// Messenger Profile (§4)

const menu = [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Help', payload: 'HELP' }] }];

async function profile(fields) {
  const r = await graphHttp('GET', '/me/messenger_profile', { query: { fields } });
  expect.equal(r.status, 200, `GET messenger_profile?fields=${fields}: ${r.text}`);
  return r.body;
}

for (const [name, call, field, want] of [
  ['setGetStartedButton', () => bot.setGetStartedButton({ payload: 'MB_GET_STARTED' }), 'get_started', { payload: 'MB_GET_STARTED' }],
  ['setPersistentMenu', () => bot.setPersistentMenu(menu), 'persistent_menu', menu],
  ['setDomainWhitelist', () => bot.setDomainWhitelist(['https://www.example.com']), 'whitelisted_domains', null],
  ['setGreeting', () => bot.setGreeting([{ locale: 'default', text: 'Hi from messenger-bot' }]), 'greeting', [{ locale: 'default', text: 'Hi from messenger-bot' }]],
]) {
  await check(`messenger-bot: ${name} answers success, and the profile holds it`, async () => {
    const { data } = await succeed(call);
    expect.deepEqual(data, success, 'answer');
    const got = await profile(field);
    const v = got.data && got.data[0] && got.data[0][field];
    if (want) expect.deepEqual(v, want, field);
    else expect.true(Array.isArray(v) && v.length === 1 && /^https:\/\/www\.example\.com\/?$/.test(v[0]), `${field}: got ${JSON.stringify(got)}`);
  });
}

await check('messenger-bot: setGreeting of 161 characters → 100 length', async () => {
  await refuse(() => bot.setGreeting([{ locale: 'default', text: 'g'.repeat(161) }]), {
    code: 100, message: '(#100) Length of param greeting[0][text] must be less than or equal to 160',
  });
});

for (const [name, call] of [
  ['removeGreeting', () => bot.removeGreeting()],
  ['removeDomainWhitelist', () => bot.removeDomainWhitelist()],
  ['removePersistentMenu', () => bot.removePersistentMenu()],
  ['removeGetStartedButton', () => bot.removeGetStartedButton()],
]) {
  await check(`messenger-bot: ${name} answers success`, async () => {
    const { data } = await succeed(call);
    expect.deepEqual(data, success, 'answer');
  });
}

await check('messenger-bot: after the removes the profile answers {"data":[]}', async () => {
  expect.deepEqual(await profile('get_started,persistent_menu,whitelisted_domains,greeting'), { data: [] }, 'answer');
});

// ===========================================================================
// Account linking: the Unlink API answers {"result":"unlink account success"}
// (Messenger docs, account linking reference; PLATFORM.md does not spell it).

await check('messenger-bot: unlinkAccount answers {"result":"unlink account success"}', async () => {
  const { data } = await succeed(() => bot.unlinkAccount(PSID));
  expect.deepEqual(data, { result: 'unlink account success' }, 'answer');
});

// ===========================================================================
// Webhooks (§10) through the client's middleware: messemu's handshake, its
// X-Hub-Signature (sha1, D8), and a reply from the message handler.

await check('messenger-bot: middleware passes messemu\'s handshake; a user message arrives signed; the reply is served', async () => {
  const w = await control('PUT', 'webhook', { url: hookURL, verify_token: VERIFY_TOKEN, fields: ['messages'], receipts: false });
  expect.equal(w.verified, true, `webhook verified (state ${w.state})`);
  try {
    const before = inbox.length;
    await userWrites(PSID, 'hello, messenger-bot');
    await waitFor(() => inbox.length > before, 5000, 'the bot\'s message event');
    expect.deepEqual(botErrors, [], 'bot errors (a failed signature check is one)');
    const { event, reply } = inbox[inbox.length - 1];
    expect.equal(event.sender && event.sender.id, PSID, 'event.sender.id');
    expect.equal(event.recipient && event.recipient.id, cfg.pageId, 'event.recipient.id');
    expect.equal(event.message && event.message.text, 'hello, messenger-bot', 'event.message.text');
    const { data } = await succeed(() => reply({ text: 'hello back' }));
    messageAnswer(data, PSID);
    expect.equal(wire().status, 200, 'reply HTTP status');
  } finally {
    await control('PUT', 'webhook', { url: '' });
  }
});

hookServer.close();
finish();

// Batch requests (§9) built with messaging-api-messenger's MessengerBatch
// helpers that graph.mjs leaves out (templates, images, thread owner, the
// user-level menu, pass/take/request thread control), and batches signed
// with appsecret_proof (§1.2), against a running `messemu serve`.
//
//   MESSEMU_URL=http://127.0.0.1:8765 node batch.mjs
//
// What the client sends (read from node_modules/messaging-api-messenger):
// - sendBatch posts JSON {access_token, include_headers, batch} to `/`; item
//   bodies are urlencoded strings with object values as JSON; `name` and
//   `dependsOn` options become the items' `name` and `depends_on`.
// - getThreadOwner's item carries responseAccessPath data[0].threadOwner, so
//   the client's value for it is {appId}; the wire body is the platform's.
// - With appSecret set, the client appends appsecret_proof =
//   HMAC-SHA256(appSecret, Page token) to the batch's URL, and to the
//   relative_url of each item that carries its own access_token (the item's
//   proof is computed over that token).

import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import {
  cfg,
  UNKNOWN_PSID,
  check,
  finish,
  expect,
  succeed,
  refuse,
  graphError,
  http,
  lastExchange,
  messageAnswer,
  userWrites,
  journalMark,
  journalRequests,
  instrumentAxiosClient,
  ASSET_ID,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { MessengerClient, MessengerBatch: B } = require('messaging-api-messenger');

const PSID = cfg.psid;
const PAGE_INBOX = '263902037430900';

const m = instrumentAxiosClient(new MessengerClient({ accessToken: cfg.token, origin: cfg.url }));
// A client that signs every call, batches included (§1.2).
const mProof = instrumentAxiosClient(new MessengerClient({ accessToken: cfg.token, appSecret: cfg.appSecret, origin: cfg.url }));
// The same with a secret that is not the app's.
const mWrongSecret = instrumentAxiosClient(new MessengerClient({ accessToken: cfg.token, appSecret: 'not-the-app-secret', origin: cfg.url }));

const proofOf = (token, secret = cfg.appSecret) => crypto.createHmac('sha256', secret).update(token).digest('hex');

const proofInvalid = { code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' };
const success = { success: true };

// items checks a batch answer: an array of n {code, headers, body} items,
// each body a JSON string; it answers the codes and the parsed bodies.
function items(answer, n) {
  expect.true(Array.isArray(answer) && answer.length === n, `want an array of ${n} items, got ${JSON.stringify(answer)}`);
  return answer.map((it, i) => {
    expect.keys(it, ['code', 'headers', 'body'], `item ${i}`);
    expect.equal(typeof it.body, 'string', `item ${i} body type (a JSON string)`);
    return { code: it.code, headers: it.headers, body: JSON.parse(it.body) };
  });
}

// codes checks each item's HTTP code, showing the bodies of the wrong ones.
function codes(got, want) {
  const bad = got.map((it, i) => (it.code === want[i] ? null : `item ${i}: want ${want[i]}, got ${it.code} ${JSON.stringify(it.body)}`)).filter(Boolean);
  expect.true(bad.length === 0, bad.join('; '));
}

// itemError checks a failed item's error envelope (code, subcode, type, message).
function itemError(it, { code, subcode, type = 'OAuthException', message }, what) {
  const e = it.body && it.body.error;
  expect.true(!!e, `${what}: want an error body, got ${JSON.stringify(it.body)}`);
  expect.equal(e.code, code, `${what}: error.code`);
  expect.equal(e.error_subcode, subcode, `${what}: error.error_subcode`);
  expect.equal(e.type, type, `${what}: error.type`);
  expect.equal(e.message, message, `${what}: error.message`);
  expect.match(e.fbtrace_id, /^[A-Za-z0-9]{23}$/, `${what}: error.fbtrace_id`);
}

const owner = (appId) => ({ data: [{ thread_owner: { app_id: appId } }] });

const state = {};

await check('control: the user writes to the Page (opens the window)', async () => {
  await userWrites(PSID, 'hi');
});

await check('messenger: setGetStarted (the user-level menu needs it, §4)', async () => {
  const { body } = await succeed(() => m.setGetStarted('GET_STARTED'));
  expect.deepEqual(body, { result: 'success' }, 'answer');
});

// ===========================================================================
// Templates and images (§2.7, §3)

const element = {
  title: 'Batch hat',
  subtitle: 'One size',
  imageUrl: 'https://www.example.com/hat.png',
  buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_HAT' }],
};

await check('messenger: sendBatch of generic, button and image builders; each send is journalled as built', async () => {
  const seq = await journalMark();
  const { body } = await succeed(() =>
    m.sendBatch([
      B.sendGenericTemplate(PSID, [element]),
      B.sendButtonTemplate(PSID, 'What next?', [{ type: 'web_url', title: 'Shop', url: 'https://www.example.com/shop' }]),
      B.sendImage(PSID, 'https://www.example.com/batch.png'),
      B.sendImage(PSID, { url: 'https://www.example.com/batch-reusable.png', isReusable: true }),
    ]),
  );
  const got = items(body, 4);
  codes(got, [200, 200, 200, 200]);
  got.slice(0, 3).forEach((it) => messageAnswer(it.body, PSID));
  messageAnswer(got[3].body, PSID, { reusable: true });
  state.batchImage = got[3].body.attachment_id;

  const sends = await journalRequests(seq);
  const sent = (i) => {
    const e = sends.find((x) => x.mid === got[i].body.message_id);
    expect.true(!!e, `item ${i}: no journalled send with mid ${got[i].body.message_id}`);
    return e.request.message.attachment;
  };
  expect.deepEqual(sent(0), {
    type: 'template',
    payload: {
      template_type: 'generic',
      image_aspect_ratio: 'horizontal', // the builder's default
      elements: [{ title: 'Batch hat', subtitle: 'One size', image_url: 'https://www.example.com/hat.png', buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_HAT' }] }],
    },
  }, 'item 0 journalled attachment');
  expect.deepEqual(sent(1), {
    type: 'template',
    payload: { template_type: 'button', text: 'What next?', buttons: [{ type: 'web_url', title: 'Shop', url: 'https://www.example.com/shop' }] },
  }, 'item 1 journalled attachment');
  expect.deepEqual(sent(2), { type: 'image', payload: { url: 'https://www.example.com/batch.png' } }, 'item 2 journalled attachment');
  expect.deepEqual(sent(3), { type: 'image', payload: { url: 'https://www.example.com/batch-reusable.png', is_reusable: true } }, 'item 3 journalled attachment');
});

await check('messenger: sendBatch image by the attachment_id a batch item answered', async () => {
  expect.true(!!state.batchImage, 'no attachment_id from the previous check');
  expect.match(state.batchImage, ASSET_ID, 'attachment_id');
  const { body } = await succeed(() => m.sendBatch([B.sendImage(PSID, { attachmentId: state.batchImage })]));
  const got = items(body, 1);
  codes(got, [200]);
  messageAnswer(got[0].body, PSID);
});

await check('messenger: sendBatch with refused template and image items: each gets its own error, the rest 200', async () => {
  const { body } = await succeed(() =>
    m.sendBatch([
      B.sendGenericTemplate(PSID, [{ title: 'Lonely title' }]),
      B.sendImage(PSID, 'ftp://www.example.com/batch.png'),
      B.sendImage(PSID, { attachmentId: '1234567890123456' }),
      B.sendButtonTemplate(PSID, 'Still fine', [{ type: 'postback', title: 'OK', payload: 'OK' }]),
      B.setUserPersistentMenu(UNKNOWN_PSID, [{ type: 'postback', title: 'Nobody', payload: 'NOBODY' }]),
    ]),
  );
  const got = items(body, 5);
  codes(got, [400, 400, 400, 200, 400]);
  itemError(got[0], {
    code: 100,
    subcode: 2018035,
    message: '(#100) Incomplete element data: title and at least one other field (image url, subtitle or buttons) is required with non-empty value',
  }, 'item 0');
  itemError(got[1], { code: 100, subcode: 2018008, message: '(#100) Failed to fetch the file from the url' }, 'item 1');
  itemError(got[2], { code: 100, subcode: 2018074, message: '(#100) Possible invalid ID or you do not own the attachment.' }, 'item 2');
  messageAnswer(got[3].body, PSID);
  itemError(got[4], { code: 100, subcode: 2018001, message: '(#100) No matching user found' }, 'item 4');
});

// ===========================================================================
// Thread owner and the user-level menu (§8, §4)

await check('messenger: sendBatch getThreadOwner: the wire body is the platform\'s, the client value {appId}', async () => {
  const { data, body } = await succeed(() => m.sendBatch([B.getThreadOwner(PSID)]));
  const got = items(body, 1);
  codes(got, [200]);
  expect.deepEqual(got[0].body, owner(cfg.appId), 'item 0 body');
  expect.deepEqual(data[0].body, { appId: cfg.appId }, 'client value (responseAccessPath data[0].threadOwner)');
});

await check('messenger: sendBatch set, get, delete, get of the user-level menu (depends_on chain)', async () => {
  const { body } = await succeed(() =>
    m.sendBatch([
      B.setUserPersistentMenu(PSID, [{ type: 'postback', title: 'Just for you', payload: 'BATCH_USER_MENU' }], { name: 'set' }),
      B.getUserPersistentMenu(PSID, { name: 'get', dependsOn: 'set' }),
      B.deleteUserPersistentMenu(PSID, { name: 'delete', dependsOn: 'get' }),
      B.getUserPersistentMenu(PSID, { dependsOn: 'delete' }),
    ]),
  );
  const got = items(body, 4);
  codes(got, [200, 200, 200, 200]);
  expect.deepEqual(got[0].body, { result: 'success' }, 'item 0 (set) body');
  expect.deepEqual(got[1].body, {
    data: [{
      user_level_persistent_menu: [{
        locale: 'default',
        composer_input_disabled: false,
        call_to_actions: [{ type: 'postback', title: 'Just for you', payload: 'BATCH_USER_MENU' }],
      }],
    }],
  }, 'item 1 (get) body');
  expect.deepEqual(got[2].body, { result: 'success' }, 'item 2 (delete) body');
  expect.deepEqual(got[3].body, { data: [] }, 'item 3 (get after delete) body');
});

// ===========================================================================
// Handover (§8) through batch items

await check('messenger: sendBatch pass to Page Inbox, owner, a send refused, request, take, owner', async () => {
  const { body } = await succeed(() =>
    m.sendBatch([
      B.passThreadControlToPageInbox(PSID, 'to the inbox', { name: 'pass' }),
      B.getThreadOwner(PSID, { name: 'owner1', dependsOn: 'pass' }),
      B.sendText(PSID, 'me too', { name: 'send', dependsOn: 'owner1' }),
      B.requestThreadControl(PSID, 'may I?', { name: 'request', dependsOn: 'owner1' }),
      B.takeThreadControl(PSID, 'taking it back', { name: 'take', dependsOn: 'request' }),
      B.getThreadOwner(PSID, { dependsOn: 'take' }),
    ]),
  );
  const got = items(body, 6);
  codes(got, [200, 200, 400, 200, 200, 200]);
  expect.deepEqual(got[0].body, success, 'item 0 (pass) body');
  expect.deepEqual(got[1].body, owner(PAGE_INBOX), 'item 1 (owner) body');
  itemError(got[2], { code: 10, subcode: 2018300, message: '(#10) Message failed to send because another app is controlling this thread now.' }, 'item 2 (send)');
  expect.deepEqual(got[3].body, success, 'item 3 (request) body');
  expect.deepEqual(got[4].body, success, 'item 4 (take) body');
  expect.deepEqual(got[5].body, owner(cfg.appId), 'item 5 (owner) body');
});

await check('messenger: sendBatch passThreadControl to an app that is not a receiver → item 100', async () => {
  const { body } = await succeed(() => m.sendBatch([B.passThreadControl(PSID, 123456789012345, 'nobody'), B.getThreadOwner(PSID)]));
  const got = items(body, 2);
  codes(got, [400, 200]);
  itemError(got[0], { code: 100, message: '(#100) Invalid parameter' }, 'item 0');
  expect.deepEqual(got[1].body, owner(cfg.appId), 'item 1 (owner unchanged)');
});

// ===========================================================================
// appsecret_proof on batches (§1.2, §9)

await check('messenger (appSecret): sendBatch carries the right proof on the batch and on an item with its own token', async () => {
  const seq = await journalMark();
  const { body } = await succeed(() =>
    mProof.sendBatch([B.sendText(PSID, 'a signed batch'), B.getThreadOwner(PSID, { accessToken: cfg.token })]),
  );
  const got = items(body, 2);
  codes(got, [200, 200]);
  messageAnswer(got[0].body, PSID);
  expect.deepEqual(got[1].body, owner(cfg.appId), 'item 1 body');

  // What the client sent.
  const x = lastExchange();
  const u = new URL(x.url);
  expect.equal(u.searchParams.get('appsecret_proof'), proofOf(cfg.token), 'the batch URL\'s appsecret_proof');
  const sent = JSON.parse(x.reqBody);
  expect.equal(sent.access_token, cfg.token, 'the batch body\'s access_token');
  expect.equal(new URLSearchParams(sent.batch[0].relative_url.split('?')[1] || '').get('appsecret_proof'), null, 'item 0 (no token of its own) appsecret_proof');
  expect.equal(new URLSearchParams(sent.batch[1].relative_url.split('?')[1]).get('appsecret_proof'), proofOf(cfg.token), 'item 1 appsecret_proof');

  // What messemu made of it: one batch call with a proof, and its items.
  const calls = await journalRequests(seq);
  const batch = calls.filter((e) => e.api === 'batch');
  expect.true(batch.length === 1 && batch[0].status === 200, `want one journalled batch answered 200, got ${JSON.stringify(batch.map((e) => [e.path, e.status]))}`);
  expect.true(typeof batch[0].request.appsecret_proof === 'string', `the journalled batch has no appsecret_proof: ${JSON.stringify(batch[0].request)}`);
  const owners = calls.filter((e) => e.path.endsWith('/me/thread_owner'));
  expect.true(owners.length === 1 && owners[0].status === 200, `want one journalled thread_owner item answered 200, got ${JSON.stringify(owners.map((e) => e.status))}`);
});

await check('messenger (wrong appSecret): sendBatch → 100 proof-invalid for the whole batch', async () => {
  const seq = await journalMark();
  await refuse(() => mWrongSecret.sendBatch([B.sendText(PSID, 'signed with the wrong secret')]), proofInvalid);
  const sends = (await journalRequests(seq)).filter((e) => e.path.endsWith('/me/messages'));
  expect.true(sends.length === 0, `a refused batch ran ${sends.length} item(s)`);
});

await check('messenger (appSecret): an item with a token that is not valid (signed over it) → item 190, the rest 200', async () => {
  const { body } = await succeed(() =>
    mProof.sendBatch([B.getThreadOwner(PSID, { accessToken: 'not-a-token' }), B.typingOn(PSID)]),
  );
  const got = items(body, 2);
  codes(got, [400, 200]);
  const message = 'Invalid OAuth access token - Cannot parse access token';
  itemError(got[0], { code: 190, message }, 'item 0');
  const wa = (got[0].headers || []).find((h) => h.name.toLowerCase() === 'www-authenticate');
  expect.equal(wa && wa.value, `OAuth "Facebook Platform" "invalid_token" "${message}"`, 'item 0 WWW-Authenticate header');
  expect.deepEqual(got[1].body, { recipient_id: PSID }, 'item 1 body');
});

await check('raw: a batch item with its own wrong appsecret_proof → item 100 proof-invalid; a right one 200', async () => {
  const batch = [
    { method: 'GET', relative_url: `me?fields=id&appsecret_proof=${'0'.repeat(64)}` },
    { method: 'GET', relative_url: `me?fields=id&appsecret_proof=${proofOf(cfg.token)}` },
    { method: 'GET', relative_url: `me?fields=id&access_token=${cfg.token}&appsecret_proof=${proofOf(cfg.token, 'not-the-app-secret')}` },
  ];
  const r = await http('POST', '/', {
    form: { batch: JSON.stringify(batch), access_token: cfg.token, appsecret_proof: proofOf(cfg.token) },
    token: null,
  });
  expect.equal(r.status, 200, 'HTTP status');
  const got = items(r.body, 3);
  codes(got, [400, 200, 400]);
  itemError(got[0], proofInvalid, 'item 0');
  expect.deepEqual(got[1].body, { id: cfg.pageId }, 'item 1 body');
  itemError(got[2], proofInvalid, 'item 2');
});

await check('raw: a wrong appsecret_proof on a form-encoded batch → 100 proof-invalid', async () => {
  const r = await http('POST', '/', {
    form: { batch: JSON.stringify([{ method: 'GET', relative_url: 'me' }]), access_token: cfg.token, appsecret_proof: proofOf(cfg.token, 'not-the-app-secret') },
    token: null,
  });
  graphError(r, proofInvalid);
});

finish();

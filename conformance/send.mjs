// Send API conformance: every Send API method of messaging-api-messenger's
// MessengerClient, and botly's, against a running `messemu serve`.
//
//   MESSEMU_URL=http://127.0.0.1:8765 node send.mjs
//
// Environment: MESSEMU_URL, MESSEMU_PAGE_TOKEN, MESSEMU_PAGE_ID, MESSEMU_PSID
// (defaults: messemu's built-in page, token and Alice). The facts checked are
// the platform facts of docs/rules.md (section numbers below).
//
// What the clients send (read from their sources in node_modules):
// - messaging-api-messenger 1.1.0: axios, base `${origin}/v6.0/` (its default
//   version, older than the oldest live one, so served as v20.0 with a
//   warning, §1.1); JSON bodies with keys snake_cased deep; `messaging_type`
//   UPDATE unless given; every option other than quickReplies is spread at
//   the top level of the body (so `personaId` becomes `persona_id`); Buffer
//   media go as multipart (`message`, `filedata`, then `messaging_type` and
//   `recipient`: the file part comes before the other fields);
//   `uploadAttachment` posts to /me/message_attachments (JSON with a URL, or
//   multipart with `filedata`); the token travels in the query.
// - botly 1.6.2: the `request` library; base URL from its FB_URL option
//   (default https://graph.facebook.com/v2.12/, which we point at messemu
//   keeping the version); every send carries `messaging_type` (RESPONSE) and
//   `notification_type` (REGULAR), and sender actions carry `messaging_type`
//   too; generic templates always carry `image_aspect_ratio`.

import { createRequire } from 'node:module';
import {
  cfg,
  UNKNOWN_PSID,
  LATEST_VERSION,
  OLDEST_LIVE_VERSION,
  check,
  finish,
  expect,
  succeed,
  refuse,
  wire,
  graphError,
  http,
  messageAnswer,
  actionAnswer,
  userWrites,
  advanceClock,
  findMid,
  instrumentAxiosClient,
  instrumentRequestLib,
  media,
  ASSET_ID,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { MessengerClient } = require('messaging-api-messenger');
const Botly = require('botly');

const PSID = cfg.psid;

// The client as a bot would build it: only the origin changes.
const m = instrumentAxiosClient(new MessengerClient({ accessToken: cfg.token, origin: cfg.url }));
const badTokenClient = instrumentAxiosClient(new MessengerClient({ accessToken: 'not-a-token', origin: cfg.url }));
instrumentRequestLib();
const b = new Botly({ accessToken: cfg.token, FB_URL: `${cfg.url}/v2.12/` });
const bBadToken = new Botly({ accessToken: 'not-a-token', FB_URL: `${cfg.url}/v2.12/` });

// botly answers through callbacks (err, body); err is only a transport error.
function bcall(fn) {
  return new Promise((resolve, reject) => fn((err, body) => (err ? reject(err) : resolve(body))));
}

const catalogue = {
  noUser: { code: 100, subcode: 2018001, message: '(#100) No matching user found' },
  badToken: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
  tooManyQR: { code: 105, message: '(#105) param message[quick_replies] has too many elements.' },
  textLength: { code: 100, message: '(#100) Length of param message[text] must be less than or equal to 2000' },
  gone: (t) => ({ code: 100, message: `(#100) Template type '${t}' is no longer supported` }),
};

// A few payloads reused below.
const button = {
  web: { type: 'web_url', url: 'https://www.example.com/shop', title: 'Visit the shop' },
  postback: { type: 'postback', title: 'Start chatting', payload: 'START_CHATTING' },
  phone: { type: 'phone_number', title: 'Call us', payload: '+15105551234' },
};
const qr = (n) =>
  Array.from({ length: n }, (_, i) => ({ contentType: 'text', title: `Option ${i + 1}`, payload: `OPTION_${i + 1}` }));
const receipt = {
  recipientName: 'Stephane Crozatier',
  orderNumber: '12345678902',
  currency: 'USD',
  paymentMethod: 'Visa 2345',
  orderUrl: 'https://www.example.com/order?order_id=123456',
  timestamp: '1428444852',
  address: { street1: '1 Hacker Way', city: 'Menlo Park', postalCode: '94025', state: 'CA', country: 'US' },
  summary: { subtotal: 75.0, shippingCost: 4.95, totalTax: 6.19, totalCost: 56.14 },
  adjustments: [
    { name: 'New Customer Discount', amount: 20 },
    { name: '$10 Off Coupon', amount: 10 },
  ],
  elements: [
    { title: 'Classic White T-Shirt', subtitle: '100% Soft and Luxurious Cotton', quantity: 2, price: 50, currency: 'USD', imageUrl: 'https://www.example.com/whiteshirt.png' },
    { title: 'Classic Gray T-Shirt', subtitle: '100% Soft and Luxurious Cotton', quantity: 1, price: 25, currency: 'USD', imageUrl: 'https://www.example.com/grayshirt.png' },
  ],
};
const flight = {
  flightNumber: 'KL0642',
  departureAirport: { airportCode: 'JFK', city: 'New York', terminal: 'T1', gate: 'D57' },
  arrivalAirport: { airportCode: 'AMS', city: 'Amsterdam' },
  flightSchedule: { departureTime: '2026-01-05T15:05', arrivalTime: '2026-01-05T17:30' },
};

// The date-dependent tag list of PLATFORM.md §2.2 (the emulator's clock
// starts at real time; the clock is advanced only at the end of this script).
const TAG_CUTOFF = Date.parse('2026-04-27T00:00:00Z');
const currentTags =
  Date.now() >= TAG_CUTOFF
    ? ['CUSTOMER_FEEDBACK', 'HUMAN_AGENT', 'NON_PROMOTIONAL_SUBSCRIPTION']
    : ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'CUSTOMER_FEEDBACK', 'HUMAN_AGENT', 'NON_PROMOTIONAL_SUBSCRIPTION', 'POST_PURCHASE_UPDATE'];
const tagEnum = (got) => ({ code: 100, message: `(#100) Param tag must be one of {${currentTags.join(', ')}} - got "${got}".` });

const state = { userMid: undefined, pageMid: undefined, assets: {}, personaId: undefined };

// ===========================================================================
// Setup: the user writes, which opens the messaging window (§2.2).

await check('control: the user writes to the Page (opens the window)', async () => {
  const answer = await userWrites(PSID, 'hi');
  state.userMid = findMid(answer);
});

// ===========================================================================
// messaging-api-messenger: text, headers, versions

await check('messenger: sendText answers {recipient_id, message_id}', async () => {
  const { data, body, headers } = await succeed(() => m.sendText(PSID, 'Hello from messaging-api-messenger'));
  messageAnswer(body, PSID);
  expect.equal(data.recipientId, PSID, 'client value recipientId');
  state.pageMid = body.message_id;
  expect.equal(headers['content-type'], 'application/json; charset=UTF-8', 'Content-Type header');
  // The client calls /v6.0/, expired long ago: served as the oldest live version (§1.1).
  expect.equal(headers['facebook-api-version'], OLDEST_LIVE_VERSION, 'facebook-api-version header for /v6.0/');
});

await check('messenger: message ids are unique per send', async () => {
  const a = await succeed(() => m.sendText(PSID, 'one'));
  const b2 = await succeed(() => m.sendText(PSID, 'two'));
  expect.true(a.body.message_id !== b2.body.message_id, `two sends answered the same message_id ${a.body.message_id}`);
});

await check('raw: unversioned send is served as the latest version, with platform headers', async () => {
  const r = await http('POST', '/me/messages', {
    json: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'unversioned' } },
  });
  expect.equal(r.status, 200, 'HTTP status');
  messageAnswer(r.body, PSID);
  expect.equal(r.headers['facebook-api-version'], LATEST_VERSION, 'facebook-api-version');
  expect.equal(r.headers['content-type'], 'application/json; charset=UTF-8', 'Content-Type');
  expect.equal(r.headers['access-control-allow-origin'], '*', 'Access-Control-Allow-Origin');
  expect.equal(r.headers['cache-control'], 'private, no-cache, no-store, must-revalidate', 'Cache-Control');
  expect.true(!!r.headers['x-fb-trace-id'], 'x-fb-trace-id header missing');
});

await check('raw: send to /{PAGE_ID}/messages with the latest version', async () => {
  const r = await http('POST', `/${LATEST_VERSION}/${cfg.pageId}/messages`, {
    json: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'by page id' } },
  });
  expect.equal(r.status, 200, 'HTTP status');
  messageAnswer(r.body, PSID);
});

await check('raw: form-encoded send with JSON-string values (the docs\' curl form)', async () => {
  const r = await http('POST', '/me/messages', {
    form: { recipient: JSON.stringify({ id: PSID }), messaging_type: 'RESPONSE', message: JSON.stringify({ text: 'form body' }) },
  });
  expect.equal(r.status, 200, 'HTTP status');
  messageAnswer(r.body, PSID);
});

await check('raw: form-encoded send with single-quoted values (§1.3)', async () => {
  const r = await http('POST', '/me/messages', {
    form: { recipient: `{'id':'${PSID}'}`, messaging_type: 'RESPONSE', message: "{'text':'single quotes'}" },
  });
  expect.equal(r.status, 200, 'HTTP status');
  messageAnswer(r.body, PSID);
});

await check('raw: token in Authorization: Bearer', async () => {
  const r = await http('POST', '/me/messages', {
    token: null,
    headers: { Authorization: `Bearer ${cfg.token}` },
    json: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'bearer' } },
  });
  expect.equal(r.status, 200, 'HTTP status');
  messageAnswer(r.body, PSID);
});

await check('messenger: text of exactly 2000 code points (astral emoji) is accepted (D7)', async () => {
  // 2000 code points but 4000 UTF-16 units: the limit counts code points.
  const { body } = await succeed(() => m.sendText(PSID, '😀'.repeat(2000)));
  messageAnswer(body, PSID);
});

await check('messenger: sendText with all quick reply kinds', async () => {
  const { body } = await succeed(() =>
    m.sendText(PSID, 'Pick a colour', {
      quickReplies: [
        { contentType: 'text', title: 'Red', payload: 'RED', imageUrl: 'https://www.example.com/red.png' },
        { contentType: 'text', title: 'Green', payload: 'GREEN' },
        { contentType: 'user_phone_number' },
        { contentType: 'user_email' },
      ],
    }),
  );
  messageAnswer(body, PSID);
});

await check('messenger: 13 quick replies are accepted', async () => {
  const { body } = await succeed(() => m.sendText(PSID, 'thirteen', { quickReplies: qr(13) }));
  messageAnswer(body, PSID);
});

await check('messenger: sendMessage with metadata', async () => {
  const { body } = await succeed(() => m.sendMessage(PSID, { text: 'with metadata', metadata: 'DEVELOPER_DEFINED_METADATA' }));
  messageAnswer(body, PSID);
});

await check('messenger: sendText with messagingType RESPONSE and notificationType SILENT_PUSH', async () => {
  const { body } = await succeed(() => m.sendText(PSID, 'quiet', { messagingType: 'RESPONSE', notificationType: 'SILENT_PUSH' }));
  messageAnswer(body, PSID);
});

await check('messenger: sendText with tag HUMAN_AGENT (MESSAGE_TAG)', async () => {
  const { body } = await succeed(() => m.sendText(PSID, 'An agent here', { tag: 'HUMAN_AGENT' }));
  messageAnswer(body, PSID);
});

await check('messenger: sendText with reply_to a message of the thread', async () => {
  const mid = state.userMid || state.pageMid;
  expect.true(!!mid, 'no message id to reply to (earlier checks failed)');
  const { body } = await succeed(() => m.sendText(PSID, 'a reply', { replyTo: { mid } }));
  messageAnswer(body, PSID);
});

// ===========================================================================
// Attachments by URL

for (const [method, url] of [
  ['sendImage', 'https://www.example.com/cat.png'],
  ['sendAudio', 'https://www.example.com/meow.mp3'],
  ['sendVideo', 'https://www.example.com/cat.mp4'],
  ['sendFile', 'https://www.example.com/cat.pdf'],
]) {
  await check(`messenger: ${method} by URL`, async () => {
    const { body } = await succeed(() => m[method](PSID, url));
    messageAnswer(body, PSID);
  });
}

await check('messenger: sendImage by URL with is_reusable answers attachment_id', async () => {
  const { body } = await succeed(() => m.sendImage(PSID, { url: 'https://www.example.com/reusable.png', isReusable: true }));
  messageAnswer(body, PSID, { reusable: true });
  state.assets.sentReusable = body.attachment_id;
});

await check('messenger: sendImage by the attachment_id of a reusable send', async () => {
  expect.true(!!state.assets.sentReusable, 'no attachment_id from the previous check');
  const { body } = await succeed(() => m.sendImage(PSID, { attachmentId: state.assets.sentReusable }));
  messageAnswer(body, PSID);
});

await check('messenger: sendAttachment (generic attachment object)', async () => {
  const { body } = await succeed(() => m.sendAttachment(PSID, { type: 'image', payload: { url: 'https://www.example.com/dog.png' } }));
  messageAnswer(body, PSID);
});

await check('messenger: sendImage with quick replies', async () => {
  const { body } = await succeed(() => m.sendImage(PSID, 'https://www.example.com/qr.png', { quickReplies: qr(2) }));
  messageAnswer(body, PSID);
});

// ===========================================================================
// Attachments by Buffer (multipart: message, filedata, messaging_type, recipient)

for (const [method, buf, filename, contentType] of [
  ['sendImage', media.png, 'pixel.png', 'image/png'],
  ['sendAudio', media.mp3, 'beep.mp3', 'audio/mpeg'],
  ['sendVideo', media.mp4, 'clip.mp4', 'video/mp4'],
  ['sendFile', media.pdf, 'doc.pdf', 'application/pdf'],
]) {
  await check(`messenger: ${method} by Buffer (multipart, file part first)`, async () => {
    const { body } = await succeed(() => m[method](PSID, buf, { filename, contentType }));
    messageAnswer(body, PSID);
  });
}

// ===========================================================================
// Attachment Upload API (§3) through uploadAttachment

await check('messenger: uploadImage by URL (is_reusable) answers {attachment_id}', async () => {
  const { body, data } = await succeed(() => m.uploadImage('https://www.example.com/upload.png', { isReusable: true }));
  expect.keys(body, ['attachment_id'], 'answer');
  expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
  expect.equal(data.attachmentId, body.attachment_id, 'client value attachmentId');
  state.assets.urlImage = body.attachment_id;
});

await check('messenger: uploadAttachment by URL without is_reusable is still answered (W)', async () => {
  const { body } = await succeed(() => m.uploadAttachment('file', 'https://www.example.com/notes.pdf'));
  expect.keys(body, ['attachment_id'], 'answer');
  expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
});

for (const [method, buf, filename, contentType, key] of [
  ['uploadImage', media.png, 'pixel.png', 'image/png', 'bufImage'],
  ['uploadAudio', media.mp3, 'beep.mp3', 'audio/mpeg', 'bufAudio'],
  ['uploadVideo', media.mp4, 'clip.mp4', 'video/mp4', 'bufVideo'],
  ['uploadFile', media.pdf, 'doc.pdf', 'application/pdf', 'bufFile'],
]) {
  await check(`messenger: ${method} by Buffer (multipart filedata) answers {attachment_id}`, async () => {
    const { body } = await succeed(() => m[method](buf, { isReusable: true, filename, contentType }));
    expect.keys(body, ['attachment_id'], 'answer');
    expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
    state.assets[key] = body.attachment_id;
  });
}

for (const [method, key] of [
  ['sendImage', 'urlImage'],
  ['sendImage', 'bufImage'],
  ['sendAudio', 'bufAudio'],
  ['sendVideo', 'bufVideo'],
  ['sendFile', 'bufFile'],
]) {
  await check(`messenger: ${method} by the attachment_id of upload ${key}`, async () => {
    expect.true(!!state.assets[key], `no attachment_id from upload ${key}`);
    const { body } = await succeed(() => m[method](PSID, { attachmentId: state.assets[key] }));
    messageAnswer(body, PSID);
  });
}

// ===========================================================================
// Templates (§2.7)

await check('messenger: sendButtonTemplate (web_url, postback, phone_number)', async () => {
  const { body } = await succeed(() =>
    m.sendButtonTemplate(PSID, 'What do you want to do next?', [button.web, button.postback, button.phone]),
  );
  messageAnswer(body, PSID);
});

await check('messenger: sendButtonTemplate with account_link and account_unlink', async () => {
  const { body } = await succeed(() =>
    m.sendButtonTemplate(PSID, 'Your account', [{ type: 'account_link', url: 'https://www.example.com/authorize' }, { type: 'account_unlink' }]),
  );
  messageAnswer(body, PSID);
});

await check('messenger: sendGenericTemplate (two elements, default_action, square ratio)', async () => {
  const { body } = await succeed(() =>
    m.sendGenericTemplate(
      PSID,
      [
        {
          title: "Welcome to Peter's Hats",
          imageUrl: 'https://www.example.com/hat.png',
          subtitle: "We've got the right hat for everyone.",
          defaultAction: { type: 'web_url', url: 'https://www.example.com/view?item=103', webviewHeightRatio: 'tall' },
          buttons: [button.web, button.postback],
        },
        { title: 'Second hat', subtitle: 'Also fine' },
      ],
      { imageAspectRatio: 'square' },
    ),
  );
  messageAnswer(body, PSID);
});

await check('messenger: sendGenericTemplate with 10 elements', async () => {
  const els = Array.from({ length: 10 }, (_, i) => ({ title: `Item ${i + 1}`, subtitle: `Subtitle ${i + 1}` }));
  const { body } = await succeed(() => m.sendGenericTemplate(PSID, els));
  messageAnswer(body, PSID);
});

await check('messenger: sendTemplate (generic payload given whole)', async () => {
  const { body } = await succeed(() =>
    m.sendTemplate(PSID, { templateType: 'generic', elements: [{ title: 'Raw template', imageUrl: 'https://www.example.com/raw.png' }] }),
  );
  messageAnswer(body, PSID);
});

await check('messenger: sendMediaTemplate with a facebook.com URL', async () => {
  const { body } = await succeed(() =>
    m.sendMediaTemplate(PSID, [
      { mediaType: 'image', url: 'https://www.facebook.com/photo.php?fbid=10155555555555555', buttons: [button.web] },
    ]),
  );
  messageAnswer(body, PSID);
});

await check('messenger: sendMediaTemplate with an uploaded attachment_id', async () => {
  expect.true(!!state.assets.bufImage, 'no uploaded image id');
  const { body } = await succeed(() => m.sendMediaTemplate(PSID, [{ mediaType: 'image', attachmentId: state.assets.bufImage }]));
  messageAnswer(body, PSID);
});

await check('messenger: sendReceiptTemplate', async () => {
  const { body } = await succeed(() => m.sendReceiptTemplate(PSID, receipt));
  messageAnswer(body, PSID);
});

await check('messenger: sendOneTimeNotifReqTemplate (legacy, accepted with a warning)', async () => {
  const { body } = await succeed(() =>
    m.sendOneTimeNotifReqTemplate(PSID, { title: 'Would you like to know when the sale starts?', payload: 'NOTIFY_SALE' }),
  );
  messageAnswer(body, PSID);
});

await check('messenger: sendTemplate customer_feedback with tag CUSTOMER_FEEDBACK', async () => {
  const { body } = await succeed(() =>
    m.sendTemplate(
      PSID,
      {
        templateType: 'customer_feedback',
        title: 'Rate your experience with Original Coast Clothing.',
        subtitle: 'Let Original Coast Clothing know how they are doing by answering two questions',
        buttonTitle: 'Rate Experience',
        feedbackScreens: [
          {
            questions: [
              {
                id: 'hauydmns8',
                type: 'csat',
                title: 'How would you rate your experience with Original Coast Clothing?',
                scoreLabel: 'neg_pos',
                scoreOption: 'five_stars',
                followUp: { type: 'free_form', placeholder: 'Give additional feedback' },
              },
            ],
          },
        ],
        businessPrivacy: { url: 'https://www.example.com/privacy' },
        expiresInDays: 3,
      },
      { tag: 'CUSTOMER_FEEDBACK' },
    ),
  );
  messageAnswer(body, PSID);
});

// The deprecated templates the client still offers (§2.7, D13).
for (const [name, call, type] of [
  ['sendAirlineBoardingPassTemplate', () => m.sendAirlineBoardingPassTemplate(PSID, {
    introMessage: 'You are checked in.',
    locale: 'en_US',
    boardingPass: [{ passengerName: 'SMITH/NICOLAS', pnrNumber: 'CG4X7U', seat: '74J', logoImageUrl: 'https://www.example.com/logo.png', qrCode: 'M1SMITH/NICOLAS  CG4X7U nawouehgawgnapwi3jfa0wfh', headerImageUrl: 'https://www.example.com/header.png', flightInfo: flight }],
  }), 'airline_boardingpass'],
  ['sendAirlineCheckinTemplate', () => m.sendAirlineCheckinTemplate(PSID, {
    introMessage: 'Check-in is available now.', locale: 'en_US', pnrNumber: 'ABCDEF', checkinUrl: 'https://www.example.com/check-in', flightInfo: [flight],
  }), 'airline_checkin'],
  ['sendAirlineItineraryTemplate', () => m.sendAirlineItineraryTemplate(PSID, {
    introMessage: "Here's your flight itinerary.", locale: 'en_US', pnrNumber: 'ABCDEF', passengerInfo: [{ name: 'Farbound Smith Jr', ticketNumber: '0741234567890', passengerId: 'p001' }], flightInfo: [{ ...flight, connectionId: 'c001', segmentId: 's001', travelClass: 'business' }], totalPrice: '14003', currency: 'USD',
  }), 'airline_itinerary'],
  ['sendAirlineUpdateTemplate', () => m.sendAirlineUpdateTemplate(PSID, {
    introMessage: 'Your flight is delayed', updateType: 'delay', locale: 'en_US', pnrNumber: 'CF23G2', updateFlightInfo: flight,
  }), 'airline_update'],
  ['sendTemplate list', () => m.sendTemplate(PSID, {
    templateType: 'list', topElementStyle: 'compact', elements: [{ title: 'Classic T-Shirt', subtitle: 'See all our colors' }, { title: 'Blue T-Shirt', subtitle: '100% Cotton' }],
  }), 'list'],
  ['sendTemplate open_graph', () => m.sendTemplate(PSID, {
    templateType: 'open_graph', elements: [{ url: 'https://open.spotify.com/track/7GhIk7Il098yCjg4BQjzvb', buttons: [button.web] }],
  }), 'open_graph'],
]) {
  await check(`messenger: ${name} is refused: template '${type}' is no longer supported`, async () => {
    await refuse(call, catalogue.gone(type));
  });
}

await check('messenger: sendTemplate product with an unregistered id → 100/2018320', async () => {
  await refuse(() => m.sendTemplate(PSID, { templateType: 'product', elements: [{ id: '1234567890123456' }] }), {
    code: 100, subcode: 2018320, message: '(#100) Invalid product id',
  });
});

// ===========================================================================
// Sender actions (§2.3)

for (const [name, call] of [
  ['typingOn', () => m.typingOn(PSID)],
  ['typingOff', () => m.typingOff(PSID)],
  ['markSeen', () => m.markSeen(PSID)],
  ['sendSenderAction typing_on', () => m.sendSenderAction(PSID, 'typing_on')],
]) {
  await check(`messenger: ${name} answers {recipient_id} only`, async () => {
    const { body } = await succeed(call);
    actionAnswer(body, PSID);
  });
}

await check('messenger: sendSenderAction react, then unreact', async () => {
  const mid = state.userMid || state.pageMid;
  expect.true(!!mid, 'no message id to react to');
  const r1 = await succeed(() => m.sendSenderAction(PSID, 'react', { payload: { messageId: mid, reaction: '😊' } }));
  actionAnswer(r1.body, PSID);
  const r2 = await succeed(() => m.sendSenderAction(PSID, 'unreact', { payload: { messageId: mid } }));
  actionAnswer(r2.body, PSID);
});

// ===========================================================================
// Personas on a send (§2.1 persona_id, §5)

await check('messenger: createPersona answers {id}', async () => {
  const { body } = await succeed(() => m.createPersona({ name: 'Agent Ada', profilePictureUrl: 'https://www.example.com/ada.png' }));
  expect.keys(body, ['id'], 'answer');
  expect.match(body.id, ASSET_ID, 'persona id');
  state.personaId = body.id;
});

await check('messenger: sendText with persona_id', async () => {
  expect.true(!!state.personaId, 'no persona id');
  const { body } = await succeed(() => m.sendText(PSID, 'Ada speaking', { personaId: state.personaId }));
  messageAnswer(body, PSID);
});

await check('messenger: typingOn with persona_id', async () => {
  expect.true(!!state.personaId, 'no persona id');
  const { body } = await succeed(() => m.typingOn(PSID, { personaId: state.personaId }));
  actionAnswer(body, PSID);
});

await check('messenger: sendText with an unknown persona_id is refused (100)', async () => {
  // A bare E in PLATFORM.md answers the `invalid` entry.
  await refuse(() => m.sendText(PSID, 'who?', { personaId: '999999999999999' }), { code: 100, message: '(#100) Invalid parameter' });
});

// ===========================================================================
// Refusals, exact code and subcode (§13)

await check('messenger: text of 2001 code points → 100 length', async () => {
  await refuse(() => m.sendText(PSID, 'a'.repeat(2001)), catalogue.textLength);
});

await check('messenger: text of 2001 astral code points → 100 length', async () => {
  await refuse(() => m.sendText(PSID, '😀'.repeat(2001)), catalogue.textLength);
});

await check('messenger: unknown PSID → 100/2018001', async () => {
  await refuse(() => m.sendText(UNKNOWN_PSID, 'anyone?'), catalogue.noUser);
});

await check('messenger: 14 quick replies → 105', async () => {
  await refuse(() => m.sendText(PSID, 'fourteen', { quickReplies: qr(14) }), catalogue.tooManyQR);
});

await check('messenger: bad token → 190 with WWW-Authenticate', async () => {
  await refuse(() => badTokenClient.sendText(PSID, 'hello'), catalogue.badToken);
});

await check('raw: no token → 104', async () => {
  const r = await http('POST', '/me/messages', {
    token: null,
    json: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'no token' } },
  });
  graphError(r, { code: 104, message: 'An access token is required to request this resource.' });
});

await check('raw: GET /me/messages → 100 get-messages', async () => {
  const r = await http('GET', '/me/messages');
  graphError(r, { code: 100, message: "(#100) For field 'messages': The parameter user_id is required" });
});

await check('raw: a version newer than the latest → 2500 unknown path', async () => {
  const r = await http('POST', '/v99.0/me/messages', {
    json: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'future' } },
  });
  graphError(r, { code: 2500, message: 'Unknown path components: /me/messages' });
});

await check('messenger: empty text → 100/2018034', async () => {
  await refuse(() => m.sendText(PSID, ''), {
    code: 100, subcode: 2018034, message: '(#100) Message cannot be empty, must provide valid attachment or text',
  });
});

await check('messenger: text and attachment together → 100/2018018', async () => {
  await refuse(
    () => m.sendMessage(PSID, { text: 'both', attachment: { type: 'image', payload: { url: 'https://www.example.com/a.png' } } }),
    { code: 100, subcode: 2018018, message: '(#100) Only one of text or attachment can be specified' },
  );
});

await check('messenger: message and sender_action together → 100/2018014', async () => {
  await refuse(
    () => m.sendRawBody({ recipient: { id: PSID }, messagingType: 'RESPONSE', message: { text: 'x' }, senderAction: 'typing_on' }),
    { code: 100, subcode: 2018014, message: '(#100) Cannot send both message and state at the same time.' },
  );
});

await check('messenger: neither message nor sender_action → 100/2018015', async () => {
  await refuse(() => m.sendRawBody({ recipient: { id: PSID }, messagingType: 'RESPONSE' }), {
    code: 100, subcode: 2018015, message: '(#100) Must send either message or state',
  });
});

await check('messenger: unknown key inside message → 100 invalid keys', async () => {
  await refuse(() => m.sendMessage(PSID, { text: 'x', foo: 1 }), {
    code: 100, message: '(#100) Invalid keys "foo" were found in param "message".',
  });
});

await check('messenger: messaging_type outside the list → 100 enum', async () => {
  await refuse(() => m.sendText(PSID, 'x', { messagingType: 'PROMOTIONAL' }), {
    code: 100, message: '(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY} - got "PROMOTIONAL".',
  });
});

await check('messenger: tag retired in 2020 (SHIPPING_UPDATE) → 100 enum', async () => {
  await refuse(() => m.sendText(PSID, 'shipped', { tag: 'SHIPPING_UPDATE' }), tagEnum('SHIPPING_UPDATE'));
});

if (Date.now() >= TAG_CUTOFF) {
  await check('messenger: tag ACCOUNT_UPDATE after 2026-04-27 → 100 enum (D10)', async () => {
    await refuse(() => m.sendText(PSID, 'account', { tag: 'ACCOUNT_UPDATE' }), tagEnum('ACCOUNT_UPDATE'));
  });
}

await check('messenger: tag CUSTOMER_FEEDBACK on plain text → 100 (D20)', async () => {
  // The text is not fixed by PLATFORM.md ("enum-class 100"), so only the code is checked.
  await refuse(() => m.sendText(PSID, 'rate us', { tag: 'CUSTOMER_FEEDBACK' }), { code: 100, messageMatch: /^\(#100\) / });
});

await check('messenger: button template with 4 buttons → 105', async () => {
  await refuse(() => m.sendButtonTemplate(PSID, 'Too many', [button.web, button.postback, button.phone, { ...button.postback, payload: 'P4' }]), {
    code: 105, message: '(#105) param name_placeholder[buttons] has too many elements.',
  });
});

await check('messenger: generic element with only a title → 100/2018035', async () => {
  await refuse(() => m.sendGenericTemplate(PSID, [{ title: 'Lonely title' }]), {
    code: 100,
    subcode: 2018035,
    message: '(#100) Incomplete element data: title and at least one other field (image url, subtitle or buttons) is required with non-empty value',
  });
});

await check('messenger: media template with a URL off facebook.com → 100/2018185', async () => {
  await refuse(() => m.sendMediaTemplate(PSID, [{ mediaType: 'image', url: 'https://www.example.com/cat.png' }]), {
    code: 100, subcode: 2018185, message: '(#100) Only Facebook URLs are supported for media template',
  });
});

await check('messenger: receipt with a lower-case currency → 100 currency', async () => {
  await refuse(() => m.sendReceiptTemplate(PSID, { ...receipt, currency: 'usd' }), {
    code: 100, message: "(#100) The currency code 'usd' is not supported",
  });
});

await check('messenger: sendImage with a made-up attachment_id → 100/2018074', async () => {
  await refuse(() => m.sendImage(PSID, { attachmentId: '1234567890123456' }), {
    code: 100, subcode: 2018074, message: '(#100) Possible invalid ID or you do not own the attachment.',
  });
});

await check('messenger: sendImage with a non-http URL → 100/2018008', async () => {
  await refuse(() => m.sendImage(PSID, 'ftp://www.example.com/cat.png'), {
    code: 100, subcode: 2018008, message: '(#100) Failed to fetch the file from the url',
  });
});

await check('messenger: uploadImage of an audio file → 100/2018047', async () => {
  await refuse(() => m.uploadImage(media.mp3, { isReusable: true, filename: 'beep.mp3', contentType: 'audio/mpeg' }), {
    code: 100, subcode: 2018047, message: '(#100) Upload attachment failure.',
  });
});

await check('messenger: recipient id that is not digits → 100 id', async () => {
  await refuse(() => m.sendText('alice', 'x'), {
    code: 100, message: '(#100) Param recipient[id] must be a valid ID string (e.g., "123")',
  });
});

// ===========================================================================
// botly: the same API through a callback client built on `request`

await check('botly: sendText', async () => {
  const body = await bcall((cb) => b.sendText({ id: PSID, text: 'Hello from botly' }, cb));
  expect.equal(wire().status, 200, 'HTTP status');
  messageAnswer(body, PSID);
  // botly's default base is /v2.12/, served as the oldest live version (§1.1).
  expect.equal(wire().headers['facebook-api-version'], OLDEST_LIVE_VERSION, 'facebook-api-version');
});

await check('botly: sendText with quick replies, one of them the legacy location (W)', async () => {
  const body = await bcall((cb) =>
    b.sendText({ id: PSID, text: 'Where are you?', quick_replies: [b.createQuickReply('Home', 'HOME', 'https://www.example.com/home.png'), b.createShareLocation()] }, cb),
  );
  messageAnswer(body, PSID);
});

await check('botly: sendImage by URL', async () => {
  const body = await bcall((cb) => b.sendImage({ id: PSID, url: 'https://www.example.com/botly.png' }, cb));
  messageAnswer(body, PSID);
});

await check('botly: sendImage with is_reusable answers attachment_id', async () => {
  const body = await bcall((cb) => b.sendImage({ id: PSID, url: 'https://www.example.com/botly-reuse.png', is_reusable: true }, cb));
  messageAnswer(body, PSID, { reusable: true });
});

await check('botly: sendAttachment (file by URL)', async () => {
  const body = await bcall((cb) => b.sendAttachment({ id: PSID, type: 'file', payload: { url: 'https://www.example.com/botly.pdf' } }, cb));
  messageAnswer(body, PSID);
});

await check('botly: sendButtons', async () => {
  const body = await bcall((cb) =>
    b.sendButtons({ id: PSID, text: 'Choose', buttons: [b.createPostbackButton('Go', 'GO'), b.createWebURLButton('Site', 'https://www.example.com', 'compact')] }, cb),
  );
  messageAnswer(body, PSID);
});

await check('botly: sendGeneric (always sends image_aspect_ratio)', async () => {
  const el = b.createListElement({
    title: 'Botly hat',
    subtitle: 'One size',
    image_url: 'https://www.example.com/hat.png',
    default_action: { url: 'https://www.example.com/hat' },
    buttons: [{ title: 'Buy', payload: 'BUY' }, { title: 'View', url: 'https://www.example.com/view' }],
  });
  const body = await bcall((cb) => b.sendGeneric({ id: PSID, elements: [el] }, cb));
  messageAnswer(body, PSID);
});

await check('botly: sendReceipt', async () => {
  const payload = {
    recipient_name: 'Stephane Crozatier',
    order_number: '98765432101',
    currency: 'EUR',
    payment_method: 'Visa 2345',
    summary: { subtotal: 10.5, total_cost: 12.25 },
    elements: [{ title: 'Free sticker', price: 0 }],
  };
  const body = await bcall((cb) => b.sendReceipt({ id: PSID, payload }, cb));
  messageAnswer(body, PSID);
});

for (const action of ['typing_on', 'typing_off', 'mark_seen']) {
  await check(`botly: sendAction ${action} (with messaging_type, as botly sends it)`, async () => {
    // PLATFORM.md §2.3 says a sender action goes with recipient (and persona_id);
    // it does not make an extra messaging_type an error, and the platform has
    // long served botly's form.
    const body = await bcall((cb) => b.sendAction({ id: PSID, action }, cb));
    actionAnswer(body, PSID);
  });
}

await check('botly: upload by URL to /{PAGE_ID}/message_attachments', async () => {
  const body = await bcall((cb) =>
    b.upload({ pageId: cfg.pageId, type: 'image', payload: { url: 'https://www.example.com/botly-upload.png', is_reusable: true } }, cb),
  );
  expect.keys(body, ['attachment_id'], 'answer');
  expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
});

await check("botly: sendList is refused: template 'list' is no longer supported", async () => {
  await refuse(
    () => bcall((cb) => b.sendList({ id: PSID, elements: [b.createListElement({ title: 'A', subtitle: 'a' }), b.createListElement({ title: 'B', subtitle: 'b' })] }, cb)),
    catalogue.gone('list'),
  );
});

await check("botly: sendOpenGraph is refused: template 'open_graph' is no longer supported", async () => {
  await refuse(
    () => bcall((cb) => b.sendOpenGraph({ id: PSID, elements: [b.createOpenGraphElement('https://open.spotify.com/track/7GhIk7Il098yCjg4BQjzvb', 'Listen')] }, cb)),
    catalogue.gone('open_graph'),
  );
});

await check('botly: the removed element_share button → 105 on the buttons array (§2.6)', async () => {
  await refuse(() => bcall((cb) => b.sendButtons({ id: PSID, text: 'Share me', buttons: [b.createShareButton()] }, cb)), {
    code: 105, message: '(#105) param name_placeholder[buttons] has too many elements.',
  });
});

await check('botly: unknown PSID → 100/2018001', async () => {
  await refuse(() => bcall((cb) => b.sendText({ id: UNKNOWN_PSID, text: 'anyone?' }, cb)), catalogue.noUser);
});

await check('botly: bad token → 190', async () => {
  await refuse(() => bcall((cb) => bBadToken.sendText({ id: PSID, text: 'x' }, cb)), catalogue.badToken);
});

// ===========================================================================
// The messaging window on the virtual clock (§2.2, D11, D18). Runs last: it
// moves the emulator's clock 25 h forward.

await check('window: after 25 h without a user message, RESPONSE → 10/2018278', async () => {
  await advanceClock('25h');
  await refuse(() => m.sendText(PSID, 'too late', { messagingType: 'RESPONSE' }), {
    code: 10,
    subcode: 2018278,
    message: '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
  });
});

await check('window: UPDATE outside the window → 10/2018278', async () => {
  await refuse(() => m.sendText(PSID, 'still too late'), { code: 10, subcode: 2018278 });
});

await check('window: typing_on outside the window is accepted (W, D18)', async () => {
  const { body } = await succeed(() => m.typingOn(PSID));
  actionAnswer(body, PSID);
});

await check('window: HUMAN_AGENT within 7 days is accepted', async () => {
  const { body } = await succeed(() => m.sendText(PSID, 'An agent, a day later', { tag: 'HUMAN_AGENT' }));
  messageAnswer(body, PSID);
});

await check('window: the user writes again and RESPONSE is accepted', async () => {
  await userWrites(PSID, 'back again');
  const { body } = await succeed(() => m.sendText(PSID, 'welcome back', { messagingType: 'RESPONSE' }));
  messageAnswer(body, PSID);
});

finish();

// Multipart sends and uploads that send.mjs leaves out: files from a Node
// ReadStream, FormData built by the bot (sendMessageFormData), and Buffers
// without a filename, through messaging-api-messenger, against a running
// `messemu serve`.
//
//   MESSEMU_URL=http://127.0.0.1:8765 node multipart.mjs
//
// Facts checked: docs/rules.md §2 (Send API bodies), §3 (Attachment Upload
// API) and §13. Where an answer alone would not show that the file arrived,
// the check reads what messemu journalled of the file part (its field,
// filename, Content-Type and size).
//
// What the client sends (read from node_modules/messaging-api-messenger and
// form-data):
// - a Buffer or an fs.ReadStream given to sendImage/sendAudio/sendVideo/
//   sendFile goes through sendMessageFormData: a form-data body (chunked, no
//   Content-Length) of `message` (JSON), `filedata`, then `messaging_type` and
//   `recipient` (JSON). A ReadStream's part takes its filename from the path
//   and its Content-Type from the extension; a Buffer without `filename`
//   gets no filename and application/octet-stream.
// - uploadAttachment(type, stream or Buffer) posts `message` and `filedata`
//   to /me/message_attachments the same way.
// - sendMessageFormData(psid, formdata, options) appends `messaging_type`
//   (MESSAGE_TAG when options.tag is set) and `recipient` to the bot's form,
//   and nothing else: options.tag itself is dropped (a client bug).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import {
  cfg,
  check,
  finish,
  expect,
  succeed,
  refuse,
  messageAnswer,
  userWrites,
  journalMark,
  journalRequests,
  instrumentAxiosClient,
  media,
  ASSET_ID,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { MessengerClient } = require('messaging-api-messenger');
const FormData = require('form-data');

const PSID = cfg.psid;
const m = instrumentAxiosClient(new MessengerClient({ accessToken: cfg.token, origin: cfg.url }));

const uploadFailure = { code: 100, subcode: 2018047, message: '(#100) Upload attachment failure.' };

// The files a bot would stream from disk. big.png is a PNG signature and
// 300 kB after it, so the body goes out in many chunks; messemu judges a part
// by its Content-Type, not its bytes.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'messemu-multipart-'));
const files = {
  'big.png': Buffer.concat([media.png, crypto.randomBytes(300 * 1024)]),
  'beep.mp3': media.mp3,
  'clip.mp4': media.mp4,
  'doc.pdf': media.pdf,
  'notes.txt': Buffer.from('not an image\n'),
};
for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
const stream = (name) => fs.createReadStream(path.join(dir, name));

// journalled finds what messemu journalled of the call to `suffix` made after
// seq (the last such call), and checks its file part.
async function journalled(seq, suffix, { mid, file } = {}) {
  const calls = (await journalRequests(seq)).filter((e) => e.path.endsWith(suffix) && (!mid || e.mid === mid));
  expect.true(calls.length > 0, `no journalled call to ${suffix}${mid ? ` with mid ${mid}` : ''} after seq ${seq}`);
  const call = calls[calls.length - 1];
  if (file) expect.deepEqual(call.request._files, [{ field: 'filedata', ...file }], 'journalled file parts');
  return call;
}

const state = {};

await check('control: the user writes to the Page (opens the window)', async () => {
  await userWrites(PSID, 'hi');
});

// ===========================================================================
// Sends from a ReadStream (§2, §3: multipart `message` + `filedata` + `recipient`)

for (const [method, name, contentType, type] of [
  ['sendImage', 'big.png', 'image/png', 'image'],
  ['sendAudio', 'beep.mp3', 'audio/mpeg', 'audio'],
  ['sendVideo', 'clip.mp4', 'video/mp4', 'video'],
  ['sendFile', 'doc.pdf', 'application/pdf', 'file'],
]) {
  await check(`messenger: ${method} from a ReadStream (chunked multipart); the whole file arrives`, async () => {
    const seq = await journalMark();
    const { body } = await succeed(() => m[method](PSID, stream(name)));
    messageAnswer(body, PSID);
    const call = await journalled(seq, '/me/messages', {
      mid: body.message_id,
      file: { filename: name, content_type: contentType, size: files[name].length },
    });
    expect.deepEqual(call.request.message, { attachment: { type, payload: {} } }, 'journalled message');
    expect.deepEqual(call.request.recipient, { id: PSID }, 'journalled recipient');
  });
}

await check('messenger: sendImage from a ReadStream of a .txt (text/plain) → 100/2018047', async () => {
  await refuse(() => m.sendImage(PSID, stream('notes.txt')), uploadFailure);
});

// ===========================================================================
// Uploads from a ReadStream (§3)

await check('messenger: uploadAttachment(image, ReadStream) answers {attachment_id}; the id sends', async () => {
  const seq = await journalMark();
  const { body, data } = await succeed(() => m.uploadAttachment('image', stream('big.png'), { isReusable: true }));
  expect.keys(body, ['attachment_id'], 'answer');
  expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
  expect.equal(data.attachmentId, body.attachment_id, 'client value attachmentId');
  const call = await journalled(seq, '/me/message_attachments', {
    file: { filename: 'big.png', content_type: 'image/png', size: files['big.png'].length },
  });
  expect.deepEqual(call.request.message, { attachment: { type: 'image', payload: { is_reusable: true } } }, 'journalled message');
  const sent = await succeed(() => m.sendImage(PSID, { attachmentId: body.attachment_id }));
  messageAnswer(sent.body, PSID);
});

for (const [method, name] of [
  ['uploadAudio', 'beep.mp3'],
  ['uploadVideo', 'clip.mp4'],
  ['uploadFile', 'doc.pdf'],
]) {
  await check(`messenger: ${method} from a ReadStream answers {attachment_id}`, async () => {
    const { body } = await succeed(() => m[method](stream(name), { isReusable: true }));
    expect.keys(body, ['attachment_id'], 'answer');
    expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
  });
}

await check('messenger: uploadVideo from a ReadStream of a .png → 100/2018047', async () => {
  await refuse(() => m.uploadVideo(stream('big.png'), { isReusable: true }), uploadFailure);
});

// ===========================================================================
// A Buffer without a filename: the client sends the part as
// application/octet-stream, outside the image family (§3 upload-failure).

await check('messenger: uploadAttachment(image, Buffer) without filename → 100/2018047', async () => {
  const seq = await journalMark();
  await refuse(() => m.uploadAttachment('image', media.png, { isReusable: true }), uploadFailure);
  await journalled(seq, '/me/message_attachments', {
    file: { filename: '', content_type: 'application/octet-stream', size: media.png.length },
  });
});

await check('messenger: sendImage(Buffer) without filename → 100/2018047', async () => {
  await refuse(() => m.sendImage(PSID, media.png), uploadFailure);
});

await check('messenger: uploadAttachment(file, Buffer) without filename is accepted (file takes any type)', async () => {
  const { body } = await succeed(() => m.uploadAttachment('file', media.pdf, { isReusable: true }));
  expect.keys(body, ['attachment_id'], 'answer');
  expect.match(body.attachment_id, ASSET_ID, 'attachment_id');
});

// ===========================================================================
// sendMessageFormData: the bot builds the form, the client adds
// messaging_type and recipient.

await check('messenger: sendMessageFormData with a file part (Buffer, named and typed)', async () => {
  const form = new FormData();
  form.append('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
  form.append('filedata', media.png, { filename: 'pixel.png', contentType: 'image/png' });
  const seq = await journalMark();
  const { body } = await succeed(() => m.sendMessageFormData(PSID, form));
  messageAnswer(body, PSID, { reusable: true });
  const call = await journalled(seq, '/me/messages', {
    mid: body.message_id,
    file: { filename: 'pixel.png', content_type: 'image/png', size: media.png.length },
  });
  expect.equal(call.request.messaging_type, 'UPDATE', 'journalled messaging_type (the client default)');
  state.formImage = body.attachment_id;
});

await check('messenger: sendMessageFormData with a ReadStream part and messagingType RESPONSE', async () => {
  const form = new FormData();
  form.append('message', JSON.stringify({ attachment: { type: 'file', payload: {} } }));
  form.append('filedata', stream('doc.pdf'));
  const seq = await journalMark();
  const { body } = await succeed(() => m.sendMessageFormData({ id: PSID }, form, { messagingType: 'RESPONSE' }));
  messageAnswer(body, PSID);
  const call = await journalled(seq, '/me/messages', {
    mid: body.message_id,
    file: { filename: 'doc.pdf', content_type: 'application/pdf', size: files['doc.pdf'].length },
  });
  expect.equal(call.request.messaging_type, 'RESPONSE', 'journalled messaging_type');
});

await check('messenger: sendMessageFormData of a text message (no file part)', async () => {
  const form = new FormData();
  form.append('message', JSON.stringify({ text: 'text in a multipart body' }));
  const seq = await journalMark();
  const { body } = await succeed(() => m.sendMessageFormData(PSID, form, { messagingType: 'RESPONSE' }));
  messageAnswer(body, PSID);
  const call = await journalled(seq, '/me/messages', { mid: body.message_id });
  expect.deepEqual(call.request.message, { text: 'text in a multipart body' }, 'journalled message');
  expect.equal(call.request._files, undefined, 'journalled file parts');
});

await check('messenger: sendMessageFormData with tag HUMAN_AGENT → 100 tag required (client drops tag)', async () => {
  // Client bug (messaging-api-messenger 1.1.0): sendMessageFormData sets
  // messaging_type MESSAGE_TAG from options.tag but never appends `tag`, so
  // the platform sees MESSAGE_TAG without a tag (§2.1 `required`).
  const form = new FormData();
  form.append('message', JSON.stringify({ text: 'an agent, through a form' }));
  const seq = await journalMark();
  await refuse(() => m.sendMessageFormData(PSID, form, { tag: 'HUMAN_AGENT' }), {
    code: 100, message: '(#100) The parameter tag is required',
  });
  const call = await journalled(seq, '/me/messages');
  expect.equal(call.request.messaging_type, 'MESSAGE_TAG', 'journalled messaging_type');
  expect.equal(call.request.tag, undefined, 'journalled tag');
});

await check('messenger: sendMessageFormData of an image with two file parts → 100/2018005', async () => {
  const form = new FormData();
  form.append('message', JSON.stringify({ attachment: { type: 'image', payload: {} } }));
  form.append('filedata', media.png, { filename: 'one.png', contentType: 'image/png' });
  form.append('filedata', media.png, { filename: 'two.png', contentType: 'image/png' });
  await refuse(() => m.sendMessageFormData(PSID, form), {
    code: 100, subcode: 2018005, message: '(#100) Incorrect number of files uploaded. Must upload exactly one file.',
  });
});

await check('messenger: the image of sendMessageFormData is reusable by its attachment_id', async () => {
  expect.true(!!state.formImage, 'no attachment_id from the sendMessageFormData check');
  const { body } = await succeed(() => m.sendImage(PSID, { attachmentId: state.formImage }));
  messageAnswer(body, PSID);
});

fs.rmSync(dir, { recursive: true, force: true });
finish();

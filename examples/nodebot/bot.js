// A small Messenger bot on messaging-api-messenger, written as a Node
// developer would, answering as examples/echobot does so that the same
// scenario files (scenarios/examples/) test both:
//
//   messemu replay --exec 'node examples/nodebot/bot.js' scenarios/examples
//
// Configuration from the environment, as `messemu replay --exec` sets it:
// MESSEMU_GRAPH_URL, MESSEMU_PAGE_TOKEN, MESSEMU_APP_SECRET,
// MESSEMU_VERIFY_TOKEN and PORT. It answers each webhook with 200 at once
// and sends its replies afterwards, as most Node bots do.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const { MessengerClient } = require('messaging-api-messenger');

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return v;
};
const appSecret = env('MESSEMU_APP_SECRET');
const verifyToken = env('MESSEMU_VERIFY_TOKEN');
const port = Number(process.env.PORT || 3000);
const client = new MessengerClient({
  accessToken: env('MESSEMU_PAGE_TOKEN'),
  appSecret,
  origin: env('MESSEMU_GRAPH_URL'),
  version: '26.0',
});
const response = { messagingType: 'RESPONSE' };

const quickReply = (title, payload) => ({ contentType: 'text', title, payload });

async function greet(psid) {
  await client.sendText(psid, 'Hello! I echo what you say. Try "colours" or "shop".', {
    ...response,
    quickReplies: [quickReply('Colours', 'COLOUR_ASK'), quickReply('Shop', 'SHOP')],
  });
}

async function colours(psid) {
  await client.sendText(psid, 'Which colour do you like?', {
    ...response,
    quickReplies: ['Red', 'Blue', 'Green'].map((c) => quickReply(c, 'COLOUR_' + c.toUpperCase())),
  });
}

async function shop(psid) {
  const cards = ['Red', 'Blue', 'Green'].map((c) => ({
    title: `${c} shirt`,
    subtitle: '100% cotton',
    imageUrl: `https://example.com/shirts/${c.toLowerCase()}.png`,
    buttons: [{ type: 'postback', title: `Buy ${c.toLowerCase()}`, payload: 'BUY_' + c.toUpperCase() }],
  }));
  await client.sendGenericTemplate(psid, cards, response);
}

async function text(psid, said) {
  switch (said.trim().toLowerCase()) {
    case 'hi':
    case 'hello':
    case 'hey':
      return greet(psid);
    case 'colours':
    case 'colors':
      return colours(psid);
    case 'shop':
      return shop(psid);
    default:
      return client.sendText(psid, 'You said: ' + said, response);
  }
}

async function payload(psid, p, button) {
  if (p === 'GET_STARTED') return greet(psid);
  if (p === 'SHOP') return shop(psid);
  if (p === 'COLOUR_ASK') return colours(psid);
  if (p.startsWith('COLOUR_')) return client.sendText(psid, `Good choice: ${p.slice(7).toLowerCase()}.`, response);
  if (p.startsWith('BUY_')) {
    return client.sendText(psid, `Thank you! Your ${p.slice(4).toLowerCase()} shirt is on its way.`, response);
  }
  return client.sendText(psid, button ? "I don't know that button." : "I don't know that option.", response);
}

async function handle(ev) {
  const psid = ev.sender && ev.sender.id;
  const m = ev.message;
  if (m && m.is_echo) return;
  if (m && m.quick_reply) return payload(psid, m.quick_reply.payload, false);
  if (m && m.attachments && m.attachments.length > 0) {
    const a = m.attachments[0];
    await client.sendText(psid, `Nice ${a.type}! Here it is back.`, response);
    if (a.payload && a.payload.url && ['image', 'video', 'audio', 'file'].includes(a.type)) {
      await client.sendAttachment(psid, { type: a.type, payload: { url: a.payload.url } }, response);
    }
    return;
  }
  if (m && m.text) return text(psid, m.text);
  if (ev.postback) return payload(psid, ev.postback.payload, true);
}

function signed(req, body) {
  const sig = req.headers['x-hub-signature-256'] || '';
  const want = 'sha256=' + crypto.createHmac('sha256', appSecret).update(body).digest('hex');
  return sig.length === want.length && crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(want));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/webhook') {
    res.writeHead(404).end();
    return;
  }
  if (req.method === 'GET') {
    const ok = url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === verifyToken;
    res.writeHead(ok ? 200 : 403).end(ok ? url.searchParams.get('hub.challenge') : 'wrong verify token');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (!signed(req, body)) {
      res.writeHead(403).end('bad signature');
      return;
    }
    res.writeHead(200).end('EVENT_RECEIVED');
    const update = JSON.parse(body.toString('utf8'));
    for (const entry of update.entry || []) {
      for (const ev of entry.messaging || []) {
        handle(ev).catch((err) => console.error('answering', err.response ? err.response.data : err));
      }
    }
  });
});

client
  .setMessengerProfile({
    getStarted: { payload: 'GET_STARTED' },
    greeting: [{ locale: 'default', text: 'Hello {{user_first_name}}! I echo what you say.' }],
    persistentMenu: [
      {
        locale: 'default',
        composerInputDisabled: false,
        callToActions: [
          { type: 'postback', title: 'Shop', payload: 'SHOP' },
          { type: 'postback', title: 'Colours', payload: 'COLOUR_ASK' },
        ],
      },
    ],
  })
  .then(() => server.listen(port, '127.0.0.1', () => console.log(`nodebot listening on 127.0.0.1:${port}`)))
  .catch((err) => {
    console.error('setting the Messenger profile', err.response ? err.response.data : err);
    process.exit(1);
  });

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

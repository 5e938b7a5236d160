// The page: connects to the journal stream, keeps the Model, draws the
// three panes and acts through the control API.
import { h, clear, avatar, fmtTime, fmtDuration, dayOf, fmtDay, link, safeURL } from './dom.js';
import { call, get, post, controlToken, onToken } from './api.js';
import { Model, KEEP_ITEMS } from './model.js';
import { item as drawItem, quickReplies, picker, pageAvatar } from './render.js';
import { Inspector } from './inspector.js';
import { Controls } from './controls.js';

const $ = id => document.getElementById(id);

const app = {
  model: new Model(),
  pages: [],
  pageId: '',
  users: new Map(),     // psid -> user, for the current Page
  psid: '',
  personas: new Map(),
  profile: {},
  replyTo: null,
  caughtUp: false,
  view: { key: null, resets: -1, nodes: new Map(), count: 0, stick: true },
  // Draws done, how many were done when the lists (users, profile,
  // personas, products) first loaded (a draw counted past loadedAt shows
  // them), and the newest event the last draw showed: a test (or a
  // curious reader) waits for a draw instead of guessing how long one
  // takes.
  draws: 0,
  loadedAt: undefined,
  drawnSeq: 0,
};
window.messemu = app; // for the browser tests and the curious

// ---- the stream ----

let ws = null;
let backoff = 250;
let retry = null;
let drawQueued = false;

function connect() {
  const url = new URL('/_messemu/ui/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('after', String(app.model.lastSeq));
  if (controlToken) url.searchParams.set('token', controlToken);
  ws = new WebSocket(url);
  app.ws = ws;
  ws.onopen = () => { backoff = 250; setConn('live', 'ok'); };
  ws.onmessage = e => {
    let f;
    try { f = JSON.parse(e.data); } catch { return; }
    if (f.instance) {
      if (app.instance && app.instance !== f.instance && app.model.lastSeq > 0) {
        // Another emulator's journal (serve restarted): what this page
        // drew is gone; start afresh and read the new one from its start.
        app.instance = f.instance;
        startAfresh();
        ws.close();
        return;
      }
      app.instance = f.instance;
    }
    // The oldest event the journal keeps (the first frame says it), or a
    // frame that starts past what this page asked for: the retention
    // setting dropped history.
    if (f.first > 1) historyDropped(f.first);
    if (f.trimmed) historyDropped(f.events?.[0]?.seq ?? (f.last_seq || 0) + 1);
    const fresh = [];
    for (const ev of f.events || []) if (app.model.apply(ev)) fresh.push(ev);
    if (fresh.length) onEvents(fresh);
    if (!app.caughtUp && app.model.lastSeq >= (f.last_seq || 0)) {
      app.caughtUp = true;
      // Ready once the journal so far is drawn (the frame after the draw).
      requestAnimationFrame(() => requestAnimationFrame(() => { document.body.dataset.ready = 'true'; app.readyAt = performance.now(); }));
    }
    scheduleDraw();
  };
  ws.onclose = () => {
    setConn('reconnecting…', 'bad');
    retry = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 5000);
  };
}

/** reconnect opens the stream again at once (a new control token), not
 *  after the backoff of a stream refused without one. */
function reconnect() {
  clearTimeout(retry);
  backoff = 250;
  if (ws) { ws.onclose = null; ws.onmessage = null; ws.close(); }
  connect();
}

/** historyDropped: the journal keeps events from first on. A page that
 *  drew events before first and missed some (it was away while the
 *  journal dropped them) starts afresh and says so; either way the
 *  conversation and the inspector say where history starts. */
function historyDropped(first) {
  const had = app.model.lastSeq;
  if (had > 0 && first > had + 1) {
    startAfresh();
    banner(`While the page was away, the journal dropped events #${had + 1}–#${first - 1} (the retention setting): this page starts again from the oldest kept, #${first}.`);
  }
  if (first > app.model.journalFirst) {
    app.model.journalFirst = first;
    app.view.redraw = true;
  }
}

/** banner says something the reader must not miss until they dismiss it. */
function banner(text) {
  document.querySelector('.banner')?.remove();
  const b = h('div', { class: 'banner', role: 'alert' }, h('span', null, text),
    h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: () => b.remove() }, '✕'));
  $('layout').before(b);
}

function startAfresh() {
  app.model = new Model();
  app.inspector.reset(app.model);
  app.view.key = null;
  // What the page loaded beside the journal may be another emulator's
  // (serve restarted): its users, profile, personas and catalogue.
  for (const what of ['users', 'profile', 'personas', 'products', 'controls']) refetch(what);
}

function setConn(text, cls) {
  const el = $('conn');
  el.textContent = text;
  el.className = 'conn ' + cls;
}

let refetchTimer = null;
const want = new Set();
function refetch(what) {
  want.add(what);
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(async () => {
    const w = [...want];
    want.clear();
    await Promise.all(w.map(x => loaders[x]?.().catch(err => console.warn('messemu:', err.message))));
    scheduleDraw();
  }, 80);
}

const loaders = {
  users: async () => {
    const r = await get('users', app.pageId);
    const before = app.users.size;
    app.users = new Map((r.data || []).map(u => [u.psid, u]));
    app.inspector.users(r.data || []);
    if (app.users.size !== before && app.caughtUp) app.inspector.renamed(); // rows name the users
    if (!app.psid || !app.users.has(app.psid)) {
      // The user shown is gone (a reset, another Page): the first one, in
      // the inspector's "this user" too.
      app.psid = r.data?.[0]?.psid || '';
      app.inspector.setUser(app.psid);
    }
  },
  personas: async () => {
    const r = await get('personas', app.pageId);
    app.personas = new Map((r.data || []).map(p => [p.id, p]));
    app.view.redraw = true; // redraw names
  },
  products: async () => {
    const r = await get('products', app.pageId);
    app.products = new Map((r.data || []).map(p => [p.id, p]));
    app.view.redraw = true; // redraw product cards
  },
  profile: async () => { app.profile = (await get('profile', app.pageId)).settings || {}; },
  controls: async () => app.controls.load(),
};

function onEvents(evs) {
  app.inspector.add(evs);
  for (const ev of evs) {
    if (ev.kind === 'control' || ev.kind === 'alert') { refetch('users'); refetch('controls'); }
    if (ev.kind === 'control' && (ev.api === 'reset' || ev.detail?.change === 'reset')) { refetch('profile'); refetch('personas'); refetch('products'); }
    if (ev.kind === 'control' && String(ev.api).startsWith('product')) refetch('products');
    // A user's action moves their messaging window: the list says where.
    if ((ev.kind === 'user_action' && !['delivery', 'read', 'message_deliveries', 'message_reads'].includes(ev.api)) && app.caughtUp) refetch('users');
    if (ev.kind === 'user_action' && ev.psid && !app.users.has(ev.psid) && ev.page_id === app.pageId) refetch('users');
    if (ev.kind === 'user_action' || ev.kind === 'webhook') refetch('controls');
    if (ev.kind === 'request' && ev.accepted) {
      if (ev.api === 'profile') refetch('profile');
      if (ev.api === 'personas') refetch('personas');
    }
    if (ev.kind === 'request' && ev.api === 'send' && ev.request?.persona_id && !app.personas.has(ev.request.persona_id)) refetch('personas');
  }
}

let drawCost = 0, drawEnd = 0;
function scheduleDraw() {
  // While catching up on a long journal, draw once at the end.
  if (drawQueued || (!app.caughtUp && ws)) return;
  drawQueued = true;
  // A draw per animation frame, but under a flood the page never spends
  // more than a third of its time drawing: the reader's clicks and
  // scrolls get the rest.
  const wait = Math.max(0, drawEnd + 2 * drawCost - performance.now());
  const go = () => requestAnimationFrame(() => {
    drawQueued = false;
    const t0 = performance.now();
    draw();
    drawEnd = performance.now();
    drawCost = drawEnd - t0;
  });
  if (wait > 0) setTimeout(go, wait); else go();
}

// ---- drawing ----

let today = '';
function draw() {
  // Times of other days say their date: when the virtual clock moves to
  // another day, the times drawn are written again.
  const day = dayOf(app.model.now);
  if (day !== today) { today = day; app.inspector.retime(); }
  drawTop();
  drawUsers();
  drawChat();
  app.inspector.flush();
  app.draws++;
  app.drawnSeq = app.model.lastSeq;
}

function drawTop() {
  const m = app.model;
  $('count-refused').textContent = `${m.refused} refused`;
  $('count-warnings').textContent = `${m.warnings} warning${m.warnings === 1 ? '' : 's'}`;
  $('count-refused').classList.toggle('zero', m.refused === 0);
  $('count-warnings').classList.toggle('zero', m.warnings === 0);
  const now = app.controls.now || m.now;
  $('clock').textContent = now ? new Date(now).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '';
}

function currentThread() { return app.psid ? app.model.thread(app.pageId, app.psid) : null; }

function drawUsers() {
  const list = $('user-list');
  const rows = [...app.users.values()].map(u => ({ u, t: app.model.threads.get(app.pageId + '|' + u.psid) }));
  rows.sort((a, b) => String(b.t?.lastActivity || '').localeCompare(String(a.t?.lastActivity || '')));
  const sig = rows.map(r => `${r.u.psid}:${r.t?.version || 0}`).join(',') + app.psid + today;
  if (list.dataset.sig === sig) return;
  list.dataset.sig = sig;
  // Any event re-sorts the list: the user focused with the keyboard stays so.
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.psid : null;
  clear(list);
  for (const { u, t } of rows) {
    const unread = t ? app.model.unread(t) : 0;
    const last = t?.lastText ? (t.lastFrom === 'user' ? 'You: ' : '') + t.lastText : 'No messages yet';
    list.append(h('li', null, h('button', {
      type: 'button', class: `user${u.psid === app.psid ? ' active' : ''}${unread ? ' unread' : ''}`,
      'aria-current': u.psid === app.psid ? 'true' : undefined, dataset: { psid: u.psid },
      onclick: () => selectUser(u.psid),
    }, avatar(u.name, u.psid), h('span', { class: 'user-text' }, h('span', { class: 'user-name' }, u.name),
      h('span', { class: 'user-last' }, last)),
    h('span', { class: 'user-side' }, t?.lastActivity ? h('time', null, fmtTime(t.lastActivity, app.model.now)) : null,
      unread ? h('span', { class: 'dot', title: `${unread} unread` }) : null))));
  }
  if (focused) list.querySelector(`.user[data-psid="${focused}"]`)?.focus();
}

/** setPane shows one pane below 900 px wide; its button says it is the
 *  one shown, to the eye and to a screen reader. */
function setPane(pane) {
  $('layout').dataset.pane = pane;
  for (const b of document.querySelectorAll('.panes-nav button')) b.setAttribute('aria-pressed', String(b.dataset.pane === pane));
}

function selectUser(psid) {
  app.psid = psid;
  app.replyTo = null;
  $('reply-bar').hidden = true;
  setPane('chat');
  app.inspector.setUser(psid);
  scheduleDraw();
  $('text').focus();
}

const ctx = {
  get now() { return app.model.now; },
  get pageName() { return app.pages.find(p => p.id === app.pageId)?.name || 'Page'; },
  persona: id => app.personas.get(id),
  product: id => app.products?.get(id),
  byMid: mid => currentThread()?.byMid.get(mid),
  // A message's badge (refused, warned, not at the bot): its event in
  // the inspector, opened.
  reveal: seq => {
    $('tab-inspector').click();
    setPane('side');
    app.inspector.reveal(seq);
  },
  act: {
    // The message and payload too: a carousel repeats titles ("Buy" on
    // every card), and the bot must get the payload of the button tapped.
    postback: (it, b) => act(() => post(`users/${app.psid}/postbacks`, { title: b.title, mid: it.mid, payload: b.payload == null ? undefined : String(b.payload) }, app.pageId)),
    // The chips go once tapped: focus goes to the composer, not <body>.
    quickReply: index => { $('text').focus(); return act(() => post(`users/${app.psid}/quick_replies`, { index }, app.pageId)); },
    optin: payload => act(() => post(`users/${app.psid}/optins`, { type: 'one_time_notif_req', payload }, app.pageId)),
    feedback: tpl => act(() => post(`users/${app.psid}/feedback`, feedbackAnswer(tpl), app.pageId)),
    // The platform opens the newest Log In button's URL with an
    // account_linking_token; the link itself is the control API's
    // users/{psid}/account_linking (the redirect messemu does not serve).
    logIn: () => act(async () => {
      const r = await post(`users/${app.psid}/account_linking/start`, {}, app.pageId);
      const url = safeURL(r.url);
      if (url) window.open(url, '_blank', 'noopener');
    }),
    logOut: () => act(() => post(`users/${app.psid}/account_linking`, { status: 'unlinked' }, app.pageId)),
    react: (it, emoji) => act(() => post(`users/${app.psid}/reactions`, it.reactions?.user === emoji
      ? { mid: it.mid, action: 'unreact' } : { mid: it.mid, reaction: emoji }, app.pageId)),
    pick: (it, anchor) => {
      document.querySelector('.picker')?.remove();
      const close = () => { p.remove(); anchor.focus(); };
      const p = picker(it, ctx, close);
      p.addEventListener('keydown', e => { if (e.key === 'Escape') close(); });
      document.body.append(p);
      // Above the button, kept inside the window.
      const r = anchor.getBoundingClientRect();
      p.style.left = `${Math.max(8, Math.min(r.left - 8, innerWidth - p.offsetWidth - 8))}px`;
      p.style.top = `${Math.max(8, r.top - p.offsetHeight - 4)}px`;
      p.querySelector('button').focus();
    },
    reply: it => { app.replyTo = it; $('reply-text').textContent = `Replying to: ${it.text || 'a message'}`; $('reply-bar').hidden = false; $('text').focus(); },
  },
};

/** feedbackAnswer fills the first question of a customer-feedback
 *  template with a top score, as a user tapping it would. */
function feedbackAnswer(tpl) {
  const screens = (tpl.feedback_screens || []).map((s, i) => {
    const questions = {};
    for (const q of s.questions || []) {
      const top = q.type === 'nps' ? '10' : q.type === 'ces' ? '7' : '5';
      questions[q.id || 'q'] = { type: q.type || 'csat', payload: top };
    }
    return { screen_id: i, questions };
  });
  return { feedback_screens: screens.length ? screens : [{ screen_id: 0, questions: { q: { type: 'csat', payload: '5' } } }] };
}

async function act(fn) {
  try { await fn(); } catch (err) { toast(err.message); }
}

function toast(msg) {
  const t = h('div', { class: 'toast', role: 'alert' }, msg);
  document.body.append(t);
  setTimeout(() => t.remove(), 6000);
}

/** rows of a thread drawn at first; "show earlier" draws more, and a view
 *  that follows the newest message lets go of the oldest rows it drew. */
const CHAT_WINDOW = 100;

function drawChat() {
  const t = currentThread();
  const box = $('messages');
  const u = app.users.get(app.psid);
  $('chat-name').textContent = u ? u.name : '';
  clear($('chat-avatar')).append(u ? avatar(u.name, u.psid) : '');
  drawWindow(u);
  if (!t) { clear(box); clear($('footer')); delete $('footer').dataset.sig; return; }
  const v = app.view;
  // Items by their place in the whole thread: the model lets go of the
  // oldest (KEEP_ITEMS), t.items[0] being item t.dropped.
  const end = t.dropped + t.items.length;
  const fresh = v.key !== t.key;
  if (fresh) { v.shown = CHAT_WINDOW; v.stick = true; }
  if (v.stick && !fresh && end - v.first > v.shown + CHAT_WINDOW / 2 && end - v.count < v.shown && v.first >= t.dropped) {
    // Following the newest: let go of the oldest rows drawn.
    const keepFrom = end - v.shown;
    for (let i = v.first; i < keepFrom && i < v.count; i++) {
      const it = t.items[i - t.dropped];
      v.nodes.get(it)?.remove();
      v.nodes.delete(it);
    }
    v.first = Math.min(keepFrom, v.count);
    // A day whose rows are all gone loses its separator.
    for (let d = box.querySelector(':scope > .day'); d && d.nextElementSibling?.classList.contains('day'); d = box.querySelector(':scope > .day')) d.remove();
  }
  if (fresh || v.redraw || v.resets !== app.model.resets || end < v.count || v.first < t.dropped ||
      end - v.first > v.shown + (v.stick ? CHAT_WINDOW / 2 : KEEP_ITEMS)) {
    // Another thread follows the newest message; a redraw of this one
    // (names, products, rows let go of) keeps the reader where they were.
    const keep = fresh ? null : anchorOf(box);
    clear(box);
    v.key = t.key; v.resets = app.model.resets; v.nodes = new Map(); v.redraw = false; v.day = '';
    v.first = v.count = Math.max(t.dropped, end - v.shown);
    t.dirty.clear();
    v.headSig = null;
    if (keep && !v.stick) v.restore = keep;
  }
  for (const it of t.dirty) {
    const old = v.nodes.get(it);
    if (old) { const n = drawItem(it, ctx); old.replaceWith(n); v.nodes.set(it, n); }
  }
  t.dirty.clear();
  if (v.count < end) {
    const frag = document.createDocumentFragment();
    for (let i = v.count; i < end; i++) {
      const it = t.items[i - t.dropped];
      const day = dayOf(it.time);
      if (day && day !== v.day) { frag.append(h('div', { class: 'day', role: 'separator' }, h('time', { datetime: day }, fmtDay(day)), ' (UTC)')); v.day = day; }
      const n = drawItem(it, ctx);
      v.nodes.set(it, n);
      frag.append(n);
    }
    box.append(frag);
    v.count = end;
  }
  // The head says how many rows are not drawn: written again whenever
  // that changes, the view letting go of its oldest rows or the model of
  // the thread's oldest items.
  const headSig = `${v.first - t.dropped} ${t.dropped} ${app.model.journalFirst}`;
  if (v.headSig !== headSig) {
    v.headSig = headSig;
    box.querySelector(':scope > .earlier')?.remove();
    const head = earlier(t, v);
    if (head) box.prepend(head);
  }
  // A screen reader hears the few messages new since the last draw of this
  // thread, whether or not the draw rebuilt the rows (a names or catalogue
  // reload does), never a thread opened whole.
  if (v.heardKey !== t.key) { v.heardKey = t.key; v.heard = end; }
  else if (end > v.heard) {
    if (end - v.heard <= 5) announce(t.items.slice(Math.max(v.heard, t.dropped) - t.dropped, end - t.dropped));
    v.heard = end;
  }
  drawFooter(t, u);
  if (v.stick) followNewest();
  else if (v.restore !== undefined) { restoreAnchor(box, v.restore); v.restore = undefined; }
}

/** showRow scrolls to the row of event seq in the thread shown and
 *  flashes it, drawing older rows first when it is above those drawn (as
 *  the inspector's reveal does the other way round). */
function showRow(seq) {
  // Drawn now, not on the next frame: the thread may have just been
  // chosen, and a fresh view draws only its newest rows.
  draw();
  const t = currentThread();
  const find = () => document.querySelector(`#messages > [data-seq="${seq}"]`);
  let n = find();
  if (!n && t) {
    const at = t.items.findIndex(it => it.seq === seq);
    if (at >= 0) {
      const v = app.view;
      v.shown = Math.max(v.shown, t.items.length - at);
      v.redraw = true; v.stick = false;
      draw();
      n = find();
    }
  }
  if (!n) return;
  app.view.stick = false;
  n.scrollIntoView({ block: 'center' });
  n.classList.remove('flash'); void n.offsetWidth; n.classList.add('flash');
}

/** anchorOf is where the reader is: the first row in view and how far
 *  below the top it is. A redraw (earlier rows drawn above, names
 *  reloaded) puts that row back there, as a chat keeps the message being
 *  read in place when it loads older ones. */
function anchorOf(box) {
  const top = box.getBoundingClientRect().top;
  for (const n of box.querySelectorAll(':scope > [data-seq]')) {
    const r = n.getBoundingClientRect();
    if (r.bottom > top) return { seq: n.dataset.seq, off: r.top - top, scrollTop: box.scrollTop };
  }
  return { scrollTop: box.scrollTop };
}

function restoreAnchor(box, a) {
  const n = a.seq && box.querySelector(`:scope > [data-seq="${a.seq}"]`);
  if (!n) { box.scrollTop = a.scrollTop; return; }
  box.scrollTop += n.getBoundingClientRect().top - box.getBoundingClientRect().top - a.off;
}

/** earlier is the head of a thread's rows: a button for the rows not
 *  drawn, or what the page no longer keeps. */
function earlier(t, v) {
  const hidden = v.first - t.dropped;
  if (hidden > 0) {
    return h('div', { class: 'earlier' }, h('button', { type: 'button', onclick: () => {
      v.shown += CHAT_WINDOW * 5; v.redraw = true; v.stick = false; scheduleDraw();
    } }, `Show earlier messages (${hidden.toLocaleString('en')} not drawn)`));
  }
  if (t.dropped > 0) {
    return h('div', { class: 'earlier notice' }, `Earlier messages are no longer kept by this page (it keeps a thread's newest ${KEEP_ITEMS.toLocaleString('en')}); Export reads them from the journal.`);
  }
  if (app.model.journalFirst > 1) {
    return h('div', { class: 'earlier notice' }, `Earlier history was dropped by the retention setting: the journal keeps events from #${app.model.journalFirst} on.`);
  }
  return null;
}

/** announce tells a screen reader the new messages of the thread shown
 *  (#messages itself is not live: a thread drawn whole would be read). */
function announce(items) {
  const text = items.filter(it => it.text).map(it => `${it.from === 'user' ? 'You' : ctx.pageName}: ${it.text}`).join('\n');
  if (text) $('announce').textContent = text;
}

/** followNewest shows the newest message: the view sticks to the bottom
 *  while the reader is there (app.view.stick), never when they scrolled
 *  up to read. */
function followNewest() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

/** wireScroll keeps app.view.stick: true while the conversation is
 *  scrolled to its end. Rows, pictures and the footer change the height
 *  after the draw, so the view follows them too while it sticks. */
function wireScroll() {
  const box = $('messages');
  box.addEventListener('scroll', () => {
    app.view.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  }, { passive: true });
  const follow = () => { if (app.view.stick) followNewest(); };
  box.addEventListener('load', follow, true); // a picture drawn
  new ResizeObserver(follow).observe(box); // the footer or the window changed
}

function localized(list, u, field) {
  if (!Array.isArray(list)) return null;
  const loc = u?.locale || 'en_US';
  return list.find(x => x.locale === loc) || list.find(x => x.locale === 'default') || null;
}

function drawFooter(t, u) {
  const foot = $('footer');
  const s = app.profile || {};
  let last = null;
  for (let i = t.items.length - 1; i >= 0 && !last; i--) if (!t.items[i].refused) last = t.items[i];
  const welcome = !last && !t.dropped;
  const seen = last && last.from === 'page' && Date.parse(last.time) <= t.read;
  const pageSeen = last && last.from === 'user' && t.pageSeen && Date.parse(last.time) <= t.pageSeen;
  const menu = localized(s.persistent_menu, u);
  $('menu-btn').hidden = !(menu?.call_to_actions?.length);
  $('text').disabled = !!menu?.composer_input_disabled;
  $('text').placeholder = menu?.composer_input_disabled ? 'The bot turned the composer off' : 'Aa';
  app.menu = menu;
  // Drawn again only when what it shows changed: every event redraws the
  // thread, and a quick reply or ice breaker focused with the keyboard
  // must not be taken from under the reader.
  const typist = typeof t.typing === 'string' ? ctx.persona(t.typing) : null;
  const sig = JSON.stringify([t.key, last?.seq, last?.message?.quick_replies, seen, pageSeen, t.typing, typist?.name, u?.name, ctx.pageName,
    welcome ? [s.greeting, s.ice_breakers, s.get_started, u?.locale] : null]);
  if (foot.dataset.sig === sig) return;
  foot.dataset.sig = sig;
  const focused = [...foot.querySelectorAll('button')].indexOf(document.activeElement);
  clear(foot);
  if (welcome) {
    const g = localized(s.greeting, u);
    const text = g?.text?.replaceAll('{{user_first_name}}', u?.first_name || '').replaceAll('{{user_last_name}}', u?.last_name || '')
      .replaceAll('{{user_full_name}}', u?.name || '');
    const ib = localized(s.ice_breakers, u);
    foot.append(h('div', { class: 'welcome' }, avatar(ctx.pageName, 'page', 'lg'), h('div', { class: 'name' }, ctx.pageName),
      text ? h('p', { class: 'greeting' }, text) : null,
      ib?.call_to_actions?.length
        ? h('div', { class: 'ice-breakers' }, ib.call_to_actions.map(q => h('button', { type: 'button', class: 'chip',
          onclick: () => act(() => post(`users/${app.psid}/postbacks`, { ice_breaker: q.question }, app.pageId)) }, q.question)))
        : s.get_started ? h('button', { type: 'button', class: 'get-started', id: 'get-started',
          onclick: () => act(() => post(`users/${app.psid}/postbacks`, { get_started: true }, app.pageId)) }, 'Get Started') : null));
  }
  if (seen) foot.append(h('div', { class: 'seen', title: 'read by the user' }, avatar(u?.name || '?', app.psid, 'xs'), 'Seen'));
  if (pageSeen) foot.append(h('div', { class: 'seen page-seen' }, 'Seen by the Page'));
  if (t.typing) foot.append(h('div', { class: 'row from-page typing-row' }, pageAvatar(typist, ctx),
    h('div', { class: 'bubble typing', 'aria-label': typist ? `${typist.name} is typing` : 'typing' }, h('i'), h('i'), h('i'))));
  if (last && last.from === 'page' && last.message?.quick_replies?.length) foot.append(quickReplies(last, ctx));
  if (focused >= 0) foot.querySelectorAll('button')[focused]?.focus();
}

function drawWindow(u) {
  const el = $('chat-window');
  const now = Date.parse(app.controls.now || app.model.now || new Date().toISOString());
  if (!u) { el.textContent = ''; return; }
  const st = currentThread()?.state;
  const owner = !st?.standby ? '' : st.owner_app_id ? ` · standby: app ${st.owner_app_id} owns the thread`
    : ' · standby: idle, the primary receiver gets the events';
  const last = Date.parse(u.last_interaction || '');
  const lastMsg = Date.parse(u.last_message || '');
  let text, cls;
  if (isNaN(last)) { text = 'no window: the user has not written'; cls = 'closed'; }
  else {
    const left = last + 24 * 3600e3 - now;
    if (left <= 0) { text = 'window closed'; cls = 'closed'; }
    else if (left < 4 * 3600e3) { text = `window closing in ${fmtDuration(left)}`; cls = 'closing'; }
    else { text = `window open · ${fmtDuration(left)} left`; cls = 'open'; }
    if (!isNaN(lastMsg)) {
      const ha = lastMsg + 7 * 24 * 3600e3 - now;
      if (left <= 0 && ha > 0) text += ` · HUMAN_AGENT ${fmtDuration(ha)} left`;
    }
  }
  el.textContent = text + owner;
  el.className = 'window-state ' + cls;
}

// ---- acting as the user ----

async function sendText(e) {
  e.preventDefault();
  const input = $('text');
  const text = input.value;
  if (!text.trim() || !app.psid) return;
  const body = { text };
  if (app.replyTo?.mid) body.reply_to = app.replyTo.mid;
  input.value = '';
  app.replyTo = null;
  $('reply-bar').hidden = true;
  try { await post(`users/${app.psid}/messages`, body, app.pageId); } catch (err) { input.value = text; toast(err.message); }
}

async function sendAttachment(type, url) {
  if (!app.psid) return;
  $('attach-pop').hidden = true;
  await act(() => post(`users/${app.psid}/messages`, { attachments: [{ type, url }] }, app.pageId));
}

function kindOf(file) {
  const t = file.type || '';
  return t.startsWith('image/') ? 'image' : t.startsWith('video/') ? 'video' : t.startsWith('audio/') ? 'audio' : 'file';
}

/** A file from disk goes as a data: URL: the control API takes URLs, and
 *  its bodies are limited to 1 MiB. */
function sendFile(file) {
  if (file.size > 700 * 1024) { toast('files up to 700 KB go through the control API; give a URL for bigger ones'); return; }
  const r = new FileReader();
  r.onload = () => sendAttachment(kindOf(file), r.result);
  r.readAsDataURL(file);
}

/** exportLines answers the current conversation's journal events as JSON
 *  lines, the form `messemu check` and the scenario tools read. The
 *  stream's events are slim, so they come whole from the journal. */
async function exportLines() {
  const psid = app.psid, pageId = app.pageId;
  const lines = [];
  for (let after = null; ;) {
    const q = new URLSearchParams({ psid, limit: '1000' });
    if (after !== null) q.set('after', String(after));
    const r = await get('journal?' + q);
    for (const ev of r.events || []) if (ev.page_id === pageId || !ev.page_id) lines.push(JSON.stringify(ev));
    if (!r.events?.length) break;
    after = r.events[r.events.length - 1].seq;
  }
  return lines.join('\n') + '\n';
}
app.exportLines = exportLines;

async function exportThread() {
  if (!app.psid) return;
  let text;
  try { text = await exportLines(); } catch (err) { toast(err.message); return; }
  const blob = new Blob([text], { type: 'application/x-ndjson' });
  const a = h('a', { href: URL.createObjectURL(blob), download: `messemu-${app.psid}.jsonl` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function drawMenu() {
  const pop = clear($('menu-pop'));
  for (const it of app.menu?.call_to_actions || []) {
    pop.append(it.type === 'web_url'
      ? link(it.url, { class: 'menu-item' }, it.title, ' ↗')
      : h('button', { type: 'button', class: 'menu-item', onclick: () => { pop.hidden = true; act(() => post(`users/${app.psid}/postbacks`, { menu: it.title }, app.pageId)); } }, it.title));
  }
}

function wire() {
  $('composer').addEventListener('submit', sendText);
  $('text').addEventListener('keydown', e => { if (e.key === 'Escape') { app.replyTo = null; $('reply-bar').hidden = true; } });
  $('reply-cancel').onclick = () => { app.replyTo = null; $('reply-bar').hidden = true; };
  $('attach-btn').onclick = () => { $('attach-pop').hidden = !$('attach-pop').hidden; $('menu-pop').hidden = true; };
  $('menu-btn').onclick = () => { drawMenu(); $('menu-pop').hidden = !$('menu-pop').hidden; $('attach-pop').hidden = true; };
  $('attach-send').onclick = () => { const u = $('attach-url').value.trim(); if (u) { sendAttachment($('attach-type').value, u); $('attach-url').value = ''; } };
  $('attach-file').onchange = e => { const f = e.target.files[0]; if (f) sendFile(f); e.target.value = ''; $('attach-pop').hidden = true; };
  $('mark-read').onclick = () => act(() => post(`users/${app.psid}/read`, {}, app.pageId));
  $('export').onclick = exportThread;
  $('new-user').onclick = () => { $('user-form').hidden = !$('user-form').hidden; if (!$('user-form').hidden) $('user-form').elements.name.focus(); };
  $('user-form').addEventListener('submit', async e => {
    e.preventDefault();
    const f = e.target.elements;
    const body = { name: f.name.value.trim() };
    if (f.locale.value.trim()) body.locale = f.locale.value.trim();
    if (f.profile_pic.value.trim()) body.profile_pic = f.profile_pic.value.trim();
    try {
      const u = await post('users', body, app.pageId);
      e.target.reset(); e.target.hidden = true;
      await loaders.users();
      selectUser(u.psid);
    } catch (err) { toast(err.message); }
  });
  $('page-select').onchange = async e => {
    app.pageId = e.target.value; app.psid = ''; app.view.key = null;
    await loadPageLists();
    app.inspector.setUser(app.psid);
    scheduleDraw();
  };
  for (const b of document.querySelectorAll('.panes-nav button')) b.onclick = () => setPane(b.dataset.pane);
  setPane($('layout').dataset.pane);
  const problemsOnly = () => { $('f-problems').checked = true; app.inspector.refilter(); };
  $('count-refused').onclick = problemsOnly;
  $('count-warnings').onclick = problemsOnly;
  const tab = which => {
    $('tab-inspector').setAttribute('aria-selected', String(which === 'inspector'));
    $('tab-controls').setAttribute('aria-selected', String(which === 'controls'));
    $('inspector').hidden = which !== 'inspector';
    $('controls').hidden = which !== 'controls';
    if (which === 'controls') app.controls.load().then(() => app.controls.draw());
  };
  $('tab-inspector').onclick = () => tab('inspector');
  $('tab-controls').onclick = () => tab('controls');
  document.addEventListener('keydown', e => {
    if (e.key !== 'Escape') return;
    for (const [pop, btn] of [['attach-pop', 'attach-btn'], ['menu-pop', 'menu-btn']]) {
      if (!$(pop).hidden) { $(pop).hidden = true; $(btn).focus(); }
    }
  });
  document.addEventListener('click', e => {
    if (!e.target.closest('.picker, .react-btn')) document.querySelector('.picker')?.remove();
    for (const id of ['attach-pop', 'menu-pop']) {
      const pop = $(id);
      if (!pop.hidden && !pop.contains(e.target) && !e.target.closest('#attach-btn, #menu-btn')) pop.hidden = true;
    }
  });
}

async function start() {
  app.inspector = new Inspector(app.model, {
    userName: psid => app.users.get(psid)?.name || psid,
    currentUser: () => app.psid,
    highlight: (seq, psid) => {
      if (psid && psid !== app.psid && app.users.has(psid)) selectUser(psid);
      setPane('chat'); // the narrow layout shows the message, whoever's it is
      showRow(seq);
    },
  });
  app.controls = new Controls($('controls'), {
    pageId: () => app.pageId,
    users: () => [...app.users.values()],
    toast,
    redraw: scheduleDraw,
  });
  wire();
  wireScroll();
  connect(); // the journal streams in while the lists load
  await loadLists();
  app.loadedAt = app.draws;
  // A token given after the page opened: the stream and the lists the
  // control API refused without it.
  onToken(async () => { reconnect(); await loadLists(); });
  setInterval(async () => { try { await app.controls.loadClock(); drawTop(); drawWindow(app.users.get(app.psid)); } catch { /* offline: the stream says so */ } }, 30000);
}

/** loadLists reads the Pages and the current Page's lists. */
async function loadLists() {
  try {
    const pages = await get('pages');
    app.pages = pages.data || [];
    if (!app.pages.some(p => p.id === app.pageId)) app.pageId = app.pages[0]?.id || '';
    const sel = clear($('page-select'));
    for (const p of app.pages) sel.append(h('option', { value: p.id }, `${p.name} (${p.id})`));
    sel.value = app.pageId;
    sel.disabled = app.pages.length < 2;
    await loadPageLists();
  } catch (err) { toast('messemu: ' + err.message); }
  app.inspector.setUser(app.psid);
  scheduleDraw();
}

/** loadPageLists reads the current Page's lists. */
function loadPageLists() {
  return Promise.all([loaders.users(), loaders.profile(), loaders.personas(), loaders.products(), loaders.controls()]);
}

start();
export { call };

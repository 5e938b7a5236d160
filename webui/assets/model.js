// The page's picture of the emulator, built only from journal events (and
// the control API's lists of users, personas and profile). apply() takes
// one event; the view redraws what it marked changed.

/** parse decodes a JSON string field sent form-encoded ("message" may be a
 *  JSON text inside a form body); anything else passes through. */
function parse(v) {
  if (typeof v !== 'string') return v;
  try { return JSON.parse(v); } catch { return v; }
}

/** problems of an event: refused (a request the platform refuses, a
 *  webhook attempt that failed) and warnings. */
export function problems(ev) {
  const warnings = (ev.violations || []).filter(v => v.severity === 'warning');
  const errors = (ev.violations || []).filter(v => v.severity !== 'warning');
  const refused = (ev.kind === 'request' && ev.accepted === false) ||
    (ev.kind === 'webhook' && ev.accepted === false) || ev.kind === 'fault';
  return { refused, errors, warnings, alert: ev.kind === 'alert' };
}

/** actionOf names what a user_action did, with today's journal (api is the
 *  action) and the typed one (detail.action). */
function actionOf(ev) {
  return ev.detail?.action || ev.api || '';
}

/** What the page keeps, so that it can stay open all day whatever the
 *  journal holds: the newest KEEP_EVENTS events (the inspector, and the
 *  events later ones point to: a run of the stream names events at most
 *  5,000 back) and the newest KEEP_ITEMS messages of each thread. Older
 *  ones are dropped a slice at a time; the journal API and Export read
 *  them while the journal keeps them. */
export const KEEP_EVENTS = 10000;
export const KEEP_ITEMS = 2000;
const SLACK = 0.1; // dropped at once, so that dropping is rare

/** LIKE are the fields an event sent with "like":seq takes from that one. */
const LIKE = ['kind', 'page_id', 'psid', 'api', 'method', 'path', 'status', 'accepted', 'thread'];

export class Model {
  constructor() {
    this.events = [];          // every event, in order
    this.lastSeq = 0;
    this.threads = new Map();  // page_id + '|' + psid -> Thread
    this.refused = 0;
    this.warnings = 0;
    this.now = null;           // virtual clock, as the newest event says
    this.changed = new Set();  // thread keys changed since the last draw
    this.resets = 0;
    this.dropped = 0;          // events this page let go of (KEEP_EVENTS)
    this.journalFirst = 1;     // the oldest event the journal kept when this page read it
  }

  thread(pageId, psid) {
    const key = pageId + '|' + psid;
    let t = this.threads.get(key);
    if (!t) {
      t = { key, pageId, psid, items: [], byMid: new Map(), typing: false, read: 0, pageSeen: 0,
        lastActivity: null, lastText: '', lastFrom: '', version: 0, dirty: new Set(), dropped: 0 };
      this.threads.set(key, t);
    }
    return t;
  }

  /** bySeq finds a drawn event by its sequence number. */
  bySeq(seq) {
    let lo = 0, hi = this.events.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (this.events[m].seq < seq) lo = m + 1; else hi = m; }
    return this.events[lo]?.seq === seq ? this.events[lo] : null;
  }

  /** apply folds one event into the model. */
  apply(ev) {
    if (ev.seq <= this.lastSeq) return false; // never twice
    if (ev.rcpt) {
      // A send's echo or delivery in a few bytes (encode.go): e or d, and
      // how far back the send is.
      Object.assign(ev, { kind: 'receipt', api: ev.rcpt === 'e' ? 'message_echoes' : 'message_deliveries',
        request_seq: ev.seq - ev.of, slim: true });
      delete ev.rcpt;
      delete ev.of;
    }
    if (ev.kind === 'receipt' && ev.request_seq && ev.time === undefined) {
      // The stream sends a receipt as the send it follows: time, Page
      // and user are the send's.
      const req = this.bySeq(ev.request_seq);
      Object.assign(ev, { time: req?.time, page_id: req?.page_id, psid: req?.psid, accepted: true });
    }
    // What an earlier event of the stream carried is sent once (encode.go's
    // runMemo): the same violations (the rate warning every send of a
    // load carries), the same place (kind, Page, user, api, ...).
    if (ev.violations_of) {
      ev.violations = this.bySeq(ev.violations_of)?.violations;
      delete ev.violations_of;
    }
    if (ev.like) {
      const like = this.bySeq(ev.like);
      for (const k of LIKE) if (like && k in like && !(k in ev)) ev[k] = like[k];
      delete ev.like;
    }
    this.lastSeq = ev.seq;
    this.events.push(ev);
    if (this.events.length > KEEP_EVENTS * (1 + SLACK)) {
      const n = this.events.length - KEEP_EVENTS;
      this.events.splice(0, n);
      this.dropped += n;
    }
    if (ev.time && (!this.now || ev.time > this.now)) this.now = ev.time;
    const p = problems(ev);
    if (ev.kind === 'request' && p.refused) this.refused++;
    if (p.warnings.length) this.warnings++;
    if (ev.thread && ev.psid) {
      // The thread's state when the event happened (window, owner).
      const t = this.thread(ev.page_id, ev.psid);
      t.state = ev.thread;
    }
    switch (ev.kind) {
      case 'request': this.request(ev); break;
      case 'handover': this.handover(ev); break;
      case 'webhook': this.delivery(ev); break;
      case 'user_action': case 'receipt': this.userAction(ev); break;
      case 'control':
        if ((ev.api === 'reset' || ev.detail?.change === 'reset')) this.reset();
        break;
    }
    return true;
  }

  reset() {
    for (const t of this.threads.values()) {
      t.items = []; t.byMid.clear(); t.dropped = 0; t.typing = false; t.read = 0; t.pageSeen = 0; t.lastActivity = null;
      t.lastText = ''; t.lastFrom = ''; t.version++;
      this.changed.add(t.key);
    }
    this.resets++;
  }

  touch(t, item) {
    t.lastActivity = item.time;
    t.version++;
    this.changed.add(t.key);
  }

  push(t, item) {
    t.items.push(item);
    if (t.items.length > KEEP_ITEMS * (1 + SLACK)) {
      const n = t.items.length - KEEP_ITEMS;
      for (const old of t.items.splice(0, n)) if (old.mid && t.byMid.get(old.mid) === old) t.byMid.delete(old.mid);
      t.dropped += n; // absolute index of t.items[0]
    }
    if (item.mid) t.byMid.set(item.mid, item);
    // The chat list shows the last message: not a notice (an opt-in, a
    // handover) nor a refused send.
    if (item.text !== undefined && !item.refused && item.kind !== 'notice') { t.lastText = item.text; t.lastFrom = item.from; }
    this.touch(t, item);
  }

  request(ev) {
    if (ev.api === 'handover') { this.botHandover(ev); return; }
    if (ev.api !== 'send' || !ev.psid) return;
    const body = ev.request || {};
    const t = this.thread(ev.page_id, ev.psid);
    const action = body.sender_action;
    if (action && ev.accepted !== false) {
      const ts = Date.parse(ev.time);
      switch (action) {
        case 'typing_on': t.typing = body.persona_id ? String(body.persona_id) : true; break; // a persona types with its face
        case 'typing_off': t.typing = false; break;
        case 'mark_seen': t.pageSeen = ts; break;
        case 'react': case 'unreact': {
          const pl = parse(body.payload) || {};
          const target = t.byMid.get(pl.message_id);
          if (target) {
            target.reactions = { ...target.reactions, page: action === 'react' ? pl.reaction : undefined };
            t.dirty.add(target);
          }
          break;
        }
      }
      this.touch(t, { time: ev.time });
      return;
    }
    const message = parse(body.message);
    if (!message && !action) return;
    const item = {
      kind: 'message', from: 'page', seq: ev.seq, time: ev.time, mid: ev.mid || '', message: message || {},
      senderAction: action, refused: ev.accepted === false, violations: ev.violations || [],
      error: ev.response?.error, messagingType: body.messaging_type, tag: body.tag, personaId: body.persona_id,
      notificationType: body.notification_type, reactions: {},
      // The Send API's reply_to is beside the message, not in it.
      replyTo: parse(body.reply_to)?.mid,
    };
    item.text = summary(item.message);
    if (item.refused) { this.push(t, item); return; }
    t.typing = false; // a message ends the typing indicator, as in Messenger
    this.push(t, item);
  }

  userAction(ev) {
    const psid = ev.psid;
    if (!psid) return;
    const t = this.thread(ev.page_id, psid);
    const e = ev.detail?.event || {};
    const action = actionOf(ev);
    const base = { from: 'user', seq: ev.seq, time: ev.time, reactions: {}, violations: ev.violations || [] };
    if (e.message && !e.message.is_echo) {
      const m = e.message;
      const item = { ...base, kind: 'message', mid: m.mid || ev.mid, message: m, quickReply: !!m.quick_reply };
      item.text = summary(m);
      this.push(t, item);
      return;
    }
    if (e.postback) {
      const item = { ...base, kind: 'postback', mid: e.postback.mid || ev.mid, message: { text: e.postback.title || e.postback.payload || 'Get Started' },
        postback: e.postback, action };
      item.text = item.message.text;
      this.push(t, item);
      return;
    }
    if (e.reaction) {
      const target = t.byMid.get(e.reaction.mid);
      if (target) {
        target.reactions = { ...target.reactions, user: e.reaction.action === 'unreact' ? undefined : (e.reaction.emoji || e.reaction.reaction) };
        t.dirty.add(target);
        this.touch(t, { time: ev.time });
      }
      return;
    }
    if (e.read) { t.read = Math.max(t.read, e.read.watermark || 0); this.touch(t, { time: ev.time }); return; }
    // A delivery (slim from the stream: no detail) changes nothing drawn
    // but the thread's last activity.
    if (e.delivery || (ev.kind === 'receipt' && ev.api === 'message_deliveries' && ev.slim)) {
      this.touch(t, { time: ev.time });
      return;
    }
    if (e.message_edit) {
      const target = t.byMid.get(e.message_edit.mid);
      if (target) {
        target.message = { ...target.message, text: e.message_edit.text };
        target.edited = true;
        t.dirty.add(target);
        this.touch(t, { time: ev.time });
      }
      return;
    }
    if (action === 'log_in') {
      // The tap fires nothing: the bot's login page opened.
      let host = '';
      try { host = new URL(ev.request?.url).host; } catch { /* no URL kept */ }
      this.push(t, { ...base, kind: 'notice', text: `Tapped Log In${host ? ': ' + host + ' opened' : ''}` });
      return;
    }
    if (e.optin || e.referral || e.messaging_feedback || e.account_linking) {
      const what = e.optin ? (e.optin.type === 'one_time_notif_req' ? 'Asked to be notified' : 'Opted in')
        : e.referral ? `Opened the thread (${e.referral.source || 'referral'}${e.referral.ref ? ' · ' + e.referral.ref : ''})`
          : e.messaging_feedback ? 'Gave feedback' : `Account ${e.account_linking.status || 'linking'}`;
      this.push(t, { ...base, kind: 'notice', text: what });
    }
  }

  /** delivery marks the user's messages and taps a webhook POST carried
   *  with how it went: the thread says which ones the bot has not had. */
  delivery(ev) {
    const d = ev.detail || {};
    if (!d.outcome) return;
    for (const e of ev.request?.entry || []) {
      for (const m of [...(e.messaging || []), ...(e.standby || [])]) {
        const mid = m.message?.mid || m.postback?.mid;
        if (!mid || m.message?.is_echo) continue;
        const t = this.threads.get((e.id || ev.page_id) + '|' + m.sender?.id);
        const it = t?.byMid.get(mid);
        if (!it || it.from !== 'user') continue;
        it.hook = { seq: ev.seq, outcome: d.outcome, attempt: d.attempt, error: d.error };
        t.dirty.add(it);
        this.changed.add(t.key);
      }
    }
  }

  /** botHandover: the bot's own handover calls (the bot is told nothing
   *  of them, so no handover event follows) are notices in the thread. */
  botHandover(ev) {
    if (!ev.psid || ev.accepted === false || ev.method !== 'POST') return;
    const call = /\/(\w+)_thread_control$/.exec(ev.path || '')?.[1];
    const text = { pass: `The bot passed the thread to ${appInWords(String(parse(ev.request?.target_app_id) ?? ''))}`,
      take: 'The bot took the thread', request: 'The bot asked for the thread', release: 'The bot released the thread' }[call];
    if (!text) return;
    const t = this.thread(ev.page_id, ev.psid);
    this.push(t, { kind: 'notice', from: 'platform', seq: ev.seq, time: ev.time, text, reactions: {} });
  }

  handover(ev) {
    if (!ev.psid) return;
    const t = this.thread(ev.page_id, ev.psid);
    const e = ev.detail?.event || {};
    const c = e.pass_thread_control || e.take_thread_control;
    const text = e.pass_thread_control ? `Thread passed to ${appInWords(c.new_owner_app_id)}`
      : e.take_thread_control ? `Thread taken by ${appInWords(c.new_owner_app_id)}`
        : e.request_thread_control ? `${capital(appInWords(e.request_thread_control.requested_owner_app_id))} asked for the thread`
          : `Thread control: ${ev.detail?.action || ev.api}`;
    this.push(t, { kind: 'notice', from: 'platform', seq: ev.seq, time: ev.time, text, reactions: {} });
  }

  /** unread: Page messages newer than the user's read watermark. */
  unread(t) {
    let n = 0;
    for (let i = t.items.length - 1; i >= 0; i--) {
      const it = t.items[i];
      if (it.from === 'user' && it.kind !== 'notice') break;
      if (it.from === 'page' && !it.refused && Date.parse(it.time) > t.read) n++;
    }
    return n;
  }
}

/** The Page Inbox's app id: the platform's, the same for every Page. */
export const PAGE_INBOX_APP_ID = '263902037430900';

/** appInWords names an app of the Page's handover roles in a sentence. */
function appInWords(id) {
  return String(id) === PAGE_INBOX_APP_ID ? 'the Page Inbox' : `app ${id}`;
}

function capital(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

/** summary is a one-line text for a message: the user list's last line. */
export function summary(m) {
  if (!m) return '';
  if (typeof m.text === 'string' && m.text) return m.text;
  const a = m.attachment || (m.attachments && m.attachments[0]);
  if (!a) return '';
  if (a.type === 'template') {
    const pl = a.payload || {};
    return pl.text || pl.title || pl.elements?.[0]?.title || `[${pl.template_type || 'template'}]`;
  }
  return `[${a.type}]`;
}

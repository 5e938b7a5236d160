// The inspector: every journal event in order, newest at the bottom, each
// expandable to its JSON; refused requests red with their violations,
// warnings amber.
import { h, clear, json, fmtTime, fmtFull } from './dom.js';
import { problems, KEEP_EVENTS } from './model.js';
import { errorText } from './render.js';
import { get } from './api.js';

/** rows drawn at first; older ones come with "show earlier". */
const WINDOW = 200;

export class Inspector {
  constructor(model, opts) {
    this.model = model;
    this.opts = opts;
    this.list = document.getElementById('events');
    this.pending = [];
    this.shown = WINDOW;
    this.psid = '';
    // The list (#events) scrolls; it follows the newest event while the
    // reader is at its end, never when they scrolled up to read one.
    this.stick = true;
    this.list.addEventListener('scroll', () => {
      this.stick = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 30;
    }, { passive: true });
    new ResizeObserver(() => this.follow()).observe(this.list); // the tab shown again, the window resized
    for (const id of ['f-kind', 'f-user', 'f-problems']) document.getElementById(id).addEventListener('change', () => this.refilter());
  }

  reset(model) { this.model = model; this.refilter(); }

  setUser(psid) {
    this.psid = psid;
    if (document.getElementById('f-user').value === '@current') this.refilter();
  }

  filter() {
    const kind = document.getElementById('f-kind').value;
    const user = document.getElementById('f-user').value;
    const prob = document.getElementById('f-problems').checked;
    return ev => {
      if (kind && ev.kind !== kind) return false;
      if (user === '@current' && ev.psid !== this.opts.currentUser()) return false;
      if (user && user !== '@current' && ev.psid !== user) return false;
      if (prob) { const p = problems(ev); if (!p.refused && !p.warnings.length && !p.errors.length && !p.alert) return false; }
      return true;
    };
  }

  add(evs) { this.pending.push(...evs); }

  /** users lists the Page's users in the user filter; a filter on a user
   *  who is gone lets go, and the list is drawn again. */
  users(list) {
    const sel = document.getElementById('f-user');
    const keep = sel.value;
    sel.replaceChildren(h('option', { value: '' }, 'all users'), h('option', { value: '@current' }, 'this user'),
      ...list.map(u => h('option', { value: u.psid }, u.name)));
    sel.value = [...sel.options].some(o => o.value === keep) ? keep : '';
    if (sel.value !== keep) this.refilter();
  }

  /** renamed writes the rows' summaries again once users' names are
   *  known: the rows opened, focus and the place read stay as they are
   *  (drawing the list anew closed them and jumped to the newest). */
  renamed() {
    for (const li of this.list.querySelectorAll(':scope > li.ev')) {
      const ev = this.model.bySeq(+li.dataset.seq);
      const what = li.querySelector(':scope > details > summary > .what');
      if (ev && what) what.textContent = this.summary(ev);
    }
  }

  /** flush draws the events added since the last draw. */
  flush() {
    if (!this.pending.length) return;
    const keep = this.filter();
    const frag = document.createDocumentFragment();
    // Only the newest rows are drawn: more would be removed at once.
    for (const ev of this.pending.filter(keep).slice(-this.shown)) frag.append(this.row(ev));
    this.pending = [];
    this.list.append(frag);
    const rows = this.list.querySelectorAll(':scope > li.ev');
    for (let i = 0; i < rows.length - this.shown; i++) rows[i].remove();
    this.moreButton();
    this.follow();
  }

  /** retime writes each row's time again once the virtual clock has moved
   *  to another day ("14:05" becomes "12-05 14:05"). */
  retime() {
    for (const el of this.list.querySelectorAll('time[datetime]')) el.textContent = fmtTime(el.dateTime, this.model.now);
  }

  /** follow shows the newest event while the list sticks to its end. */
  follow() { if (this.stick) this.list.scrollTop = this.list.scrollHeight; }

  refilter() {
    this.pending = [];
    clear(this.list);
    const keep = this.filter();
    const all = this.model.events.filter(keep);
    const frag = document.createDocumentFragment();
    for (const ev of all.slice(-this.shown)) frag.append(this.row(ev));
    this.list.append(frag);
    this.moreButton();
    this.stick = true;
    this.follow();
  }

  moreButton() {
    this.list.querySelector(':scope > li.more')?.remove();
    const hidden = this.model.events.filter(this.filter()).length - this.list.querySelectorAll(':scope > li.ev').length;
    if (hidden > 0) {
      this.list.prepend(h('li', { class: 'more' }, h('button', { type: 'button', onclick: () => this.showEarlier() }, `show ${hidden} earlier events`)));
    } else if (this.model.dropped > 0) {
      this.list.prepend(h('li', { class: 'more muted' }, `Events before #${this.model.events[0]?.seq} are no longer kept by this page (it keeps the newest ${KEEP_EVENTS.toLocaleString('en')}); the journal API has them while the journal keeps them.`));
    } else if (this.model.journalFirst > 1) {
      this.list.prepend(h('li', { class: 'more muted' }, `Earlier history was dropped by the retention setting: the journal keeps events from #${this.model.journalFirst} on.`));
    }
  }

  /** reveal shows the event seq: drawn (the filters let go of if they
   *  hide it, older rows drawn if it is among them), opened, in view. An
   *  event this page no longer keeps is read from the journal (gone). */
  reveal(seq) {
    const ev = this.model.bySeq(seq);
    if (!ev) { this.gone(seq); return; }
    if (!this.filter()(ev)) {
      document.getElementById('f-kind').value = '';
      document.getElementById('f-user').value = '';
      document.getElementById('f-problems').checked = false;
    }
    const all = this.model.events.filter(this.filter());
    const at = all.findIndex(ev => ev.seq === seq);
    if (at < 0) return;
    this.shown = Math.max(this.shown, all.length - at);
    this.refilter();
    const li = this.list.querySelector(`:scope > li.ev[data-seq="${seq}"]`);
    if (!li) return;
    this.stick = false;
    li.querySelector('details').open = true;
    li.scrollIntoView({ block: 'start' });
    li.classList.remove('flash'); void li.offsetWidth; li.classList.add('flash');
    li.querySelector('summary').focus();
  }

  /** gone shows, above the list, an event this page let go of (it keeps
   *  the newest KEEP_EVENTS): its JSON as the journal has it, or the
   *  journal's word that its retention dropped it too. The filters stay. */
  gone(seq) {
    this.list.querySelector(':scope > li.gone')?.remove();
    const box = h('div', { class: 'ev-body muted' }, 'loading…');
    const li = h('li', { class: 'gone', tabindex: '-1', dataset: { seq } },
      h('div', { class: 'gone-head' }, `#${seq} is no longer kept by this page (it keeps the newest ${KEEP_EVENTS.toLocaleString('en')} events); the journal's copy:`,
        h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => li.remove() }, '✕')), box);
    this.list.prepend(li);
    this.stick = false;
    this.list.scrollTop = 0;
    li.focus();
    get(`journal/${seq}`).then(full => box.replaceWith(this.bodyOf(full, problems(full))),
      err => box.replaceWith(h('div', { class: 'ev-body v-error' }, err.message)));
  }

  /** showEarlier draws more of the older events above, the row the
   *  reader was at staying where it was. */
  showEarlier() {
    const top = this.list.getBoundingClientRect().top;
    const at = [...this.list.querySelectorAll(':scope > li.ev')].find(li => li.getBoundingClientRect().bottom > top);
    const seq = at?.dataset.seq, off = at ? at.getBoundingClientRect().top - top : 0;
    this.shown += WINDOW * 5;
    this.refilter();
    this.stick = false;
    const again = seq && this.list.querySelector(`:scope > li.ev[data-seq="${seq}"]`);
    if (again) this.list.scrollTop += again.getBoundingClientRect().top - this.list.getBoundingClientRect().top - off;
    else this.list.scrollTop = 0;
  }

  row(ev) {
    const p = problems(ev);
    const cls = p.refused ? 'refused' : (p.warnings.length || p.alert) ? 'warned' : '';
    const det = h('details', { class: 'ev-details' });
    det.append(h('summary', null,
      h('span', { class: 'seq' }, `#${ev.seq}`),
      h('span', { class: `kind k-${ev.kind}` }, ev.kind),
      h('span', { class: 'what' }, this.summary(ev)),
      ev.status ? h('span', { class: `status s${String(ev.status)[0]}` }, String(ev.status)) : null,
      h('time', { class: 'muted', datetime: ev.time, title: fmtFull(ev.time) }, fmtTime(ev.time, this.model.now))));
    det.addEventListener('toggle', () => { if (det.open && det.childElementCount === 1) det.append(this.body(ev, p)); }, { once: false });
    const li = h('li', { class: `ev ${cls}`, dataset: { seq: ev.seq, kind: ev.kind } }, det);
    if (p.errors.length || p.warnings.length) li.append(this.violations(ev, [...p.errors, ...p.warnings]));
    return li;
  }

  summary(ev) {
    const who = ev.psid ? this.opts.userName(ev.psid) : '';
    const d = ev.detail || {};
    switch (ev.kind) {
      case 'request': {
        const v = /^\/(v\d+\.\d+)\//.exec(ev.path || '');
        return `${ev.method || ''} ${ev.path || ''}${v ? '' : ''} · ${ev.api || ''}${who ? ' → ' + who : ''}${ev.request?.sender_action ? ' · ' + ev.request.sender_action : ''}${d.latency_ms !== undefined ? ` · ${d.latency_ms} ms` : ''}`;
      }
      case 'user_action': case 'receipt': {
        const e = d.event || {};
        // A message without text says what it carries: [image], [file]…
        const atts = e.message?.attachments?.map(a => `[${a.type}]`).join(' ');
        const text = e.message?.text ?? atts ?? e.postback?.title ?? e.reaction?.emoji ?? '';
        // Cut by code points: half an emoji draws as "�".
        return `${who} · ${d.action || ev.api}${text ? ' “' + Array.from(String(text)).slice(0, 40).join('') + '”' : ''}`;
      }
      case 'webhook':
        // Events of a thread another app owns go to the bot as standby.
        return `→ bot ${ev.api || ''}${ev.request?.entry?.some?.(e => e.standby) ? ' (standby)' : ''}${d.attempt ? ' · attempt ' + d.attempt : ''}${d.outcome ? ' · ' + d.outcome : ''}${d.latency_ms !== undefined ? ` · ${d.latency_ms} ms` : ''}${d.error ? ' · ' + d.error : ''}`;
      case 'control': {
        // The clock's change says by how much, a webhook's where to.
        const advanced = d.advanced || d.data?.advanced;
        return `${d.change || ev.api || ''}${advanced ? ' +' + advanced : ''}${d.change === 'webhook' && d.data?.url ? ' ' + d.data.url : ''}`;
      }
      case 'alert':
        return d.message || d.alert || ev.api || '';
      case 'fault':
        return `fault ${d.rule_id || ''} ${d.error || ''}`;
    }
    return ev.api || '';
  }

  violations(ev, vs) {
    return h('ul', { class: 'violations' }, vs.map(v => h('li', { class: v.severity === 'warning' ? 'warning' : 'error' },
      h('button', { type: 'button', class: 'violation', title: 'show the message', onclick: () => this.opts.highlight(ev.seq, ev.psid) },
        h('code', { class: 'v-path' }, v.path || '(request)'), ' ', h('span', { class: 'v-rule' }, v.rule),
        v.limit !== undefined && v.limit !== null && v.limit !== '' ? h('span', { class: 'v-limit' }, ` limit ${v.limit}`) : null),
      v.detail ? h('div', { class: 'v-detail' }, v.detail) : null,
      v.error ? h('div', { class: 'v-error' }, errorText(v.error)) : null,
      v.source ? h('div', { class: 'v-source muted' }, v.source) : null)));
  }

  /** body draws an event's JSON; a slim event (the stream leaves out what
   *  only this view needs: a receipt's webhook item, an accepted answer)
   *  is fetched whole from the journal first. */
  body(ev, p) {
    if (!ev.slim) return this.bodyOf(ev, p);
    const box = h('div', { class: 'ev-body muted' }, 'loading…');
    get(`journal/${ev.seq}`).then(full => box.replaceWith(this.bodyOf(full, problems(full))),
      err => box.replaceWith(h('div', { class: 'ev-body' }, h('div', { class: 'v-detail' }, err.message), this.bodyOf(ev, p))));
    return box;
  }

  bodyOf(ev, p) {
    const parts = [];
    const block = (title, v) => v !== undefined && v !== null ? [h('div', { class: 'jl' }, title), h('pre', { class: 'json' }, json(v))] : null;
    parts.push(block('request', ev.request), block('response', ev.response), block('detail', ev.detail), block('thread', ev.thread));
    if (p.refused && ev.response?.error) parts.unshift(h('div', { class: 'v-error' }, errorText(ev.response.error)));
    return h('div', { class: 'ev-body' }, parts);
  }
}

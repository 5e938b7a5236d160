// The controls: virtual clock, each user's messaging window, webhook,
// receipts, fault rules, rate limits, reset.
import { h, clear, fmtDuration } from './dom.js';
import { get, post, call } from './api.js';

export class Controls {
  constructor(root, opts) {
    this.root = root;
    this.opts = opts;
    this.now = null;
    this.webhook = null;
    this.faults = [];
    // A redraw held back while the user is in the panel (see draw) is
    // owed until focus leaves it. This listener stays for the panel's
    // life: focus moving from one field to another inside the panel
    // passes it by and the next focusout is heard too.
    this.owed = false;
    root.addEventListener('focusout', () => setTimeout(() => {
      if (this.owed && !this.underHands()) this.draw();
    }));
  }

  /** underHands: the user is in the panel (a field, a button), not the
   *  panel itself nor elsewhere. */
  underHands() {
    const a = document.activeElement;
    return a !== this.root && this.root.contains(a);
  }

  async loadClock() { this.now = (await get('clock')).now; }

  async load() {
    const [clock, webhook, faults] = await Promise.all([get('clock'), get('webhook'), get('faults')]);
    this.now = clock.now;
    this.webhook = webhook;
    this.faults = faults.data || faults.faults || (Array.isArray(faults) ? faults : []);
    if (!this.root.hidden) this.draw();
  }

  async run(fn) {
    try { await fn(); await this.load(); this.draw(true); this.opts.redraw(); } catch (err) { this.opts.toast(err.message); }
  }

  /** draw redraws the panel; unless forced (after the user's own action)
   *  it never does so under the user's hands: a field being typed in keeps
   *  its text, and the panel catches up when focus leaves it. */
  draw(force = false) {
    if (!force && this.underHands()) { this.owed = true; return; }
    this.owed = false;
    const r = clear(this.root);
    const now = Date.parse(this.now);
    r.append(h('section', { class: 'ctl' }, h('h3', null, 'Virtual clock'),
      h('p', { class: 'clock-now' }, this.now ? new Date(this.now).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '…'),
      h('form', { class: 'row-form', id: 'advance-form', onsubmit: e => { e.preventDefault(); const d = e.target.elements.d.value.trim(); this.run(() => post('clock/advance', { duration: d })); } },
        h('input', { name: 'd', value: '25h', 'aria-label': 'advance by', size: 6 }), h('button', { type: 'submit', id: 'advance' }, 'Advance')),
      h('div', { class: 'quick' }, ['1h', '23h', '25h', '168h'].map(d => h('button', { type: 'button', onclick: () => this.run(() => post('clock/advance', { duration: d })) }, '+' + d)))));

    const users = this.opts.users();
    r.append(h('section', { class: 'ctl' }, h('h3', null, 'Messaging windows'), h('table', { class: 'windows' },
      h('thead', null, h('tr', null, h('th', null, 'User'), h('th', null, '24 h window'), h('th', null, 'HUMAN_AGENT (7 d)'))),
      h('tbody', null, users.map(u => {
        const li = Date.parse(u.last_interaction || ''), lm = Date.parse(u.last_message || '');
        const w = isNaN(li) ? 'never opened' : li + 864e5 > now ? `open · ${fmtDuration(li + 864e5 - now)} left` : 'closed';
        const ha = isNaN(lm) ? '—' : lm + 7 * 864e5 > now ? `${fmtDuration(lm + 7 * 864e5 - now)} left` : 'closed';
        return h('tr', null, h('td', null, u.name), h('td', { class: w.startsWith('open') ? 'ok' : 'bad' }, w), h('td', null, ha));
      })))));

    const wh = this.webhook || {};
    const demo = (wh.url || '').includes('demo-bot.messemu.invalid');
    r.append(h('section', { class: 'ctl' }, h('h3', null, 'Webhook'),
      h('dl', { class: 'kv' },
        h('dt', null, 'URL'), h('dd', null, wh.url || 'none', demo ? ' (built-in demo bot)' : ''),
        h('dt', null, 'Handshake'), h('dd', { class: wh.verified ? 'ok' : 'bad' }, wh.verified ? 'verified' : 'not verified'),
        h('dt', null, 'State'), h('dd', { class: ['active', 'none'].includes(wh.state) ? '' : 'bad' }, wh.state || ''),
        wh.last_error ? [h('dt', null, 'Last error'), h('dd', { class: 'bad' }, wh.last_error)] : null,
        h('dt', null, 'Deliveries'), h('dd', null, `${wh.delivered ?? 0} delivered · ${wh.failed ?? 0} failed · ${wh.pending ?? 0} pending`
          + (wh.dropped ? ` · ${wh.dropped} dropped (the bot fell behind the retention)` : ''))),
      h('form', { class: 'row-form', onsubmit: e => { e.preventDefault(); const f = e.target.elements;
        this.run(() => call('PUT', 'webhook', { url: f.url.value.trim(), verify_token: f.token.value || undefined })); } },
      h('input', { name: 'url', placeholder: 'https://localhost:3000/webhook', 'aria-label': 'webhook URL', value: demo ? '' : (wh.url || '') }),
      h('input', { name: 'token', placeholder: 'verify token', 'aria-label': 'verify token', size: 10 }),
      h('button', { type: 'submit' }, 'Set')),
      h('div', { class: 'quick' },
        h('button', { type: 'button', onclick: () => this.run(() => post('webhook/verify')) }, 'Run handshake'),
        // Whatever runs the bot (the demo bot, a webhook, none): the
        // platform's echo and delivery of each accepted send.
        h('label', { title: 'after each accepted send, its echo and delivery: journalled, and posted to a subscribed webhook' },
          h('input', { type: 'checkbox', id: 'receipts', checked: !!wh.receipts,
            onchange: e => this.run(() => post('receipts', { enabled: e.target.checked })) }), ' automatic receipts (echoes, deliveries)'))));

    r.append(h('section', { class: 'ctl' }, h('h3', null, 'Fault rules'),
      this.faults.length ? h('ul', { class: 'faults' }, this.faults.map(f => h('li', null,
        h('code', null, f.id), ` ${[f.method, f.api, f.path, f.psid].filter(Boolean).join(' ') || 'every call'} → ${f.error || ''}${f.latency ? ' +' + f.latency : ''}`,
        h('span', { class: 'muted' }, ` applied ${f.applied}${f.times ? '/' + f.times : ''}${f.spent ? ' (spent)' : ''}`),
        h('button', { type: 'button', class: 'icon', 'aria-label': `remove ${f.id}`, onclick: () => this.run(() => call('DELETE', 'faults/' + f.id)) }, '✕'))))
        : h('p', { class: 'muted' }, 'none'),
      h('form', { class: 'row-form wrap', onsubmit: e => { e.preventDefault(); const f = e.target.elements;
        const rule = { api: f.api.value || undefined, error: f.error.value.trim() || undefined, latency: f.latency.value.trim() || undefined, times: f.times.value ? Number(f.times.value) : undefined };
        this.run(() => post('faults', rule)); } },
      h('select', { name: 'api', 'aria-label': 'API' }, ['', 'send', 'user_profile', 'profile', 'personas', 'attachments', 'node'].map(a => h('option', { value: a }, a || 'any API'))),
      h('input', { name: 'error', placeholder: 'error key, e.g. unavailable', 'aria-label': 'error key' }),
      h('input', { name: 'latency', placeholder: 'latency 2s', size: 7, 'aria-label': 'latency' }),
      h('input', { name: 'times', placeholder: 'times', size: 4, type: 'number', min: 0, 'aria-label': 'times' }),
      h('button', { type: 'submit' }, 'Add'))));

    r.append(h('section', { class: 'ctl' }, h('h3', null, 'Emulator'),
      h('div', { class: 'quick' },
        h('button', { type: 'button', onclick: () => this.run(() => post('rate_limits', { enabled: true })) }, 'Rate limits on'),
        h('button', { type: 'button', onclick: () => this.run(() => post('rate_limits', { enabled: false })) }, 'Rate limits off'),
        h('button', { type: 'button', class: 'danger', onclick: () => { if (confirm('Forget every message, user change and setting?')) this.run(() => post('reset')); } }, 'Reset'))));
  }
}

// Messages drawn as Messenger draws them. Every Send API message kind has
// a drawing here; anything unknown is shown as its JSON, never dropped.
import { h, linkify, truncate, avatar, fmtClock, fmtFull, link, safeURL } from './dom.js';
import { BASE } from './api.js';

/** Messenger's cut for quick-reply and button titles (decision D6). */
export const TITLE_CHARS = 20;

export const REACTIONS = ['😆', '😮', '😢', '😠', '👍', '❤️'];

/** item(it, ctx) is one bubble row of the conversation. ctx: { now,
 *  persona(id), act: { postback(title), optin(payload), feedback(tpl),
 *  react(it, emoji), reply(it), logIn(), logOut() }, reveal(seq), pageName }. */
export function item(it, ctx) {
  if (it.kind === 'notice') {
    return h('div', { class: 'notice', dataset: { seq: it.seq } }, it.text, ' · ', h('time', { datetime: it.time, title: fmtFull(it.time) }, fmtClock(it.time)));
  }
  const mine = it.from === 'user';
  const warn = (it.violations || []).filter(v => v.severity === 'warning');
  const row = h('div', {
    class: `row ${mine ? 'from-user' : 'from-page'}${it.refused ? ' refused' : ''}${warn.length ? ' warned' : ''}`,
    dataset: { seq: it.seq, mid: it.mid || '' },
  });
  const persona = !mine && it.personaId ? ctx.persona(it.personaId) : null;
  if (!mine) row.append(pageAvatar(persona, ctx));
  const col = h('div', { class: 'col' });
  if (persona) col.append(h('div', { class: 'persona-name' }, persona.name));
  else if (!mine && it.personaId) col.append(h('div', { class: 'persona-name' }, `persona ${it.personaId}`));
  const replyTo = it.replyTo || it.message?.reply_to?.mid;
  if (replyTo) {
    const quoted = ctx.byMid(replyTo);
    col.append(h('div', { class: 'quoted' }, h('span', { class: 'quoted-label' }, mine ? 'You replied' : 'Replied'),
      h('div', { class: 'quoted-text' }, quoted ? (quoted.text || '[message]') : 'a message')));
  }
  col.append(body(it, ctx));
  const reacts = [it.reactions?.user, it.reactions?.page].filter(Boolean);
  if (reacts.length) col.append(h('div', { class: 'reactions', title: 'reactions' }, reacts.join(' ')));
  const meta = [];
  if (it.refused) {
    // The request, its answer and every violation are in the inspector.
    meta.push(h('button', { type: 'button', class: 'badge bad', title: 'the platform refused this request; the user never saw it: show it in the inspector',
      onclick: () => ctx.reveal?.(it.seq) }, 'Not sent'));
    const err = it.error;
    if (err) meta.push(h('span', { class: 'err-text' }, errorText(err)));
    // Where in the request: the first error is the one answered.
    const at = (it.violations || []).find(v => v.severity !== 'warning' && v.path);
    if (at) meta.push(h('span', { class: 'err-path', title: `rule ${at.rule}${at.detail ? ': ' + at.detail : ''}` }, 'at ', h('code', null, at.path)));
  }
  if (warn.length) {
    meta.push(h('button', { type: 'button', class: 'badge warn', title: warn.map(v => `${v.path}: ${v.detail || v.rule}`).join('\n') + '\n(show it in the inspector)',
      onclick: () => ctx.reveal?.(it.seq) }, `⚠ ${[...new Set(warn.map(v => v.rule))].join(', ')}`));
  }
  const hook = mine && it.hook;
  if (hook && hook.outcome !== 'delivered') {
    // The user's message or tap the bot's webhook has not had (yet).
    meta.push(h('button', { type: 'button', class: `badge ${hook.outcome === 'retry' ? 'warn' : 'bad'}`, title: `${hook.error || ''}\n(show the attempt in the inspector)`.trim(),
      onclick: () => ctx.reveal?.(hook.seq) }, hook.outcome === 'retry' ? `Not at the bot yet: attempt ${hook.attempt || 1} failed, retrying` : 'Never reached the bot'));
  }
  if (it.edited) meta.push(h('span', { class: 'muted' }, 'Edited'));
  const tag = [it.messagingType, it.tag].filter(Boolean).join(' · ');
  if (tag) meta.push(h('span', { class: 'tag', title: 'messaging_type / tag' }, tag));
  meta.push(h('time', { class: 'muted', datetime: it.time, title: fmtFull(it.time) }, fmtClock(it.time)));
  col.append(h('div', { class: 'meta' }, meta));
  row.append(col);
  if (!it.refused && it.mid) row.append(tools(it, ctx));
  return row;
}

/** pageAvatar is who speaks for the Page: a persona's picture (or
 *  initials), else the Page's. */
export function pageAvatar(persona, ctx) {
  return persona && persona.profile_picture_url
    ? h('img', { class: 'avatar avatar-sm persona-pic', src: persona.profile_picture_url, alt: '', referrerpolicy: 'no-referrer', onerror: e => e.target.replaceWith(avatar(persona.name, persona.id, 'sm')) })
    : avatar(persona ? persona.name : ctx.pageName, persona ? persona.id : 'page', 'sm');
}

/** errorText is a Graph error as a developer reads it: code, subcode, text. */
export function errorText(err) {
  const msg = String(err.message || '');
  if (msg.startsWith('(#')) return msg + (err.error_subcode ? ` (subcode ${err.error_subcode})` : '');
  return `(#${err.code}${err.error_subcode ? '/' + err.error_subcode : ''}) ${msg}`;
}

function tools(it, ctx) {
  // One shared picker (app.js) instead of six buttons per message: a long
  // conversation stays light.
  return h('div', { class: 'tools' },
    it.from === 'page' ? h('button', { type: 'button', class: 'icon react-btn', title: 'React', 'aria-label': 'React', 'aria-haspopup': 'menu', onclick: e => ctx.act.pick(it, e.currentTarget) }, '☺') : null,
    h('button', { type: 'button', class: 'icon', title: 'Reply', 'aria-label': 'Reply', onclick: () => ctx.act.reply(it) }, '↩'));
}

/** picker is the reaction menu for one message. */
export function picker(it, ctx, close) {
  return h('div', { class: 'picker', role: 'menu' }, REACTIONS.map(e =>
    h('button', { type: 'button', role: 'menuitem', class: `emoji${it.reactions?.user === e ? ' chosen' : ''}`, title: it.reactions?.user === e ? 'remove your reaction' : `react ${e}`,
      onclick: () => { close(); ctx.act.react(it, e); } }, e)));
}

function body(it, ctx) {
  const m = it.message || {};
  if (it.senderAction && !it.message?.text && !m.attachment) {
    return h('div', { class: 'bubble action' }, `sender_action: ${it.senderAction}`);
  }
  const parts = [];
  if (typeof m.text === 'string' && m.text !== '') parts.push(h('div', { class: `bubble text${it.kind === 'postback' ? ' postback' : ''}` }, linkify(m.text)));
  const atts = m.attachment ? [m.attachment] : (m.attachments || []);
  for (const a of atts) parts.push(attachment(a, it, ctx));
  if (!parts.length) parts.push(h('pre', { class: 'bubble raw' }, JSON.stringify(m)));
  return parts.length === 1 ? parts[0] : h('div', { class: 'stack' }, parts);
}

/** savedURL is where the emulator serves a saved attachment's bytes (or
 *  the URL it was saved from): an asset sent by attachment_id draws from
 *  it. With a control token an <img> cannot send it, and shows why. */
function savedURL(id) { return id ? `${BASE}attachments/${encodeURIComponent(id)}` : ''; }

function attachment(a, it, ctx) {
  const pl = a.payload || {};
  const url = pl.url || pl.src || savedURL(pl.attachment_id);
  switch (a.type) {
    case 'image': return media('img', url, pl, a);
    case 'video': return media('video', url, pl, a);
    case 'audio': return media('audio', url, pl, a);
    case 'file': return link(url, { class: 'bubble file' },
      h('span', { class: 'file-icon', 'aria-hidden': 'true' }, '📄'), fileName(url, pl, a));
    case 'template': return template(pl, it, ctx);
    case 'fallback': return link(url, { class: 'bubble file' }, a.title || url || 'link');
    case 'sticker': return url ? h('img', { class: 'sticker', src: url, alt: 'sticker', referrerpolicy: 'no-referrer' }) : h('div', { class: 'bubble' }, `sticker ${pl.sticker_id || ''}`);
  }
  return h('pre', { class: 'bubble raw' }, JSON.stringify(a));
}

function fileName(url, pl, a) {
  if (a.title) return a.title;
  if (pl.attachment_id && !(pl.url || pl.src)) return `attachment ${pl.attachment_id}`;
  if (url) {
    if (url.startsWith('data:')) return 'attached file';
    try { return decodeURIComponent(new URL(url).pathname.split('/').pop()) || url; } catch { return url; }
  }
  return pl.attachment_id ? `attachment ${pl.attachment_id}` : 'file';
}

function media(tag, url, pl, a) {
  if (!url) return h('div', { class: 'bubble media-placeholder' }, `${a.type} · attachment ${pl.attachment_id || ''}`);
  if (tag === 'img') return link(url, { class: 'media' },
    h('img', { src: url, alt: 'image', loading: 'lazy', referrerpolicy: 'no-referrer',
      onerror: e => e.target.replaceWith(h('span', { class: 'bubble media-placeholder', title: url }, '🖼 image (could not load: open it)')) }));
  return h(tag, { class: `media ${tag}`, src: url, controls: true, preload: 'none', 'aria-label': `${a.type}: ${fileName(url, pl, a)}` });
}

function template(pl, it, ctx) {
  switch (pl.template_type) {
    case 'generic': return carousel(pl, it, ctx);
    case 'button': return h('div', { class: 'card button-template' }, h('div', { class: 'card-text' }, linkify(pl.text || '')), buttons(pl.buttons, it, ctx));
    case 'media': return mediaTemplate(pl, it, ctx);
    case 'receipt': return receipt(pl);
    case 'product': return h('div', { class: 'carousel' }, (pl.elements || []).map(e => {
      // As the catalogue (GET /_messemu/v1/products) describes it.
      const p = ctx.product(e.id) || {};
      return h('div', { class: 'card product' },
        p.image_url ? h('div', { class: 'card-img ratio-square' }, img(p.image_url)) : h('div', { class: 'card-img ratio-square placeholder' }, '🛍'),
        h('div', { class: 'card-body' }, h('div', { class: 'card-title clamp-2' }, p.name || `Product ${e.id}`),
          h('div', { class: 'card-sub' }, p.price || 'from the Page\'s catalogue')));
    }));
    case 'one_time_notif_req': return h('div', { class: 'card otn' }, h('div', { class: 'card-body' },
      h('div', { class: 'card-title' }, pl.title || ''), h('div', { class: 'card-sub' }, 'One-time notification')),
    h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'btn-card', disabled: it.refused, onclick: () => ctx.act.optin(pl.payload) }, 'Notify Me')));
    case 'notification_messages': return h('div', { class: 'card otn' },
      pl.image_url ? h('div', { class: 'card-img ratio-horizontal' }, img(pl.image_url)) : null,
      h('div', { class: 'card-body' }, h('div', { class: 'card-title' }, pl.title || ''), h('div', { class: 'card-sub' }, `${pl.notification_messages_frequency || ''} updates`.trim())),
      h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'btn-card', disabled: true }, pl.notification_messages_cta_text === 'ALLOW' ? 'Allow messages' : 'Get messages')));
    case 'customer_feedback': return h('div', { class: 'card feedback' }, h('div', { class: 'card-body' },
      h('div', { class: 'card-title' }, pl.title || 'Feedback'), pl.subtitle ? h('div', { class: 'card-sub' }, pl.subtitle) : null),
    h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'btn-card', disabled: it.refused, onclick: () => ctx.act.feedback(pl) }, truncate(pl.button_title || 'Give feedback', TITLE_CHARS))));
  }
  return h('pre', { class: 'bubble raw' }, JSON.stringify(pl, null, 1));
}

function img(url) {
  return h('img', { src: url, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer', onerror: e => e.target.classList.add('broken') });
}

function carousel(pl, it, ctx) {
  const ratio = pl.image_aspect_ratio === 'square' ? 'ratio-square' : 'ratio-horizontal';
  const els = pl.elements || [];
  return h('div', { class: 'carousel', tabindex: '0', 'aria-label': `carousel of ${els.length} cards` }, els.map((e, i) => {
    const da = e.default_action;
    const href = safeURL(da?.url);
    const open = href ? () => window.open(href, '_blank', 'noopener') : null;
    // A card that opens a page is a link for the keyboard too.
    const opener = open ? { role: 'link', tabindex: '0', 'aria-label': `${e.title || 'card'}: open ${hostOf(href)}`, onclick: open,
      onkeydown: ev => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(); } } } : {};
    return h('div', { class: 'card', dataset: { card: i } },
      e.image_url ? h('div', { class: `card-img ${ratio}${open ? ' clickable' : ''}`, onclick: open }, img(e.image_url)) : null,
      h('div', { class: `card-body${open ? ' clickable' : ''}`, ...opener },
        h('div', { class: 'card-title clamp-2' }, e.title || ''),
        e.subtitle ? h('div', { class: 'card-sub clamp-2' }, e.subtitle) : null,
        da?.url ? h('div', { class: 'card-url' }, hostOf(da.url)) : null),
      buttons(e.buttons, it, ctx));
  }));
}

function hostOf(u) { try { return new URL(u).host; } catch { return u; } }

function mediaTemplate(pl, it, ctx) {
  const e = (pl.elements || [])[0] || {};
  const url = e.url || savedURL(e.attachment_id);
  const m = e.media_type === 'video'
    ? (url ? h('video', { class: 'media video', src: url, controls: true, preload: 'none', 'aria-label': 'video' }) : null)
    : (url ? img(url) : null);
  return h('div', { class: 'card media-template' },
    m || h('div', { class: 'card-img ratio-horizontal placeholder' }, `${e.media_type || 'media'} · attachment ${e.attachment_id || ''}`),
    buttons(e.buttons, it, ctx));
}

/** buttons of a template: postbacks fire through the control API,
 *  web_url opens a tab, titles over 20 characters are cut (D6). */
export function buttons(list, it, ctx) {
  if (!list || !list.length) return null;
  return h('div', { class: 'buttons' }, list.map(b => {
    const title = truncate(b.title || defaultTitle(b), TITLE_CHARS);
    const full = b.title && Array.from(b.title).length > TITLE_CHARS ? b.title : undefined;
    switch (b.type) {
      case 'web_url': return link(b.url, { class: 'btn-card', title: full }, title);
      case 'phone_number': {
        const tel = safeURL('tel:' + (b.payload || ''), ['tel:']);
        return tel ? h('a', { class: 'btn-card', href: tel, title: full }, title) : h('span', { class: 'btn-card inert', title: full }, title);
      }
      case 'postback': return h('button', { type: 'button', class: 'btn-card', title: full, disabled: it.refused, onclick: () => ctx.act.postback(it, b) }, title);
      // Log In opens the bot's login page with the platform's token;
      // Log Out unlinks, as the platform does.
      case 'account_link': return h('button', { type: 'button', class: 'btn-card', title: full || `log in at ${b.url || ''}`, disabled: it.refused, onclick: () => ctx.act.logIn() }, title);
      case 'account_unlink': return h('button', { type: 'button', class: 'btn-card', title: full, disabled: it.refused, onclick: () => ctx.act.logOut() }, title);
    }
    return h('button', { type: 'button', class: 'btn-card', disabled: true, title: `${b.type}: not emulated in the page` }, title);
  }));
}

function defaultTitle(b) {
  return { account_link: 'Log In', account_unlink: 'Log Out', game_play: 'Play', element_share: 'Share' }[b.type] || b.type;
}

function money(n, cur) {
  if (typeof n !== 'number') return String(n ?? '');
  try { return new Intl.NumberFormat('en', { style: 'currency', currency: cur || 'USD' }).format(n); } catch { return `${n} ${cur || ''}`; }
}

function receipt(pl) {
  const cur = pl.currency;
  const s = pl.summary || {};
  const a = pl.address;
  return h('div', { class: 'card receipt' }, h('div', { class: 'card-body' },
    h('div', { class: 'receipt-head' }, 'Order confirmation'),
    h('dl', { class: 'receipt-meta' },
      h('dt', null, 'Order number'), h('dd', null, pl.order_number || ''),
      pl.recipient_name ? [h('dt', null, 'Recipient'), h('dd', null, pl.recipient_name)] : null,
      pl.payment_method ? [h('dt', null, 'Paid with'), h('dd', null, pl.payment_method)] : null,
      a ? [h('dt', null, 'Ship to'), h('dd', null, [a.street_1, a.street_2, `${a.city || ''} ${a.state || ''} ${a.postal_code || ''}`, a.country].filter(Boolean).join(', '))] : null),
    h('ul', { class: 'receipt-items' }, (pl.elements || []).map(e => h('li', null,
      e.image_url ? img(e.image_url) : null,
      h('div', { class: 'ri-text' }, h('div', { class: 'card-title' }, e.title || ''), e.subtitle ? h('div', { class: 'card-sub' }, e.subtitle) : null,
        e.quantity ? h('div', { class: 'card-sub' }, `Qty ${e.quantity}`) : null),
      h('div', { class: 'ri-price' }, money(e.price, e.currency || cur))))),
    h('dl', { class: 'receipt-sum' },
      s.subtotal !== undefined ? [h('dt', null, 'Subtotal'), h('dd', null, money(s.subtotal, cur))] : null,
      s.shipping_cost !== undefined ? [h('dt', null, 'Shipping'), h('dd', null, money(s.shipping_cost, cur))] : null,
      s.total_tax !== undefined ? [h('dt', null, 'Tax'), h('dd', null, money(s.total_tax, cur))] : null,
      (pl.adjustments || []).map(x => [h('dt', null, x.name), h('dd', null, money(-Math.abs(x.amount), cur))]),
      h('dt', { class: 'total' }, 'Total'), h('dd', { class: 'total' }, money(s.total_cost, cur)))));
}

/** quickReplies: the chips under the last message. */
export function quickReplies(it, ctx) {
  const qrs = it.message?.quick_replies || [];
  return h('div', { class: 'chips', role: 'group', 'aria-label': 'quick replies' }, qrs.map((q, i) => {
    const label = q.content_type === 'user_phone_number' ? 'Phone number' : q.content_type === 'user_email' ? 'Email' : truncate(q.title, TITLE_CHARS);
    const full = q.title && Array.from(q.title).length > TITLE_CHARS ? q.title : undefined;
    return h('button', { type: 'button', class: 'chip', title: full, onclick: () => ctx.act.quickReply(i) },
      q.image_url ? h('img', { src: q.image_url, alt: '', referrerpolicy: 'no-referrer', onerror: e => e.target.remove() }) : null, label);
  }));
}

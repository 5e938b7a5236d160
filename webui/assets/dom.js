// Small DOM helpers: the page builds every element with h(), never with
// innerHTML, so text from the bot can never become markup.

/** h(tag, props, ...children): props are attributes, on* listeners,
 *  class/dataset/style shortcuts; children are nodes, strings or arrays. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k in el && typeof v !== 'string') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** clear removes every child of el. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** linkify turns text into text nodes and links; line breaks stay (CSS
 *  white-space: pre-wrap). */
export function linkify(text) {
  const out = [];
  let last = 0;
  for (const m of String(text).matchAll(URL_RE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** safeURL answers url (normalised) when the page may open it: http and
 *  https, or the schemes given (tel: for a phone button). Anything else a
 *  bot can send (javascript:, data:, relative junk) answers null. */
export function safeURL(url, schemes = ['http:', 'https:']) {
  try {
    const u = new URL(String(url ?? ''));
    return schemes.includes(u.protocol) ? u.href : null;
  } catch { return null; }
}

/** link is an <a> that opens url in a new tab when it is safe (safeURL);
 *  otherwise the same content, inert, its URL in the tooltip. */
export function link(url, props, ...children) {
  const href = safeURL(url);
  if (href) return h('a', { ...props, href, target: '_blank', rel: 'noopener noreferrer' }, ...children);
  return h('span', { ...props, class: `${props?.class || ''} inert`.trim(), title: url ? `not opened (not an http or https link): ${url}` : props?.title }, ...children);
}

/** truncate cuts s to n characters (code points) and adds "…", as
 *  Messenger shows long quick-reply and button titles (decision D6). */
export function truncate(s, n) {
  const cps = Array.from(String(s ?? ''));
  return cps.length > n ? cps.slice(0, n).join('') + '…' : cps.join('');
}

/** initials of a name, for avatars (pictures of test users are never
 *  fetched: they point at the real platform). */
export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/);
  return (parts[0][0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** hue gives a stable colour for a string. */
export function hue(s) {
  let x = 0;
  for (const c of String(s)) x = (x * 31 + c.codePointAt(0)) % 360;
  return x;
}

export function avatar(name, id, size = 'md') {
  return h('span', { class: `avatar avatar-${size}`, style: { backgroundColor: `hsl(${hue(id || name)} 55% 45%)` }, 'aria-hidden': 'true' }, initials(name));
}

/** fmtTime: 14:05, or "Mon 14:05" when not today (virtual clock). */
export function fmtTime(t, now) {
  const d = new Date(t);
  if (isNaN(d)) return '';
  const hm = d.toISOString().slice(11, 16);
  const n = now ? new Date(now) : null;
  if (n && d.toISOString().slice(0, 10) !== n.toISOString().slice(0, 10)) {
    return d.toISOString().slice(5, 10) + ' ' + hm;
  }
  return hm;
}

/** fmtClock: 14:05, the time of day on the virtual clock (UTC). */
export function fmtClock(t) {
  const d = new Date(t);
  return isNaN(d) ? '' : d.toISOString().slice(11, 16);
}

/** fmtFull: "2026-12-05 14:05:09 UTC", for a time's tooltip. */
export function fmtFull(t) {
  const d = new Date(t);
  return isNaN(d) ? '' : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** dayOf: the UTC day of a time, "2026-12-05" ('' when there is none). */
export function dayOf(t) {
  const d = new Date(t);
  return isNaN(d) ? '' : d.toISOString().slice(0, 10);
}

/** fmtDay: "Saturday 5 December 2026", a day of the virtual clock (UTC). */
export function fmtDay(day) {
  return new Date(day + 'T00:00:00Z').toLocaleDateString('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** fmtDuration: "23 h", "45 min", "6 d 3 h". */
export function fmtDuration(ms) {
  const m = Math.max(0, Math.round(ms / 60000));
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** json pretty-prints a value for the inspector. */
export function json(v) {
  try { return JSON.stringify(v, null, 2); } catch { return String(v); }
}

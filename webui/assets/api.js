// The control API, the only way the page acts on the emulator.

export const BASE = '/_messemu/v1/';

/** TOKEN is a control token in the page's hash: #token=… */
const TOKEN = /(?:^#|&)token=([^&]*)/;

/** controlToken is the control API's bearer token when serve runs with
 *  --control-token: the page is opened as /#token=…, which it keeps for
 *  the tab and takes out of the address bar. A token added to the hash of
 *  a page already open (no reload) is taken the same way. */
export let controlToken = takeToken();

function takeToken() {
  const m = location.hash.match(TOKEN);
  if (m) {
    let token = m[1];
    try { token = decodeURIComponent(token); } catch { /* not percent-encoded: as it is */ }
    sessionStorage.setItem('messemu.token', token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('messemu.token') || '';
}

const tokenWatchers = [];

/** onToken calls fn after a token given in the hash of the open page
 *  replaced controlToken. */
export function onToken(fn) { tokenWatchers.push(fn); }

addEventListener('hashchange', () => {
  if (!TOKEN.test(location.hash)) return;
  controlToken = takeToken();
  for (const fn of tokenWatchers) fn();
});

/** ControlError carries the emulator's error message. */
export class ControlError extends Error {}

/** call(method, path, body, pageId) answers the decoded JSON or throws a
 *  ControlError with the emulator's message. */
export async function call(method, path, body, pageId) {
  const url = new URL(BASE + path, location.origin);
  if (pageId) url.searchParams.set('page_id', pageId);
  const init = { method, headers: {} };
  if (controlToken) init.headers.Authorization = `Bearer ${controlToken}`;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const resp = await fetch(url, init);
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { raw: text }; }
  if (!resp.ok) {
    let msg = data?.error?.message || `${method} ${path}: HTTP ${resp.status}`;
    if (resp.status === 403 && msg.includes('--control-token')) msg += ': open this page as /#token=<the token>';
    throw new ControlError(msg);
  }
  return data;
}

export const get = (path, pageId) => call('GET', path, undefined, pageId);
export const post = (path, body, pageId) => call('POST', path, body ?? {}, pageId);

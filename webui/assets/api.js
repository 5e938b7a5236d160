// The control API, the only way the page acts on the emulator.

const BASE = '/_messemu/v1/';

/** ControlError carries the emulator's error message. */
export class ControlError extends Error {}

/** call(method, path, body, pageId) answers the decoded JSON or throws a
 *  ControlError with the emulator's message. */
export async function call(method, path, body, pageId) {
  const url = new URL(BASE + path, location.origin);
  if (pageId) url.searchParams.set('page_id', pageId);
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const resp = await fetch(url, init);
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { raw: text }; }
  if (!resp.ok) {
    const msg = data?.error?.message || `${method} ${path}: HTTP ${resp.status}`;
    throw new ControlError(msg);
  }
  return data;
}

export const get = (path, pageId) => call('GET', path, undefined, pageId);
export const post = (path, body, pageId) => call('POST', path, body ?? {}, pageId);

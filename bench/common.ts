/**
 * What every bench shares: the median (figures are medians of alternated rounds), one JSON call to the
 * service's API, and the answer the verify bench's baselines send.
 * @module
 */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One API request; the answer's JSON (undefined for an empty body), or an error with the status and body. */
export async function api(url: string, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** What a successful verification answers, as the bare route (bench/bare-server.ts) and the floor (bench/floor-server.ts) send it. */
export const VERIFIED = {
  valid: true,
  key_id: 'key_0VbkMotj0JA5WUHfK8rw',
  name: 'bench',
  owner_type: 'user',
  owner_id: 'usr_0VbkMolo0DdKBKdIEQcq',
  role: 'developer',
  scopes: ['billing.read'],
  expires_at: null,
};

/**
 * The console's one way to the service: same-origin fetches of the /v1 API with the session cookie, so
 * everything the console does is an API call the service authorises. Answers are never cached (the service
 * says no-store too). A 401 tells the app the session has ended.
 */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let onSessionEnded: (notice?: string) => void = () => {};

/** Called whenever the service answers 401 (or endSession is called): the session is gone, and the app returns to sign-in. */
export function whenSessionEnds(listener: (notice?: string) => void): void {
  onSessionEnded = listener;
}

/**
 * Ends the console's session from the page, saying why at sign-in: for when the page knows the session's key
 * no longer verifies (its secret was rotated away) before the service has said so. The cookie is cleared by
 * the service on the way (service/console/session-auth.ts).
 */
export async function endSession(notice: string): Promise<void> {
  await api('DELETE', '/v1/console/session').catch(() => undefined);
  onSessionEnded(notice);
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'unavailable', 'The Keyplane service could not be reached.');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string; field?: string } } | undefined;
  if (!res.ok) {
    const error = data?.error;
    if (res.status === 401 && !path.startsWith('/v1/console/sessions')) onSessionEnded();
    throw new ApiFailure(res.status, error?.code ?? 'internal', error?.message ?? `The service answered ${res.status}.`, error?.field);
  }
  return data as T;
}

/** A query string of the set values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

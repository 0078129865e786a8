/**
 * A one-time sign-in link opens the console at `/#sign-in=TOKEN` (service/console/sign-in-link-routes.ts).
 * The token is taken out of the address at once, so it stays in neither the history nor a bookmark.
 */
const PARAMETER = 'sign-in';

export function takeSignInToken(): string | undefined {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get(PARAMETER);
  if (token === null) return undefined;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return token;
}

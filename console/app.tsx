/**
 * The console: sign-in until the service knows the browser (by its session cookie), then its pages.
 * A one-time sign-in link's token is spent first, when the page was opened with one.
 */
import type { Whoami } from '../contract/api';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, api, whenSessionEnds } from './api';
import { ConsolePages } from './console-pages';
import { SignIn } from './sign-in';
import { takeSignInToken } from './sign-in-link';

type State = { phase: 'loading' } | { phase: 'signed-out'; notice?: string } | { phase: 'signed-in'; me: Whoami };

export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });

  async function load(notice?: string) {
    try {
      // Asked first so that a signed-out visit sends no unauthenticated request (which the audit log would record).
      await api('GET', '/v1/console/session');
      setState({ phase: 'signed-in', me: await api<Whoami>('GET', '/v1/whoami') });
    } catch (err) {
      setState({ phase: 'signed-out', notice: notice ?? (err instanceof ApiFailure && err.status !== 401 && err.status !== 404 ? err.message : undefined) });
    }
  }

  useEffect(() => {
    whenSessionEnds((notice) => setState({ phase: 'signed-out', notice: notice ?? 'Your session has ended. Sign in again.' }));
    const token = takeSignInToken();
    if (token === undefined) {
      void load();
      return;
    }
    api('POST', '/v1/console/sessions', { sign_in_token: token }).then(
      () => load(),
      (err) => load(err instanceof ApiFailure ? err.message : String(err)),
    );
  }, []);

  async function signOut() {
    await api('DELETE', '/v1/console/session').catch(() => undefined);
    setState({ phase: 'signed-out', notice: 'You have signed out.' });
  }

  if (state.phase === 'loading') return <p class="loading">Loading…</p>;
  if (state.phase === 'signed-out') return <SignIn notice={state.notice} onSignedIn={() => load()} />;
  const { me } = state;
  return (
    <>
      <header class="top">
        <h1>Keyplane</h1>
        <p class="who">
          {me.principal.name} · {me.effective_role} · key {me.api_key.name}
        </p>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <ConsolePages me={me} />
    </>
  );
}

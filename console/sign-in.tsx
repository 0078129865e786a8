/**
 * Sign-in: paste an API key, which the service exchanges for a session cookie the page cannot read
 * (service/console/session-routes.ts). The key is dropped from the page as soon as it is sent.
 */
import { useState } from 'preact/hooks';
import { type ApiFailure, api } from './api';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';

export function SignIn(props: { onSignedIn: () => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const presented = key.trim();
    setKey('');
    try {
      await api('POST', '/v1/console/sessions', { api_key: presented });
      props.onSignedIn();
    } catch (err) {
      setError(toFailure(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="sign-in">
      <h1>Keyplane</h1>
      <form onSubmit={submit} aria-label="Sign in">
        {props.notice && <p class="notice">{props.notice}</p>}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby="api-key-help"
        />
        <p id="api-key-help" class="help">
          Paste a Keyplane API key (kp_…). The console acts exactly as that key, for as long as it works.
        </p>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

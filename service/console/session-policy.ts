/**
 * How long console sessions and sign-in links live. A session ends at the first of: its idle limit, its
 * absolute lifetime, sign-out, or the moment its key stops verifying (service/keys/verifier.ts).
 * @module
 */

/** A session unused this long has ended; the lower end of what OWASP's session guidance gives for low-risk use. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** However busy, a session ends this long after sign-in: a stolen cookie is worth a working day at most. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** A session's last use is written at most this often, so a busy console costs one write a minute, not one a request. */
export const SESSION_TOUCH_MS = 60 * 1000;

/** A one-time sign-in link works once, within this long of being made. */
export const SIGN_IN_LINK_TTL_MS = 5 * 60 * 1000;

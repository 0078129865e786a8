/**
 * Field limits of the API. The service's schemas (contract/api) are built from these, so a value over a limit
 * is a 400 naming the field; the provider's validators and the CLI's option parsers use the same numbers to
 * refuse it before a request is made.
 * @module
 */

export const LIMITS = {
  /** Names of keys, service accounts, users, allow lists and secrets. */
  name: { min: 1, max: 128 },
  description: { max: 1024 },
  /** Ids in paths and bodies (key_…, sa_…, al_…, sec_…, usr_…). */
  id: { min: 1, max: 64 },
  /** Lists of ids a body names (allow lists of a key). */
  idList: { max: 64 },
  /** A key's own rate limit: at most `max` uses per window of 1 s to 1 day, counted on each node. */
  keyRateLimit: { max: 1_000_000, windowMinSeconds: 1, windowMaxSeconds: 86_400 },
  /** Users named as managers of one service account (its owner is one more). */
  serviceAccountManagers: { max: 32 },
  scopeName: { min: 1, max: 128, pattern: '^[a-z][a-z0-9_-]*(\\.[a-z0-9_*-]+)*$' },
  /** Scopes one key holds or one verify call requires. */
  scopesPerKey: { max: 100 },
  labels: { max: 64, keyPattern: '^[A-Za-z0-9_.:/-]{1,63}$', valueMax: 256 },
  /** `id` filters of a listing: a page of that many named keys answers them all. */
  idFilters: { max: 100 },
  /** `label` filters of a listing (`KEY=VALUE`). */
  labelFilters: { max: 16, textMax: 330 },
  cidr: { textMax: 64 },
  cidrsPerList: { max: 256 },
  email: { min: 3, max: 254, pattern: '^[^\\s@]+@[^\\s@]+$' },
  revokeReason: { min: 1, max: 256 },
  page: { sizeMin: 1, sizeMax: 200, sizeDefault: 50, tokenMax: 200 },
  /** A time given as text (expires_at, since, until). */
  timeText: { max: 64 },
  /**
   * The secret store, checked at write (service/secrets/store.ts) so that no read refuses what a write took:
   * `perWrite` entries set (or removed) by one write, `valueMax` characters a value, `perSecret` entries live
   * in a secret and `bytesPerSecret` UTF-8 bytes of their names and values. The largest version read (values
   * JSON-escaped at worst 6 bytes a byte) stays well under the client's 64 MiB answer limit (client/http.ts).
   */
  secretEntries: {
    perWrite: 256,
    // `__proto__` is refused: JSON readers (Fastify's body parser, JavaScript objects) drop or reject it.
    keyPattern: '^(?!__proto__$)[A-Za-z0-9_.-]{1,128}$',
    keyText: '1 to 128 letters, digits, _ . or -, other than __proto__',
    valueMax: 65536,
    perSecret: 10_000,
    bytesPerSecret: 4 * 1024 * 1024,
  },
  /** Secret versions are PostgreSQL integers. */
  secretVersion: { min: 1, max: 2147483647 },
  /** Rotation: how long the previous secret keeps working after a rotation (0: not at all). */
  rotationOverlap: { maxSeconds: 7 * 86_400 },
  /**
   * `Idempotency-Key` header of creates and rotations: printable ASCII; a key is remembered per principal for
   * `windowSeconds`, and a request repeating it within the window gets the first answer (never a second key).
   */
  idempotencyKey: { min: 1, max: 255, pattern: '^[\\x21-\\x7e]+$', windowSeconds: 86_400 },
  /** An OpenPGP public key given for delivery (armored or base64 of the binary key). */
  pgpPublicKey: { max: 65_536 },
  /** The key given to verify. */
  presentedKey: { max: 256 },
  clientIp: { max: 64 },
  auditAction: { max: 64 },
  auditTarget: { max: 128 },
  /**
   * How deeply a request body's arrays and objects may nest (the body itself is level 1). No request needs
   * more than 3; the limit exists so a body of 8,000 nested arrays is a 400, not work for every recursive check.
   */
  jsonDepth: { max: 32 },
} as const;

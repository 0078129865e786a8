/**
 * @module keyplane/api-key/schema
 * The `keyplane_api_key` schema. Plan behaviour is declared here: what replaces the key (owner, role,
 * keepers, pgp_key, where the secret goes), what keeps its value once set (id, creation facts, the secret and
 * its delivered forms). Rotation (the rotation block, secret_version) is planned in resource.ts's modifyPlan.
 */
import {
  types as T,
  type Value,
  mapAttr,
  requiresReplace,
  requiresReplaceIf,
  numberAttr,
  resourceSchema,
  rfc3339,
  setAttr,
  singleBlock,
  stringAttr,
  useStateForUnknown,
  type StateOf,
} from '../../sdk';
import { LIMITS, descriptionLength, entryKey, integerBetween, labelLimits, nameLength, roleChoice } from '../limits';
import { rotationDuration } from './rotation';

export const DEFAULT_ENTRY_KEY = 'api_key';
export const DEFAULT_RATE_LIMIT_WINDOW_SECONDS = 60;
export const DEFAULT_ROTATION_OVERLAP = '24h';
const OVERLAP_MAX_HOURS = LIMITS.rotationOverlap.maxSeconds / 3600;

export const apiKeySchema = resourceSchema({
  description:
    'A Keyplane API key. The service delivers its secret once, at creation or rotation, to exactly one place: the state (secret), a PGP public key (encrypted_secret) or a secret-store entry. With pgp_key or output_to_secret_store the provider never sees the plaintext. Each create carries an Idempotency-Key kept in private state, so a lost answer is retried without a second key, and a create that still ends without an answer leaves a tainted instance whose next refresh finds the key it may have made (and the replacement deletes it).',
  attributes: {
    id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'The key id (key_…); import takes it.' }),
    name: stringAttr({ required: true, validators: [nameLength()], description: 'Name of the key. Changed in place.' }),
    description: stringAttr({
      optional: true,
      computed: true,
      default: '',
      validators: [descriptionLength()],
      description: 'Free text. Changed in place; empty when not given.',
    }),
    service_account_id: stringAttr({
      optional: true,
      planModifiers: [requiresReplace()],
      description: 'Service account that owns the key; unset, the key belongs to the calling user. Changing it replaces the key.',
    }),
    role: stringAttr({
      optional: true,
      computed: true,
      validators: [roleChoice()],
      planModifiers: [useStateForUnknown(), requiresReplace()],
      description: "Role of the key: admin, developer or viewer; unset, the owner's role. Changing it replaces the key.",
    }),
    scopes: setAttr(T.string, {
      optional: true,
      computed: true,
      default: [],
      description: 'Scopes granted to the key, checked against the scope catalogue at plan. Changed in place.',
    }),
    expires_at: stringAttr({
      optional: true,
      validators: [rfc3339()],
      description:
        'When the key stops working (RFC 3339, any offset). Compared as an instant, so another spelling of the same time is no change; it must be in the future. Changed in place.',
    }),
    allow_list_ids: setAttr(T.string, {
      optional: true,
      computed: true,
      default: [],
      description: 'IP allow lists (al_…) the key may be used from; checked at plan. Changed in place.',
    }),
    labels: mapAttr(T.string, {
      optional: true,
      computed: true,
      default: {},
      validators: [labelLimits()],
      description:
        'Labels of the key (string keys and values), for finding it: the keyplane_api_keys data source and keyplane api-key list filter by them. Changed in place.',
    }),
    keepers: mapAttr(T.string, {
      optional: true,
      planModifiers: [requiresReplace()],
      description:
        'Arbitrary values kept in state only; any change replaces the key (a new key id). To keep the id and change only the secret, use the rotation block.',
    }),
    pgp_key: stringAttr({
      optional: true,
      planModifiers: [replacesUnlessUndelivered()],
      description:
        'One OpenPGP public key, ASCII-armored or base64 of the binary key. The service encrypts the secret to it and returns only the encrypted message (encrypted_secret); the plaintext never reaches Terraform. Checked at plan; changing it replaces the key, since the provider cannot re-encrypt a secret it never sees (an imported key adopts it in place: its secret cannot be delivered).',
    }),
    display_prefix: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'The first and last characters of the current secret, for recognising it; a rotation changes it.',
    }),
    created_at: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'When the key was created (RFC 3339, UTC).' }),
    created_by: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'Id of the user or service account whose key created this key.',
    }),
    status: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'active, revoked or expired. A key revoked or expired outside Terraform is planned for replacement.',
    }),
    secret: stringAttr({
      computed: true,
      sensitive: true,
      planModifiers: [useStateForUnknown()],
      description: 'The key itself, stored in state in plaintext. Set only when neither pgp_key nor output_to_secret_store is given; null after import.',
    }),
    encrypted_secret: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'With pgp_key: the key as an ASCII-armored OpenPGP message to that public key.',
    }),
    key_fingerprint: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'With pgp_key: the fingerprint of the recipient key.' }),
    secret_store_version_id: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description:
        'With output_to_secret_store: the secret version that first held the key (written by the service with the key, in one transaction), as SECRET_ID/VERSION. Deleting the key removes its entry from the secret (a new version without it; other entries stay).',
    }),
    secret_version: numberAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description:
        'Which secret of the key is current: 1 at creation, one more at each rotation. Unknown in a plan that rotates. A version other than the one Terraform delivered (a rotation done outside Terraform, or one Terraform started whose answer was lost) shows here at refresh and plans a rotation, so the delivered secret is again one Terraform knows.',
    }),
    rotated_at: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'When the key was last rotated (RFC 3339, UTC); null before its first rotation.',
    }),
    previous_secret_expires_at: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'Until when the secret before the last rotation still works (the rotation overlap); null when no previous secret works.',
    }),
  },
  blocks: {
    rate_limit: singleBlock(
      {
        attributes: {
          limit: numberAttr({
            required: true,
            validators: [integerBetween(1, LIMITS.keyRateLimit.max)],
            description: `Uses allowed per window, on each node of the service (1 to ${LIMITS.keyRateLimit.max}).`,
          }),
          // Optional with a default: a block whose attributes are all required is a required block in CDK bindings.
          window_seconds: numberAttr({
            optional: true,
            computed: true,
            default: DEFAULT_RATE_LIMIT_WINDOW_SECONDS,
            validators: [integerBetween(LIMITS.keyRateLimit.windowMinSeconds, LIMITS.keyRateLimit.windowMaxSeconds)],
            description: `The window in seconds (${LIMITS.keyRateLimit.windowMinSeconds} to ${LIMITS.keyRateLimit.windowMaxSeconds}, default ${DEFAULT_RATE_LIMIT_WINDOW_SECONDS}); windows start at whole multiples of it.`,
          }),
        },
      },
      {
        description:
          'Limit the key to `limit` uses per window: past it, the service answers the key 429 rate_limited and verify answers rate_limited until the window ends. Counted on each node. Changed in place; removing the block removes the limit.',
      },
    ),
    output_to_secret_store: singleBlock(
      {
        attributes: {
          secret_id: stringAttr({
            required: true,
            description: 'The Keyplane secret (sec_…) to write the key to; the provider key must be allowed to write it.',
          }),
          entry_key: stringAttr({
            optional: true,
            computed: true,
            default: DEFAULT_ENTRY_KEY,
            validators: [entryKey()],
            description: `Entry of the secret version holding the key. Default "${DEFAULT_ENTRY_KEY}".`,
          }),
        },
      },
      {
        description:
          'The service writes the key as one entry of a Keyplane secret (a new version), in the same transaction as the key, instead of returning it: the plaintext never reaches Terraform. Keys sharing a secret each write their own entry_key; deleting a key removes only its entry. Changing secret_id or entry_key, adding or removing the block replaces the key (a new key written to the new place; the old key, and with it its entry, deleted), since the provider cannot move a secret it never sees. Conflicts with pgp_key.',
      },
    ),
    rotation: singleBlock(
      {
        attributes: {
          triggers: mapAttr(T.string, {
            optional: true,
            description:
              'Arbitrary values kept in state; any change rotates the key in place (same id, a new secret delivered where this key delivers), unlike keepers, which replace it. Adding or removing the rotation block itself does not rotate. A map known only at apply (built from another resource) plans the secret outputs as unknown, and the apply rotates only if the map then differs.',
          }),
          overlap: stringAttr({
            optional: true,
            computed: true,
            default: DEFAULT_ROTATION_OVERLAP,
            validators: [rotationDuration(0, LIMITS.rotationOverlap.maxSeconds, `from 0 to ${OVERLAP_MAX_HOURS}h`)],
            description: `How long the previous secret keeps working after a rotation, as "24h", "90m" or "7d" (0 to ${OVERLAP_MAX_HOURS}h, default "${DEFAULT_ROTATION_OVERLAP}"): consumers have that long to pick up the new one.`,
          }),
          rotate_after: stringAttr({
            optional: true,
            validators: [rotationDuration(60, Number.MAX_SAFE_INTEGER, 'at least 1m')],
            description:
              'Rotate once the current secret is this old (from rotated_at, or created_at before the first rotation), as "720h"; unset, only triggers rotate. The age is judged when a plan or apply refreshes the key, as time_rotating does: a saved plan is applied as planned, and a plan with -refresh=false does not rotate by age.',
          }),
        },
      },
      {
        description:
          'Rotation in place: the key keeps its id and settings and gets a new secret, delivered like the first (state, pgp_key or output_to_secret_store); the previous one works for overlap. The plan shows an update with the secret outputs and secret_version unknown.',
      },
    ),
  },
});

export type ApiKeySchema = typeof apiKeySchema;
export type ApiKeyState = StateOf<ApiKeySchema>;

/**
 * True for the state of a key whose secret this configuration never delivered: an imported key (the service
 * shows a secret only at creation). Such a key adopts pgp_key or output_to_secret_store in place; replacing
 * it would rotate a key the user imported to keep.
 */
export function secretUndelivered(state: Value): boolean {
  if (!state.isKnown()) return false;
  return ['secret', 'encrypted_secret', 'secret_store_version_id'].every((n) => state.attr(n).isNull());
}

function replacesUnlessUndelivered() {
  return requiresReplaceIf(
    (req) => !secretUndelivered(req.resourceState),
    'Changing it replaces the key, except on an imported key, whose secret was never delivered.',
  );
}

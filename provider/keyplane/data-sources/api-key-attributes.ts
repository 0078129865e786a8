/**
 * @module keyplane/data-sources/api-key-attributes
 * The attributes of one API key as the data sources show it (everything the service returns except the
 * secret, which it never returns), and the conversion from the client's `ApiKey`.
 */
import { types as T, listAttr, mapAttr, stringAttr, typedAttr } from '../../sdk';
import type { ApiKey } from '../../../client';

export const apiKeyComputedAttributes = {
  name: stringAttr({ computed: true, description: 'Name of the key.' }),
  description: stringAttr({ computed: true, description: "The key's free-text description; empty when none was given." }),
  owner_type: stringAttr({ computed: true, description: 'Kind of principal owning the key: "user" or "service_account".' }),
  owner_id: stringAttr({ computed: true, description: 'Id of the owning user or service account.' }),
  service_account_id: stringAttr({ computed: true, description: 'The owning service account, or null for a user-owned key.' }),
  created_by: stringAttr({ computed: true, description: 'Id of the user or service account whose key created this key.' }),
  role: stringAttr({ computed: true, description: 'Role given to the key: "admin", "developer" or "viewer".' }),
  effective_role: stringAttr({ computed: true, description: "The role the key acts with now: the lowest of its own, its owner's and its creator's." }),
  scopes: listAttr(T.string, { computed: true, description: 'Scopes the key holds, sorted.' }),
  expires_at: stringAttr({ computed: true, description: 'When the key expires (RFC 3339), or null for never.' }),
  allow_list_ids: listAttr(T.string, { computed: true, description: 'IP allow lists the key is restricted to; empty for none.' }),
  labels: mapAttr(T.string, { computed: true, description: 'Labels of the key (string keys and values).' }),
  rate_limit: typedAttr(T.object({ limit: T.number, window_seconds: T.number }), {
    computed: true,
    description: "The key's own rate limit: `limit` uses per `window_seconds`, on each node; null for none.",
  }),
  status: stringAttr({ computed: true, description: '"active", "revoked" or "expired".' }),
  display_prefix: stringAttr({ computed: true, description: 'The first and last characters of the key, for recognising it (never the key).' }),
  created_at: stringAttr({ computed: true, description: 'When the key was created (RFC 3339).' }),
  revoked_at: stringAttr({ computed: true, description: 'When the key was revoked (RFC 3339), or null.' }),
  revoke_reason: stringAttr({ computed: true, description: 'Why the key was revoked, or null.' }),
  last_used_at: stringAttr({
    computed: true,
    description: 'When the key last authenticated a request (RFC 3339), or null if never. Recorded with a short delay.',
  }),
  last_used_ip: stringAttr({
    computed: true,
    description: 'The address Keyplane saw that request come from (for a key checked through verify, the verifying service), or null.',
  }),
  last_used_claimed_ip: stringAttr({
    computed: true,
    description: 'For a last use through verify, the client address the verifying service reported (its claim), or null.',
  }),
} as const;

export function apiKeyValues(k: ApiKey) {
  return {
    name: k.name,
    description: k.description,
    owner_type: k.owner_type,
    owner_id: k.owner_id,
    service_account_id: k.service_account_id,
    created_by: k.created_by,
    role: k.role,
    effective_role: k.effective_role,
    scopes: [...k.scopes].sort(),
    expires_at: k.expires_at,
    allow_list_ids: [...k.allow_list_ids].sort(),
    labels: k.labels,
    rate_limit: k.rate_limit ? { limit: k.rate_limit.limit, window_seconds: k.rate_limit.window_seconds } : null,
    status: k.status,
    display_prefix: k.display_prefix,
    created_at: k.created_at,
    revoked_at: k.revoked_at,
    revoke_reason: k.revoke_reason,
    last_used_at: k.last_used_at,
    last_used_ip: k.last_used_ip,
    last_used_claimed_ip: k.last_used_claimed_ip,
  };
}

/**
 * `ephemeral "keyplane_api_key"`: a short-lived key for one Terraform run, e.g. to configure another
 * provider in CI. Opening creates the key with an expiry `ttl` from now; while Terraform still uses it,
 * renew pushes the expiry out again before it passes; closing revokes it. Terraform opens an ephemeral
 * resource in the plan walk and again in the apply walk, so a plan-and-apply creates (and revokes) two keys.
 * If Terraform dies before closing, the key still expires on its own. Neither the key nor its id enter plan
 * or state.
 */
import {
  types as T,
  type CloseRequest,
  type CloseResponse,
  type EphemeralResource,
  type OpenRequest,
  type OpenResponse,
  type RenewRequest,
  type RenewResponse,
  ephemeralResourceSchema,
  mapAttr,
  setAttr,
  stringAttr,
} from '../../sdk';
import type { CreateApiKeyBody, Role } from '../../../client';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { duration, parseDuration } from './duration';
import { DESCRIPTION_TEXT, descriptionLength, idLength, labelLimits, nameLength, roleChoice } from '../limits';

const DEFAULT_TTL = '15m';
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3_600_000;

export const ephemeralApiKeySchema = ephemeralResourceSchema({
  description:
    'A Keyplane API key that exists for one Terraform run: created when Terraform opens it, with a short expiry that is extended while the run uses it, and revoked when Terraform closes it. It never enters plan or state.',
  attributes: {
    name: stringAttr({ required: true, validators: [nameLength()], description: 'Name of the key (shown in listings and the audit log).' }),
    description: stringAttr({ optional: true, validators: [descriptionLength()], description: `Free text, ${DESCRIPTION_TEXT}.` }),
    service_account_id: stringAttr({
      optional: true,
      validators: [idLength()],
      description: "Service account that owns the key; omit for the provider key's own principal.",
    }),
    role: stringAttr({
      optional: true,
      validators: [roleChoice()],
      description: 'Role of the key: "admin", "developer" or "viewer"; by default the highest the provider\'s key and the owner allow.',
    }),
    scopes: setAttr(T.string, { optional: true, description: 'Scopes the key holds.' }),
    allow_list_ids: setAttr(T.string, { optional: true, description: 'IP allow lists the key is restricted to.' }),
    labels: mapAttr(T.string, { optional: true, validators: [labelLimits()], description: 'Labels of the key; the provider adds none.' }),
    ttl: stringAttr({
      optional: true,
      validators: [duration(MIN_TTL_MS, MAX_TTL_MS, 'must be between 1m and 24h')],
      description: `How long the key lives after it is opened or renewed, such as "15m" (the default) or "1h"; between 1m and 24h. Terraform renews it before it expires while the run still needs it.`,
    }),
    id: stringAttr({ computed: true, description: 'The key id (key_…).' }),
    secret: stringAttr({ computed: true, sensitive: true, description: "The key itself, to pass to another provider's configuration or write-only argument." }),
    expires_at: stringAttr({ computed: true, description: 'When the key expires unless renewed (RFC 3339).' }),
  },
});

type Schema = typeof ephemeralApiKeySchema;
const ATTRIBUTES = Object.keys(ephemeralApiKeySchema.object.attributes);

/** Renew when two thirds of the lifetime have passed, so a slow renew still lands before expiry. */
const renewAt = (ttlMs: number) => new Date(Date.now() + Math.floor((ttlMs * 2) / 3));

export class ApiKeyEphemeralResource extends ConfiguredByProvider implements EphemeralResource<Schema> {
  readonly typeName = 'keyplane_api_key';
  readonly schema = ephemeralApiKeySchema;

  async open(req: OpenRequest<Schema>, resp: OpenResponse<Schema>): Promise<void> {
    const c = req.config;
    const ttlMs = parseDuration(c.ttl ?? DEFAULT_TTL)!;
    const body: CreateApiKeyBody = {
      name: c.name,
      expires_at: new Date(Date.now() + ttlMs).toISOString(),
      ...(c.description !== null ? { description: c.description } : {}),
      ...(c.service_account_id !== null ? { service_account_id: c.service_account_id } : {}),
      ...(c.role !== null ? { role: c.role as Role } : {}),
      ...(c.scopes !== null ? { scopes: c.scopes } : {}),
      ...(c.allow_list_ids !== null ? { allow_list_ids: c.allow_list_ids } : {}),
      ...(c.labels !== null ? { labels: c.labels } : {}),
    };
    try {
      const created = await this.client.createApiKey(body);
      resp.result.set({ id: created.api_key.id, secret: created.secret, expires_at: created.api_key.expires_at });
      resp.private.set('key_id', created.api_key.id);
      resp.private.set('ttl_ms', ttlMs);
      resp.renewAt = renewAt(ttlMs);
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Create Ephemeral API Key', `creating API key ${JSON.stringify(c.name)}`, err, { attributes: ATTRIBUTES });
    }
  }

  /** Pushes the expiry out by another ttl. */
  async renew(req: RenewRequest, resp: RenewResponse): Promise<void> {
    const id = req.private.get<string>('key_id');
    const ttlMs = req.private.get<number>('ttl_ms');
    if (id === undefined || ttlMs === undefined) return;
    try {
      await this.client.updateApiKey(id, { expires_at: new Date(Date.now() + ttlMs).toISOString() });
      resp.renewAt = renewAt(ttlMs);
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Renew Ephemeral API Key', `extending the expiry of API key ${id}`, err);
    }
  }

  async close(req: CloseRequest, resp: CloseResponse): Promise<void> {
    const id = req.private.get<string>('key_id');
    if (id === undefined) return;
    try {
      await this.client.revokeApiKey(id, { reason: 'ephemeral key closed by Terraform' });
    } catch (err) {
      if (!isNotFound(err)) addClientError(resp.diagnostics, 'Cannot Revoke Ephemeral API Key', `revoking API key ${id} (it still expires on its own)`, err);
    }
  }
}

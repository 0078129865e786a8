/**
 * @module keyplane/api-key/resource
 * `keyplane_api_key`. Create checks what it can, makes the key, then delivers its secret to exactly one place
 * (state, encrypted_secret, or a secret-store version); when delivery fails the new key is deleted before the
 * error is returned, so no live key is left whose secret nobody has. Read reports a deleted key as gone (to be
 * created again) and a revoked or expired one as it is, which plan turns into a replacement that says why.
 */
import { type ApiKey, type CreateApiKeyBody, KeyplaneApiError, type UpdateApiKeyBody, plaintextSecret } from '../../../client';
import {
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type DeleteResponse,
  type ImportStateRequest,
  type ImportStateResponse,
  type ModifyPlanRequest,
  type ModifyPlanResponse,
  type ReadRequest,
  type ReadResponse,
  type Resource,
  type UpdateRequest,
  type UpdateResponse,
  type ValidateConfigRequest,
  type ValidateConfigResponse,
  Unknown,
  isUnknown,
} from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import {
  checkAllowLists,
  checkDescriptionAndLabels,
  checkExpiryInFuture,
  checkPgpKey,
  checkPgpOrStore,
  checkRoleToManage,
  checkScopes,
  checkSecretWritable,
  checkServiceAccount,
  knownStrings,
} from './plan-checks';
// Expiry compared as the service stores it (milliseconds), so another spelling of the same time plans no change.
import { sameInstant } from '../../../contract/time';
import { encryptTo, parsePgpKey } from './pgp';
import { type ApiKeySchema, type ApiKeyState, DEFAULT_ENTRY_KEY, DEFAULT_RATE_LIMIT_WINDOW_SECONDS, apiKeySchema, secretUndelivered } from './schema';
import { type SecretOutput, destroyVersion, readKey, writeKey } from './secret-output';

type S = ApiKeySchema;

export class ApiKeyResource extends ConfiguredByProvider implements Resource<S> {
  readonly typeName = 'keyplane_api_key';
  readonly schema = apiKeySchema;

  /**
   * The PGP key itself is checked at plan, when it is new or changed: checked here, a key that expired after
   * the API key was made would block every later plan of a configuration that works.
   */
  validateConfig(req: ValidateConfigRequest<S>, resp: ValidateConfigResponse): void {
    // An unknown pgp_key may still turn out null: only a known one conflicts (modifyPlan checks again).
    const { pgp_key: pgp, output_to_secret_store: block } = req.config;
    if (!isUnknown(pgp)) checkPgpOrStore(pgp, isUnknown(block) ? null : block, resp.diagnostics);
  }

  async modifyPlan(req: ModifyPlanRequest<S>, resp: ModifyPlanResponse<S>): Promise<void> {
    const plan = resp.plan;
    if (plan === null || req.config === null) return;
    const { config, state } = req;
    const planned = plan.get();
    const client = this.configuredData?.client;
    checkRoleToManage(this.configuredData?.whoami, state === null || !plan.value.equals(req.rawState), resp.diagnostics);
    checkDescriptionAndLabels(planned.description, planned.labels, resp.diagnostics);

    // expires_at is an instant: another spelling of the prior one keeps the prior (Terraform accepts a prior
    // value planned for a configured one as "functionally equal").
    const exp = config.expires_at;
    if (typeof exp === 'string') {
      if (state !== null && state.expires_at !== null && sameInstant(exp, state.expires_at)) plan.set({ expires_at: state.expires_at });
      else checkExpiryInFuture(exp, resp.diagnostics);
    }

    // Where the secret goes decides which of the secret attributes are set.
    const pgp = config.pgp_key;
    const block = config.output_to_secret_store;
    if (state === null && !isUnknown(pgp) && !isUnknown(block)) {
      const toState = pgp === null && block === null;
      plan.set({
        secret: toState ? Unknown : null,
        encrypted_secret: pgp === null ? null : Unknown,
        key_fingerprint: pgp === null ? null : Unknown,
        secret_store_version_id: block === null ? null : Unknown,
      });
      if (toState) {
        resp.diagnostics.addAttributeWarning(
          [{ attr: 'secret' }],
          'Secret Stored In State',
          'Neither pgp_key nor output_to_secret_store is set, so the key will be stored in the Terraform state in plaintext. Anyone who can read the state can use the key. Set pgp_key or output_to_secret_store to keep it out of state.',
        );
      }
    }
    checkPgpOrStore(isUnknown(pgp) ? null : pgp, isUnknown(block) ? null : block, resp.diagnostics);
    if (typeof pgp === 'string' && (state === null || state.pgp_key !== pgp)) await checkPgpKey(pgp, resp.diagnostics);

    if (state !== null) {
      // An update never changes where the secret went (useStateForUnknown keeps only non-null prior values,
      // and these are null for the outputs not chosen).
      plan.set({
        secret: state.secret,
        encrypted_secret: state.encrypted_secret,
        key_fingerprint: state.key_fingerprint,
        secret_store_version_id: state.secret_store_version_id,
      });
      const undelivered = secretUndelivered(req.rawState);
      if (
        undelivered &&
        ((pgp !== null && !isUnknown(pgp) && state.pgp_key !== pgp) || (block !== null && !isUnknown(block) && state.output_to_secret_store === null))
      ) {
        // An imported key: its secret was shown once, long ago, and cannot be delivered now. Adopting the
        // settings in place keeps the key the user imported; a replacement would rotate it.
        resp.diagnostics.addWarning(
          'Secret Of An Imported Key Is Not Delivered',
          `Key ${state.id} was imported, so its secret cannot be encrypted to pgp_key or written to the secret store: those settings apply to the keys that replace it. To rotate it now, run terraform apply -replace on this resource.`,
        );
      }
      // The block appearing or going away moves the secret between state and the store: a new key. Removing
      // it never copies the secret back into state.
      if (!undelivered && !isUnknown(block) && (block === null) !== (state.output_to_secret_store === null))
        resp.requiresReplace.push([{ attr: 'output_to_secret_store' }]);
      else if (block !== null && !isUnknown(block) && state.output_to_secret_store !== null) {
        const p = planned.output_to_secret_store;
        const moved =
          isUnknown(p) ||
          p === null ||
          isUnknown(p.secret_id) ||
          isUnknown(p.entry_key) ||
          p.secret_id !== state.output_to_secret_store.secret_id ||
          p.entry_key !== state.output_to_secret_store.entry_key;
        if (moved) plan.set({ secret_store_version_id: Unknown });
      }
      // Revoked or expired outside Terraform: the key no longer works, so a new one replaces it.
      if (state.status !== null && state.status !== 'active') {
        plan.set({ status: 'active' });
        resp.requiresReplace.push([{ attr: 'status' }]);
        resp.diagnostics.addAttributeWarning(
          [{ attr: 'status' }],
          state.status === 'revoked' ? 'Key Revoked Outside Terraform' : 'Key Expired Outside Terraform',
          `API key ${state.id} is ${state.status} in the Keyplane service, so it no longer authenticates; Terraform will replace it with a new key.${state.status === 'expired' ? ' Set expires_at to a future time for the new key.' : ''}`,
        );
      }
    }

    if (!client) return;
    const scopes = knownStrings(planned.scopes);
    if (scopes && (state === null || !sameSet(scopes, state.scopes ?? []))) await checkScopes(client, scopes, resp.diagnostics);
    const lists = knownStrings(planned.allow_list_ids);
    if (lists)
      await checkAllowLists(
        client,
        lists.filter((id) => !(state?.allow_list_ids ?? []).includes(id)),
        resp.diagnostics,
      );
    if (state === null && typeof config.service_account_id === 'string')
      await checkServiceAccount(client, config.service_account_id, resp.diagnostics, this.configuredData?.whoami);
    const out = planned.output_to_secret_store;
    if (out !== null && !isUnknown(out) && typeof out.secret_id === 'string' && (state === null || state.output_to_secret_store?.secret_id !== out.secret_id)) {
      await checkSecretWritable(client, out.secret_id, resp.diagnostics);
    }
  }

  async create(req: CreateRequest<S>, resp: CreateResponse<S>): Promise<void> {
    const c = req.config;
    const diags = resp.diagnostics;
    // Everything checkable again, before the key exists: apply may run long after plan.
    const pgp = c.pgp_key === null ? undefined : await parsePgpKey(c.pgp_key);
    if (pgp && !pgp.ok) return diags.addAttributeError([{ attr: 'pgp_key' }], pgp.summary, pgp.detail);
    // The secret's writability was checked at plan; a write that fails now deletes the new key (below).
    const out = outputOf(c);
    const body: CreateApiKeyBody = {
      name: c.name,
      description: c.description ?? '',
      scopes: c.scopes ?? [],
      allow_list_ids: c.allow_list_ids ?? [],
      labels: c.labels ?? {},
      ...(c.service_account_id === null ? {} : { service_account_id: c.service_account_id }),
      ...(c.role === null ? {} : { role: c.role as CreateApiKeyBody['role'] }),
      ...(c.expires_at === null ? {} : { expires_at: c.expires_at }),
      ...(c.rate_limit ? { rate_limit: rateLimitOf(c.rate_limit) } : {}),
    };
    let created;
    try {
      created = await this.client.createApiKey(body);
    } catch (err) {
      // A lost answer (timeout, reset, 5xx after the commit) may hide a created key: the client does not resend
      // a create, so say where to look instead of claiming nothing happened.
      const ambiguous = !(err instanceof KeyplaneApiError) || err.status >= 500;
      return addClientError(diags, 'Cannot Create API Key', `creating API key ${JSON.stringify(c.name)}`, err, {
        attributes: ATTRIBUTES,
        hint: ambiguous
          ? `The service may have created the key before the answer was lost: look for it with \`keyplane api-key list\` (name ${JSON.stringify(c.name)}) and delete it if it is there, then apply again.`
          : undefined,
      });
    }
    const key = created.api_key;
    const delivered: Partial<ApiKeyState> = { secret: null, encrypted_secret: null, key_fingerprint: null, secret_store_version_id: null };
    try {
      if (pgp?.ok) {
        delivered.encrypted_secret = await encryptTo(pgp.key, plaintextSecret(created));
        delivered.key_fingerprint = pgp.fingerprint;
      } else if (out) {
        delivered.secret_store_version_id = await writeKey(this.client, out, plaintextSecret(created));
      } else {
        delivered.secret = created.secret;
      }
    } catch (err) {
      const step = pgp?.ok ? 'Encrypting it to pgp_key' : `Writing it to secret ${out?.secret_id}`;
      const cleanup = await this.discard(key.id);
      diags.addError(
        'Cannot Deliver The API Key Secret',
        `Keyplane created key ${key.id}, but ${step.charAt(0).toLowerCase()}${step.slice(1)} failed: ${messageOf(err)}. ${cleanup} Fix the cause and apply again.`,
      );
      return;
    }
    resp.state.set({ ...stateOf(key, c.expires_at), ...delivered, output_to_secret_store: out ?? null });
  }

  async read(req: ReadRequest<S>, resp: ReadResponse<S>): Promise<void> {
    const id = req.state.id;
    if (id === null)
      return resp.diagnostics.addError(
        'API Key Without Id',
        'The state of this keyplane_api_key holds no id. Remove it from state (terraform state rm) and import the key by id.',
      );
    let key: ApiKey;
    try {
      key = await this.client.getApiKey(id);
    } catch (err) {
      // Only "not found" means gone; a transient or auth error must never plan a second key.
      if (isNotFound(err)) return resp.removeResource();
      return addClientError(resp.diagnostics, 'Cannot Read API Key', `reading API key ${id}`, err);
    }
    resp.state.set(stateOf(key, req.state.expires_at));
  }

  async update(req: UpdateRequest<S>, resp: UpdateResponse<S>): Promise<void> {
    const { config: c, state: s } = req;
    const id = s.id!;
    const body: UpdateApiKeyBody = {};
    if (c.name !== s.name) body.name = c.name;
    if ((c.description ?? '') !== (s.description ?? '')) body.description = c.description ?? '';
    if (!sameSet(c.scopes ?? [], s.scopes ?? [])) body.scopes = c.scopes ?? [];
    if (!sameSet(c.allow_list_ids ?? [], s.allow_list_ids ?? [])) body.allow_list_ids = c.allow_list_ids ?? [];
    if (JSON.stringify(sortedEntries(c.labels ?? {})) !== JSON.stringify(sortedEntries(s.labels ?? {}))) body.labels = c.labels ?? {};
    if (!sameInstant(c.expires_at, s.expires_at)) body.expires_at = c.expires_at;
    if (JSON.stringify(c.rate_limit ? rateLimitOf(c.rate_limit) : null) !== JSON.stringify(s.rate_limit ? rateLimitOf(s.rate_limit) : null))
      body.rate_limit = c.rate_limit ? rateLimitOf(c.rate_limit) : null;
    let key: ApiKey | undefined;
    if (Object.keys(body).length > 0) {
      try {
        key = await this.client.updateApiKey(id, body);
      } catch (err) {
        return addClientError(resp.diagnostics, 'Cannot Update API Key', `changing API key ${id}`, err, { attributes: ATTRIBUTES });
      }
    }
    const expiresAt = sameInstant(c.expires_at, s.expires_at) ? s.expires_at : c.expires_at;
    if (key) resp.state.set(stateOf(key, expiresAt));
    else resp.state.set({ expires_at: expiresAt });

    const out = outputOf(c);
    const prior = s.output_to_secret_store;
    if (out && prior && (out.secret_id !== prior.secret_id || out.entry_key !== prior.entry_key) && s.secret_store_version_id) {
      let written: string | undefined;
      try {
        const secret = await readKey(this.client, s.secret_store_version_id, prior.entry_key ?? DEFAULT_ENTRY_KEY);
        if (secret === undefined)
          throw new Error(`version ${s.secret_store_version_id} no longer holds entry ${prior.entry_key}; replace the key instead (terraform apply -replace)`);
        written = await writeKey(this.client, out, secret);
        await destroyVersion(this.client, s.secret_store_version_id);
        resp.state.set({ secret_store_version_id: written, output_to_secret_store: out });
      } catch (err) {
        // The error keeps the prior state, which does not know the new copy: destroy it, or name it.
        let leftover = '';
        if (written !== undefined) {
          try {
            await destroyVersion(this.client, written);
          } catch (cleanupErr) {
            leftover = ` The copy written to ${written} could not be destroyed (${messageOf(cleanupErr)}): it holds the live key, so destroy that version by hand (keyplane secret destroy-version).`;
          }
        }
        resp.diagnostics.addAttributeError(
          [{ attr: 'output_to_secret_store' }],
          'Cannot Move The API Key Secret',
          `Moving key ${id} from ${s.secret_store_version_id} to secret ${out.secret_id} failed: ${messageOf(err)}. The key is unchanged and still stored at ${s.secret_store_version_id}.${leftover}`,
        );
      }
    } else {
      resp.state.set({ secret_store_version_id: s.secret_store_version_id });
    }
  }

  async delete(req: DeleteRequest<S>, resp: DeleteResponse): Promise<void> {
    const { id, secret_store_version_id: version } = req.state;
    try {
      if (id) await this.client.deleteApiKey(id);
    } catch (err) {
      if (!isNotFound(err)) return addClientError(resp.diagnostics, 'Cannot Delete API Key', `deleting API key ${id}`, err);
    }
    if (!version) return;
    try {
      await destroyVersion(this.client, version);
    } catch (err) {
      resp.diagnostics.addError(
        'Cannot Destroy The Secret Version',
        `Key ${id} is deleted, but destroying secret version ${version} that held it failed: ${messageOf(err)}. The key no longer works; destroy the version by hand (keyplane secret).`,
      );
    }
  }

  importState(req: ImportStateRequest, resp: ImportStateResponse<S>): void {
    resp.state.set({ id: req.id });
    resp.diagnostics.addWarning(
      'API Key Secret Cannot Be Recovered',
      `Keyplane shows a key's secret only once, when it is created, so the imported ${req.id} has a null secret in state, and pgp_key or output_to_secret_store in the configuration are adopted without delivering it. If you need the secret, replace the key (terraform apply -replace).`,
    );
  }

  /** Deletes a key whose secret could not be delivered; says what happened, for the error. */
  private async discard(id: string): Promise<string> {
    try {
      await this.client.deleteApiKey(id);
      return `The new key was deleted, so nothing is left behind.`;
    } catch (err) {
      try {
        await this.client.revokeApiKey(id, { reason: 'terraform: secret not delivered' });
        return `Deleting the new key failed (${messageOf(err)}); it was revoked instead.`;
      } catch {
        return `Deleting the new key failed too (${messageOf(err)}): delete ${id} by hand (keyplane api-key delete ${id}).`;
      }
    }
  }
}

function outputOf(c: ApiKeyState): SecretOutput | undefined {
  const o = c.output_to_secret_store;
  return o ? { secret_id: o.secret_id, entry_key: o.entry_key ?? DEFAULT_ENTRY_KEY } : undefined;
}

/** What the service knows about a key, in state form; expires_at keeps `spelling` when it is the same instant. */
function stateOf(k: ApiKey, spelling: string | null): Partial<ApiKeyState> {
  return {
    id: k.id,
    name: k.name,
    description: k.description,
    service_account_id: k.service_account_id,
    role: k.role,
    scopes: [...k.scopes],
    expires_at: spelling !== null && sameInstant(spelling, k.expires_at) ? spelling : k.expires_at,
    allow_list_ids: [...k.allow_list_ids],
    labels: { ...k.labels },
    rate_limit: k.rate_limit ? { limit: k.rate_limit.limit, window_seconds: k.rate_limit.window_seconds } : null,
    display_prefix: k.display_prefix,
    created_at: k.created_at,
    created_by: k.created_by,
    status: k.status,
  };
}

/** The block as the API takes it. */
function rateLimitOf(block: { limit: number | null; window_seconds: number | null }): { limit: number; window_seconds: number } {
  return { limit: Number(block.limit), window_seconds: Number(block.window_seconds ?? DEFAULT_RATE_LIMIT_WINDOW_SECONDS) };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');
}

function sortedEntries(m: Record<string, string>): [string, string][] {
  return Object.entries(m).sort(([x], [y]) => (x < y ? -1 : 1));
}

const ATTRIBUTES = Object.keys(apiKeySchema.object.attributes);

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

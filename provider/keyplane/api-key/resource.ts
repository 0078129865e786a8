/**
 * @module keyplane/api-key/resource
 * `keyplane_api_key`. Create asks the service to make the key and deliver its secret to exactly one place
 * (the answer, a PGP public key, or a secret-store entry written in the key's own transaction), so in the two
 * delivered modes the provider never holds the plaintext and nothing needs undoing when delivery fails. Each
 * create carries an Idempotency-Key kept in private state: the client retries a lost answer with it, and a
 * create that still ends without an answer leaves a tainted instance (id null) whose next read finds the key
 * that request made. Read reports a deleted key as gone (to be created again) and a revoked or expired one as
 * it is, which plan turns into a replacement that says why. Rotation (rotation.ts) is an in-place update.
 */
import { randomUUID } from 'node:crypto';
import { type ApiKey, type CreateApiKeyBody, type CreatedApiKey, KeyplaneApiError, KeyplaneConnectionError, type UpdateApiKeyBody } from '../../../client';
import {
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type DeleteResponse,
  type ImportStateRequest,
  type ImportStateResponse,
  type ModifyPlanRequest,
  type ModifyPlanResponse,
  type Path,
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
import { parseDuration } from '../../../contract/duration';
import { parsePgpKey } from './pgp';
import {
  type ApiKeySchema,
  type ApiKeyState,
  DEFAULT_ENTRY_KEY,
  DEFAULT_RATE_LIMIT_WINDOW_SECONDS,
  DEFAULT_ROTATION_OVERLAP,
  apiKeySchema,
  secretUndelivered,
} from './schema';
import { type SecretOutputs, deliveryOf, outputsOf } from './secret-output';
import { PRIVATE, type RotationReason, plannedRotation, rotationFactsOf } from './rotation';

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
    const lookups = this.configuredData?.lookups;
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
      plan.set(unknownOutputs(pgp, block));
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
        // Null before a first rotation, so useStateForUnknown would leave them unknown; a rotation unsets them below.
        secret_version: state.secret_version,
        rotated_at: state.rotated_at,
        previous_secret_expires_at: state.previous_secret_expires_at,
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
      // The provider never sees a delivered secret, so it cannot move it: the block appearing, going away or
      // pointing elsewhere makes a new key, delivered to the new place (deleting the old key removes its entry).
      if (!undelivered && !isUnknown(block) && movesSecret(planned.output_to_secret_store, state.output_to_secret_store))
        resp.requiresReplace.push([{ attr: 'output_to_secret_store' }]);
      // Revoked or expired outside Terraform: the key no longer works, so a new one replaces it.
      if (state.status !== null && state.status !== 'active') {
        plan.set({ status: 'active' });
        resp.requiresReplace.push([{ attr: 'status' }]);
        resp.diagnostics.addAttributeWarning(
          [{ attr: 'status' }],
          state.status === 'revoked' ? 'Key Revoked Outside Terraform' : 'Key Expired Outside Terraform',
          `API key ${state.id} is ${state.status} in the Keyplane service, so it no longer authenticates; Terraform will replace it with a new key.${state.status === 'expired' ? ' Set expires_at to a future time for the new key.' : ''}`,
        );
      } else if (state.id !== null) {
        // Decided from the refreshed state and private state only (rotation.ts), so the final plan at apply
        // decides the same, however long after a saved plan it runs.
        const due = plannedRotation(config.rotation, state, req.private.get<number>(PRIVATE.deliveredVersion), req.private.get<number>(PRIVATE.readAt));
        if (due) {
          plan.set({
            ...unknownOutputs(pgp, block),
            display_prefix: Unknown,
            secret_version: Unknown,
            rotated_at: Unknown,
            previous_secret_expires_at: Unknown,
          });
          if (due.why === 'undelivered')
            resp.diagnostics.addAttributeWarning(
              [{ attr: 'secret_version' }],
              'Key Rotated Since Terraform Delivered Its Secret',
              undeliveredText(state.id, due),
            );
        }
      }
    }

    if (!lookups) return;
    const scopes = knownStrings(planned.scopes);
    if (scopes && (state === null || !sameSet(scopes, state.scopes ?? []))) await checkScopes(lookups, scopes, resp.diagnostics);
    const lists = knownStrings(planned.allow_list_ids);
    if (lists)
      await checkAllowLists(
        lookups,
        lists.filter((id) => !(state?.allow_list_ids ?? []).includes(id)),
        resp.diagnostics,
      );
    if (state === null && typeof config.service_account_id === 'string')
      await checkServiceAccount(lookups, config.service_account_id, resp.diagnostics, this.configuredData?.whoami);
    const out = planned.output_to_secret_store;
    if (out !== null && !isUnknown(out) && typeof out.secret_id === 'string' && (state === null || state.output_to_secret_store?.secret_id !== out.secret_id)) {
      await checkSecretWritable(lookups, out.secret_id, resp.diagnostics);
    }
  }

  async create(req: CreateRequest<S>, resp: CreateResponse<S>): Promise<void> {
    const c = req.config;
    const diags = resp.diagnostics;
    // Checked again before the key exists (apply may run long after plan), so the error names pgp_key.
    const pgp = c.pgp_key === null ? undefined : await parsePgpKey(c.pgp_key);
    if (pgp && !pgp.ok) return diags.addAttributeError([{ attr: 'pgp_key' }], pgp.summary, pgp.detail);
    const delivery = deliveryOf(c);
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
      ...(delivery ? { delivery } : {}),
    };
    const idempotencyKey = randomUUID();
    resp.private.set(PRIVATE.idempotencyKey, idempotencyKey);
    let created: CreatedApiKey;
    try {
      created = await this.client.createApiKey(body, { idempotencyKey });
    } catch (err) {
      if (mayHaveActed(err)) {
        // A written state makes Terraform keep the instance, tainted, with this private state: the next
        // refresh looks up the key this request made (read), and the planned replacement deletes it.
        resp.state.set({ id: null, ...NO_OUTPUTS, secret_version: null, rotated_at: null, previous_secret_expires_at: null });
      }
      return addClientError(diags, 'Cannot Create API Key', `creating API key ${JSON.stringify(c.name)}`, err, {
        attributes: ATTRIBUTES,
        at: deliveryPath(err),
        hint: mayHaveActed(err)
          ? "The service may have created the key before the answer was lost. Terraform keeps this instance as tainted: the next plan looks the key up by the request's Idempotency-Key and replaces it (deleting it) if it exists, or creates it if not, so no key is left that the state does not know."
          : undefined,
      });
    }
    let outputs = outputsOf(created);
    if (!outputs) {
      // A replayed answer to a retried create (the first answer was lost) does not repeat the secret, and
      // nobody saw it: a rotation with no overlap gives the key a secret Terraform delivers.
      try {
        created = await this.client.rotateApiKey(
          created.api_key.id,
          { overlap_seconds: 0, ...(delivery ? { delivery } : {}) },
          { idempotencyKey: randomUUID() },
        );
        outputs = outputsOf(created);
      } catch (err) {
        resp.state.set({ ...stateOf(created.api_key, c.expires_at), ...rotationFactsOf(created.api_key), ...NO_OUTPUTS });
        return addClientError(
          diags,
          'Cannot Deliver The API Key Secret',
          `rotating API key ${created.api_key.id}, whose first secret was lost with the answer`,
          err,
          {
            hint: 'Terraform keeps the key as tainted and replaces it at the next apply.',
          },
        );
      }
    }
    resp.state.set({ ...stateOf(created.api_key, c.expires_at), ...rotationFactsOf(created.api_key), ...(outputs ?? NO_OUTPUTS) });
    if (outputs) resp.private.set(PRIVATE.deliveredVersion, rotationFactsOf(created.api_key).secret_version);
    else
      diags.addError(
        'Cannot Deliver The API Key Secret',
        `The service answered the create of key ${created.api_key.id} without its secret. Terraform keeps the key as tainted and replaces it at the next apply.`,
      );
  }

  async read(req: ReadRequest<S>, resp: ReadResponse<S>): Promise<void> {
    const id = req.state.id;
    if (id === null) return this.readLostCreate(req, resp);
    // Read together with the other keys refreshed at the same moment (key-reads.ts).
    const read = await this.keyReads.read(id);
    // Only "not found" means gone; a transient or auth error must never plan a second key.
    if ('gone' in read) return resp.removeResource();
    if ('error' in read) {
      const others = read.batch - 1;
      const doing = `reading API key ${id}${others > 0 ? ` (in one request with ${others} other key${others === 1 ? '' : 's'})` : ''}`;
      return addClientError(resp.diagnostics, 'Cannot Read API Key', doing, read.error);
    }
    const key = read.found;
    resp.state.set({ ...stateOf(key, req.state.expires_at), ...rotationFactsOf(key) });
    // rotate_after is judged at this instant by every plan made from this refresh (rotation.ts).
    resp.private.set(PRIVATE.readAt, Date.now());
    // State written before rotation existed delivered the first secret and recorded no version: it was 1.
    if (req.private.get(PRIVATE.deliveredVersion) === undefined && !secretUndelivered(req.rawState)) resp.private.set(PRIVATE.deliveredVersion, 1);
  }

  /**
   * The instance of a create whose answer was lost (tainted, id null): the key that request made, found by
   * its Idempotency-Key, is filled in, so the planned replacement deletes it; with none, the instance is gone.
   */
  private async readLostCreate(req: ReadRequest<S>, resp: ReadResponse<S>): Promise<void> {
    const idempotencyKey = req.private.get<string>(PRIVATE.idempotencyKey);
    if (typeof idempotencyKey !== 'string')
      return resp.diagnostics.addError(
        'API Key Without Id',
        'The state of this keyplane_api_key holds no id. Remove it from state (terraform state rm) and import the key by id.',
      );
    let found: ApiKey[];
    try {
      found = (await this.client.listApiKeys({ idempotency_key: idempotencyKey })).items;
    } catch (err) {
      return addClientError(resp.diagnostics, 'Cannot Read API Key', 'looking up the key made by a create whose answer was lost', err);
    }
    if (found.length === 0) return resp.removeResource();
    if (found.length > 1)
      return resp.diagnostics.addError(
        'Cannot Read API Key',
        `Looking up the key made by a create whose answer was lost, the service answered ${found.length} keys for one Idempotency-Key; it should answer at most one. Upgrade the service, or delete the key named ${JSON.stringify(req.state.name)} by hand and remove this instance from state.`,
      );
    const key = found[0]!;
    resp.state.set({ ...stateOf(key, req.state.expires_at), ...rotationFactsOf(key) });
    resp.diagnostics.addWarning(
      'API Key Found After A Lost Answer',
      `A create whose answer was lost made key ${key.id}. Terraform has it as tainted and will replace it: the replacement deletes it (and any secret-store entry it wrote) and creates the key again.`,
    );
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
    if (key) resp.state.set({ ...stateOf(key, expiresAt), ...rotationFactsOf(key) });
    else resp.state.set({ expires_at: expiresAt });
    // The plan leaves secret_version unknown exactly when it rotates (modifyPlan).
    if (isUnknown(req.plan.secret_version)) await this.rotate(id, c, resp);
  }

  /** Rotates in place, delivering the new secret as the configuration says; the previous one works for overlap. */
  private async rotate(id: string, c: ApiKeyState, resp: UpdateResponse<S>): Promise<void> {
    const delivery = deliveryOf(c);
    const overlap = parseDuration(c.rotation?.overlap ?? DEFAULT_ROTATION_OVERLAP) ?? 0;
    let rotated: CreatedApiKey;
    try {
      rotated = await this.client.rotateApiKey(id, { overlap_seconds: overlap, ...(delivery ? { delivery } : {}) }, { idempotencyKey: randomUUID() });
    } catch (err) {
      return addClientError(resp.diagnostics, 'Cannot Rotate API Key', `rotating API key ${id}`, err, {
        at: deliveryPath(err),
        hint: mayHaveActed(err)
          ? 'If the service rotated the key before the answer was lost, the next plan sees a secret version Terraform did not deliver and rotates it again.'
          : undefined,
      });
    }
    const outputs = outputsOf(rotated);
    if (!outputs)
      return resp.diagnostics.addError(
        'Cannot Rotate API Key',
        `The service rotated key ${id} but its answer holds no secret (a replay of a lost answer). The next plan rotates it again.`,
      );
    resp.state.set({ ...stateOf(rotated.api_key, resp.state.get().expires_at as string | null), ...rotationFactsOf(rotated.api_key), ...outputs });
    resp.private.set(PRIVATE.deliveredVersion, rotationFactsOf(rotated.api_key).secret_version);
  }

  async delete(req: DeleteRequest<S>, resp: DeleteResponse): Promise<void> {
    // The service removes the secret-store entry the key wrote in the same transaction (if it still holds
    // this key's value): other keys' entries in the same secret stay.
    const { id } = req.state;
    try {
      if (id) await this.client.deleteApiKey(id);
    } catch (err) {
      if (!isNotFound(err)) return addClientError(resp.diagnostics, 'Cannot Delete API Key', `deleting API key ${id}`, err);
    }
  }

  importState(req: ImportStateRequest, resp: ImportStateResponse<S>): void {
    resp.state.set({ id: req.id });
    resp.diagnostics.addWarning(
      'API Key Secret Cannot Be Recovered',
      `Keyplane shows a key's secret only once, when it is created, so the imported ${req.id} has a null secret in state, and pgp_key or output_to_secret_store in the configuration are adopted without delivering it. If you need the secret, replace the key (terraform apply -replace), or rotate it (the rotation block).`,
    );
  }
}

const NO_OUTPUTS: SecretOutputs = { secret: null, encrypted_secret: null, key_fingerprint: null, secret_store_version_id: null };

/**
 * The secret outputs a delivery to this configuration sets, unknown until apply; the others null. An unknown
 * pgp_key or block may turn out either way, so the outputs it may set are unknown too.
 */
function unknownOutputs(pgp: unknown, block: unknown): { [K in keyof SecretOutputs]: null | typeof Unknown } {
  return {
    secret: (pgp === null || isUnknown(pgp)) && (block === null || isUnknown(block)) ? Unknown : null,
    encrypted_secret: pgp === null ? null : Unknown,
    key_fingerprint: pgp === null ? null : Unknown,
    secret_store_version_id: block === null ? null : Unknown,
  };
}

/** True when the planned block sends the secret somewhere else than the prior one (or may: unknown parts). */
function movesSecret(p: unknown, prior: ApiKeyState['output_to_secret_store']): boolean {
  if (p === null || prior === null) return (p === null) !== (prior === null);
  if (isUnknown(p)) return true;
  const b = p as { secret_id: unknown; entry_key: unknown };
  if (isUnknown(b.secret_id) || isUnknown(b.entry_key)) return true;
  return b.secret_id !== prior.secret_id || (b.entry_key ?? DEFAULT_ENTRY_KEY) !== (prior.entry_key ?? DEFAULT_ENTRY_KEY);
}

/**
 * The service's secret_version is not the one Terraform delivered. Two causes look alike from here: a rotation
 * outside Terraform, or one Terraform started whose answer was lost (`rotate`'s error path), so both are named.
 */
function undeliveredText(id: string, due: Extract<RotationReason, { why: 'undelivered' }>): string {
  return `API key ${id}'s current secret is version ${due.current}, but the secret Terraform delivered is version ${due.delivered}: either someone rotated it outside Terraform, or a rotation Terraform started reached the service but its answer was lost. Either way the secret where this configuration delivers it stops working when its overlap ends, so Terraform will rotate the key again and deliver the new secret there.`;
}

/**
 * Whether a failed create or rotation may have acted: only a refusal (4xx) or a connection never made says
 * it did not. The client's transport retries with the Idempotency-Key first, so this is what remained.
 */
function mayHaveActed(err: unknown): boolean {
  // The transport knows whether any attempt reached the service (client/errors.ts); a 429 after a lost answer is covered there too.
  if (err instanceof KeyplaneApiError || err instanceof KeyplaneConnectionError) return err.mayHaveActed;
  return true;
}

/** The attribute a refused rotation or delivery belongs to: the service names the request field (delivery.…, overlap_seconds). */
function deliveryPath(err: unknown): Path | undefined {
  // The service refuses a rotation of the last working admin key with no overlap into the secret store there.
  if (err instanceof KeyplaneApiError && err.field === 'overlap_seconds') return [{ attr: 'rotation' }, { attr: 'overlap' }];
  if (!(err instanceof KeyplaneApiError) || !err.field?.startsWith('delivery')) return undefined;
  if (err.field.startsWith('delivery.pgp_public_key')) return [{ attr: 'pgp_key' }];
  if (err.field.startsWith('delivery.secret_store')) return [{ attr: 'output_to_secret_store' }];
  return undefined;
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

/**
 * @module keyplane/api-key/plan-checks
 * Everything about a key that can be checked before it exists, so a bad value fails at plan instead of half
 * way through apply: pgp_key (at plan, when new or changed; no service needed), pgp_key with output_to_secret_store, expiry in the
 * future, scopes in the catalogue, allow lists and the owning service account existing, the secret writable.
 */
import type { Whoami } from '../../../client';
import { LEAST_ROLE_TO_MANAGE, atLeast } from '../../../contract/roles';
import { stewardRefusal } from '../../../contract/stewardship';
import { expiryProblem } from '../../../contract/time';
import { type Diagnostics, isUnknown } from '../../sdk';
import { addClientError, isNotFound } from '../client-errors';
import { addDescriptionProblem, addLabelProblems } from '../limits';
import type { PlanLookups } from '../plan-lookups';
import { parsePgpKey } from './pgp';
import { cannotWrite } from './secret-output';

const at = (name: string) => [{ attr: name }];

/**
 * The provider's key must hold LEAST_ROLE_TO_MANAGE.api_keys (contract/roles.ts) to create, change or delete
 * a key, as the service checks; its role is known from configure's whoami, so a plan apply would refuse
 * fails here (as keyplane_service_account does for its own rule). `changing`: the plan creates or changes.
 */
export function checkRoleToManage(whoami: Whoami | undefined, changing: boolean, diags: Diagnostics): void {
  if (!whoami || !changing) return;
  const least = LEAST_ROLE_TO_MANAGE.api_keys;
  if (atLeast(whoami.effective_role, least)) return;
  diags.addError(
    'Role Too Low To Manage API Keys',
    `The provider's key acts for ${whoami.principal.id} as ${whoami.effective_role}; creating or changing an API key needs the ${least} role or higher, so the service would refuse it. Use a key with the ${least} role or higher.`,
  );
}

/**
 * description and labels within the service's limits (contract/limits.ts: the numbers and the label-key
 * pattern the service's schema uses), each problem at its attribute or label. Unknown values are skipped.
 */
export function checkDescriptionAndLabels(description: unknown, labels: unknown, diags: Diagnostics): void {
  addDescriptionProblem(at('description'), description, diags);
  if (labels === null || typeof labels !== 'object' || isUnknown(labels)) return;
  addLabelProblems(at('labels'), labels as Record<string, unknown>, diags);
}

/** The PGP key, parsed and checked; an unknown value is skipped (checked again when known). */
export async function checkPgpKey(pgpKey: unknown, diags: Diagnostics): Promise<void> {
  if (typeof pgpKey !== 'string') return;
  const parsed = await parsePgpKey(pgpKey);
  if (!parsed.ok) diags.addAttributeError(at('pgp_key'), parsed.summary, parsed.detail);
}

export function checkPgpOrStore(pgpKey: unknown, block: unknown, diags: Diagnostics): void {
  if (pgpKey === null || block === null || block === undefined) return;
  diags.addAttributeError(
    at('pgp_key'),
    'Conflicting Secret Outputs',
    'pgp_key and output_to_secret_store are both set. The key goes to one place: encrypted to pgp_key (encrypted_secret in state), or into the secret store. Remove one of them.',
  );
}

export function checkExpiryInFuture(expiresAt: string, diags: Diagnostics, now = Date.now()): void {
  if (expiryProblem(expiresAt, now) === 'past') {
    diags.addAttributeError(
      at('expires_at'),
      'Expiry In The Past',
      `expires_at is ${expiresAt}, before now. Set a future time, or omit it for a key that never expires.`,
    );
  }
}

export async function checkScopes(lookups: PlanLookups, scopes: string[], diags: Diagnostics): Promise<void> {
  if (scopes.length === 0) return;
  let missing: string[];
  try {
    missing = await lookups.missingScopes(scopes);
  } catch (err) {
    return lookupFailed(diags, 'scopes', 'the scope catalogue', err);
  }
  if (missing.length > 0) {
    diags.addAttributeError(
      at('scopes'),
      'Unknown Scope',
      `${missing.map((s) => JSON.stringify(s)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the scope catalogue. Register custom scopes first (keyplane_scopes lists them; keyplane scopes create), or fix the spelling.`,
    );
  }
}

export async function checkAllowLists(lookups: PlanLookups, ids: string[], diags: Diagnostics): Promise<void> {
  for (const id of ids) {
    await checkExists(
      diags,
      'allow_list_ids',
      `IP allow list ${JSON.stringify(id)}`,
      () => lookups.allowList(id),
      'Unknown IP Allow List',
      'keyplane_ip_allow_list',
    );
  }
}

/**
 * The owning service account exists, and the provider's key may mint keys for it: an admin key, the
 * account's own key, or a key of its owner or one of its managers, within the account's role
 * (contract/stewardship.ts, the rule the service applies).
 */
export async function checkServiceAccount(lookups: PlanLookups, id: string, diags: Diagnostics, whoami?: Whoami): Promise<void> {
  let sa: Awaited<ReturnType<PlanLookups['serviceAccount']>> | undefined;
  await checkExists(
    diags,
    'service_account_id',
    `service account ${JSON.stringify(id)}`,
    async () => {
      sa = await lookups.serviceAccount(id);
    },
    'Unknown Service Account',
    'keyplane_service_account',
  );
  if (!sa || !whoami) return;
  const caller = { role: whoami.effective_role, principal: whoami.principal };
  const refusal = stewardRefusal(caller, sa, sa.manager_user_ids.includes(whoami.principal.id), 'act');
  if (refusal) {
    diags.addAttributeError(
      at('service_account_id'),
      'Not A Steward Of The Service Account',
      `The provider's key acts for ${whoami.principal.type === 'user' ? 'user' : 'service account'} ${whoami.principal.id} as ${whoami.effective_role}, and ${refusal}, so the service would refuse to mint this key. Use such a key, or have the account's owner add ${whoami.principal.id} to manager_user_ids.`,
    );
  }
}

/** An id the configuration refers to must exist: a 404 is the user's error, anything else a failed check. */
async function checkExists(
  diags: Diagnostics,
  attribute: string,
  what: string,
  fetch: () => Promise<unknown>,
  unknownSummary: string,
  resourceType: string,
): Promise<void> {
  try {
    await fetch();
  } catch (err) {
    if (isNotFound(err))
      diags.addAttributeError(
        at(attribute),
        unknownSummary,
        `${what[0]!.toUpperCase()}${what.slice(1)} does not exist. Create it first (${resourceType}) and refer to its id.`,
      );
    else lookupFailed(diags, attribute, what, err);
  }
}

/** A check that could not be made (no permission, service unavailable) fails the plan, saying which and why. */
function lookupFailed(diags: Diagnostics, attribute: string, what: string, err: unknown): void {
  addClientError(diags, 'Cannot Check The Plan', `looking up ${what}`, err, {
    at: at(attribute),
    hint: "Check that the provider's key may read it and that the service is reachable, then plan again.",
  });
}

export async function checkSecretWritable(lookups: PlanLookups, secretId: string, diags: Diagnostics): Promise<void> {
  const at = [{ attr: 'output_to_secret_store' }, { attr: 'secret_id' }];
  let why: string | undefined;
  try {
    why = await cannotWrite(lookups, secretId);
  } catch (err) {
    return addClientError(diags, 'Cannot Check The Plan', `looking up secret ${JSON.stringify(secretId)}`, err, {
      at,
      hint: "Check that the provider's key may read it and that the service is reachable, then plan again.",
    });
  }
  if (why) diags.addAttributeError(at, 'Secret Not Writable', why);
}

/** Known strings of a planned set, or undefined while it is unknown. */
export function knownStrings(v: unknown): string[] | undefined {
  if (isUnknown(v) || !Array.isArray(v) || v.some((e) => typeof e !== 'string')) return undefined;
  return v as string[];
}

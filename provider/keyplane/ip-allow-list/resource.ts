/**
 * `keyplane_ip_allow_list`: a named set of CIDRs that API keys attach to; a key with lists works only from
 * addresses inside one of them. Name, description and CIDRs change in place, and attached keys follow at
 * once. The service refuses to delete a list a live key still uses (409), so destroying one never silently
 * widens where a key works. Changing a list needs the highest role among the keys that use it
 * (`least_role_to_change`, read from the service), which the plan checks against the provider's key.
 * Importable by id.
 *
 * CIDRs are validated at plan with the service's own rules (contract/cidr.ts), and the normalised set
 * the service will store is planned in `normalised_cidrs` (see ip-allow-list/plan.ts for why not in `cidrs`).
 */
import {
  types as T,
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
  importStatePassthroughId,
  isUnknown,
  resourceSchema,
  setAttr,
  stringAttr,
  useStateForUnknown,
} from '../../sdk';
import type { IpAllowList } from '../../../client';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { normaliseCidrSet, sameCidrSet } from '../../../contract/cidr';
import { atLeast, isRole } from '../../../contract/roles';
import { allowListCidrs, keepEquivalentCidrs } from './plan';
import { DESCRIPTION_TEXT, NAME_RANGE_TEXT, descriptionLength, nameLength } from '../limits';

export const ipAllowListSchema = resourceSchema({
  description:
    'A Keyplane IP allow list: a named set of CIDRs that API keys attach to. Changes apply to every attached key at once; a list a live key uses cannot be destroyed.',
  attributes: {
    id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'The allow list id (al_…), assigned by the service.' }),
    name: stringAttr({ required: true, validators: [nameLength()], description: `Name of the list (${NAME_RANGE_TEXT}). Changes in place.` }),
    description: stringAttr({
      optional: true,
      computed: true,
      default: '',
      validators: [descriptionLength()],
      description: `Free text, ${DESCRIPTION_TEXT}; empty when not given. Changes in place.`,
    }),
    cidrs: setAttr(T.string, {
      required: true,
      validators: [allowListCidrs()],
      planModifiers: [keepEquivalentCidrs()],
      description:
        'IPv4 and IPv6 CIDR blocks (10.0.0.0/8, 2001:db8::/32) or single addresses (203.0.113.7), at most 256. Bits set after a prefix are refused. Another spelling of the same set plans no change. Changes in place.',
    }),
    normalised_cidrs: setAttr(T.string, {
      computed: true,
      description:
        'The CIDRs as the service stores and enforces them: host bits cleared, canonical address text, single addresses as /32 or /128, duplicates removed. Known at plan.',
    }),
    least_role_to_change: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description:
        'The role a key needs to change the list: the highest role among the unrevoked keys that use it, and at least "developer". A plan that changes the list fails when the provider\'s key acts with a lower role.',
    }),
    created_by: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'Id of the user or service account that created it.' }),
    created_at: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'When it was created (RFC 3339).' }),
  },
});

type Schema = typeof ipAllowListSchema;
const ATTRIBUTES = Object.keys(ipAllowListSchema.object.attributes);

export class IpAllowListResource extends ConfiguredByProvider implements Resource<Schema> {
  readonly typeName = 'keyplane_ip_allow_list';
  readonly schema = ipAllowListSchema;

  /**
   * Plans `normalised_cidrs` from the configuration, so the plan shows what the service will enforce; and
   * fails a change the service would refuse because a key of a higher role than the provider's uses the list.
   */
  modifyPlan(req: ModifyPlanRequest<Schema>, resp: ModifyPlanResponse<Schema>): void {
    if (resp.plan === null) return;
    const acting = this.configuredData?.whoami.effective_role;
    const needed = req.state?.least_role_to_change;
    if (acting !== undefined && isRole(needed) && !atLeast(acting, needed) && !resp.plan.value.equals(req.rawState)) {
      const changed = (['cidrs', 'name', 'description'] as const).find((a) => {
        const planned = resp.plan!.get()[a];
        return isUnknown(planned) || JSON.stringify(planned) !== JSON.stringify(req.state![a]);
      });
      resp.diagnostics.addAttributeError(
        [{ attr: changed ?? 'cidrs' }],
        'Role Too Low To Change This List',
        `IP allow list ${req.state!.id} is used by a key with the ${needed} role, so changing it needs that role; the provider's key acts as ${acting}. Use a key with the ${needed} role, or detach the list from the ${needed} keys first.`,
      );
    }
    const cidrs = resp.plan.get().cidrs;
    if (isUnknown(cidrs) || cidrs.some(isUnknown)) return;
    const normalised = normaliseCidrSet(cidrs as string[]);
    if ('cidrs' in normalised) resp.plan.set({ normalised_cidrs: normalised.cidrs });
  }

  async create(req: CreateRequest<Schema>, resp: CreateResponse<Schema>): Promise<void> {
    const { name, description, cidrs } = req.config;
    try {
      const list = await this.client.createAllowList({ name, description: description ?? '', cidrs });
      // `cidrs` must stay as planned (the configuration); the service's form goes to normalised_cidrs.
      resp.state.set({ ...computedOf(list), name: list.name, description: list.description });
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Create IP Allow List', `creating IP allow list ${JSON.stringify(name)}`, err, { attributes: ATTRIBUTES });
    }
  }

  async read(req: ReadRequest<Schema>, resp: ReadResponse<Schema>): Promise<void> {
    const id = req.state.id!;
    let list: IpAllowList;
    try {
      list = await this.client.getAllowList(id);
    } catch (err) {
      if (isNotFound(err)) resp.removeResource();
      else addClientError(resp.diagnostics, 'Cannot Read IP Allow List', `reading IP allow list ${id}`, err);
      return;
    }
    // Keep the configured spelling while it still denotes what the service holds; otherwise (drift, or
    // right after import) take the service's set.
    const prior = req.state.cidrs;
    const cidrs = prior !== null && sameCidrSet(prior, list.cidrs) ? prior : list.cidrs;
    resp.state.set({ ...computedOf(list), name: list.name, description: list.description, cidrs });
  }

  async update(req: UpdateRequest<Schema>, resp: UpdateResponse<Schema>): Promise<void> {
    const id = req.state.id!;
    const { name, description, cidrs } = req.config;
    try {
      const list = await this.client.updateAllowList(id, { name, description: description ?? '', cidrs });
      resp.state.set({ ...computedOf(list), name: list.name, description: list.description });
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Update IP Allow List', `changing IP allow list ${id}`, err, { attributes: ATTRIBUTES });
    }
  }

  async delete(req: DeleteRequest<Schema>, resp: DeleteResponse): Promise<void> {
    const id = req.state.id!;
    try {
      await this.client.deleteAllowList(id);
    } catch (err) {
      if (!isNotFound(err)) addClientError(resp.diagnostics, 'Cannot Delete IP Allow List', `deleting IP allow list ${id}`, err);
    }
  }

  importState(req: ImportStateRequest, resp: ImportStateResponse<Schema>): void {
    importStatePassthroughId<Schema>('id')(req, resp);
  }
}

function computedOf(list: IpAllowList) {
  return {
    id: list.id,
    normalised_cidrs: list.cidrs,
    least_role_to_change: list.least_role_to_change,
    created_by: list.created_by,
    created_at: list.created_at,
  };
}

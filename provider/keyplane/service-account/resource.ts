/**
 * `keyplane_service_account`: an identity for machines that API keys can belong to. Name, description,
 * role, owner and managers change in place (PATCH); deleting the account revokes its keys (the service does
 * that). Importable by id.
 */
import type { ServiceAccount } from '../../../client';
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
  type StateOf,
  type UpdateRequest,
  type UpdateResponse,
  importStatePassthroughId,
  resourceSchema,
  setAttr,
  stringAttr,
  types as T,
  useStateForUnknown,
} from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { DEFAULT_ROLE, atLeast, isRole, LEAST_ROLE_TO_MANAGE } from '../../../contract/roles';
import {
  DESCRIPTION_TEXT,
  MANAGERS_TEXT,
  NAME_RANGE_TEXT,
  ROLE_NAMES_TEXT,
  descriptionLength,
  idLength,
  managerCount,
  nameLength,
  roleChoice,
} from '../limits';

export const serviceAccountSchema = resourceSchema({
  description: 'A Keyplane service account: an identity for machines that API keys belong to. Deleting it revokes its keys.',
  attributes: {
    id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'The service account id (sa_…), assigned by the service.' }),
    name: stringAttr({
      required: true,
      validators: [nameLength()],
      description: `Unique name of the service account (${NAME_RANGE_TEXT}). Changes in place.`,
    }),
    description: stringAttr({
      optional: true,
      computed: true,
      default: '',
      validators: [descriptionLength()],
      description: `Free text, ${DESCRIPTION_TEXT}; empty when not given. Changes in place.`,
    }),
    role: stringAttr({
      optional: true,
      computed: true,
      default: DEFAULT_ROLE,
      validators: [roleChoice()],
      description: `The highest role its keys can act with: ${ROLE_NAMES_TEXT} ("${DEFAULT_ROLE}" by default). Changes in place and demotes or promotes its keys at once; the provider's key needs a role at least as high.`,
    }),
    owner_user_id: stringAttr({
      optional: true,
      computed: true,
      validators: [idLength()],
      planModifiers: [useStateForUnknown()],
      description:
        "The user (usr_…) who owns the account: with admins, the only one who may change its owner or managers, or delete it. By default the user whose key creates it (or that key's service account's owner); only an admin may name someone else. Changes in place.",
    }),
    manager_user_ids: setAttr(T.string, {
      optional: true,
      computed: true,
      default: [],
      validators: [managerCount()],
      description: `Users (usr_…, ${MANAGERS_TEXT}) who, like the owner, may change the account, mint keys for it and act on its secrets, within their own role. Only an admin or the owner may change this list. Changes in place.`,
    }),
    created_by: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'Id of the user or service account that created it.' }),
    created_at: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'When it was created (RFC 3339).' }),
  },
});

type Schema = typeof serviceAccountSchema;
const ATTRIBUTES = Object.keys(serviceAccountSchema.object.attributes);

export function serviceAccountState(sa: ServiceAccount): StateOf<Schema> {
  return {
    id: sa.id,
    name: sa.name,
    description: sa.description,
    role: sa.role,
    owner_user_id: sa.owner_user_id,
    manager_user_ids: sa.manager_user_ids,
    created_by: sa.created_by,
    created_at: sa.created_at,
  };
}

export class ServiceAccountResource extends ConfiguredByProvider implements Resource<Schema> {
  readonly typeName = 'keyplane_service_account';
  readonly schema = serviceAccountSchema;

  /**
   * The service lets a key manage only accounts whose role is not above the key's own (and needs at least
   * LEAST_ROLE_TO_MANAGE.service_accounts for any change; contract/roles.ts). The provider knows its key's effective
   * role from configure's whoami, so a plan that apply would refuse fails here, at role.
   */
  modifyPlan(req: ModifyPlanRequest<Schema>, resp: ModifyPlanResponse<Schema>): void {
    const acting = this.configuredData?.whoami.effective_role;
    if (acting === undefined) return;
    const planned = resp.plan?.get().role;
    const prior = req.state?.role ?? null;
    const changing = resp.plan === null || req.state === null || !resp.plan.value.equals(req.rawState);
    if (!changing) return;
    const path = [{ attr: 'role' }];
    const least = LEAST_ROLE_TO_MANAGE.service_accounts;
    if (!atLeast(acting, least)) {
      resp.diagnostics.addAttributeError(
        path,
        'Role Too Low To Manage Service Accounts',
        `The provider's key acts as ${acting}; creating, changing or deleting a service account needs the ${least} role or higher. Use a key with a higher role.`,
      );
      return;
    }
    for (const role of [planned, prior]) {
      if (!isRole(role) || atLeast(acting, role)) continue;
      resp.diagnostics.addAttributeError(
        path,
        'Role Above The Provider Key',
        `The provider's key acts as ${acting}, so it cannot manage a service account with the ${role} role (the service refuses it). Use a key with the ${role} role, or choose a role no higher than ${acting}.`,
      );
      return;
    }
  }

  async create(req: CreateRequest<Schema>, resp: CreateResponse<Schema>): Promise<void> {
    const { name, description, role, owner_user_id, manager_user_ids } = req.config;
    try {
      const sa = await this.client.createServiceAccount({
        name,
        description: description ?? '',
        role: (role ?? DEFAULT_ROLE) as ServiceAccount['role'],
        ...(owner_user_id !== null ? { owner_user_id } : {}),
        manager_user_ids: manager_user_ids ?? [],
      });
      resp.state.set(serviceAccountState(sa));
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Create Service Account', `creating service account ${JSON.stringify(name)}`, err, { attributes: ATTRIBUTES });
    }
  }

  async read(req: ReadRequest<Schema>, resp: ReadResponse<Schema>): Promise<void> {
    const id = req.state.id!;
    try {
      resp.state.set(serviceAccountState(await this.client.getServiceAccount(id)));
    } catch (err) {
      if (isNotFound(err)) resp.removeResource();
      else addClientError(resp.diagnostics, 'Cannot Read Service Account', `reading service account ${id}`, err);
    }
  }

  async update(req: UpdateRequest<Schema>, resp: UpdateResponse<Schema>): Promise<void> {
    const id = req.state.id!;
    const { name, description, role, owner_user_id, manager_user_ids } = req.config;
    try {
      // The service counts a field sent with its current value as no change, so sending the whole
      // configuration needs no more rights than what really changes.
      const sa = await this.client.updateServiceAccount(id, {
        name,
        description: description ?? '',
        role: (role ?? DEFAULT_ROLE) as ServiceAccount['role'],
        ...(owner_user_id !== null ? { owner_user_id } : {}),
        manager_user_ids: manager_user_ids ?? [],
      });
      resp.state.set(serviceAccountState(sa));
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Update Service Account', `changing service account ${id}`, err, { attributes: ATTRIBUTES });
    }
  }

  async delete(req: DeleteRequest<Schema>, resp: DeleteResponse): Promise<void> {
    const id = req.state.id!;
    try {
      await this.client.deleteServiceAccount(id);
    } catch (err) {
      // Already gone is what delete wanted.
      if (!isNotFound(err)) addClientError(resp.diagnostics, 'Cannot Delete Service Account', `deleting service account ${id}`, err);
    }
  }

  importState(req: ImportStateRequest, resp: ImportStateResponse<Schema>): void {
    importStatePassthroughId<Schema>('id')(req, resp);
  }
}

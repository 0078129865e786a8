/**
 * `data "keyplane_service_account"`: one service account, by id or by its unique name.
 */
import type { ServiceAccount } from '../../../client';
import {
  type DataSource,
  type ReadDataSourceRequest,
  type ReadDataSourceResponse,
  type ValidateConfigRequest,
  type ValidateConfigResponse,
  boolAttr,
  dataSourceSchema,
  isUnknown,
  setAttr,
  stringAttr,
  types as T,
} from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { idLength, nameLength } from '../limits';

export const serviceAccountDataSourceSchema = dataSourceSchema({
  description: 'Reads one Keyplane service account, by id or by name (set exactly one).',
  attributes: {
    id: stringAttr({ optional: true, computed: true, validators: [idLength()], description: 'The service account id (sa_…). Set this or name.' }),
    name: stringAttr({ optional: true, computed: true, validators: [nameLength()], description: "The service account's unique name. Set this or id." }),
    description: stringAttr({ computed: true, description: "The service account's free-text description; empty when none was given." }),
    role: stringAttr({ computed: true, description: 'The highest role its keys can act with: "admin", "developer" or "viewer".' }),
    disabled: boolAttr({ computed: true, description: 'Whether the account is disabled (its keys then fail verification).' }),
    owner_user_id: stringAttr({ computed: true, description: 'The user (usr_…) who owns the account; null when no one does (admins only).' }),
    manager_user_ids: setAttr(T.string, {
      computed: true,
      description: 'Users (usr_…) who, like the owner, may change the account, mint keys for it and act on its secrets.',
    }),
    created_by: stringAttr({ computed: true, description: 'Id of the user or service account that created it.' }),
    created_at: stringAttr({ computed: true, description: 'When it was created (RFC 3339).' }),
    updated_at: stringAttr({ computed: true, description: 'When it last changed (RFC 3339).' }),
  },
});

type Schema = typeof serviceAccountDataSourceSchema;

export class ServiceAccountDataSource extends ConfiguredByProvider implements DataSource<Schema> {
  readonly typeName = 'keyplane_service_account';
  readonly schema = serviceAccountDataSourceSchema;

  validateConfig(req: ValidateConfigRequest<Schema>, resp: ValidateConfigResponse): void {
    const { id, name } = req.config;
    if (isUnknown(id) || isUnknown(name)) return;
    if ((id === null) === (name === null)) {
      resp.diagnostics.addAttributeError(
        [{ attr: id === null ? 'id' : 'name' }],
        'Set Exactly One Of id And name',
        `A keyplane_service_account data source looks the account up by id or by name: set ${id === null ? 'one of them' : 'only one of them'}.`,
      );
    }
  }

  async read(req: ReadDataSourceRequest<Schema>, resp: ReadDataSourceResponse<Schema>): Promise<void> {
    const { id, name } = req.config;
    let sa: ServiceAccount | undefined;
    try {
      if (id !== null) sa = await this.client.getServiceAccount(id);
      else sa = await this.client.findServiceAccountByName(name!);
    } catch (err) {
      if (!isNotFound(err)) {
        addClientError(
          resp.diagnostics,
          'Cannot Read Service Account',
          id !== null ? `reading service account ${id}` : `looking up service account ${JSON.stringify(name)}`,
          err,
        );
        return;
      }
    }
    if (!sa) {
      const attr = id !== null ? 'id' : 'name';
      resp.diagnostics.addAttributeError(
        [{ attr }],
        'Service Account Not Found',
        `The Keyplane service has no service account with ${attr} ${JSON.stringify(id ?? name)}.`,
      );
      return;
    }
    resp.state.set({
      id: sa.id,
      name: sa.name,
      description: sa.description,
      role: sa.role,
      disabled: sa.disabled,
      owner_user_id: sa.owner_user_id,
      manager_user_ids: sa.manager_user_ids,
      created_by: sa.created_by,
      created_at: sa.created_at,
      updated_at: sa.updated_at,
    });
  }
}

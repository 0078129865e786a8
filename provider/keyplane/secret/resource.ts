/**
 * `keyplane_secret`: a container in Keyplane's secret store that versions are written into (by
 * `keyplane_api_key`'s `output_to_secret_store`, the CLI, or any client). Terraform manages the container
 * only; versions and their entries are never read into state. Name and description change in place; the
 * owner is the provider's principal. Deleting it deletes every version. Importable by id.
 */
import type { Secret } from '../../../client';
import {
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type DeleteResponse,
  type ImportStateRequest,
  type ImportStateResponse,
  type ReadRequest,
  type ReadResponse,
  type Resource,
  type StateOf,
  type UpdateRequest,
  type UpdateResponse,
  importStatePassthroughId,
  resourceSchema,
  stringAttr,
  useStateForUnknown,
} from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { DESCRIPTION_TEXT, NAME_RANGE_TEXT, descriptionLength, nameLength } from '../limits';

export const secretSchema = resourceSchema({
  description:
    'A secret in the Keyplane secret store: a named container of versions. Terraform manages the container; entries never enter state. Deleting it deletes every version.',
  attributes: {
    id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'The secret id (sec_…), assigned by the service.' }),
    name: stringAttr({ required: true, validators: [nameLength()], description: `Unique name of the secret (${NAME_RANGE_TEXT}). Changes in place.` }),
    description: stringAttr({
      optional: true,
      computed: true,
      default: '',
      validators: [descriptionLength()],
      description: `Free text, ${DESCRIPTION_TEXT}; empty when not given. Changes in place.`,
    }),
    owner_type: stringAttr({
      computed: true,
      planModifiers: [useStateForUnknown()],
      description: 'Kind of principal that owns the secret: "user" or "service_account" (the provider key\'s principal when created here).',
    }),
    owner_id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'Id of the owning user or service account.' }),
    created_at: stringAttr({ computed: true, planModifiers: [useStateForUnknown()], description: 'When it was created (RFC 3339).' }),
  },
});

type Schema = typeof secretSchema;
const ATTRIBUTES = Object.keys(secretSchema.object.attributes);

function stateOf(s: Secret): StateOf<Schema> {
  return { id: s.id, name: s.name, description: s.description, owner_type: s.owner_type, owner_id: s.owner_id, created_at: s.created_at };
}

export class SecretResource extends ConfiguredByProvider implements Resource<Schema> {
  readonly typeName = 'keyplane_secret';
  readonly schema = secretSchema;

  async create(req: CreateRequest<Schema>, resp: CreateResponse<Schema>): Promise<void> {
    const { name, description } = req.config;
    try {
      resp.state.set(stateOf(await this.client.createSecret({ name, description: description ?? '' })));
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Create Secret', `creating secret ${JSON.stringify(name)}`, err, { attributes: ATTRIBUTES });
    }
  }

  async read(req: ReadRequest<Schema>, resp: ReadResponse<Schema>): Promise<void> {
    const id = req.state.id!;
    try {
      resp.state.set(stateOf(await this.client.getSecret(id)));
    } catch (err) {
      if (isNotFound(err)) resp.removeResource();
      else addClientError(resp.diagnostics, 'Cannot Read Secret', `reading secret ${id}`, err);
    }
  }

  async update(req: UpdateRequest<Schema>, resp: UpdateResponse<Schema>): Promise<void> {
    const id = req.state.id!;
    const { name, description } = req.config;
    try {
      resp.state.set(stateOf(await this.client.updateSecret(id, { name, description: description ?? '' })));
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot Update Secret', `changing secret ${id}`, err, { attributes: ATTRIBUTES });
    }
  }

  async delete(req: DeleteRequest<Schema>, resp: DeleteResponse): Promise<void> {
    const id = req.state.id!;
    try {
      await this.client.deleteSecret(id);
    } catch (err) {
      if (!isNotFound(err)) addClientError(resp.diagnostics, 'Cannot Delete Secret', `deleting secret ${id}`, err);
    }
  }

  importState(req: ImportStateRequest, resp: ImportStateResponse<Schema>): void {
    importStatePassthroughId<Schema>('id')(req, resp);
  }
}

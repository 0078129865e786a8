/**
 * `data "keyplane_scopes"`: the scope catalogue, as `keyplane scopes list` shows it: the built-in
 * `keyplane.*` scopes and the custom scopes admins registered.
 */
import {
  type DataSource,
  type ReadDataSourceRequest,
  type ReadDataSourceResponse,
  boolAttr,
  dataSourceSchema,
  listAttr,
  listNestedAttr,
  stringAttr,
  types as T,
} from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError } from '../client-errors';

export const scopesDataSourceSchema = dataSourceSchema({
  description: 'The Keyplane scope catalogue: built-in keyplane.* scopes and custom scopes, ordered by name.',
  attributes: {
    names: listAttr(T.string, { computed: true, description: 'Every scope name, ordered.' }),
    scopes: listNestedAttr(
      {
        attributes: {
          name: stringAttr({ computed: true, description: 'The scope name, e.g. billing.read.' }),
          description: stringAttr({ computed: true, description: 'What the scope grants.' }),
          builtin: boolAttr({ computed: true, description: 'Whether it is a built-in keyplane.* scope.' }),
          created_at: stringAttr({ computed: true, description: 'When it was registered (RFC 3339).' }),
        },
      },
      { computed: true, description: 'The scopes, ordered by name.' },
    ),
  },
});

type Schema = typeof scopesDataSourceSchema;

export class ScopesDataSource extends ConfiguredByProvider implements DataSource<Schema> {
  readonly typeName = 'keyplane_scopes';
  readonly schema = scopesDataSourceSchema;

  async read(_req: ReadDataSourceRequest<Schema>, resp: ReadDataSourceResponse<Schema>): Promise<void> {
    try {
      const scopes = (await this.client.listScopes()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      resp.state.set({
        names: scopes.map((s) => s.name),
        scopes: scopes.map((s) => ({ name: s.name, description: s.description, builtin: s.builtin, created_at: s.created_at })),
      });
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot List Scopes', 'listing scopes', err);
    }
  }
}

/**
 * `data "keyplane_api_key"`: one key by id, with its status and when and where it was last used. Never the
 * secret: the service keeps only a hash of it.
 */
import { type DataSource, type ReadDataSourceRequest, type ReadDataSourceResponse, dataSourceSchema, stringAttr } from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { apiKeyComputedAttributes, apiKeyValues } from './api-key-attributes';
import { idLength } from '../limits';

export const apiKeyDataSourceSchema = dataSourceSchema({
  description: 'Reads one Keyplane API key by id: its settings, status and last use. The secret is never available (the service stores only its hash).',
  attributes: {
    id: stringAttr({ required: true, validators: [idLength()], description: 'The key id (key_…).' }),
    ...apiKeyComputedAttributes,
  },
});

type Schema = typeof apiKeyDataSourceSchema;

export class ApiKeyDataSource extends ConfiguredByProvider implements DataSource<Schema> {
  readonly typeName = 'keyplane_api_key';
  readonly schema = apiKeyDataSourceSchema;

  async read(req: ReadDataSourceRequest<Schema>, resp: ReadDataSourceResponse<Schema>): Promise<void> {
    const id = req.config.id;
    try {
      resp.state.set(apiKeyValues(await this.client.getApiKey(id)));
    } catch (err) {
      if (isNotFound(err))
        resp.diagnostics.addAttributeError(
          [{ attr: 'id' }],
          'API Key Not Found',
          `The Keyplane service has no API key ${JSON.stringify(id)}, or the provider's key may not see it. Check the id.`,
        );
      else addClientError(resp.diagnostics, 'Cannot Read API Key', `reading API key ${id}`, err);
    }
  }
}

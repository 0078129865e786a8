/**
 * `data "keyplane_api_keys"`: the keys matching every given filter (owner, status, name prefix, labels),
 * all pages of them, ordered by id.
 */
import {
  types as T,
  type DataSource,
  type ReadDataSourceRequest,
  type ReadDataSourceResponse,
  dataSourceSchema,
  listAttr,
  listNestedAttr,
  mapAttr,
  stringAttr,
} from '../../sdk';
import type { ListApiKeysQuery } from '../../../client';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError } from '../client-errors';
import { apiKeyComputedAttributes, apiKeyValues } from './api-key-attributes';
import { LABEL_FILTERS, LIMITS, addLabelProblems, idLength, keyStatusChoice, labelLimits, nameLength, ownerTypeChoice } from '../limits';

export const apiKeysDataSourceSchema = dataSourceSchema({
  description: "Lists Keyplane API keys matching every given filter; with none, every key the provider's key may see. Secrets are never available.",
  attributes: {
    owner_type: stringAttr({
      optional: true,
      validators: [ownerTypeChoice()],
      description: 'Only keys owned by this kind of principal: "user" or "service_account".',
    }),
    owner_id: stringAttr({ optional: true, validators: [idLength()], description: 'Only keys owned by this user or service account id.' }),
    status: stringAttr({
      optional: true,
      validators: [keyStatusChoice()],
      description: 'Only keys in this status: "active", "revoked" or "expired".',
    }),
    name_prefix: stringAttr({ optional: true, validators: [nameLength()], description: 'Only keys whose name starts with this (case-sensitive).' }),
    labels: mapAttr(T.string, {
      optional: true,
      validators: [labelLimits(LABEL_FILTERS)],
      description: `Only keys carrying every one of these labels with these values (at most ${LIMITS.labelFilters.max}). Each key and value must be one a label can have (keyplane_api_key labels), so no filter silently matches nothing.`,
    }),
    ids: listAttr(T.string, { computed: true, description: 'Ids of the matching keys, ordered by id.' }),
    api_keys: listNestedAttr(
      { attributes: { id: stringAttr({ computed: true, description: 'The key id (key_…).' }), ...apiKeyComputedAttributes } },
      { computed: true, description: 'The matching keys, ordered by id.' },
    ),
  },
});

type Schema = typeof apiKeysDataSourceSchema;

export class ApiKeysDataSource extends ConfiguredByProvider implements DataSource<Schema> {
  readonly typeName = 'keyplane_api_keys';
  readonly schema = apiKeysDataSourceSchema;

  async read(req: ReadDataSourceRequest<Schema>, resp: ReadDataSourceResponse<Schema>): Promise<void> {
    const c = req.config;
    // Checked again with the values read has: validate may have seen some unknown.
    addLabelProblems([{ attr: 'labels' }], c.labels ?? {}, resp.diagnostics, LABEL_FILTERS);
    if (resp.diagnostics.hasError()) return;
    const labels = Object.entries(c.labels ?? {});
    const query: ListApiKeysQuery = {
      ...(c.owner_type !== null ? { owner_type: c.owner_type as ListApiKeysQuery['owner_type'] } : {}),
      ...(c.owner_id !== null ? { owner_id: c.owner_id } : {}),
      ...(c.status !== null ? { status: c.status as ListApiKeysQuery['status'] } : {}),
      ...(c.name_prefix !== null ? { name_prefix: c.name_prefix } : {}),
      ...(labels.length > 0 ? { label: labels.map(([k, v]) => `${k}=${v}`) } : {}),
      page_size: LIMITS.page.sizeMax,
    };
    try {
      const keys = [];
      for await (const k of this.client.listAll(this.client.listApiKeys, query)) keys.push(k);
      keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      resp.state.set({ ids: keys.map((k) => k.id), api_keys: keys.map((k) => ({ id: k.id, ...apiKeyValues(k) })) });
    } catch (err) {
      addClientError(resp.diagnostics, 'Cannot List API Keys', 'listing API keys', err, {
        attributes: ['owner_type', 'owner_id', 'status', 'name_prefix', 'labels'],
      });
    }
  }
}

/**
 * `ephemeral "keyplane_secret_version"`: reads a secret's entries (the latest version, or a given one)
 * for one run, so they can feed another provider's write-only argument or configuration without ever
 * entering plan or state. Each open is a read the service records in its audit log.
 */
import {
  types as T,
  type EphemeralResource,
  type OpenRequest,
  type OpenResponse,
  ephemeralResourceSchema,
  listAttr,
  mapAttr,
  numberAttr,
  stringAttr,
  type ValidateConfigRequest,
  type ValidateConfigResponse,
  isUnknown,
} from '../../sdk';
import { ConfiguredByProvider } from '../provider-data';
import { addClientError, isNotFound } from '../client-errors';
import { idLength } from '../limits';

export const secretVersionSchema = ephemeralResourceSchema({
  description:
    'Reads the entries of one version of a Keyplane secret (the latest by default) without them entering plan or state. Needs the admin role, ownership of the secret or the keyplane.secrets.read scope.',
  attributes: {
    secret_id: stringAttr({ required: true, validators: [idLength()], description: 'The secret to read (sec_…).' }),
    version: numberAttr({ optional: true, computed: true, description: 'The version to read; the latest when not given. Set to the version read.' }),
    entries: mapAttr(T.string, {
      computed: true,
      sensitive: true,
      description: 'Entry names and values of that version (without values erased by destroying the version that wrote them).',
    }),
    entry_keys: listAttr(T.string, { computed: true, description: 'Entry names in entries, sorted.' }),
    created_at: stringAttr({ computed: true, description: 'When the version was written (RFC 3339).' }),
  },
});

type Schema = typeof secretVersionSchema;

export class SecretVersionEphemeralResource extends ConfiguredByProvider implements EphemeralResource<Schema> {
  readonly typeName = 'keyplane_secret_version';
  readonly schema = secretVersionSchema;

  validateConfig(req: ValidateConfigRequest<Schema>, resp: ValidateConfigResponse): void {
    const v = req.config.version;
    if (v === null || isUnknown(v)) return;
    if (!Number.isInteger(v) || v < 1 || v > 2147483647)
      resp.diagnostics.addAttributeError(
        [{ attr: 'version' }],
        'Invalid Secret Version',
        `version is ${v}; versions are whole numbers from 1. Omit it to read the latest.`,
      );
  }

  async open(req: OpenRequest<Schema>, resp: OpenResponse<Schema>): Promise<void> {
    const { secret_id: id, version } = req.config;
    const which = version ?? 'latest';
    try {
      const v = await this.client.readSecretVersion(id, which);
      // Values erased by destroying the version that wrote them are left out; with none left, there is nothing to read.
      const names = Object.keys(v.entries).sort();
      if (names.length === 0 && v.destroyed_entries.length > 0) {
        resp.diagnostics.addAttributeError(
          [{ attr: 'version' }],
          'Secret Version Destroyed',
          `The values of version ${v.version} of secret ${id} were destroyed: ${v.destroyed_entries.join(', ')} are gone for good. Read another version, or omit version to read the latest.`,
        );
        return;
      }
      resp.result.set({ version: v.version, entries: v.entries, entry_keys: names, created_at: v.created_at });
    } catch (err) {
      if (isNotFound(err)) {
        resp.diagnostics.addAttributeError(
          [{ attr: version === null ? 'secret_id' : 'version' }],
          'Secret Version Not Found',
          `The Keyplane service says: ${(err as Error).message}. Check secret_id${version === null ? ', and that something has written a version' : ' and version'}.`,
        );
      } else {
        addClientError(
          resp.diagnostics,
          'Cannot Read Secret Version',
          `reading ${which === 'latest' ? 'the latest version' : `version ${which}`} of secret ${id}`,
          err,
        );
      }
    }
  }
}

/**
 * @module keyplane/provider
 * The Keyplane provider: its configuration (endpoint, API key, CA, timeout, retries), configure (one client
 * per provider instance, the key checked once with whoami so a missing or rejected key is reported once, here,
 * with what to check) and the types listed in registration.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyplaneApiError, KeyplaneClient, KeyplaneConnectionError } from '../../client';
import { type ConfigureProviderResponse, type Provider, isUnknown, numberAttr, providerSchema, providerServer, stringAttr, type ProviderServer } from '../sdk';
import { dataSources, ephemeralResources, resources } from './registration';
import type { ProviderData } from './provider-data';
import { PlanLookups } from './plan-lookups';
import { KeyReads } from './api-key/key-reads';

/** package.json's version: the bundle inlines the first require; tsc's dist/ copy (used by the generators) needs the second. */
function packageVersion(): string {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return (require(join(__dirname, '..', '..', '..', 'package.json')) as { version: string }).version;
  }
}
const VERSION = packageVersion();

export const ENDPOINT_ENV = 'KEYPLANE_ENDPOINT';
export const API_KEY_ENV = 'KEYPLANE_API_KEY';

const schema = providerSchema({
  description: 'Manages Keyplane API keys and what they use: service accounts, IP allow lists, secrets.',
  attributes: {
    endpoint: stringAttr({
      optional: true,
      description: `Base URL of the Keyplane service, such as https://keyplane.internal:7420. Defaults to $${ENDPOINT_ENV}.`,
    }),
    api_key: stringAttr({
      optional: true,
      sensitive: true,
      description: `The Keyplane API key the provider acts with; may come from an ephemeral value. Defaults to $${API_KEY_ENV}.`,
    }),
    ca_cert_file: stringAttr({
      optional: true,
      description: 'PEM file of the certificate authority to trust for an https endpoint instead of the system CAs.',
    }),
    request_timeout_seconds: numberAttr({ optional: true, description: 'Deadline of one HTTP attempt, in seconds. Default 30.' }),
    max_retries: numberAttr({
      optional: true,
      description:
        'Attempts after the first for 429, 5xx and connection errors, with exponential backoff (never for other 4xx answers, and a create only when the connection was refused). Default 3.',
    }),
  },
});

type Config = typeof schema;

export const keyplaneProvider: Provider<Config> = {
  typeName: 'keyplane',
  version: VERSION,
  schema,
  schemaChecks: { requireDescriptions: true },
  async configure(req, resp) {
    const c = req.config;
    for (const name of ['endpoint', 'api_key', 'ca_cert_file', 'request_timeout_seconds', 'max_retries'] as const) {
      if (isUnknown(c[name])) {
        resp.diagnostics.addAttributeError(
          [{ attr: name }],
          'Provider Configuration Not Known',
          `${name} depends on a value known only after apply. The keyplane provider needs it at plan time: use a value known before apply (an input variable, an ephemeral value, or the environment).`,
        );
      }
    }
    if (resp.diagnostics.hasError()) return;
    const endpoint = (c.endpoint as string | null) ?? nonEmpty(process.env[ENDPOINT_ENV]);
    const apiKey = (c.api_key as string | null) ?? nonEmpty(process.env[API_KEY_ENV]);
    if (!endpoint)
      resp.diagnostics.addAttributeError(
        [{ attr: 'endpoint' }],
        'Missing Keyplane Endpoint',
        `Set endpoint in the provider "keyplane" block or ${ENDPOINT_ENV} in the environment, such as https://keyplane.internal:7420.`,
      );
    if (!apiKey) {
      resp.diagnostics.addAttributeError(
        [{ attr: 'api_key' }],
        'Missing Keyplane API Key',
        `Set api_key in the provider "keyplane" block (an ephemeral value or a sensitive variable) or ${API_KEY_ENV} in the environment. The key needs a role that may manage the keys this configuration declares.`,
      );
    }
    const timeout = c.request_timeout_seconds as number | null;
    if (timeout !== null && !(timeout > 0))
      resp.diagnostics.addAttributeError(
        [{ attr: 'request_timeout_seconds' }],
        'Invalid Request Timeout',
        `request_timeout_seconds is ${timeout}; give a positive number of seconds.`,
      );
    const retries = c.max_retries as number | null;
    if (retries !== null && !(Number.isInteger(retries) && retries >= 0))
      resp.diagnostics.addAttributeError([{ attr: 'max_retries' }], 'Invalid Retry Count', `max_retries is ${retries}; give a whole number, 0 or more.`);
    let caCert: Buffer | undefined;
    const caFile = c.ca_cert_file as string | null;
    if (caFile !== null) {
      try {
        caCert = readFileSync(caFile);
      } catch (err) {
        resp.diagnostics.addAttributeError(
          [{ attr: 'ca_cert_file' }],
          'Cannot Read CA Certificate',
          `ca_cert_file ${JSON.stringify(caFile)} could not be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Give the path of a PEM file.`,
        );
      }
    }
    if (resp.diagnostics.hasError() || !endpoint || !apiKey) return;
    let client: KeyplaneClient;
    try {
      client = new KeyplaneClient({
        endpoint,
        apiKey,
        caCert,
        timeoutMs: timeout === null ? undefined : timeout * 1000,
        retries: retries ?? undefined,
        userAgent: `terraform-provider-keyplane/${VERSION} terraform/${req.terraformVersion}`,
      });
    } catch (err) {
      resp.diagnostics.addAttributeError([{ attr: 'endpoint' }], 'Invalid Keyplane Endpoint', `${(err as Error).message}.`);
      return;
    }
    await checkKey(client, c.api_key === null, resp);
  },
  resources: () => resources,
  dataSources: () => dataSources,
  ephemeralResources: () => ephemeralResources,
};

/** whoami once: the only place a missing, rejected or unreachable key is reported. */
async function checkKey(client: KeyplaneClient, fromEnv: boolean, resp: ConfigureProviderResponse): Promise<void> {
  const source = fromEnv ? API_KEY_ENV : 'api_key';
  try {
    const whoami = await client.whoami();
    const data: ProviderData = { client, whoami, lookups: new PlanLookups(client), keyReads: new KeyReads(client) };
    resp.data = data;
  } catch (err) {
    if (err instanceof KeyplaneApiError && (err.status === 401 || err.status === 403)) {
      resp.diagnostics.addAttributeError(
        [{ attr: 'api_key' }],
        'Keyplane API Key Rejected',
        `The Keyplane service at ${client.origin} rejected the key from ${source} (${err.code}: ${err.message}). Check that the key is copied whole, has not been revoked or expired, that its owner is still enabled, and that endpoint points at the service that issued it.`,
      );
    } else if (err instanceof KeyplaneConnectionError) {
      const { summary, detail } = err.toDiagnostic('checking the API key');
      resp.diagnostics.addAttributeError(
        [{ attr: 'endpoint' }],
        summary,
        `${detail} Check endpoint (or ${ENDPOINT_ENV}), that the service is running, and ca_cert_file for an https endpoint with a private CA.`,
      );
    } else if (err instanceof KeyplaneApiError && err.status >= 500) {
      const { summary, detail } = err.toDiagnostic('checking the API key');
      resp.diagnostics.addError(summary, detail);
    } else {
      resp.diagnostics.addError('Keyplane Service Error', `Checking the API key with whoami at ${client.origin} failed: ${(err as Error).message}`);
    }
  }
}

function nonEmpty(s: string | undefined): string | null {
  return s === undefined || s === '' ? null : s;
}

export function createServer(): ProviderServer {
  return providerServer(keyplaneProvider);
}

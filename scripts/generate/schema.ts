/** schemas/keyplane.json: the provider schema as `terraform providers schema -json` prints it. */
import { PROVIDER_ADDRESS } from '../../provider/keyplane/address';
import { createServer } from '../../provider/keyplane/provider';
import { type SchemaJSONDocument, serverSchemaJSON } from '../../provider/sdk/tools/schema-json';
import type { Generated } from './files';

const SCHEMA_PATH = 'schemas/keyplane.json';

export function providerSchemaDocument(): Promise<SchemaJSONDocument> {
  return serverSchemaJSON(PROVIDER_ADDRESS, createServer());
}

export async function generateSchema(): Promise<Generated & { document: SchemaJSONDocument }> {
  const document = await providerSchemaDocument();
  return { document, files: [{ path: SCHEMA_PATH, content: `${JSON.stringify(document, null, 2)}\n` }], owns: ['schemas'] };
}

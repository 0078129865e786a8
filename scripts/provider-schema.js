#!/usr/bin/env node
/**
 * Prints a provider's GetProviderSchema response in wire form, base64: what the provider's server answers,
 * through the transport's own converter and codec, from the compiled (tsc) module that exports its
 * `createServer`. scripts/bundle.js embeds it in the provider's executable (ServeOptions.schema in
 * provider/sdk/transport/serve.ts), so the process Terraform starts only to fetch the schema answers
 * without creating the provider server.
 *
 *   node scripts/provider-schema.js dist/provider/keyplane/provider.js
 *
 * The schema must not depend on the environment it is made in: test/e2e/keyplane.schema.test.ts compares
 * what Terraform prints from the built provider with the schema the code makes.
 */
const { join, resolve } = require('node:path');

const DIST = join(__dirname, '..', 'dist');

async function providerSchema(module) {
  const { createServer } = require(resolve(module));
  const { createLogger, OFF } = require(join(DIST, 'provider/sdk/transport/logger.js'));
  const { createConverter } = require(join(DIST, 'provider/sdk/transport/convert.js'));
  const { DESCRIPTOR, serviceDefinition } = require(join(DIST, 'provider/sdk/transport/descriptor.js'));
  const server = await createServer();
  const log = createLogger({ threshold: OFF, module: 'provider', write: () => undefined });
  const response = await server.getProviderSchema({}, { signal: new AbortController().signal, log, rpc: 'GetProviderSchema' });
  if ((response.diagnostics ?? []).length > 0) throw new Error(`GetProviderSchema reported diagnostics: ${JSON.stringify(response.diagnostics)}`);
  const proto = createConverter(DESCRIPTOR).toProto('tfplugin6.GetProviderSchema.Response', response);
  return serviceDefinition('tfplugin6.Provider').GetProviderSchema.responseSerialize(proto).toString('base64');
}

if (require.main === module) {
  providerSchema(process.argv[2]).then(
    (base64) => process.stdout.write(base64),
    (err) => {
      process.stderr.write(`provider-schema: ${err.stack ?? err}\n`);
      process.exit(1);
    },
  );
}

module.exports = { providerSchema };

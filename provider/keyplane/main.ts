#!/usr/bin/env node
/**
 * The `terraform-provider-keyplane` executable. Provider code (and the client, and openpgp, which only a
 * pgp_key loads) is required lazily, after the handshake, so Terraform's 3 to 5 starts per command stay fast.
 */
import { serve } from '../sdk/serve';
import { PROVIDER_ADDRESS } from './address';
import { silenceLogsTerraformDrops } from './log-level';

/** The GetProviderSchema response, base64, put in by the bundler (scripts/bundle.js); absent unbundled. */
declare const PROVIDER_SCHEMA: string | undefined;

silenceLogsTerraformDrops(process.env, process.argv.slice(2));
void serve({
  providerAddress: PROVIDER_ADDRESS,
  server: () => (require('./provider') as typeof import('./provider')).createServer(),
  schema: typeof PROVIDER_SCHEMA === 'string' ? PROVIDER_SCHEMA : undefined,
});

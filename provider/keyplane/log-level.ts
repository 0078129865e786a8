/**
 * @module keyplane/log-level
 * The provider's log threshold when Terraform's logging is off. The SDK's transport writes every line at or
 * above the threshold from TF_LOG_PROVIDER_KEYPLANE, TF_LOG_PROVIDER or TF_LOG, trace when none is set
 * (provider/sdk/transport/logger.ts), two trace lines per call. Terraform drops all provider lines when
 * neither TF_LOG_PROVIDER nor TF_LOG is set, after parsing each one, so on a plan of hundreds of resources
 * those lines cost both processes CPU for nothing. Then the threshold is off. Debug mode (--debug) keeps
 * trace: there the provider's stderr is the developer's terminal, not Terraform's.
 */
import { PROVIDER_ADDRESS } from './address';

/** The per-provider variable the transport reads first (logger.ts thresholdFromEnv). */
export const OWN_LOG_ENV = `TF_LOG_PROVIDER_${PROVIDER_ADDRESS.split('/').pop()!.toUpperCase()}`;

/** Sets OWN_LOG_ENV to off in `env` when Terraform would show none of the provider's lines. */
export function silenceLogsTerraformDrops(env: NodeJS.ProcessEnv, argv: readonly string[]): void {
  if (argv.includes('--debug')) return;
  if ([OWN_LOG_ENV, 'TF_LOG_PROVIDER', 'TF_LOG'].some((name) => (env[name] ?? '').trim() !== '')) return;
  env[OWN_LOG_ENV] = 'off';
}

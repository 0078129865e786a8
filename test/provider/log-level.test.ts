/**
 * The provider executable's log default (provider/keyplane/log-level.ts), judged by what the SDK transport's logger
 * then writes.
 */
import { createLogger, thresholdFromEnv } from '../../provider/sdk/transport/logger';
import { OWN_LOG_ENV, silenceLogsTerraformDrops } from '../../provider/keyplane/log-level';

/** What the transport would write at trace with this environment (logger.ts reads the same variables). */
function tracedLines(env: NodeJS.ProcessEnv, argv: string[] = []): string[] {
  const e = { ...env };
  silenceLogsTerraformDrops(e, argv);
  const lines: string[] = [];
  createLogger({ threshold: thresholdFromEnv(e, 'keyplane'), write: (l) => lines.push(l) }).trace('Received request');
  return lines;
}

test('the per-provider variable is the one the transport reads for keyplane', () => {
  expect(OWN_LOG_ENV).toBe('TF_LOG_PROVIDER_KEYPLANE');
});

test('with no Terraform log variable set the provider writes no log lines (Terraform would drop them)', () => {
  expect(tracedLines({})).toEqual([]);
  expect(tracedLines({ TF_LOG: '' })).toEqual([]);
});

test('any Terraform log variable keeps its level', () => {
  expect(tracedLines({ TF_LOG: 'trace' })).toHaveLength(1);
  expect(tracedLines({ TF_LOG_PROVIDER: 'trace' })).toHaveLength(1);
  expect(tracedLines({ TF_LOG_PROVIDER_KEYPLANE: 'trace' })).toHaveLength(1);
  expect(tracedLines({ TF_LOG: 'info' })).toEqual([]);
});

test('debug mode keeps trace: its stderr is the terminal', () => {
  expect(tracedLines({}, ['--debug'])).toHaveLength(1);
});

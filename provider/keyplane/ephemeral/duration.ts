/**
 * @module keyplane/ephemeral/duration
 * Durations written as Terraform and Go write them ("90s", "15m", "1h30m"), for the lifetime of an
 * ephemeral key and a key's rotation (parsed by contract/duration.ts, which the CLI shares).
 */
import { parseDuration } from '../../../contract/duration';
import type { Validator } from '../../sdk';

export { parseDuration };

export function duration(minMs: number, maxMs: number, label: string): Validator {
  return {
    description: `must be a duration such as "15m" or "1h30m", ${label}`,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull()) return;
      const text = value.asString();
      const ms = parseDuration(text);
      if (ms === undefined)
        diags.addAttributeError(
          path,
          'Invalid Duration',
          `${JSON.stringify(text)} is not a duration. Write hours, minutes and seconds such as "15m", "90s" or "1h30m".`,
        );
      else if (ms < minMs || ms > maxMs)
        diags.addAttributeError(path, 'Duration Out Of Range', `${JSON.stringify(text)} is outside the allowed range: it ${label}.`);
    },
  };
}

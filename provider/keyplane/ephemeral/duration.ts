/**
 * @module keyplane/ephemeral/duration
 * Durations written as Terraform and Go write them ("90s", "15m", "1h30m"), for the lifetime of an
 * ephemeral key.
 */
import type { Validator } from '../../sdk';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration such as "1h30m", or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+[hms])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([hms])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

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

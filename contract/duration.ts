/**
 * Durations written as Terraform and Go write them ("90s", "15m", "1h30m", "720h"): one parser for every
 * place a person types one (the provider's rotation block and ephemeral key lifetime, the CLI's --overlap).
 * @module
 */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration such as "1h30m", or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+[hms])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([hms])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

/** Whole seconds of a duration (every unit is a whole number of seconds), or undefined when the text is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * Option parsers and shared option sets. A parser that throws commander's InvalidArgumentError makes a
 * usage error (exit 2) naming the option; values the service validates (times, scope names, CIDRs) are
 * passed through, so its message, naming the field, is the one the user sees.
 * @module
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { LIMITS } from '../contract/limits';
import { ROLES_HIGHEST_FIRST } from '../contract/roles';
import { UsageError } from './errors';

/** For repeatable options: `--scope a --scope b` gives `['a', 'b']`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(`expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`);
    return Number(value);
  };
}

/** `--rate-limit 100/60`: uses per window of seconds, within the service's limits (contract/limits.ts). */
export function rateLimit(value: string): { limit: number; window_seconds: number } {
  const m = /^(\d+)\/(\d+)s?$/.exec(value);
  const { max, windowMinSeconds, windowMaxSeconds } = LIMITS.keyRateLimit;
  const limit = Number(m?.[1]);
  const window = Number(m?.[2]);
  if (!m || limit < 1 || limit > max || window < windowMinSeconds || window > windowMaxSeconds)
    throw new InvalidArgumentError(`expected USES/SECONDS, e.g. 100/60: 1 to ${max} uses per ${windowMinSeconds} to ${windowMaxSeconds} seconds`);
  return { limit, window_seconds: window };
}

/** `--label env=prod` (repeatable) as a record; `option` names the flag in the message. */
export function keyValues(pairs: string[] | undefined, option: string): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${option} "${pair}" is not KEY=VALUE`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** Checks `KEY=VALUE` filters without turning them into a record (the API takes them as strings). */
export function keyValueFilters(pairs: string[] | undefined, option: string): string[] | undefined {
  keyValues(pairs, option);
  return pairs;
}

export const roleOption = (description: string) => new Option('--role <role>', description).choices(ROLES_HIGHEST_FIRST);

/** `--page-size`, `--page-token`, `--all` for a list command. */
export function pagingOptions(command: Command): Command {
  return command
    .option(
      '--page-size <n>',
      `items per page (${LIMITS.page.sizeMin}-${LIMITS.page.sizeMax}; the service defaults to ${LIMITS.page.sizeDefault})`,
      integer(LIMITS.page.sizeMin, LIMITS.page.sizeMax),
    )
    .option('--page-token <token>', 'continue after a previous page (printed on stderr when there are more)')
    .option('--all', 'follow every page');
}

export interface PagingFlags {
  pageSize?: number;
  pageToken?: string;
  all?: boolean;
}

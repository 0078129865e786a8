/**
 * @module transport/port-range
 * The ports a TCP listener may take: PLUGIN_MIN_PORT..PLUGIN_MAX_PORT, which go-plugin's client sets for every
 * plugin it starts (10000..25000 from Terraform 1.11), tried in order, the first free one taken, as go-plugin's
 * server does. Without them the system chooses (docs/sdk/plugin-process.md#transport).
 */

export const MIN_PORT_VARIABLE = 'PLUGIN_MIN_PORT';
export const MAX_PORT_VARIABLE = 'PLUGIN_MAX_PORT';

export interface PortRange {
  min: number;
  max: number;
}

function port(variable: string, value: string): number {
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(n >= 1 && n <= 65535)) throw new Error(`${variable} is ${JSON.stringify(value)}: it must be a port number from 1 to 65535`);
  return n;
}

/**
 * The range PLUGIN_MIN_PORT and PLUGIN_MAX_PORT give, or undefined (any port) when neither is set. Throws,
 * naming the variables, for a value that is not a port, a minimum above the maximum, or one without the
 * other (go-plugin would read the missing one as 0: an error for a minimum alone, any port for a maximum
 * alone; either is more likely a mistake than a wish).
 */
export function portRange(env: Record<string, string | undefined>): PortRange | undefined {
  const minText = env[MIN_PORT_VARIABLE]?.trim() || undefined;
  const maxText = env[MAX_PORT_VARIABLE]?.trim() || undefined;
  if (minText === undefined && maxText === undefined) return undefined;
  if (minText === undefined || maxText === undefined) {
    const [set, unset] = minText === undefined ? [MAX_PORT_VARIABLE, MIN_PORT_VARIABLE] : [MIN_PORT_VARIABLE, MAX_PORT_VARIABLE];
    throw new Error(`${set} is set but ${unset} is not: set both to a port range, or neither for a port the system chooses`);
  }
  const min = port(MIN_PORT_VARIABLE, minText);
  const max = port(MAX_PORT_VARIABLE, maxText);
  if (min > max) throw new Error(`${MIN_PORT_VARIABLE} (${min}) is greater than ${MAX_PORT_VARIABLE} (${max})`);
  return { min, max };
}

/** What to say when no port of the range could be listened on; `lastCode` is the last listen error's code. */
export function noFreePortMessage(range: PortRange, host: string, lastCode: string): string {
  const where = range.min === range.max ? `port ${range.min}` : `any port from ${range.min} to ${range.max}`;
  const why = lastCode === 'EADDRINUSE' ? `${range.min === range.max ? 'it is' : 'all are'} in use` : `last error ${lastCode}`;
  return `no free TCP port: could not listen on ${host} on ${where} (${MIN_PORT_VARIABLE}=${range.min}, ${MAX_PORT_VARIABLE}=${range.max}): ${why}`;
}

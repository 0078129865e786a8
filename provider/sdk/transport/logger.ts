/**
 * @module transport/logger
 * A Logger that writes hclog JSON lines on stderr, the format Terraform's plugin client (go-plugin) parses
 * and re-logs under the provider's name (docs/sdk/plugin-process.md#logging):
 *
 *   {"@level":"debug","@message":"...","@timestamp":"2026-12-01T19:28:10.123456Z","@module":"provider",...}
 *
 * `@message` and `@timestamp` are always strings: go-plugin type-asserts them without checking, so anything
 * else would panic Terraform itself. The timestamp has exactly six fractional digits, the only layout
 * go-plugin parses (other layouts demote the whole line to a raw debug line). Every other key becomes a
 * key=value pair in Terraform's log.
 *
 * Levels. Terraform shows provider lines only at or above TF_LOG_PROVIDER (falling back to TF_LOG), and
 * drops them all when neither is set. terraform-plugin-go (with terraform-plugin-log) does not try to
 * mirror that: its loggers default to trace and only a level variable narrows them; Terraform filters.
 * We do the same: the threshold comes from TF_LOG_PROVIDER_<TYPE>, TF_LOG_PROVIDER or TF_LOG (first one
 * set), `off` silences, `json` and any unrecognised value mean trace (as in Terraform), and unset means
 * trace. Writing lines Terraform then drops costs a few microseconds each; guessing wrong would hide them.
 *
 * Payloads never reach a logger: the transport logs RPC names, ids and durations only, and field values
 * that are bytes are written as their length, so a value handed over by mistake is not printed.
 */
import type { Logger } from '../protocol/types';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };
/** A threshold above every level. */
export const OFF = 5;

export type LogFields = Record<string, unknown>;

/** A Logger that can also make a child carrying extra fields on every line. */
export interface HclogLogger extends Logger {
  with(fields: LogFields): HclogLogger;
  enabled(level: LogLevel): boolean;
}

/** A level variable's value as a threshold (0 trace … 4 error, OFF), or undefined when empty. */
export function parseLevel(value: string | undefined): number | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === 'off') return OFF;
  if (v in RANK) return RANK[v as LogLevel];
  return RANK.trace; // "json", and anything Terraform itself would read as trace
}

/**
 * The threshold for a provider's logs. `providerType` is the last part of its address (`keyplane`), giving
 * TF_LOG_PROVIDER_KEYPLANE, the per-provider variable terraform-plugin-go reads.
 */
export function thresholdFromEnv(env: NodeJS.ProcessEnv, providerType?: string): number {
  const own = providerType ? env[`TF_LOG_PROVIDER_${providerType.toUpperCase().replace(/-/g, '_')}`] : undefined;
  return parseLevel(own) ?? parseLevel(env.TF_LOG_PROVIDER) ?? parseLevel(env.TF_LOG) ?? RANK.trace;
}

/** hclog's `2006-01-02T15:04:05.000000Z07:00` in UTC, from epoch milliseconds with a fraction. */
export function formatTimestamp(epochMs: number): string {
  const micros = Math.floor(epochMs * 1000);
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // ...T19:28:10.123Z
  return `${iso.slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`;
}

/** Sub-millisecond wall clock: Date.now() only has milliseconds. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** JSON.stringify replacer. `this[key]` is the value before toJSON (a Buffer's toJSON would list its bytes). */
function fieldValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return `<${raw.length} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

/** One JSON line. Field keys starting with `@` are dropped: they would clash with hclog's own keys. */
export function formatLine(level: LogLevel, message: string, module: string, fields: LogFields, epochMs: number): string {
  const record: LogFields = { '@level': level, '@message': String(message), '@timestamp': formatTimestamp(epochMs), '@module': module };
  for (const [k, v] of Object.entries(fields)) if (!k.startsWith('@') && v !== undefined) record[k] = v;
  try {
    return `${JSON.stringify(record, fieldValue)}\n`;
  } catch (err) {
    // A circular field value: keep the message rather than losing the line.
    const bare = {
      '@level': level,
      '@message': String(message),
      '@timestamp': record['@timestamp'],
      '@module': module,
      log_error: `fields not serialisable: ${(err as Error).message}`,
    };
    return `${JSON.stringify(bare)}\n`;
  }
}

export interface LoggerOptions {
  /** Lowest rank written (see thresholdFromEnv). */
  threshold: number;
  /** hclog's `@module`: "provider" for the provider's own logs. */
  module?: string;
  fields?: LogFields;
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
  now?: () => number;
}

const writeStderr = (line: string): void => {
  process.stderr.write(line);
};

/** What a logger and the children `with` makes share. */
interface Sink {
  threshold: number;
  module: string;
  write: (line: string) => void;
  now: () => number;
}

/**
 * A class, not closures: the transport makes two child loggers per call (the call's and the provider's),
 * hundreds per process, and a child is now one small object. Its fields are merged only when a line is
 * written, or a grandchild made.
 */
class Hclog implements HclogLogger {
  private merged?: LogFields;

  constructor(
    private readonly sink: Sink,
    private readonly inherited: LogFields,
    private readonly own?: LogFields,
  ) {}

  private get fields(): LogFields {
    this.merged ??= this.own ? { ...this.inherited, ...this.own } : this.inherited;
    return this.merged;
  }

  private line(level: LogLevel, message: string, extra?: LogFields): void {
    const { sink } = this;
    if (RANK[level] < sink.threshold) return;
    sink.write(formatLine(level, message, sink.module, extra ? { ...this.fields, ...extra } : this.fields, sink.now()));
  }

  trace(message: string, extra?: LogFields): void {
    this.line('trace', message, extra);
  }
  debug(message: string, extra?: LogFields): void {
    this.line('debug', message, extra);
  }
  info(message: string, extra?: LogFields): void {
    this.line('info', message, extra);
  }
  warn(message: string, extra?: LogFields): void {
    this.line('warn', message, extra);
  }
  error(message: string, extra?: LogFields): void {
    this.line('error', message, extra);
  }
  enabled(level: LogLevel): boolean {
    return RANK[level] >= this.sink.threshold;
  }
  with(more: LogFields): HclogLogger {
    return new Hclog(this.sink, this.fields, more);
  }
}

export function createLogger(options: LoggerOptions): HclogLogger {
  const { threshold, module = 'provider', fields = {}, write = writeStderr, now = nowMs } = options;
  return new Hclog({ threshold, module, write, now }, fields);
}

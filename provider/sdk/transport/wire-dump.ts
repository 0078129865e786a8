/**
 * @module transport/wire-dump
 * Debugging the wire is one switch: with TF_LOG_SDK_PROTO_DATA_DIR set (the variable terraform-plugin-go
 * reads for the same purpose), every DynamicValue, raw state and private state of every request and response
 * is written to a file in that directory, named `<time>_<rpc>_<request|response>_<field>.<msgpack|json|bin>`.
 * Off by default. The files hold configuration and state as Terraform sends them, secrets included: use it
 * on test data only, and delete the directory afterwards. Logs never carry these payloads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type WireDumper = (rpc: string, direction: 'request' | 'response', message: unknown) => void;

export const WIRE_DUMP_ENV = 'TF_LOG_SDK_PROTO_DATA_DIR';

/** A dumper when the variable is set, else undefined (so the hot path costs one check). */
export function wireDumper(env: NodeJS.ProcessEnv = process.env): WireDumper | undefined {
  const dir = env[WIRE_DUMP_ENV];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let sequence = 0;
  return (rpc, direction, message) => {
    const stamp = `${new Date().toISOString().replace(/[:.]/g, '')}_${String(++sequence).padStart(6, '0')}`;
    for (const [field, ext, bytes] of payloads(message, '')) {
      writeFileSync(join(dir, `${stamp}_${rpc}_${direction}_${field}.${ext}`), bytes, { mode: 0o600 });
    }
  };
}

/** Every bytes payload worth keeping in a message: DynamicValue msgpack/json, raw state json, private state. */
function* payloads(message: unknown, prefix: string): Generator<[string, string, Uint8Array]> {
  if (message === null || typeof message !== 'object') return;
  if (Array.isArray(message)) {
    for (const [i, item] of message.entries()) yield* payloads(item, `${prefix}${i}_`);
    return;
  }
  for (const [key, value] of Object.entries(message as Record<string, unknown>)) {
    if (value instanceof Uint8Array) {
      if (value.length === 0) continue;
      if (key === 'msgpack') yield [prefix.replace(/_$/, '') || 'value', 'msgpack', value];
      else if (key === 'json') yield [prefix.replace(/_$/, '') || 'value', 'json', value];
      else if (key === 'private' || key === 'prior_private' || key === 'planned_private' || key === 'source_private' || key === 'target_private')
        yield [`${prefix}${key}`, 'bin', value];
    } else if (value !== null && typeof value === 'object' && key !== 'diagnostics') {
      yield* payloads(value, `${prefix}${key}_`);
    }
  }
}

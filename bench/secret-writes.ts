/**
 * `secrets` mode of bench/run.ts: the cost of a secret-store write as the secret grows. One client writes
 * `entries` entries into one secret, one version each (as `for_each` keys delivering into a shared secret
 * do), over HTTP to the service in its own process. Each write alternates with a baseline write that
 * overwrites the one entry of a second secret, which never grows: warm-up and noise from elsewhere on the
 * machine hit both alike. The figures are the median latency of the first 50 and the last 50 growing writes,
 * their ratio, and the same against the baseline (about 1 when a write's cost does not grow with the entries
 * the secret holds). Then a read of the latest version, which holds every entry.
 */
import { performance } from 'node:perf_hooks';
import { api, median } from './common';

export interface SecretWritesResult {
  entries: number;
  first_write_ms: number;
  last_write_ms: number;
  first_50_median_ms: number;
  last_50_median_ms: number;
  /** last_50_median_ms / first_50_median_ms */
  ratio: number;
  /** The growing writes over the baseline writes made alongside them, for the first 50 and the last 50. */
  first_50_vs_baseline: number;
  last_50_vs_baseline: number;
  /** last_50_vs_baseline / first_50_vs_baseline: about 1 when the cost is flat. */
  ratio_vs_baseline: number;
  /** The median of each tenth of the growing writes, in order: the shape of the curve. */
  tenth_medians_ms: number[];
  read_latest_ms: number;
  read_latest_bytes: number;
}

export async function benchSecretWrites(options: { url: string; admin: string; entries: number }): Promise<SecretWritesResult> {
  const { url, admin, entries } = options;
  if (entries < 100) throw new Error('--entries needs at least 100 (the first and last 50 writes are compared)');
  const newSecret = async (name: string) => ((await api(url, admin, 'POST', '/v1/secrets', { name })) as { id: string }).id;
  // A value the size of an API key, under a name like the provider's per-key entries.
  const value = (i: number) => `kp_${i.toString(36).padStart(40, 'x')}`;
  const timed = async (id: string, name: string, i: number) => {
    const t0 = performance.now();
    await api(url, admin, 'POST', `/v1/secrets/${id}/versions`, { entries: { [name]: value(i) } });
    return performance.now() - t0;
  };
  const growing = await newSecret(`bench-growing-${Date.now()}`);
  const baseline = await newSecret(`bench-baseline-${Date.now()}`);
  const times: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < entries; i++) {
    times.push(await timed(growing, `key_${String(i).padStart(5, '0')}`, i));
    base.push(await timed(baseline, 'key', i));
  }
  const t0 = performance.now();
  const latest = (await api(url, admin, 'GET', `/v1/secrets/${growing}/versions/latest`)) as { entries: Record<string, string> };
  const readMs = performance.now() - t0;
  const held = Object.keys(latest.entries).length;
  if (held !== entries) throw new Error(`the latest version holds ${held} entries, not ${entries}`);
  const first = median(times.slice(0, 50));
  const last = median(times.slice(-50));
  const firstVs = first / median(base.slice(0, 50));
  const lastVs = last / median(base.slice(-50));
  return {
    entries,
    first_write_ms: times[0]!,
    last_write_ms: times[times.length - 1]!,
    first_50_median_ms: first,
    last_50_median_ms: last,
    ratio: last / first,
    first_50_vs_baseline: firstVs,
    last_50_vs_baseline: lastVs,
    ratio_vs_baseline: lastVs / firstVs,
    tenth_medians_ms: Array.from({ length: 10 }, (_, k) => median(times.slice(Math.floor((k * entries) / 10), Math.floor(((k + 1) * entries) / 10)))),
    read_latest_ms: readMs,
    read_latest_bytes: Buffer.byteLength(JSON.stringify(latest)),
  };
}

export function describeSecretWrites(r: SecretWritesResult): string {
  const f = (n: number) => n.toFixed(2);
  return [
    `secret-store writes: ${r.entries} entries into one secret, one version each (SQLite, over HTTP), each alternating with a baseline write to a one-entry secret`,
    `write 1: ${f(r.first_write_ms)} ms; write ${r.entries}: ${f(r.last_write_ms)} ms`,
    `median of the first 50: ${f(r.first_50_median_ms)} ms; of the last 50: ${f(r.last_50_median_ms)} ms; ratio ${f(r.ratio)}`,
    `against the baseline: first 50 ${f(r.first_50_vs_baseline)}, last 50 ${f(r.last_50_vs_baseline)}; ratio ${f(r.ratio_vs_baseline)} (flat: about 1)`,
    `median of each tenth: ${r.tenth_medians_ms.map(f).join(', ')} ms`,
    `read of the latest version (${r.entries} entries, ${r.read_latest_bytes} bytes): ${f(r.read_latest_ms)} ms`,
  ].join('\n');
}

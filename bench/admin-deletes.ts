/**
 * `admin-deletes` mode of bench/run.ts: what deleting an admin key costs when many admin keys exist. A delete
 * (or revoke) of an admin key first makes sure a working admin key is left (service/keys/last-admin-key.ts),
 * which should cost the same whether 1 or 1,000 admin keys exist. `keys` admin keys are made and stay; then
 * each round makes one viewer key and one admin key and deletes both, the two deletes timed one after the
 * other so that noise from elsewhere on the machine hits both alike. The figure is the median admin delete
 * over the median viewer delete (a viewer key skips the check).
 */
import { performance } from 'node:perf_hooks';
import { api, median } from './common';

export interface AdminDeletesResult {
  admin_keys: number;
  rounds: number;
  viewer_delete_median_ms: number;
  admin_delete_median_ms: number;
  /** admin_delete_median_ms / viewer_delete_median_ms */
  ratio: number;
}

export async function benchAdminDeletes(options: { url: string; admin: string; keys: number; rounds: number }): Promise<AdminDeletesResult> {
  const { url, admin, keys, rounds } = options;
  const make = async (name: string, role: string) =>
    ((await api(url, admin, 'POST', '/v1/api-keys', { name, role })) as { api_key: { id: string } }).api_key.id;
  for (let i = 0; i < keys; i++) await make(`pile-${i}`, 'admin');
  const timedDelete = async (id: string) => {
    const t0 = performance.now();
    await api(url, admin, 'DELETE', `/v1/api-keys/${id}`);
    return performance.now() - t0;
  };
  const viewer: number[] = [];
  const adminTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const v = await make(`viewer-${r}`, 'viewer');
    const a = await make(`admin-${r}`, 'admin');
    // Alternate which goes first, so neither always follows the other's writes.
    if (r % 2 === 0) {
      viewer.push(await timedDelete(v));
      adminTimes.push(await timedDelete(a));
    } else {
      adminTimes.push(await timedDelete(a));
      viewer.push(await timedDelete(v));
    }
  }
  const v = median(viewer);
  const a = median(adminTimes);
  return { admin_keys: keys, rounds, viewer_delete_median_ms: v, admin_delete_median_ms: a, ratio: a / v };
}

export function describeAdminDeletes(r: AdminDeletesResult): string {
  const f = (n: number) => n.toFixed(2);
  return [
    `deleting keys with ${r.admin_keys} other admin keys in the store (SQLite, over HTTP), ${r.rounds} rounds of one viewer and one admin key`,
    `median delete: viewer key ${f(r.viewer_delete_median_ms)} ms, admin key ${f(r.admin_delete_median_ms)} ms; admin over viewer ${f(r.ratio)}`,
  ].join('\n');
}

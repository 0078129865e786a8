/**
 * The names of a key's IP allow lists, read one by one (GET /v1/ip-allow-lists/{id}), for the details sheet.
 * A list that cannot be read (refused, or deleted since) has no name here: the sheet shows its id.
 */
import type { IpAllowList } from '../contract/api';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

export function useAllowListNames(ids: readonly string[]): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = ids.join(' ');
  useEffect(() => {
    let live = true;
    const listIds = wanted ? wanted.split(' ') : [];
    void Promise.allSettled(listIds.map((id) => api<IpAllowList>('GET', `/v1/ip-allow-lists/${encodeURIComponent(id)}`))).then((results) => {
      if (!live) return;
      setNames(new Map(results.flatMap((r) => (r.status === 'fulfilled' ? [[r.value.id, r.value.name] as const] : []))));
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return names;
}

/**
 * Names of the users and service accounts the signed-in key may list, so the table shows who owns and who
 * created a key rather than their ids. A principal the caller may not list is shown by its id.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ServiceAccountList, UserList } from '../contract/api';
import { api } from './api';

export type PrincipalNames = ReadonlyMap<string, string>;

async function allPages<P extends { next_page_token: string | null }, T>(path: string, items: (page: P) => T[]): Promise<T[]> {
  const out: T[] = [];
  let token: string | null = null;
  // A bound, not a loop that could run on: the table falls back to ids past it.
  for (let i = 0; i < 20; i++) {
    const page: P = await api<P>('GET', `${path}?page_size=200${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
    out.push(...items(page));
    token = page.next_page_token;
    if (!token) break;
  }
  return out;
}

export function usePrincipalNames(): PrincipalNames {
  const [names, setNames] = useState<PrincipalNames>(new Map());
  useEffect(() => {
    let live = true;
    void Promise.allSettled([
      allPages('/v1/users', (p: UserList) => p.users.map((u) => [u.id, u.name] as const)),
      allPages('/v1/service-accounts', (p: ServiceAccountList) => p.service_accounts.map((a) => [a.id, a.name] as const)),
    ]).then((results) => {
      if (!live) return;
      setNames(new Map(results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))));
    });
    return () => {
      live = false;
    };
  }, []);
  return names;
}

export function nameOf(names: PrincipalNames, id: string): string {
  return names.get(id) ?? id;
}

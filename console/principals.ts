/**
 * Names of the users and service accounts the signed-in key may list, so the table shows who owns and who
 * created a key rather than their ids. A principal the caller may not list is shown by its id.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ServiceAccountList, UserList } from '../contract/api';
import { allPages } from './all-pages';

export type PrincipalNames = ReadonlyMap<string, string>;

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

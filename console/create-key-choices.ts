/**
 * What the Create API Key dialog offers, read from the API when it opens: the scope catalogue, the IP allow
 * lists, the service accounts the caller may create keys for (console/owner-choices.ts) and the secrets it may
 * write a new key's secret into (the service's own `caller_can_write`). A list that cannot be read is offered
 * empty, with the API's reason.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AllowListList, IpAllowList, Scope, ScopeList, Secret, ServiceAccount, ServiceAccountList, Whoami } from '../contract/api';
import { allPages } from './all-pages';
import { type ApiFailure, api } from './api';
import { accountsForNewKeys } from './owner-choices';
import { toFailure } from './failure';
import { writableSecrets } from './writable-secrets';

export interface CreateKeyChoices {
  loaded: boolean;
  scopes: Scope[];
  allowLists: IpAllowList[];
  accounts: ServiceAccount[];
  secrets: Secret[];
  error?: ApiFailure;
}

const NONE: CreateKeyChoices = { loaded: false, scopes: [], allowLists: [], accounts: [], secrets: [] };

export function useCreateKeyChoices(me: Whoami): CreateKeyChoices {
  const [choices, setChoices] = useState<CreateKeyChoices>(NONE);
  useEffect(() => {
    let live = true;
    void Promise.allSettled([
      api<ScopeList>('GET', '/v1/scopes').then((l) => l.scopes),
      allPages('/v1/ip-allow-lists', (p: AllowListList) => p.ip_allow_lists),
      allPages('/v1/service-accounts', (p: ServiceAccountList) => p.service_accounts),
      writableSecrets(),
    ]).then(([scopes, allowLists, accounts, secrets]) => {
      if (!live) return;
      const value = <T>(r: PromiseSettledResult<T[]>): T[] => (r.status === 'fulfilled' ? r.value : []);
      const failed = [scopes, allowLists, accounts, secrets].find((r) => r.status === 'rejected');
      const reason = failed?.status === 'rejected' ? failed.reason : undefined;
      setChoices({
        loaded: true,
        scopes: value(scopes),
        allowLists: value(allowLists),
        accounts: accountsForNewKeys(me, value(accounts)),
        secrets: value(secrets),
        error: reason === undefined ? undefined : toFailure(reason),
      });
    });
    return () => {
      live = false;
    };
  }, [me]);
  return choices;
}

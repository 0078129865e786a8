/**
 * The Owner select of the API Keys page (choices from console/owner-choices.ts `ownerFilters`). The service
 * accounts are read once; until they arrive, or if they cannot be read, Anyone and Me are offered.
 */
import type { ServiceAccount, ServiceAccountList, Whoami } from '../contract/api';
import { useEffect, useState } from 'preact/hooks';
import { allPages } from './all-pages';
import { type OwnerFilter, ownerFilters } from './owner-choices';

export function useOwnerFilters(me: Whoami): OwnerFilter[] {
  const [accounts, setAccounts] = useState<ServiceAccount[]>([]);
  useEffect(() => {
    let live = true;
    allPages('/v1/service-accounts', (p: ServiceAccountList) => p.service_accounts).then(
      (all) => live && setAccounts(all),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return ownerFilters(me, accounts);
}

export function OwnerSelect(props: { choices: OwnerFilter[]; value: string; onChange: (value: string) => void }) {
  return (
    <>
      <label for="owner">Owner</label>
      <select id="owner" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </>
  );
}

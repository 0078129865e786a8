/**
 * The users an owner or manager may be chosen from: every role may list users (service/users/routes.ts), so
 * the console offers them by name; an id the list does not hold is still shown, by its id.
 */
import type { User, UserList } from '../contract/api';
import { useEffect, useState } from 'preact/hooks';
import { allPages } from './all-pages';
import type { ApiFailure } from './api';
import { toFailure } from './failure';

export function useUsers(): { users: User[] | undefined; error: ApiFailure | undefined } {
  const [users, setUsers] = useState<User[]>();
  const [error, setError] = useState<ApiFailure>();
  useEffect(() => {
    let live = true;
    allPages('/v1/users', (p: UserList) => p.users).then(
      (all) => live && setUsers([...all].sort((a, b) => a.name.localeCompare(b.name))),
      (err) => live && setError(toFailure(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  return { users, error };
}

/** "Name (email)" for a known user, the id for any other. */
export function userLabel(users: readonly User[] | undefined, id: string): string {
  const u = users?.find((x) => x.id === id);
  return u ? `${u.name} (${u.email})` : id;
}

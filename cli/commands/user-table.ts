/**
 * The columns of `keyplane user list`. The table fits the terminal (cli/output.ts `printTable`): the id
 * whole, the display name cut before the email, which is how users are known in other tables
 * (cli/principal-names.ts). `-o wide` adds exact times, nothing cut.
 * @module
 */
import type { User } from '../../client';
import { cellText, type Column } from '../output';

const ID: Column<User> = { header: 'ID', value: (u) => u.id };
const ROLE: Column<User> = { header: 'ROLE', value: (u) => u.role };
const DISABLED: Column<User> = { header: 'DISABLED', value: (u) => cellText(u.disabled) };

/** The views of a user list. */
export const USER_VIEW: { table: Column<User>[]; wide: Column<User>[] } = {
  table: [ID, { header: 'EMAIL', value: (u) => u.email, cut: 'last' }, { header: 'NAME', value: (u) => u.name, cut: 'second' }, ROLE, DISABLED],
  wide: [
    ID,
    { header: 'EMAIL', value: (u) => u.email },
    { header: 'NAME', value: (u) => u.name },
    ROLE,
    DISABLED,
    { header: 'CREATED', value: (u) => u.created_at },
    { header: 'UPDATED', value: (u) => u.updated_at },
  ],
};

/**
 * Who may read the audit log: admins, and keys holding the `keyplane.audit.read` scope. The service enforces
 * it (service/audit/routes.ts); the console shows the Audit log only to those it would answer.
 * @module
 */
import { type Role, atLeast } from './roles';

export const AUDIT_READ_SCOPE = 'keyplane.audit.read';

export function mayReadAudit(role: Role, scopes: readonly string[]): boolean {
  return atLeast(role, 'admin') || scopes.includes(AUDIT_READ_SCOPE);
}

/**
 * Who may read and write a secret's entries: admins, its owner (and, for a secret a service account owns, the
 * account's owner and managers: service/service-accounts/stewards.ts), or keys with the
 * `keyplane.secrets.read` / `keyplane.secrets.write` scope. Viewers never write.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, SecretsTable } from '../db/tables';
import { permissionDenied } from '../errors';
import { hasScope, isAdmin, isPrincipal } from '../http/auth';
import { accountsActedFor } from '../service-accounts/stewards';

/** The caller owns the secret, or acts for the service account that does (`actedFor`, from accountsActedFor). */
export function owns(request: FastifyRequest, s: SecretsTable, actedFor: ReadonlySet<string>): boolean {
  return isPrincipal(request, s.owner_type, s.owner_id) || (s.owner_type === 'service_account' && actedFor.has(s.owner_id));
}
export function canRead(request: FastifyRequest, s: SecretsTable, actedFor: ReadonlySet<string>): boolean {
  return isAdmin(request) || owns(request, s, actedFor) || hasScope(request, 'keyplane.secrets.read');
}
export function canWrite(request: FastifyRequest, s: SecretsTable, actedFor: ReadonlySet<string>): boolean {
  return request.auth.role !== 'viewer' && (isAdmin(request) || owns(request, s, actedFor) || hasScope(request, 'keyplane.secrets.write'));
}

/** Refuses with 403 unless the calling key may write `secret`'s entries. */
export async function assertMayWriteSecret(db: Kysely<Database>, request: FastifyRequest, secret: SecretsTable, field?: string): Promise<void> {
  const acted = isAdmin(request) ? new Set<string>() : await accountsActedFor(db, request);
  if (!canWrite(request, secret, acted))
    throw permissionDenied(`writing secret ${secret.id} needs the admin role, its ownership or the keyplane.secrets.write scope`, field);
}

/**
 * The type prefix of each kind of resource id (`key_…`, `sa_…`): the service makes ids with them
 * (service/ids.ts), and the CLI tells a user's id from a service account's by them.
 * @module
 */
export const ID_PREFIXES = {
  user: 'usr',
  serviceAccount: 'sa',
  apiKey: 'key',
  allowList: 'al',
  secret: 'sec',
  auditEvent: 'evt',
  consoleSession: 'ses',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

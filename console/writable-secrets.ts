/** The secrets a new key's secret may be written into: those the service says the caller may write (`caller_can_write`). */
import type { Secret, SecretList } from '../contract/api';
import { allPages } from './all-pages';

export async function writableSecrets(): Promise<Secret[]> {
  return (await allPages('/v1/secrets', (p: SecretList) => p.secrets)).filter((s) => s.caller_can_write);
}

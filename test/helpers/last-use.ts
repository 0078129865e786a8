/** Reading a key's last use, which the service records shortly after the request it authenticated. */
import type { ApiKey, KeyplaneClient } from '../../client';

/** Key `id` once the service has recorded a use of it, or as it is after ten seconds. */
export async function afterLastUse(client: KeyplaneClient, id: string): Promise<ApiKey> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const key = await client.getApiKey(id);
    if (key.last_used_at !== null || Date.now() > deadline) return key;
    await new Promise((r) => setTimeout(r, 50));
  }
}

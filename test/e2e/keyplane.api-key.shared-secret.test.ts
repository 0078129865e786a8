/**
 * Keys sharing one secret under the real terraform: N keyplane_api_key instances each write their own
 * entry_key of one keyplane_secret; destroying any one of them (by -target, or by taking it out of the
 * configuration) leaves every other key's entry in `latest`, each authenticating as its key, and the next
 * plan is empty.
 */
import { KeyplaneClient } from '../../client';
import { describeTerraform, type Workspace } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';

jest.setTimeout(300_000);

const N = 5;

describeTerraform('keyplane_api_key: keys sharing a secret', () => {
  let service: KeyplaneService;
  let ws: Workspace;
  const whoIs = async (secret: string) => (await new KeyplaneClient({ endpoint: service.endpoint, apiKey: secret, retries: 0 }).whoami()).api_key.id;

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(() => {
    ws = keyplaneWorkspace(service);
  });
  afterEach(() => ws.remove());

  const config = (names: string[]) =>
    `resource "keyplane_secret" "shared" {\n  name = "shared"\n}\n\nresource "keyplane_api_key" "k" {\n  for_each = toset(${JSON.stringify(names)})\n  name     = "shared-\${each.key}"\n  output_to_secret_store {\n    secret_id = keyplane_secret.shared.id\n    entry_key = each.key\n  }\n}\n`;

  /** Every remaining key's entry is in latest and authenticates as that key; nothing else is. */
  async function expectEntries(secretId: string, ids: Record<string, string>): Promise<void> {
    const latest = (await service.client.readSecretVersion(secretId, 'latest')).entries!;
    expect(Object.keys(latest).sort()).toEqual(Object.keys(ids).sort());
    for (const [entry, id] of Object.entries(ids)) expect(await whoIs(latest[entry]!)).toBe(id);
  }

  test.each([
    ['the last one created, by -target', 'e4', 'target'],
    ['the first one, by removing it from the configuration', 'e0', 'remove'],
    ['one in the middle, by -target', 'e2', 'target'],
  ])('%s: every other key stays readable from latest, and the second plan is empty', async (_, victim, how) => {
    const names = Array.from({ length: N }, (__, i) => `e${i}`);
    ws.writeConfig(config(names));
    await ws.apply();
    const secretId = (await ws.values('keyplane_secret.shared')).id as string;
    const ids: Record<string, string> = {};
    for (const n of names) ids[n] = (await ws.values(`keyplane_api_key.k["${n}"]`)).id as string;
    await expectEntries(secretId, ids);

    if (how === 'target') await ws.terraform(['destroy', '-auto-approve', `-target=keyplane_api_key.k["${victim}"]`]);
    else {
      ws.writeConfig(config(names.filter((n) => n !== victim)));
      await ws.apply();
    }
    await expect(service.client.getApiKey(ids[victim]!)).rejects.toMatchObject({ status: 404 });
    const { [victim]: __, ...rest } = ids;
    await expectEntries(secretId, rest);
    if (how === 'remove') expect((await ws.planIsEmpty()).empty).toBe(true);
    else {
      // The targeted instance is gone from state; the configuration still declares it, so the plan creates
      // it again and nothing else.
      const plan = await ws.terraform(['plan', '-detailed-exitcode'], { expectCode: [2] });
      expect(plan.output).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);
      ws.writeConfig(config(names.filter((n) => n !== victim)));
      expect((await ws.planIsEmpty()).empty).toBe(true);
    }
    await ws.terraform(['destroy', '-auto-approve']);
  });
});

/**
 * Many keys writing to one secret in one apply, under the real terraform against a real `keyplane server`:
 * one keyplane_secret and a for_each of N keyplane_api_key, each delivering its secret into its own entry_key.
 * After one `terraform apply` (default -parallelism) the latest version holds exactly the N entries, read at
 * once (N is above the 256 entries a read once refused), each value authenticates as its own key, the service
 * holds exactly N active keys, no secret is in the state file or the apply's output, and the next plan is
 * empty. Destroying it all leaves no active key.
 *
 * KEYPLANE_MANY_KEYS (default 300) sets N. The test prints one line of timings: the apply, the plan after, the
 * checks and the destroy, and, as a baseline in the same run, an apply of N of Terraform's built-in
 * terraform_data (read as a ratio; performance is measured, not asserted: bench/README.md), and the size of the
 * state file: at 1,000 instances Terraform's own time grows with it (about 1.5 KiB a key, against 0.2 KiB a
 * terraform_data), and a for_each of 1,000 costs Terraform several times what a count of 1,000 does.
 */
import { KeyplaneClient, type ListApiKeysQuery } from '../../client';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { createWorkspace, describeTerraform, type Workspace } from '../helpers/terraform';

const N = Number(process.env.KEYPLANE_MANY_KEYS ?? 300);
/** A terraform command over N instances: a fixed allowance plus time per instance, far above what it takes. */
const commandTimeoutMs = 120_000 + N * 600;
jest.setTimeout(5 * commandTimeoutMs);

/** whoami calls in flight at once: enough to keep the service busy, few enough not to starve it on 2 cores. */
const VERIFY_CONCURRENCY = 8;

/** Secret pieces this long found in text count as a leak (as secretFragmentsIn in test/helpers/keyplane.ts). */
const FRAGMENT = 12;

describeTerraform('keyplane_api_key: many keys writing to one secret', () => {
  let service: KeyplaneService;
  let ws: Workspace | undefined;
  let baseline: Workspace | undefined;

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    ws?.remove();
    baseline?.remove();
    await service?.stop();
  });

  test(`${N} keys, one apply: every entry is in latest and authenticates as its key; state holds no secret; the next plan is empty`, async () => {
    const names = Array.from({ length: N }, (_, i) => `k${String(i).padStart(4, '0')}`);
    ws = keyplaneWorkspace(service);
    ws.writeConfig(
      `resource "keyplane_secret" "shared" {\n  name = "many-entries"\n}\n\n` +
        `resource "keyplane_api_key" "k" {\n  for_each = toset(${JSON.stringify(names)})\n  name     = "many-\${each.key}"\n` +
        `  output_to_secret_store {\n    secret_id = keyplane_secret.shared.id\n    entry_key = each.key\n  }\n}\n`,
    );
    const apply = await ws.apply({ timeoutMs: commandTimeoutMs });
    expect(apply.output).toMatch(new RegExp(`Apply complete! Resources: ${N + 1} added, 0 changed, 0 destroyed`));

    // Ids from the state file itself: one read, not N `terraform show`s.
    const stateText = ws.stateFileText();
    const resources = (JSON.parse(stateText) as StateFile).resources;
    const secretId = resources.find((r) => r.type === 'keyplane_secret')!.instances[0]!.attributes.id as string;
    const idOf = new Map<string, string>();
    for (const i of resources.find((r) => r.type === 'keyplane_api_key')!.instances) idOf.set(String(i.index_key), i.attributes.id as string);
    expect([...idOf.keys()].sort()).toEqual(names);

    // One read of latest holds every entry, and nothing else.
    const checksStarted = performance.now();
    const latest = await service.client.readSecretVersion(secretId, 'latest');
    expect(latest.entry_count).toBe(N);
    expect(latest.entry_keys).toEqual(names);
    const entries = latest.entries!;
    expect(Object.keys(entries).sort()).toEqual(names);

    // Each value authenticates as its own key (whoami with it), a few at a time.
    const wrong: string[] = [];
    await inBatches(names, VERIFY_CONCURRENCY, async (name) => {
      const client = new KeyplaneClient({ endpoint: service.endpoint, apiKey: entries[name]!, retries: 0 });
      try {
        const who = await client.whoami().then(
          (w) => w.api_key.id,
          (err: Error) => err.message,
        );
        if (who !== idOf.get(name)) wrong.push(`${name}: expected ${idOf.get(name)}, got ${who}`);
      } finally {
        client.close();
      }
    });
    expect(wrong).toEqual([]);

    // The service made exactly the keys the state holds: none twice, none left over.
    const active: string[] = [];
    for await (const k of service.client.listAll(service.client.listApiKeys, { name_prefix: 'many-', status: 'active', page_size: 200 } as ListApiKeysQuery))
      active.push(k.id);
    expect(active.sort()).toEqual([...idOf.values()].sort());

    // No secret, nor any 12-character piece of one, in the state file or the apply's output.
    expect(fragmentsIn(`${stateText}\n${apply.output}`, Object.values(entries))).toEqual([]);
    const checksMs = Math.round(performance.now() - checksStarted);

    const plan = await ws.planIsEmpty({ timeoutMs: commandTimeoutMs });
    expect(plan.empty).toBe(true);

    const destroy = await ws.terraform(['destroy', '-auto-approve'], { timeoutMs: commandTimeoutMs });
    expect(destroy.output).toMatch(new RegExp(`Destroy complete! Resources: ${N + 1} destroyed`));
    const left = await service.client.listApiKeys({ name_prefix: 'many-', status: 'active' } as ListApiKeysQuery);
    expect(left.items).toEqual([]);

    // Baseline in the same run: the same number of Terraform's built-in terraform_data, no provider process.
    baseline = createWorkspace({ name: 'many-baseline' });
    baseline.writeConfig(`resource "terraform_data" "d" {\n  for_each = toset(${JSON.stringify(names)})\n  input    = each.key\n}\n`);
    const builtin = await baseline.apply({ timeoutMs: commandTimeoutMs });

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    process.stdout.write(
      `${N} keys into one secret: apply ${s(apply.ms)} (${N} terraform_data: ${s(builtin.ms)}, ratio ${(apply.ms / builtin.ms).toFixed(1)}); ` +
        `state ${Math.round(stateText.length / 1024)} KiB; ` +
        `checks ${s(checksMs)}; plan after ${s(plan.result.ms)}; destroy ${s(destroy.ms)}\n`,
    );
  });
});

type StateFile = { resources: { type: string; instances: { index_key?: string | number; attributes: Record<string, unknown> }[] }[] };

/** Runs `fn` on every item, at most `concurrency` at once. */
async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Every FRAGMENT-character piece of any of `secrets` found in `text`. One pass over the text against a set of
 * the pieces: N secrets checked one by one (test/helpers/keyplane.ts secretFragmentsIn) would scan the whole
 * state N × 30 times.
 */
function fragmentsIn(text: string, secrets: string[]): string[] {
  const pieces = new Set<string>();
  for (const secret of secrets) for (let i = 0; i + FRAGMENT <= secret.length; i++) pieces.add(secret.slice(i, i + FRAGMENT));
  const found = new Set<string>();
  for (let i = 0; i + FRAGMENT <= text.length; i++) {
    const window = text.slice(i, i + FRAGMENT);
    if (pieces.has(window)) found.add(window);
  }
  return [...found];
}

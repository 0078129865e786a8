/**
 * The service killed (SIGKILL) at a random point of an apply of many keys delivered to the secret store and
 * to a PGP key, restarted on the same data and port, and the configuration applied again: the active keys in
 * the service are exactly the keys in state, every delivered secret authenticates as its key, and the plan
 * after is empty. Creates carry an Idempotency-Key; one that ends without an answer leaves a tainted instance
 * whose refresh finds the key it made (provider/keyplane/api-key/resource.ts), so no key is orphaned.
 *
 * No error of the interrupted apply may read as a provider bug.
 *
 * KEYPLANE_KILL_KEYS (default 30) keys per run, KEYPLANE_KILL_RUNS (default 1) runs, each killing at a
 * different point; each run prints one line of counts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyplaneClient, type ListApiKeysQuery } from '../../client';
import { CLI, freePort, keyplane } from '../helpers/cli';
import { keyplaneWorkspace } from '../helpers/keyplane';
import { pgpDecrypt, pgpKeyPair } from '../helpers/pgp';
import { describeTerraform } from '../helpers/terraform';

const KEYS = Number(process.env.KEYPLANE_KILL_KEYS ?? 30);
const RUNS = Number(process.env.KEYPLANE_KILL_RUNS ?? 1);
jest.setTimeout(RUNS * (120_000 + KEYS * 6_000));

/** A `keyplane server` on a data dir and port that outlive it: killed and started again as an operator would. */
class RestartableService {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly endpoint: string;
  readonly adminKey: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
    this.adminKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
  }

  static async create(): Promise<RestartableService> {
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-kill-'));
    const init = keyplane(['server', 'init', '--data', dir, '--key-file', join(dir, 'admin.key')]);
    if (init.status !== 0) throw new Error(`server init failed: ${init.stderr}`);
    const s = new RestartableService(dir, await freePort());
    await s.start();
    return s;
  }

  async start(): Promise<void> {
    let log = '';
    const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', this.dir, '--listen', `127.0.0.1:${this.port}`, '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${this.endpoint}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || i > 300) throw new Error(`server did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
  }

  async remove(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describeTerraform('keyplane_api_key: the service killed mid-apply', () => {
  test(`${RUNS} run(s) of ${KEYS} keys: after a restart and a second apply, active keys in the service == keys in state`, async () => {
    const { publicKey, privateKey } = await pgpKeyPair();
    const lines: string[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const service = await RestartableService.create();
      const admin = new KeyplaneClient({ endpoint: service.endpoint, apiKey: service.adminKey, retries: 0 });
      const ws = keyplaneWorkspace({ env: { KEYPLANE_ENDPOINT: service.endpoint, KEYPLANE_API_KEY: service.adminKey } });
      try {
        const store = await admin.createSecret({ name: 'kill-store' });
        const half = Math.ceil(KEYS / 2);
        ws.write({ 'recipient.asc': publicKey });
        ws.writeConfig(
          `resource "keyplane_api_key" "store" {\n  count = ${half}\n  name  = "kill-store-\${count.index}"\n  output_to_secret_store {\n    secret_id = "${store.id}"\n    entry_key = "k\${count.index}"\n  }\n}\n\n` +
            `resource "keyplane_api_key" "pgp" {\n  count   = ${KEYS - half}\n  name    = "kill-pgp-\${count.index}"\n  pgp_key = file("\${path.module}/recipient.asc")\n}\n`,
        );
        const activeIds = async () => {
          const ids: string[] = [];
          for await (const k of admin.listAll(admin.listApiKeys, { name_prefix: 'kill-', status: 'active' } as ListApiKeysQuery)) ids.push(k.id);
          return ids.sort();
        };

        // Kill once the service has made a random number of the keys (1 .. KEYS-1), restart after a random pause.
        const killAt = 1 + Math.floor(Math.random() * Math.max(1, KEYS - 1));
        const pauseMs = Math.floor(Math.random() * 1500);
        const apply = ws.terraform(['apply', '-auto-approve'], { expectCode: null });
        let settled = false;
        void apply.finally(() => (settled = true));
        let madeAtKill = -1;
        while (!settled) {
          const made = (await admin.listApiKeys({ name_prefix: 'kill-', page_size: 100 }).catch(() => ({ items: [] }))).items.length;
          if (made >= killAt) {
            await service.kill();
            madeAtKill = made;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        if (madeAtKill >= 0) {
          await new Promise((r) => setTimeout(r, pauseMs));
          await service.start();
        }
        const first = await apply;
        const tainted = (readState(ws.stateFileText()).filter((i) => i.status === 'tainted') ?? []).length;

        const second = await ws.apply();
        const state = readState(ws.stateFileText());
        const stateIds = state.map((i) => i.attributes.id as string).sort();
        const active = await activeIds();
        lines.push(
          `run ${run}: killed at ${madeAtKill} made (target ${killAt}), restarted after ${pauseMs} ms; first apply exit ${first.code}, tainted after it ${tainted}, "bug in the provider" ${count(first.output, /bug in the provider/g)}; ` +
            `second apply found ${count(second.output, /API Key Found After A Lost Answer/g)} keys made by lost creates; ` +
            `after the second apply: state ${stateIds.length}, active in service ${active.length}; first apply's errors: ${errorSummaries(first.output)}`,
        );
        // A refused or dropped connection is the user's to act on, never reported as a provider bug.
        expect(errorSummaries(first.output)).not.toMatch(/Unexpected Provider Error/);
        expect(count(first.output, /bug in the provider/g)).toBe(0);
        expect(stateIds).toHaveLength(KEYS);
        expect(active).toEqual(stateIds);

        // Every delivered secret works and is its key's.
        const latest = (await admin.readSecretVersion(store.id, 'latest')).entries!;
        const whoIs = async (secret: string) => (await new KeyplaneClient({ endpoint: service.endpoint, apiKey: secret, retries: 0 }).whoami()).api_key.id;
        const wrong: string[] = [];
        for (const i of state) {
          const a = i.attributes;
          const entry = String(a.output_to_secret_store?.entry_key);
          const secret = a.encrypted_secret ? await pgpDecrypt(a.encrypted_secret as string, privateKey) : latest[entry];
          const who = secret === undefined ? 'no secret' : await whoIs(secret).catch((err: Error) => err.message);
          if (who !== a.id) wrong.push(`${a.name} (${a.id}, ${a.encrypted_secret ? 'pgp' : `entry ${entry} of ${a.secret_store_version_id}`}): ${who}`);
        }
        expect(wrong).toEqual([]);
        expect((await ws.planIsEmpty()).empty).toBe(true);
        await ws.terraform(['destroy', '-auto-approve']);
        expect(await activeIds()).toEqual([]);
      } finally {
        ws.remove();
        await service.remove();
      }
      process.stdout.write(`${lines[lines.length - 1]}\n`);
    }
  });
});

type Instance = { status?: string; attributes: Record<string, any> };

/** keyplane_api_key instances of a state file. */
function readState(text: string): Instance[] {
  const state = JSON.parse(text) as { resources: { type: string; instances: Instance[] }[] };
  return state.resources.filter((r) => r.type === 'keyplane_api_key').flatMap((r) => r.instances);
}

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

/** "Summary ×count" of each distinct `Error: …` line Terraform printed. */
function errorSummaries(output: string): string {
  const counts = new Map<string, number>();
  for (const [, summary] of output.matchAll(/^Error: (.*)$/gm)) counts.set(summary!, (counts.get(summary!) ?? 0) + 1);
  return [...counts].map(([summary, n]) => `${summary} ×${n}`).join('; ') || 'none';
}

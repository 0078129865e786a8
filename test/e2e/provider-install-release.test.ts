/**
 * `keyplane provider install --release` with the real terraform, offline: a linux_amd64 release built by
 * `npm run release` (signed by a throwaway key) installed by the CLI into two mirrors under different paths
 * and HOMEs, each in Terraform's packed layout with the zip byte for byte. `terraform init` in two working
 * directories writes identical lock files holding exactly the `h1:` hash the CLI printed (the same one
 * `terraform providers lock -fs-mirror` records); a working directory whose PATH holds terraform alone (no
 * node) applies a keyplane_service_account against a real service. A tampered zip, or a signature by another
 * key, is refused by the command and nothing is installed.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliService, keyplane, ROOT, startCliService } from '../helpers/cli';
import { signingKeyPair } from '../helpers/provider-release';
import { OFFLINE } from '../helpers/offline';
import { describeRelease, release } from '../helpers/release';
import { createWorkspace, TERRAFORM_BIN, type Workspace } from '../helpers/terraform';

jest.setTimeout(600_000);

const { version } = require(join(ROOT, 'package.json')) as { version: string };
const zipName = `terraform-provider-keyplane_${version}_linux_amd64.zip`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface InstallJson {
  source: string;
  path: string;
  zip: string | null;
  hash: string;
  h1: string;
  zh: string | null;
  signature_checked: boolean;
  cli_config: string | null;
}

describeRelease('keyplane provider install --release, with the real terraform offline', () => {
  let root: string;
  let releases: string;
  let service: CliService;
  let terraformOnly: string;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-install-release-'));
    const keys = await signingKeyPair();
    const other = await signingKeyPair();
    writeFileSync(join(root, 'release.key.asc'), keys.privateKey, { mode: 0o600 });
    writeFileSync(join(root, 'release.pub.asc'), keys.publicKey);
    writeFileSync(join(root, 'other.pub.asc'), other.publicKey);
    releases = join(root, 'releases');
    const built = release(['--platform', 'linux_amd64', '--signing-key', join(root, 'release.key.asc'), '--out', releases]);
    if (built.status !== 0) throw new Error(`npm run release failed: ${built.stderr}`);
    service = await startCliService();
    terraformOnly = join(root, 'terraform-only');
    mkdirSync(terraformOnly);
    symlinkSync(TERRAFORM_BIN!, join(terraformOnly, 'terraform'));
  });

  afterAll(async () => {
    for (const ws of workspaces) ws.remove();
    await service?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** A place of its own: a HOME, a mirror and a CLI configuration under `root/name`. */
  function place(name: string): { home: string; mirror: string; cliConfig: string } {
    const base = join(root, name);
    const home = join(base, 'home');
    mkdirSync(home, { recursive: true });
    return { home, mirror: join(base, 'mirror'), cliConfig: join(base, 'keyplane.tfrc') };
  }

  function install(p: { home: string; mirror: string; cliConfig: string }, args: string[] = []) {
    return keyplane(['provider', 'install', '--release', releases, '--dir', p.mirror, '--cli-config', p.cliConfig, '--platform', 'linux_amd64', ...args], {
      HOME: p.home,
      TF_CLI_CONFIG_FILE: undefined,
    });
  }

  function workspace(name: string, p: { home: string; cliConfig: string }, env: Record<string, string> = {}): Workspace {
    const ws = createWorkspace({
      name,
      env: { ...service.env, ...OFFLINE, HOME: p.home, TF_CLI_CONFIG_FILE: p.cliConfig, ...env },
      files: {
        'main.tf': `terraform {
  required_providers {
    keyplane = { source = "keyplane/keyplane", version = "${version}" }
  }
}

resource "keyplane_service_account" "ci" {
  name = "install-release-${name}"
  role = "viewer"
}
`,
      },
    });
    workspaces.push(ws);
    return ws;
  }

  const lockedHashes = (lock: string) => [...lock.matchAll(/"((?:zh|h1):[^"]+)"/g)].map((m) => m[1]!);

  test('two mirrors under different paths and HOMEs: the same zip, the printed h1: in identical lock files; apply with terraform alone on PATH', async () => {
    const a = place('a');
    const b = place('b');
    const results: InstallJson[] = [];
    for (const p of [a, b]) {
      const res = install(p, ['-o', 'json', '--signing-key', join(root, 'release.pub.asc')]);
      expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
      results.push(JSON.parse(res.stdout) as InstallJson);
    }
    const zip = readFileSync(join(releases, zipName));
    for (const [i, p] of [a, b].entries()) {
      const r = results[i]!;
      expect(r).toMatchObject({ source: 'release', signature_checked: true, cli_config: p.cliConfig, zh: `zh:${sha256(zip)}` });
      expect(r.zip).toBe(join(p.mirror, 'registry.terraform.io/keyplane/keyplane', zipName));
      expect(r.path).toBe(r.zip);
      expect(r.hash).toBe(r.h1);
      expect(readFileSync(r.zip!).equals(zip)).toBe(true);
    }
    expect(results[1]!.h1).toBe(results[0]!.h1);

    // The table output prints the same hashes.
    const table = install(a);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain(`hash      ${results[0]!.h1}`);
    expect(table.stdout).toContain(`zip hash  zh:${sha256(zip)}`);
    expect(table.stdout).toContain('(it was there already, unchanged)');

    const wa = workspace('a', a);
    const wb = workspace('b', b);
    expect(wa.dir).not.toBe(wb.dir);
    for (const ws of [wa, wb]) {
      const init = await ws.run(['init', '-input=false', '-no-color']);
      expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
      expect(init.stdout).toContain(`- Installed keyplane/keyplane v${version} (unauthenticated)`);
    }
    const lock = wa.read('.terraform.lock.hcl');
    expect(wb.read('.terraform.lock.hcl')).toBe(lock);
    expect(lockedHashes(lock)).toEqual([results[0]!.h1]);

    // What `terraform providers lock -fs-mirror` records for the mirror is the same h1:.
    const locker = workspace('lock', a);
    const locked = await locker.run([
      'providers',
      'lock',
      '-no-color',
      `-fs-mirror=${a.mirror}`,
      '-platform=linux_amd64',
      'registry.terraform.io/keyplane/keyplane',
    ]);
    expect({ code: locked.code, stderr: locked.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lockedHashes(locker.read('.terraform.lock.hcl'))).toEqual([results[0]!.h1]);

    // No node anywhere on PATH: the provider's executable embeds its runtime.
    const c = workspace('c', b, { PATH: terraformOnly });
    c.write({ '.terraform.lock.hcl': lock });
    const init = await c.run(['init', '-input=false', '-no-color', '-lockfile=readonly']);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    const plan = await c.run(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 2, stderr: '' });
    await c.apply();
    const state = await c.showState();
    expect(state.values?.root_module?.resources?.[0]).toMatchObject({
      type: 'keyplane_service_account',
      values: { name: 'install-release-c', role: 'viewer' },
    });
    expect((await c.planIsEmpty()).empty).toBe(true);
    await c.terraform(['destroy', '-auto-approve']);
  });

  test('a launcher installed earlier is replaced by the zip; terraform init then uses the zip', async () => {
    const p = place('launcher-first');
    const launcher = keyplane(['provider', 'install', '-o', 'json', '--dir', p.mirror, '--platform', 'linux_amd64'], {
      HOME: p.home,
      TF_CLI_CONFIG_FILE: undefined,
    });
    expect(launcher.status).toBe(0);
    const launcherPath = (JSON.parse(launcher.stdout) as InstallJson).path;
    expect(existsSync(launcherPath)).toBe(true);
    const res = install(p, ['-o', 'json']);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain(`Removed the launcher ${launcherPath}`);
    expect(existsSync(launcherPath)).toBe(false);
    expect(existsSync(join(p.mirror, 'registry.terraform.io/keyplane/keyplane', version))).toBe(false);
    const ws = workspace('after-launcher', p);
    const init = await ws.run(['init', '-input=false', '-no-color']);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lockedHashes(ws.read('.terraform.lock.hcl'))).toEqual([(JSON.parse(res.stdout) as InstallJson).h1]);
  });

  test('a tampered zip, or a signature by another key, is refused by the command and nothing is installed', () => {
    const zipPath = join(releases, zipName);
    const saved = join(root, 'saved.zip');
    copyFileSync(zipPath, saved);
    try {
      const bytes = readFileSync(zipPath);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      writeFileSync(zipPath, bytes);
      const p = place('tampered');
      const res = install(p);
      expect(res.status).toBe(1);
      expect(res.stderr).toContain(`error: ${zipPath} does not match its line in ${join(releases, `terraform-provider-keyplane_${version}_SHA256SUMS`)}`);
      expect(res.stdout).toBe('');
      expect(existsSync(join(p.mirror, 'registry.terraform.io/keyplane/keyplane', zipName))).toBe(false);
      expect(existsSync(p.cliConfig)).toBe(false);
    } finally {
      copyFileSync(saved, zipPath);
    }
    const p = place('other-key');
    const res = install(p, ['--signing-key', join(root, 'other.pub.asc')]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/is not a valid signature by .*other\.pub\.asc of the SHA256SUMS file/);
    expect(existsSync(join(p.mirror, 'registry.terraform.io/keyplane/keyplane', zipName))).toBe(false);
  });

  test('--launcher installs the development launcher, which says it is bound to this machine; with --release or --signing-key it is refused', () => {
    const p = place('launcher');
    const env = { HOME: p.home, TF_CLI_CONFIG_FILE: undefined };
    const res = keyplane(['provider', 'install', '--launcher', '--dir', p.mirror, '--platform', 'linux_amd64'], env);
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
    expect(res.stdout).toContain("bound to this machine's paths");
    expect(res.stdout).toContain('`npm run release`, then `keyplane provider install --release dist/release`');
    expect(res.stdout).toMatch(/^ {2}hash {6}h1:/m);
    const both = keyplane(['provider', 'install', '--launcher', '--release', releases, '--dir', p.mirror], env);
    expect({ status: both.status, stderr: both.stderr }).toEqual({ status: 2, stderr: 'error: --launcher and --release exclude each other\n' });
    const key = keyplane(['provider', 'install', '--launcher', '--signing-key', join(root, 'release.pub.asc'), '--dir', p.mirror], env);
    expect(key.status).toBe(2);
    expect(key.stderr).toContain('--signing-key checks a release');
  });
});

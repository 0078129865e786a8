/**
 * `keyplane provider install` with the real terraform, offline: HOME is a temp dir, CHECKPOINT_DISABLE=1,
 * and HTTP(S)_PROXY point at a closed port, so any attempt to reach a registry fails at once. `terraform
 * init` installs the provider from the mirror, the lock file records exactly the `h1:` hash the command
 * printed, and an apply against a real `keyplane server` runs the provider through the launcher. Also: the
 * default --dir works with no CLI config at all (an implied mirror), a second install keeps the lock file
 * valid, and `provider dev-overrides` serves plan without init.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliService, keyplane, ROOT, startCliService } from '../helpers/cli';
import { createWorkspace, describeTerraform, type Workspace } from '../helpers/terraform';
import { OFFLINE } from '../helpers/offline';

jest.setTimeout(180_000);

const { version } = require(join(ROOT, 'package.json')) as { version: string };

const CONFIG = `terraform {
  required_providers {
    keyplane = { source = "keyplane/keyplane", version = "${version}" }
  }
}

data "keyplane_scopes" "all" {}

output "scopes" {
  value = [for s in data.keyplane_scopes.all.scopes : s.name]
}
`;

/** The hashes the lock file records for keyplane. */
function lockedHashes(lock: string): string[] {
  const entry = /provider "registry\.terraform\.io\/keyplane\/keyplane" \{([\s\S]*?)\n\}/.exec(lock);
  if (!entry) throw new Error(`no keyplane entry in the lock file:\n${lock}`);
  expect(entry[1]).toContain(`version     = "${version}"`);
  return [...entry[1].matchAll(/"(h1:[^"]+|zh:[^"]+)"/g)].map((m) => m[1]);
}

describeTerraform('keyplane provider install, with terraform init offline', () => {
  let service: CliService;
  let root: string;
  let home: string;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    service = await startCliService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-provider-install-'));
    home = join(root, 'home');
    mkdirSync(home);
  });
  afterEach(() => {
    workspaces.splice(0).forEach((ws) => {
      ws.remove();
    });
    rmSync(root, { recursive: true, force: true });
  });

  /** A workspace with this test's HOME, offline, using `cliConfig` (none: Terraform's default, $HOME/.terraformrc). */
  function workspace(cliConfig: string | undefined): Workspace {
    const ws = createWorkspace({
      env: { ...service.env, ...OFFLINE, HOME: home, TF_CLI_CONFIG_FILE: cliConfig },
      files: { 'main.tf': CONFIG },
    });
    workspaces.push(ws);
    return ws;
  }

  function install(args: string[]): { path: string; hash: string; cli_config: string | null } {
    const res = keyplane(['provider', 'install', '--launcher', '-o', 'json', ...args], { HOME: home, TF_CLI_CONFIG_FILE: undefined });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    return JSON.parse(res.stdout);
  }

  test('--dir and --cli-config: init installs from the mirror, the lock file has the printed hash, apply runs the provider', async () => {
    const cliConfig = join(root, 'tf', 'keyplane.tfrc');
    const installed = install(['--dir', join(root, 'mirror'), '--cli-config', cliConfig]);
    expect(installed.cli_config).toBe(cliConfig);

    const ws = workspace(cliConfig);
    const init = await ws.run(['init', '-input=false', '-no-color']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`- Installed keyplane/keyplane v${version} (unauthenticated)`);
    expect(lockedHashes(ws.read('.terraform.lock.hcl'))).toEqual([installed.hash]);

    const apply = await ws.run(['apply', '-auto-approve', '-input=false', '-no-color']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const output = await ws.run(['output', '-json', 'scopes']);
    expect(JSON.parse(output.stdout)).toEqual(expect.arrayContaining(['keyplane.keys.verify', 'keyplane.secrets.read']));

    // Installing again leaves the package as it was: the lock file still matches, and init changes nothing.
    expect(install(['--dir', join(root, 'mirror'), '--cli-config', cliConfig]).hash).toBe(installed.hash);
    const plan = await ws.run(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect((await ws.run(['init', '-input=false', '-no-color'])).code).toBe(0);
    expect(lockedHashes(ws.read('.terraform.lock.hcl'))).toEqual([installed.hash]);
  });

  test("a lock file from another machine (another launcher hash) fails init; the README's providers lock -fs-mirror, offline, adds this one's", async () => {
    const cliConfig = join(root, 'keyplane.tfrc');
    const mirror = join(root, 'mirror');
    const installed = install(['--dir', mirror, '--cli-config', cliConfig]);
    const ws = workspace(cliConfig);
    expect((await ws.run(['init', '-input=false', '-no-color'])).code).toBe(0);
    const other = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    ws.write({ '.terraform.lock.hcl': ws.read('.terraform.lock.hcl').replace(installed.hash, other) });
    rmSync(join(ws.dir, '.terraform'), { recursive: true, force: true });
    const refused = await ws.run(['init', '-input=false', '-no-color']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/doesn't match any of the\s+checksums previously recorded/);
    const platform = /\/(\w+_\w+)\/terraform-provider-keyplane_v/.exec(installed.path)![1]!;
    const lock = await ws.run(['providers', 'lock', '-no-color', `-fs-mirror=${mirror}`, `-platform=${platform}`, 'registry.terraform.io/keyplane/keyplane']);
    expect({ code: lock.code, stderr: lock.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lockedHashes(ws.read('.terraform.lock.hcl')).sort()).toEqual([other, installed.hash].sort());
    expect((await ws.run(['init', '-input=false', '-no-color'])).code).toBe(0);
  });

  test('without --dir and with no CLI config at all, a plain terraform init finds it in $HOME/.terraform.d/plugins', async () => {
    const installed = install([]);
    expect(installed.path.startsWith(`${join(home, '.terraform.d', 'plugins')}/`)).toBe(true);
    expect(installed.cli_config).toBeNull();

    const ws = workspace(undefined);
    const init = await ws.run(['init', '-input=false', '-no-color']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(lockedHashes(ws.read('.terraform.lock.hcl'))).toEqual([installed.hash]);
    const plan = await ws.run(['plan', '-input=false', '-no-color']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });

  test('the network really is off: without the mirror, init fails to reach the registry', async () => {
    const ws = workspace(undefined);
    const init = await ws.run(['init', '-input=false', '-no-color'], { timeoutMs: 60_000 });
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(/could not connect to registry\.terraform\.io[\s\S]*proxyconnect tcp/);
  });

  test('dev-overrides: plan runs the provider with no init and no lock file', async () => {
    const cliConfig = join(root, 'dev.tfrc');
    const res = keyplane(['provider', 'dev-overrides', '--dir', join(root, 'dev'), '--cli-config', cliConfig], { HOME: home, TF_CLI_CONFIG_FILE: undefined });
    expect(res.status).toBe(0);
    const ws = workspace(cliConfig);
    const plan = await ws.run(['plan', '-input=false', '-no-color']);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toMatch(/Warning: Provider development overrides are in effect/);
    expect(plan.stdout).toContain('Changes to Outputs:');
  });
});

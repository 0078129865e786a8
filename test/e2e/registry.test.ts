/**
 * The service as the provider's registry, with the real terraform, offline: a release built by
 * `npm run release` (linux_amd64, linux_arm64 and darwin_arm64, signed by a throwaway key) served by
 * `keyplane server start --provider-releases` over HTTPS with a private CA (SSL_CERT_FILE). `terraform init`
 * in two directories under different paths and HOMEs writes identical lock files holding the signed `zh:`
 * hash of every platform; that lock file is used unchanged by a third directory whose PATH holds terraform
 * alone (no node); `terraform providers lock` adds the other platforms' `h1:`; a tampered zip or signature
 * fails init.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../helpers/self-signed';
import { CLI, freePort, keyplane, ROOT } from '../helpers/cli';
import { describeRelease, release } from '../helpers/release';
import { signingKeyPair } from '../helpers/provider-release';
import { createWorkspace, TERRAFORM_BIN, type Workspace } from '../helpers/terraform';

jest.setTimeout(600_000);

const { version } = require(join(ROOT, 'package.json')) as { version: string };
const file = (suffix: string) => `terraform-provider-keyplane_${version}_${suffix}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describeRelease('the service as the provider registry, with the real terraform', () => {
  let root: string;
  let releases: string;
  let host: string;
  let server: ChildProcess;
  let serverLog = '';
  let adminKey: string;
  let endpoint: string;
  let terraformOnly: string;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-registry-'));
    const keys = await signingKeyPair();
    writeFileSync(join(root, 'release.key.asc'), keys.privateKey, { mode: 0o600 });
    writeFileSync(join(root, 'release.pub.asc'), keys.publicKey);
    releases = join(root, 'releases');
    const built = release([
      '--platform',
      'linux_amd64',
      '--platform',
      'linux_arm64',
      '--platform',
      'darwin_arm64',
      '--signing-key',
      join(root, 'release.key.asc'),
      '--out',
      releases,
    ]);
    if (built.status !== 0) throw new Error(`npm run release failed: ${built.stderr}`);

    // A certificate for localhost that Terraform (Go) trusts through SSL_CERT_FILE.
    selfSignedCertificate(root);
    const data = join(root, 'data');
    const init = keyplane(['server', 'init', '--data', data, '--key-file', join(root, 'admin.key')]);
    if (init.status !== 0) throw new Error(init.stderr);
    adminKey = readFileSync(join(root, 'admin.key'), 'utf8').trim();
    const port = await freePort();
    host = `localhost:${port}`;
    endpoint = `https://${host}`;
    server = spawn(
      process.execPath,
      [CLI, 'server', 'start', '--data', data, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn']
        .concat(['--tls-cert', join(root, 'cert.pem'), '--tls-key', join(root, 'key.pem')])
        .concat(['--provider-releases', releases, '--provider-signing-key', join(root, 'release.pub.asc')]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout!.on('data', (d) => (serverLog += d));
    server.stderr!.on('data', (d) => (serverLog += d));
    const ca = readFileSync(join(root, 'cert.pem'));
    for (let i = 0; ; i++) {
      const up = await new Promise<boolean>((resolve) =>
        https.get(`${endpoint}/healthz`, { ca }, (res) => resolve(res.statusCode === 200)).on('error', () => resolve(false)),
      );
      if (up) break;
      if (server.exitCode !== null || i > 300) throw new Error(`the service did not start: ${serverLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    terraformOnly = join(root, 'terraform-only');
    mkdirSync(terraformOnly);
    symlinkSync(TERRAFORM_BIN!, join(terraformOnly, 'terraform'));
  });

  afterAll(async () => {
    for (const ws of workspaces) ws.remove();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(root, { recursive: true, force: true });
  });

  /** A working directory of its own, with its own HOME and an empty CLI configuration: nothing but the registry. */
  function workspace(name: string, env: Record<string, string> = {}): Workspace {
    const home = mkdtempSync(join(root, `home-${name}-`));
    const cliConfig = join(home, 'empty.tfrc');
    writeFileSync(cliConfig, '');
    const ws = createWorkspace({
      name,
      env: {
        HOME: home,
        TF_CLI_CONFIG_FILE: cliConfig,
        SSL_CERT_FILE: join(root, 'cert.pem'),
        KEYPLANE_ENDPOINT: endpoint,
        KEYPLANE_API_KEY: adminKey,
        // Nothing else on the network: the registry is on localhost.
        HTTPS_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: 'localhost,127.0.0.1',
        ...env,
      },
      files: {
        'main.tf': `terraform {
  required_providers {
    keyplane = { source = "${host}/keyplane/keyplane", version = "${version}" }
  }
}

provider "keyplane" {
  ca_cert_file = ${JSON.stringify(join(root, 'cert.pem'))}
}

resource "keyplane_service_account" "ci" {
  name = "registry-${name}"
  role = "viewer"
}
`,
      },
    });
    workspaces.push(ws);
    return ws;
  }

  const init = (ws: Workspace, args: string[] = []) => ws.run(['init', '-input=false', '-no-color', ...args]);
  const lock = (ws: Workspace) => ws.read('.terraform.lock.hcl');
  /** The hashes the lock file records for the provider. */
  const hashes = (text: string) => [...text.matchAll(/"((?:zh|h1):[^"]+)"/g)].map((m) => m[1]!);

  let firstLock: string;

  test('init in two directories under different paths and HOMEs installs from the registry and writes identical lock files', async () => {
    const a = workspace('a');
    const b = workspace('b');
    expect(a.dir).not.toBe(b.dir);
    for (const ws of [a, b]) {
      const result = await init(ws);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(
        new RegExp(`Installed ${host.replace('.', '\\.')}/keyplane/keyplane v${version.replace(/\./g, '\\.')} \\(self-signed, key ID [0-9A-F]{16}\\)`),
      );
    }
    firstLock = lock(a);
    expect(lock(b)).toBe(firstLock);
    // The signed zh: hash of every line of the release's SHA256SUMS (every zip, and the manifest it covers
    // too), and the h1: of this platform.
    const zh = hashes(firstLock).filter((h) => h.startsWith('zh:'));
    const sums = readFileSync(join(releases, file('SHA256SUMS')), 'utf8')
      .trim()
      .split('\n');
    expect(sums.map((l) => l.split('  ')[1]).sort()).toEqual(
      [file('linux_amd64.zip'), file('linux_arm64.zip'), file('darwin_arm64.zip'), file('manifest.json')].sort(),
    );
    expect(zh.sort()).toEqual(sums.map((l) => `zh:${l.split('  ')[0]}`).sort());
    for (const p of ['linux_amd64', 'linux_arm64', 'darwin_arm64']) expect(zh).toContain(`zh:${sha256(readFileSync(join(releases, file(`${p}.zip`))))}`);
    expect(hashes(firstLock).filter((h) => h.startsWith('h1:'))).toHaveLength(1);
    expect(firstLock).toContain(`provider "${host}/keyplane/keyplane"`);
  });

  test('the lock file is used unchanged by another directory whose PATH holds terraform alone, and the provider works there', async () => {
    const c = workspace('c', { PATH: terraformOnly });
    c.write({ '.terraform.lock.hcl': firstLock });
    const result = await init(c, ['-lockfile=readonly']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lock(c)).toBe(firstLock);
    await c.apply();
    const state = await c.showState();
    expect(state.values?.root_module?.resources?.[0]).toMatchObject({ type: 'keyplane_service_account', values: { name: 'registry-c', role: 'viewer' } });
    expect((await c.planIsEmpty()).empty).toBe(true);
    await c.terraform(['destroy', '-auto-approve']);
  });

  test('terraform providers lock adds the h1: hashes of other platforms; a platform the release lacks is refused by name', async () => {
    const d = workspace('d');
    d.write({ '.terraform.lock.hcl': firstLock });
    const locked = await d.run(['providers', 'lock', '-no-color', '-platform=linux_amd64', '-platform=linux_arm64', '-platform=darwin_arm64']);
    expect({ code: locked.code, stderr: locked.stderr }).toEqual({ code: 0, stderr: '' });
    const after = hashes(lock(d));
    expect(after.filter((h) => h.startsWith('h1:'))).toHaveLength(3);
    expect(after.filter((h) => h.startsWith('zh:')).sort()).toEqual(
      hashes(firstLock)
        .filter((h) => h.startsWith('zh:'))
        .sort(),
    );
    const missing = await d.run(['providers', 'lock', '-no-color', '-platform=freebsd_amd64']);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toMatch(/freebsd_amd64/);
  });

  test('a zip or a signature changed on the service fails init, naming the checksum or the signature', async () => {
    const zip = join(releases, file('linux_amd64.zip'));
    const sig = join(releases, file('SHA256SUMS.sig'));
    for (const [path, expected] of [
      [zip, /checksum|doesn't match/i],
      [sig, /signature|authentication/i],
    ] as const) {
      const saved = join(root, 'saved');
      copyFileSync(path, saved);
      const bytes = readFileSync(path);
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
      writeFileSync(path, bytes);
      try {
        const ws = workspace('tampered');
        const result = await init(ws);
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(expected);
      } finally {
        copyFileSync(saved, path);
      }
    }
  });
});

/**
 * `npm run release` (scripts/release), run as a user runs it, for linux_amd64 (the platform this machine can
 * run): the release files, the zip's layout and mode bits, SHA256SUMS and its signature checked with the
 * public key, two builds byte-identical, and the executable run with no Node anywhere on PATH, first by hand
 * (the go-plugin handshake line), then by terraform init and apply from a filesystem mirror holding the zip.
 * The other platforms are built once and checked by their executable headers only: nothing here runs them.
 * darwin_arm64's ad hoc signature is checked page by page (scripts/release/macho-signature.ts), by a checker
 * that must also accept the signature Apple's tools put on the official Node binary it was made from.
 *
 * The runtimes come from the npm registry (or dist/release-cache): without it these tests fail in CI
 * (CI set) and are skipped, loudly, elsewhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as openpgp from 'openpgp';
import { KEY_PREFIX } from '../../contract/key-format';
import { executableKind, HEADER_BYTES } from '../../scripts/release/executable-format';
import { withoutCodeSignature } from '../../scripts/release/macho';
import { codeDirectorySummary, codeSignatureProblems } from '../../scripts/release/macho-signature';
import { withoutAuthenticode } from '../../scripts/release/pe';
import { PLATFORMS } from '../../scripts/release/platforms';
import { runtimeBinary } from '../../scripts/release/runtime-packages';
import { SEA_FUSE } from '../../scripts/release/sea';
import { fileFromTgz } from '../../scripts/release/tar';
import { dosDateTime, readZip } from '../../scripts/release/zip';
import { type CliService, ROOT, startCliService } from '../helpers/cli';
import { pgpDecrypt, pgpKeyPair } from '../helpers/pgp';
import { describeRelease, release } from '../helpers/release';
import { createWorkspace, TERRAFORM_BIN } from '../helpers/terraform';

jest.setTimeout(600_000);

const { version } = require(join(ROOT, 'package.json')) as { version: string };
const EXE = `terraform-provider-keyplane_v${version}`;
const ZIP = `terraform-provider-keyplane_${version}_linux_amd64.zip`;
const MANIFEST = `terraform-provider-keyplane_${version}_manifest.json`;
const SUMS = `terraform-provider-keyplane_${version}_SHA256SUMS`;
const TARBALLS = [`keyplane-cdktf-${version}.tgz`, `keyplane-cdktn-${version}.tgz`];
const MAGIC_COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The first line the executable at `file` prints, started with only `env` (no PATH but `path`), then stopped. */
function firstLine(file: string, path: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], {
      env: { PATH: path, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS: '6', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
      else reject(new Error(`no handshake line; stderr: ${err}`));
    });
  });
}

describe('npm run release without a signing key', () => {
  test('fails before building anything, saying how to give a key or to ask for an unsigned release', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'keyplane-release-nokey-')), 'release');
    const res = release(['--platform', 'linux_amd64', '--out', out]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('no signing key: pass --signing-key FILE or set KEYPLANE_RELEASE_SIGNING_KEY_FILE (or --unsigned');
    expect(existsSync(out)).toBe(false);
    rmSync(join(out, '..'), { recursive: true, force: true });
  });
});

describeRelease('npm run release, linux_amd64', () => {
  let root: string;
  let publicKey: string;
  let commitTime: Date;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-release-'));
    const key = await openpgp.generateKey({ type: 'rsa', rsaBits: 4096, userIDs: [{ name: 'Keyplane test release' }], format: 'armored' });
    publicKey = key.publicKey;
    writeFileSync(join(root, 'release.key.asc'), key.privateKey, { mode: 0o600 });
    for (const out of ['a', 'b']) {
      const res = release(['--platform', 'linux_amd64', '--out', join(root, out)], { KEYPLANE_RELEASE_SIGNING_KEY_FILE: join(root, 'release.key.asc') });
      if (res.status !== 0) throw new Error(`npm run release failed: ${res.stderr}`);
    }
    const seconds = spawnSync('git', ['log', '-1', '--format=%ct', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    commitTime = new Date(Number(seconds) * 1000);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const read = (name: string, out = 'a'): Buffer => readFileSync(join(root, out, name));

  const verifies = async (data: Buffer, signature: Buffer) => {
    const { signatures } = await openpgp.verify({
      message: await openpgp.createMessage({ binary: data }),
      signature: await openpgp.readSignature({ binarySignature: signature }),
      verificationKeys: await openpgp.readKey({ armoredKey: publicKey }),
    });
    return signatures[0]!.verified.then(
      () => 'verified',
      (e: Error) => e.message,
    );
  };

  test('writes the zip, the manifest, SHA256SUMS over both, and a binary signature that verifies with the public key', async () => {
    expect(readdirSync(join(root, 'a')).sort()).toEqual([SUMS, `${SUMS}.sig`, MANIFEST, ZIP, 'bindings'].sort());
    expect(JSON.parse(read(MANIFEST).toString())).toEqual({ version: 1, metadata: { protocol_versions: ['6.0'] } });
    expect(read(SUMS).toString()).toBe(`${sha256(read(ZIP))}  ${ZIP}\n${sha256(read(MANIFEST))}  ${MANIFEST}\n`);

    const signature = read(`${SUMS}.sig`);
    expect(signature.subarray(0, 5).toString('latin1')).not.toBe('-----');
    expect(await verifies(read(SUMS), signature)).toBe('verified');
    expect(await verifies(Buffer.concat([read(SUMS), Buffer.from('\n')]), signature)).not.toBe('verified');
  });

  test('packs both CDK bindings into bindings/, with a SHA256SUMS of their own signed by the same key; their peers are peers only', async () => {
    expect(readdirSync(join(root, 'a', 'bindings')).sort()).toEqual([...TARBALLS, 'SHA256SUMS', 'SHA256SUMS.sig'].sort());
    const sums = read('bindings/SHA256SUMS');
    expect(sums.toString()).toBe(TARBALLS.map((t) => `${sha256(read(`bindings/${t}`))}  ${t}\n`).join(''));
    expect(await verifies(sums, read('bindings/SHA256SUMS.sig'))).toBe('verified');
    for (const [tarball, flavour] of [
      [TARBALLS[0]!, 'cdktf'],
      [TARBALLS[1]!, 'cdktn'],
    ]) {
      const manifest = JSON.parse(fileFromTgz(read(`bindings/${tarball}`), 'package/package.json').toString()) as Record<string, unknown>;
      expect(manifest).toMatchObject({ name: `@keyplane/${flavour}`, version, main: 'lib/index.js', types: 'lib/index.d.ts' });
      expect(Object.keys(manifest.peerDependencies as object).sort()).toEqual([flavour, 'constructs'].sort());
      expect([manifest.dependencies, manifest.bundleDependencies, manifest.bundledDependencies]).toEqual([undefined, undefined, undefined]);
      expect(fileFromTgz(read(`bindings/${tarball}`), 'package/lib/index.js').toString()).toContain('provider');
    }
  });

  test('the zip holds one executable, mode 0755 made on Unix, dated the commit: a Node 24 SEA for linux amd64', () => {
    const entries = readZip(read(ZIP));
    expect(entries.map((e) => ({ name: e.name, unixMode: e.unixMode.toString(8), madeBy: e.madeBy }))).toEqual([{ name: EXE, unixMode: '100755', madeBy: 3 }]);
    expect(entries[0]!.modified).toEqual(dosDateTime(commitTime));
    const exe = entries[0]!.data;
    expect(executableKind(exe.subarray(0, HEADER_BYTES))).toEqual({ format: 'ELF', arch: 'amd64' });
    expect(exe.includes(`${SEA_FUSE}:1`)).toBe(true);
  });

  test('two builds of one commit give byte-identical zips, binding tarballs and SHA256SUMS', () => {
    expect(sha256(read(ZIP, 'b'))).toBe(sha256(read(ZIP)));
    expect(read(SUMS, 'b').equals(read(SUMS))).toBe(true);
    for (const t of TARBALLS) expect(sha256(read(`bindings/${t}`, 'b'))).toBe(sha256(read(`bindings/${t}`)));
    expect(read('bindings/SHA256SUMS', 'b').equals(read('bindings/SHA256SUMS'))).toBe(true);
  });

  test('the executable runs with no node on PATH and prints the go-plugin handshake', async () => {
    const dir = join(root, 'run');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const [entry] = readZip(read(ZIP));
    writeFileSync(join(dir, EXE), entry!.data, { mode: entry!.mode });
    expect(readdirSync(join(dir, 'bin'))).toEqual([]);
    expect(await firstLine(join(dir, EXE), join(dir, 'bin'))).toMatch(/^1\|6\|unix\|\/[^|]+\|grpc\|$/);
  });

  test("NODE_OPTIONS meant for the user's own Node does not reach the provider", async () => {
    const dir = join(root, 'run-node-options');
    mkdirSync(dir, { recursive: true });
    const [entry] = readZip(read(ZIP));
    writeFileSync(join(dir, EXE), entry!.data, { mode: entry!.mode });
    // A CI job's NODE_OPTIONS (a --require of a hook only its own project has) would stop a Node-based provider.
    const line = await firstLine(join(dir, EXE), dir, { NODE_OPTIONS: `--require ${join(dir, 'no-such-hook.js')}` });
    expect(line).toMatch(/^1\|6\|unix\|\/[^|]+\|grpc\|$/);
  });

  describe('terraform init and apply from a filesystem mirror, with only terraform on PATH', () => {
    let service: CliService;
    beforeAll(async () => {
      service = await startCliService();
    });
    afterAll(async () => {
      await service?.stop();
    });

    test('installs the zip, runs the provider (openpgp included) against the service', async () => {
      const bin = join(root, 'tf-bin');
      mkdirSync(bin);
      symlinkSync(TERRAFORM_BIN!, join(bin, 'terraform'));
      expect(readdirSync(bin)).toEqual(['terraform']);
      const mirror = join(root, 'mirror');
      mkdirSync(join(mirror, 'registry.terraform.io/keyplane/keyplane'), { recursive: true });
      writeFileSync(join(mirror, 'registry.terraform.io/keyplane/keyplane', ZIP), read(ZIP));
      const home = join(root, 'home');
      mkdirSync(home);
      const cliConfig = join(root, 'mirror.tfrc');
      writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
      const pgp = await pgpKeyPair();
      const ws = createWorkspace({
        name: 'release',
        env: { ...service.env, PATH: bin, HOME: home, TF_CLI_CONFIG_FILE: cliConfig, HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' },
        files: {
          'oncall.pub.asc': pgp.publicKey,
          'main.tf': `terraform {
  required_providers {
    keyplane = { source = "keyplane/keyplane", version = "${version}" }
  }
}

data "keyplane_scopes" "all" {}

resource "keyplane_api_key" "oncall" {
  name    = "release-test"
  role    = "viewer"
  pgp_key = file("\${path.module}/oncall.pub.asc")
}

output "scopes" {
  value = [for s in data.keyplane_scopes.all.scopes : s.name]
}

output "encrypted" {
  value = keyplane_api_key.oncall.encrypted_secret
}
`,
        },
      });
      try {
        expect(ws.env.PATH!.split(delimiter)).toEqual([bin]);
        const init = await ws.run(['init', '-input=false', '-no-color']);
        expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
        expect(init.stdout).toContain(`- Installed keyplane/keyplane v${version} (unauthenticated)`);
        const installed = join(ws.dir, '.terraform/providers/registry.terraform.io/keyplane/keyplane', version, 'linux_amd64', EXE);
        expect(readFileSync(installed).equals(readZip(read(ZIP))[0]!.data)).toBe(true);

        await ws.apply();
        expect(JSON.parse((await ws.terraform(['output', '-json', 'scopes'])).stdout)).toEqual(expect.arrayContaining(['keyplane.keys.verify']));
        const encrypted = JSON.parse((await ws.terraform(['output', '-json', 'encrypted'])).stdout) as string;
        expect((await pgpDecrypt(encrypted, pgp.privateKey)).startsWith(KEY_PREFIX)).toBe(true);
      } finally {
        ws.remove();
      }
    });
  });
});

/** The platforms this machine cannot run: built once, checked by their headers. */
const OTHERS = PLATFORMS.filter((p) => p.target !== 'linux_amd64').map((p) => p.target);

describeRelease('npm run release --unsigned, the other platforms', () => {
  let out: string;
  let res: ReturnType<typeof release>;
  beforeAll(() => {
    out = join(mkdtempSync(join(tmpdir(), 'keyplane-release-all-')), 'release');
    res = release(['--unsigned', '--out', out, ...OTHERS.flatMap((t) => ['--platform', t])]);
  });
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  test('writes a zip per platform and SHA256SUMS, no signature, and says so', () => {
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('UNSIGNED: no SHA256SUMS.sig was written') });
    expect(readdirSync(out).sort()).toEqual([...OTHERS.map((t) => `terraform-provider-keyplane_${version}_${t}.zip`), MANIFEST, SUMS, 'bindings'].sort());
    expect(readdirSync(join(out, 'bindings')).sort()).toEqual([...TARBALLS, 'SHA256SUMS'].sort());
    expect(OTHERS).toEqual(['linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64']);
  });

  test.each([
    ['linux_arm64', EXE, { format: 'ELF', arch: 'arm64' }],
    ['darwin_amd64', EXE, { format: 'Mach-O', arch: 'amd64' }],
    ['darwin_arm64', EXE, { format: 'Mach-O', arch: 'arm64' }],
    ['windows_amd64', `${EXE}.exe`, { format: 'PE', arch: 'amd64' }],
  ])('%s: one executable %s, mode 0755, %o, with the SEA injected', (target, name, kind) => {
    const entries = readZip(readFileSync(join(out, `terraform-provider-keyplane_${version}_${target}.zip`)));
    expect(entries.map((e) => ({ name: e.name, unixMode: e.unixMode.toString(8), madeBy: e.madeBy }))).toEqual([{ name, unixMode: '100755', madeBy: 3 }]);
    const exe = entries[0]!.data;
    expect(executableKind(exe.subarray(0, HEADER_BYTES))).toEqual(kind);
    expect(exe.includes(`${SEA_FUSE}:1`)).toBe(true);
    // No stale signature of the runtime left (removing it again changes nothing; on arm64 the only one is
    // the build's own, ad hoc, and it verifies); macOS: the blob in its own segment.
    if (kind.format === 'Mach-O') {
      if (kind.arch === 'arm64') {
        expect(codeSignatureProblems(exe)).toEqual([]);
        expect(codeDirectorySummary(exe)).toEqual({ flags: 0x2, identifier: 'terraform-provider-keyplane', execSegFlags: 1 });
      } else {
        expect(withoutCodeSignature(exe)).toBe(exe);
      }
      expect(exe.subarray(0, HEADER_BYTES).includes('NODE_SEA')).toBe(true);
    }
    if (kind.format === 'PE') expect(withoutAuthenticode(exe)).toBe(exe);
  });

  test("the signature checker accepts the official darwin arm64 Node binary's signature (Apple's tools made it) and finds one changed byte", () => {
    const runtime = PLATFORMS.find((p) => p.target === 'darwin_arm64')!.runtime;
    const node = runtimeBinary(runtime, join(ROOT, 'dist', 'release-cache'), () => {});
    expect(codeSignatureProblems(node)).toEqual([]);
    expect(codeDirectorySummary(node)).toMatchObject({ identifier: 'node', execSegFlags: 1 });
    node[node.length >> 1] ^= 1;
    expect(codeSignatureProblems(node)).toEqual(['1 page hashes do not match']);
  });
});

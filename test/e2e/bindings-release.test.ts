/**
 * The CDK bindings as a user gets them from a release: `npm run release` (linux_amd64, signed by a throwaway
 * key) packs `@keyplane/cdktn` and `@keyplane/cdktf` into dist/release/bindings; each is `npm install`ed from
 * its tarball into a fresh directory outside the repository, with its CDK library, constructs and TypeScript
 * at the versions the repository pins (test/helpers/bindings-project.ts). The project holds one `constructs`,
 * the one the binding resolves (a `file:` link to bindings/NAME resolves the repository's copy instead, and
 * fails to type-check once the user's constructs is another version); its stack (examples/FLAVOUR/main.ts)
 * type-checks and synthesizes, and the synthesized stack is applied, planned again and destroyed by the
 * real terraform, offline, with the released provider executable installed by `keyplane provider install
 * --release` into a filesystem mirror, against a real service. `cdktn synth` (cdktn-cli, which needs Node
 * >=22.19: on Node 20 it crashes, README "Which Node") gives the same stack when run with the Node 24 of the
 * release's runtime package.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORMS } from '../../scripts/release/platforms';
import { runtimeBinary } from '../../scripts/release/runtime-packages';
import { type BindingsProject, installBindings, pinned } from '../helpers/bindings-project';
import { keyplane, ROOT } from '../helpers/cli';
import { type KeyplaneService, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';
import { signingKeyPair } from '../helpers/provider-release';
import { OFFLINE } from '../helpers/offline';
import { describeRelease, release } from '../helpers/release';
import { createWorkspace } from '../helpers/terraform';

jest.setTimeout(600_000);

const { version } = require(join(ROOT, 'package.json')) as { version: string };
const STACK = 'billing-deployer';
/** The Node runtime the linux_amd64 executable embeds (scripts/release/platforms.ts). */
const LINUX_RUNTIME = PLATFORMS.find((p) => p.target === 'linux_amd64')!.runtime;

describeRelease('the CDK bindings of a release, installed from their tarballs outside the repository', () => {
  let root: string;
  let releases: string;
  let home: string;
  let cliConfig: string;
  let h1: string;
  let service: KeyplaneService;
  const projects: BindingsProject[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-bindings-release-'));
    const keys = await signingKeyPair();
    writeFileSync(join(root, 'release.key.asc'), keys.privateKey, { mode: 0o600 });
    writeFileSync(join(root, 'release.pub.asc'), keys.publicKey);
    releases = join(root, 'releases');
    const built = release(['--platform', 'linux_amd64', '--signing-key', join(root, 'release.key.asc'), '--out', releases]);
    if (built.status !== 0) throw new Error(`npm run release failed: ${built.stderr}`);
    home = join(root, 'home');
    mkdirSync(home);
    cliConfig = join(root, 'keyplane.tfrc');
    const from = ['--release', releases, '--signing-key', join(root, 'release.pub.asc'), '--platform', 'linux_amd64'];
    const into = ['--dir', join(root, 'mirror'), '--cli-config', cliConfig];
    const installed = keyplane(['provider', 'install', ...from, ...into, '-o', 'json'], { HOME: home, TF_CLI_CONFIG_FILE: undefined });
    if (installed.status !== 0) throw new Error(`keyplane provider install --release failed: ${installed.stderr}`);
    h1 = (JSON.parse(installed.stdout) as { h1: string }).h1;
    service = await startKeyplaneService();
  });

  afterAll(async () => {
    for (const p of projects) p.remove();
    await service?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('cdktn-cli synthesizes the same stack from the installed tarball with the Node 24 the release embeds (it needs Node >=22.19)', async () => {
    const cli = `cdktn-cli@${pinned('cdktn')}`;
    const project = await installBindings('cdktn', join(releases, 'bindings', `keyplane-cdktn-${version}.tgz`), [cli]);
    projects.push(project);
    const node24 = join(root, 'node24');
    mkdirSync(node24);
    writeFileSync(
      join(node24, 'node'),
      runtimeBinary(LINUX_RUNTIME, join(ROOT, 'dist', 'release-cache'), () => {}),
      { mode: 0o755 },
    );
    expect(execFileSync(join(node24, 'node'), ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${LINUX_RUNTIME.version}`);
    const fromCli = await project.cliSynth('cdktn', node24, STACK, service.env);
    expect(JSON.parse(fromCli)).toEqual(JSON.parse((await project.synth(STACK, service.env)).json));
  });

  test.each(['cdktn', 'cdktf'] as const)(
    '@keyplane/%s from its tarball: one constructs, the stack type-checks and synthesizes, and applies with the released provider',
    async (flavour) => {
      const project = await installBindings(flavour, join(releases, 'bindings', `keyplane-${flavour}-${version}.tgz`));
      projects.push(project);
      const dir = realpathSync(project.dir);
      expect(dir.startsWith(realpathSync(ROOT))).toBe(false);

      // A copy of the package, not a link into the repository, and a single constructs, which it resolves.
      const binding = join(dir, 'node_modules', '@keyplane', flavour);
      expect(lstatSync(binding).isSymbolicLink()).toBe(false);
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
      const copies = Object.keys(lock.packages).filter((p) => p === 'node_modules/constructs' || p.endsWith('/node_modules/constructs'));
      expect(copies).toEqual(['node_modules/constructs']);
      for (const from of [dir, binding, join(dir, 'node_modules', flavour)]) {
        expect(await project.resolve(from, 'constructs')).toBe(join(dir, 'node_modules', 'constructs', 'lib', 'index.js'));
      }

      expect(await project.typecheck()).toBe('');
      // The admin key is in the app's environment too: the stack must not copy it into cdk.tf.json.
      const { json, stderr } = await project.synth(STACK, service.env);
      expect(stderr).toBe('');
      expect(secretFragmentsIn(json, service.adminKey)).toEqual([]);
      const tf = JSON.parse(json);
      expect(tf.terraform.required_providers.keyplane.source).toBe('registry.terraform.io/keyplane/keyplane');
      expect(tf.terraform.backend).toEqual({ local: { path: join(dir, `terraform.${STACK}.tfstate`) } });
      expect(Object.keys(tf.resource).sort()).toEqual(['keyplane_api_key', 'keyplane_secret', 'keyplane_service_account']);

      const ws = createWorkspace({
        name: `user-${flavour}`,
        env: { ...service.env, ...OFFLINE, HOME: home, TF_CLI_CONFIG_FILE: cliConfig },
        files: { 'cdk.tf.json': json },
      });
      try {
        const init = await ws.run(['init', '-input=false', '-no-color']);
        expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
        expect(init.stdout).toContain(`- Installed keyplane/keyplane v${version} (unauthenticated)`);
        expect([...ws.read('.terraform.lock.hcl').matchAll(/"((?:zh|h1):[^"]+)"/g)].map((m) => m[1])).toEqual([h1]);
        await ws.apply();
        const outputs = JSON.parse((await ws.terraform(['output', '-json'])).stdout) as Record<string, { value: string }>;
        const sa = await service.client.getServiceAccount(outputs.service_account_id!.value);
        expect(sa).toMatchObject({ name: 'billing-deployer', role: 'developer' });
        const key = await service.client.getApiKey(outputs.api_key_id!.value);
        expect(key).toMatchObject({ name: 'billing-deploy', service_account_id: sa.id, status: 'active' });
        expect((await ws.planIsEmpty()).empty).toBe(true);
        await ws.terraform(['destroy', '-auto-approve']);
        await expect(service.client.getApiKey(key.id)).rejects.toMatchObject({ status: 404 });
        await expect(service.client.getServiceAccount(sa.id)).rejects.toMatchObject({ status: 404 });
      } finally {
        ws.remove();
      }
    },
  );
});

/**
 * The CDK examples (examples/cdktf, examples/cdktn) for end-to-end tests: compiling and running one the way
 * its cdktf.json's app does, and a filesystem mirror holding the provider, which the synthesized
 * stack needs because cdktf always writes a backend block and a backend needs `terraform init`. Init does
 * not honour dev_overrides: it still asks the registry for the provider
 * (docs/sdk/local-installation.md#dev_overrides), so the harness's default CLI config would need the network.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keyplane } from './cli';
import { checkedReleaseZip, providerBuild } from './provider-build';
import { ROOT } from './root';

const run = promisify(execFile);

export type Flavour = 'cdktf' | 'cdktn';

export interface Synthesized {
  /** The copy of the example folder the app ran in (its state file lands here, as in the example's README). */
  dir: string;
  /** The stack's cdk.tf.json. */
  json: string;
  /** What the app printed on stderr (cdktf prints validation warnings there). */
  stderr: string;
  remove(): void;
}

/**
 * Runs examples/FLAVOUR the way its README does: the `app` command of its cdktf.json (`npx tsc -p . && node
 * dist/main.js`, what `cdktf synth` runs) in a copy of the folder, which writes cdktf.out/stacks/STACK. The
 * copy sits under dist/ (ignored by git) so that it resolves the repository's node_modules (cdktf, cdktn,
 * @keyplane/*) as the example folder does, and several runs do not collide.
 */
export async function synthExample(flavour: Flavour, stack: string, env: Record<string, string>): Promise<Synthesized> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'dist', `example-${flavour}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const f of ['main.ts', 'tsconfig.json', 'cdktf.json']) copyFileSync(join(ROOT, 'examples', flavour, f), join(dir, f));
    const { app } = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8')) as { app: string };
    const env2: Record<string, string | undefined> = { ...process.env, ...env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: undefined };
    const r = await run('sh', ['-c', app], { cwd: dir, env: env2 as NodeJS.ProcessEnv });
    return { dir, json: readFileSync(join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'), stderr: r.stderr, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

export interface ProviderMirror {
  /** A CLI config installing keyplane/keyplane from the mirror (and anything else from its registry). */
  cliConfigFile: string;
  /** The launcher's h1: hash, as `keyplane provider install` printed it. */
  hash: string;
  remove(): void;
}

/**
 * A filesystem mirror made the way a user makes one: `keyplane provider install --dir D --cli-config F`
 * (the built CLI and dist/provider/keyplane/main.js, which `npm test` builds first), or with
 * KEYPLANE_TEST_PROVIDER naming a release, `--release DIR`: the released zip, checked against its SHA256SUMS
 * (test/helpers/provider-build.ts).
 */
export function providerMirror(): ProviderMirror {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-mirror-'));
  const cliConfigFile = join(root, 'cli.tfrc');
  const build = providerBuild();
  if (build.kind === 'release') checkedReleaseZip(build.dir);
  const from = build.kind === 'release' ? ['--release', build.dir] : ['--launcher'];
  const r = keyplane(['provider', 'install', ...from, '--dir', join(root, 'mirror'), '--cli-config', cliConfigFile, '-o', 'json'], {
    TF_CLI_CONFIG_FILE: undefined,
  });
  if (r.status !== 0) throw new Error(`keyplane provider install failed (${r.status}): ${r.stderr}`);
  const { hash } = JSON.parse(r.stdout) as { hash: string };
  return { cliConfigFile, hash, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The CDK examples (examples/cdktf, examples/cdktn) for end-to-end tests: compiling and running one the way
 * its cdktf.json's app does, and a filesystem mirror holding the provider, which the synthesized
 * stack needs because cdktf always writes a backend block and a backend needs `terraform init`. Init does
 * not honour dev_overrides: it still asks the registry for the provider (shared docs,
 * terraform-plugin-protocol.md §8.2), so the harness's default CLI config would need the network.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keyplane } from './cli';
import { ROOT } from './keyplane';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

export type Flavour = 'cdktf' | 'cdktn';

export interface Synthesized {
  /** The stack's cdk.tf.json. */
  json: string;
  /** What the app printed on stderr (cdktf prints validation warnings there). */
  stderr: string;
}

/**
 * Compiles examples/FLAVOUR with its own tsconfig and runs it, as `npx tsc -p . && node dist/main.js` does,
 * in `cwd`: cdktf's default local backend puts the state at an absolute path in the directory the app ran
 * in. The build goes under dist/ (ignored by git) so that it resolves the repository's node_modules (cdktf,
 * cdktn, @keyplane/*) as the example folder does; the output directory comes from CDKTF_OUTDIR, which the
 * App of cdktf and of cdktn both read.
 */
export async function synthExample(flavour: Flavour, stack: string, cwd: string, env: Record<string, string>): Promise<Synthesized> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const build = mkdtempSync(join(ROOT, 'dist', `example-${flavour}-`));
  try {
    await run(process.execPath, [TSC, '-p', join(ROOT, 'examples', flavour), '--outDir', join(build, 'js')]);
    const outdir = join(build, 'cdktf.out');
    const app = await run(process.execPath, [join(build, 'js/main.js')], { cwd, env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir } });
    return { json: readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'), stderr: app.stderr };
  } finally {
    rmSync(build, { recursive: true, force: true });
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
 * (the built CLI and dist/provider/keyplane/main.js, which `npm test` builds first).
 */
export function providerMirror(): ProviderMirror {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-mirror-'));
  const cliConfigFile = join(root, 'cli.tfrc');
  const r = keyplane(['provider', 'install', '--dir', join(root, 'mirror'), '--cli-config', cliConfigFile, '-o', 'json'], { TF_CLI_CONFIG_FILE: undefined });
  if (r.status !== 0) throw new Error(`keyplane provider install failed (${r.status}): ${r.stderr}`);
  const { hash } = JSON.parse(r.stdout) as { hash: string };
  return { cliConfigFile, hash, remove: () => rmSync(root, { recursive: true, force: true }) };
}

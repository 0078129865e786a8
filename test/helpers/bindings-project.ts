/**
 * A user's CDK project outside the repository, made the way a user makes one from a release: `npm install`
 * of a binding's tarball (dist/release/bindings, scripts/release/bindings.ts) with the CDK library,
 * `constructs` and TypeScript from the npm registry (its cache first), at the versions this repository pins.
 * The stack is examples/FLAVOUR's main.ts; it is type-checked with the project's own tsc and synthesized by
 * running the compiled app with node (what its cdktf.json's app command does).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { Flavour } from './cdktf';
import { ROOT } from './root';

const run = promisify(execFile);

/** The version of `name` installed in the repository (package-lock.json's): the one a user's project gets. */
export function pinned(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The environment of a user's shell: without the npm_* variables npm sets for the command running the tests
 * (the repository's package, its workspace, its prefix), keeping the npm configuration (cache, registry).
 */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.toLowerCase().startsWith('npm_') || /^npm_config_(cache|registry|userconfig)$/i.test(k)) env[k] = v;
  }
  delete env.CDKTF_OUTDIR;
  return { ...env, CHECKPOINT_DISABLE: '1', ...extra };
}

export interface BindingsProject {
  dir: string;
  /** Where node's require() finds `name` from the folder `from` (a package inside the project), in a child process. */
  resolve(from: string, name: string): Promise<string>;
  /** `node_modules/.bin/tsc -p .`: stdout and stderr; rejects on a type error. */
  typecheck(): Promise<string>;
  /** Runs dist/main.js with `env`; returns the stack's cdk.tf.json and what the app printed on stderr. */
  synth(stack: string, env: Record<string, string>): Promise<{ json: string; stderr: string }>;
  /**
   * `node_modules/.bin/CLI synth` (cdktn-cli or cdktf-cli, installed by `extra`) with `nodeDir` first on PATH,
   * so that the CLI and the app it runs use that Node; returns the stack's cdk.tf.json.
   */
  cliSynth(cli: string, nodeDir: string, stack: string, env: Record<string, string>): Promise<string>;
  remove(): void;
}

/**
 * `npm install`s `tarball` with FLAVOUR, constructs and typescript at their pinned versions (and the `extra`
 * specs) into a new temp directory.
 */
export async function installBindings(flavour: Flavour, tarball: string, extra: string[] = []): Promise<BindingsProject> {
  const dir = mkdtempSync(join(tmpdir(), `keyplane-user-${flavour}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `user-${flavour}-stack`, version: '1.0.0', private: true }, null, 2)}\n`);
    for (const f of ['main.ts', 'tsconfig.json', 'cdktf.json']) copyFileSync(join(ROOT, 'examples', flavour, f), join(dir, f));
    const specs = [tarball, ...[flavour, 'constructs', 'typescript'].map((p) => `${p}@${pinned(p)}`), ...extra];
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-exact', ...specs], {
      cwd: dir,
      env: userEnv({}),
      timeout: 300_000,
    });
  } catch (err) {
    remove();
    throw err;
  }
  return {
    dir,
    async resolve(from, name) {
      const r = await run(process.execPath, ['-e', `process.stdout.write(require.resolve(${JSON.stringify(name)}))`], { cwd: from, env: userEnv({}) });
      return r.stdout;
    },
    async typecheck() {
      const r = await run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: dir, env: userEnv({}) });
      return r.stdout + r.stderr;
    },
    async synth(stack, env) {
      const r = await run(process.execPath, ['dist/main.js'], { cwd: dir, env: userEnv(env) });
      return { json: readFileSync(join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'), stderr: r.stderr };
    },
    async cliSynth(cli, nodeDir, stack, env) {
      rmSync(join(dir, 'cdktf.out'), { recursive: true, force: true });
      await run(join(dir, 'node_modules', '.bin', cli), ['synth'], {
        cwd: dir,
        env: userEnv({ ...env, PATH: `${nodeDir}${delimiter}${process.env.PATH}`, CI: '1' }),
        timeout: 300_000,
      });
      return readFileSync(join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8');
    },
    remove,
  };
}

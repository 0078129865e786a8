/**
 * The provider as a Node single executable application (SEA): the provider bundled into one script with
 * every dependency inside, a preparation blob made from it by the Node version of the target binary, and
 * the blob injected into a copy of that binary with postject. The result needs no Node, no node_modules and
 * no file beside it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { packageRoot } from '../../cli/version';
import type { Os } from './platforms';

/** scripts/bundle.js's esbuild options for a provider executable: the release bundle differs only where said below. */
const { buildOptions } = require(join(packageRoot(__dirname), 'scripts', 'bundle.js')) as {
  buildOptions: (entry: string, outfile: string) => esbuild.BuildOptions;
};

/** The fuse the Node binary checks to know a blob was injected (Node's SEA documentation). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const BLOB_RESOURCE = 'NODE_SEA_BLOB';
/** The blob's file name inside the work folder; relative, so no build folder's path ends up in the blob. */
const MAIN = 'provider.js';

/**
 * Bundles the provider for a SEA into `workDir/provider.js`. Unlike the development bundle, openpgp is inside
 * (a SEA's require() loads Node's built-in modules only, so nothing can be required from node_modules at run
 * time), the target is Node 24, and there is no source map (no file to link it to).
 */
export async function bundleForSea(root: string, workDir: string): Promise<void> {
  await esbuild.build({
    ...buildOptions(join(root, 'provider/keyplane/main.ts'), join(workDir, MAIN)),
    external: [],
    target: 'node24',
    sourcemap: false,
    metafile: false,
  });
}

/**
 * The preparation blob, made by `node` (the Node version of the target binary, runnable here) from the bundle
 * in `workDir`. A code cache is compiled for the platform the blob maker runs on, so only a native build may
 * take one. --random-seed fixes V8's seed in the process compiling it: without it two builds gave different
 * code caches (with it they are identical, and the cache is still accepted at start).
 */
export function preparationBlob(node: string, workDir: string, useCodeCache: boolean): Buffer {
  // execArgvExtension 'none': NODE_OPTIONS in Terraform's environment is meant for the user's own Node
  // programs and must not change (or stop) the provider, which behaves like any native executable.
  const config = { main: MAIN, output: 'sea-prep.blob', disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache, execArgvExtension: 'none' };
  writeFileSync(join(workDir, 'sea-config.json'), JSON.stringify(config));
  const made = spawnSync(node, ['--random-seed=1', '--experimental-sea-config', 'sea-config.json'], {
    cwd: workDir,
    env: { PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`making the SEA blob failed (${node}): ${made.error?.message ?? made.stderr}`);
  return readFileSync(join(workDir, config.output));
}

interface Postject {
  inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string; machoSegmentName?: string }): Promise<void>;
}

/**
 * Injects `blob` into the Node binary at `file` (changed in place). postject's ELF writer warns about note
 * sections it cannot name ("Can't find string offset for section name '.note…'") on every Node binary; those
 * lines are dropped, anything else it says is passed on.
 */
export async function injectBlob(file: string, os: Os, blob: Buffer): Promise<void> {
  const postject = require('postject') as Postject;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!/^warning: Can't find string offset for section name '\.note/.test(String(args[0]))) warn(...args);
  };
  try {
    await postject.inject(file, BLOB_RESOURCE, blob, { sentinelFuse: SEA_FUSE, ...(os === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}) });
  } finally {
    console.warn = warn;
  }
  if (!readFileSync(file).includes(`${SEA_FUSE}:1`)) throw new Error(`${file}: the SEA fuse is not set after injection`);
}

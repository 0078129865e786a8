/**
 * The CDK bindings (bindings/cdktn, bindings/cdktf) in a release: each compiled afresh and packed with
 * `npm pack` into the release's `bindings/` folder, beside a SHA256SUMS of their own (docs/releases.md). They
 * stay out of the provider's SHA256SUMS: Terraform records a `zh:` hash in every lock file for each line of
 * that file (test/e2e/registry.test.ts), and npm tarballs have nothing to do there. `npm pack` dates every
 * entry 1985-10-26 and orders them by path, so two builds of one commit give the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileFromTgz } from './tar';

/** The binding packages, by folder under bindings/. */
export const BINDINGS = ['cdktn', 'cdktf'] as const;

/** The release's subfolder holding the tarballs and their SHA256SUMS (and .sig). */
export const BINDINGS_DIR = 'bindings';
export const BINDINGS_SUMS = 'SHA256SUMS';

/** The part of `npm pack --json` read here. */
export interface PackResult {
  filename: string;
  files: { path: string }[];
  bundled: string[];
}

interface PackedManifest {
  name?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bundleDependencies?: unknown;
  bundledDependencies?: unknown;
}

/**
 * Why a packed binding would give its user a second copy of a peer (`constructs`, `cdktn`, `cdktf`), or
 * nothing: a stack type-checks only when its constructs and the binding's are one package.
 */
export function packedProblems(pack: PackResult, manifest: PackedManifest): string[] {
  const problems: string[] = [];
  const peers = Object.keys(manifest.peerDependencies ?? {});
  if (!peers.includes('constructs')) problems.push('constructs is not a peer dependency');
  for (const peer of peers) if (manifest.dependencies?.[peer] !== undefined) problems.push(`${peer} is a dependency, not only a peer`);
  if (pack.bundled.length > 0 || manifest.bundleDependencies !== undefined || manifest.bundledDependencies !== undefined)
    problems.push(`it bundles dependencies (${pack.bundled.join(', ') || 'bundleDependencies'})`);
  const modules = pack.files.filter((f) => f.path.startsWith('node_modules/') || f.path.includes('/node_modules/'));
  if (modules.length > 0) problems.push(`it holds ${modules[0]!.path}`);
  return problems;
}

/** Compiles bindings/NAME into its lib/ (emptied first, so no file of an earlier build is packed). */
function compile(root: string, name: string): void {
  const dir = join(root, 'bindings', name);
  rmSync(join(dir, 'lib'), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', dir], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`bindings/${name} does not compile: ${tsc.stdout}${tsc.stderr}`.trim());
}

/** Compiles and packs every binding into `dir`; returns the tarballs, checked by packedProblems. */
export function packBindings(root: string, dir: string, log: (line: string) => void): { name: string; data: Buffer }[] {
  mkdirSync(dir, { recursive: true });
  const tarballs: { name: string; data: Buffer }[] = [];
  for (const name of BINDINGS) {
    compile(root, name);
    const npm = spawnSync('npm', ['pack', '--workspace', `bindings/${name}`, '--pack-destination', dir, '--ignore-scripts', '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (npm.status !== 0) throw new Error(`npm pack of bindings/${name} failed (${npm.error?.message ?? `exit ${npm.status}`}): ${npm.stderr.trim()}`);
    const [pack] = JSON.parse(npm.stdout) as PackResult[];
    const data = readFileSync(join(dir, pack!.filename));
    const manifest = JSON.parse(fileFromTgz(data, 'package/package.json').toString('utf8')) as PackedManifest;
    const problems = packedProblems(pack!, manifest);
    if (problems.length > 0) throw new Error(`${pack!.filename} (${manifest.name}): ${problems.join('; ')}`);
    tarballs.push({ name: pack!.filename, data });
    log(`packed ${BINDINGS_DIR}/${pack!.filename} (${(data.length / 1e3).toFixed(1)} kB)`);
  }
  return tarballs;
}

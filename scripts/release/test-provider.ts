/**
 * Builds test providers exactly as the release builds the Keyplane provider, for the end-to-end tests to run
 * under the released runtime (docs/releases.md, "What is tested"): each entry bundled by bundleForSea and made
 * into this platform's executable by seaExecutable (build.ts), with the runtime and code cache of the
 * platform's release zip. They go into DIR/test-providers/ of a test release, never of a published one.
 *
 *   node dist/scripts/release/test-provider.js --out dist/test-release test/fixtures/conformance-provider/main.ts=terraform-provider-conformance
 *
 * Run it after `npm run release -- --out DIR`, which empties DIR (test providers included).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../cli/version';
import { PROVIDER_NAME, RELEASE_DIR, RUNTIME_CACHE_DIR, TEST_PROVIDERS_DIR } from './artifacts';
import { seaExecutable } from './build';
import { nativeTarget, selectPlatforms } from './platforms';
import { bundleForSea } from './sea';

const USAGE = `usage: node dist/scripts/release/test-provider.js --out DIR [--cache DIR] ENTRY=NAME...
  --out DIR     a test release folder (not ${RELEASE_DIR}, nor one holding a signature): the executables go into DIR/${TEST_PROVIDERS_DIR}/
  --cache DIR   where fetched runtime packages are kept (default ${RUNTIME_CACHE_DIR})
  ENTRY=NAME    a provider's main file (relative to the repository) and its executable's name, terraform-provider-TYPE`;

export interface TestProvider {
  entry: string;
  name: string;
}

/** `ENTRY=NAME` arguments; NAME is what Terraform runs as a provider, `terraform-provider-TYPE`. */
export function parseTestProviders(args: string[]): TestProvider[] {
  if (args.length === 0) throw new Error('no ENTRY=NAME given');
  return args.map((arg) => {
    const [entry, name, ...rest] = arg.split('=');
    if (!entry || !name || rest.length > 0) throw new Error(`expected ENTRY=NAME, got ${arg}`);
    if (!/^terraform-provider-[a-z0-9_-]+$/.test(name)) throw new Error(`${name}: a provider executable is named terraform-provider-TYPE`);
    return { entry, name };
  });
}

/**
 * Why `outDir` may not take test providers, or null: the published release's folder, or any folder holding a
 * signature (a signed release is one to publish), never ships a test provider.
 */
export function notATestRelease(root: string, outDir: string): string | null {
  if (resolve(outDir) === resolve(root, RELEASE_DIR)) return `${RELEASE_DIR} is the published release's folder`;
  const signatures = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.startsWith(`${PROVIDER_NAME}_`) && f.endsWith('.sig')) : [];
  return signatures.length > 0 ? `${outDir} holds a signed release (${signatures[0]})` : null;
}

/** Builds each provider into `outDir/test-providers/NAME` for this machine's platform; returns the paths written. */
export async function buildTestProviders(
  root: string,
  outDir: string,
  providers: TestProvider[],
  cacheDir: string,
  log: (line: string) => void,
): Promise<string[]> {
  const refused = notATestRelease(root, outDir);
  if (refused) throw new Error(`refusing to build test providers into ${outDir}: ${refused}`);
  const target = nativeTarget();
  if (target !== 'linux_amd64') throw new Error('test providers are built on linux x64, as a release is (build.ts)');
  const [platform] = selectPlatforms([target]);
  const dir = join(outDir, TEST_PROVIDERS_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const { entry, name } of providers) {
    const work = mkdtempSync(join(tmpdir(), 'keyplane-test-provider-'));
    try {
      await bundleForSea(root, work, entry);
      const { executable, codeCache } = await seaExecutable(platform!, work, cacheDir, log);
      // Renamed into place, so a test never runs a half-written executable.
      const temp = join(dir, `${name}.tmp`);
      writeFileSync(temp, executable, { mode: 0o755 });
      renameSync(temp, join(dir, name));
      log(`built ${TEST_PROVIDERS_DIR}/${name} from ${entry} (${platform!.runtime.name}@${platform!.runtime.version}${codeCache ? ', code cache' : ''})`);
      written.push(join(dir, name));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return written;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, cache: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) throw new Error(`--out DIR is required\n${USAGE}`);
  const root = packageRoot(__dirname);
  const written = await buildTestProviders(
    root,
    resolve(values.out),
    parseTestProviders(positionals),
    resolve(values.cache ?? join(root, RUNTIME_CACHE_DIR)),
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(written.map((w) => `${w}\n`).join(''));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`test-provider: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}

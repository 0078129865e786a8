#!/usr/bin/env node
/**
 * Bundles provider executables, each into one CommonJS file with every dependency inside, with esbuild, and
 * writes dist/build-manifest.json: for each file the tests run from the build, the sources it was built from.
 *
 *   node scripts/bundle.js                          # the default entries below, and the manifest
 *   node scripts/bundle.js src/main.ts=out/main.js  # entry=outfile pairs (paths relative to the repo)
 *
 * or from code: `await bundle([{ entry, outfile }])`.
 *
 * Why bundles: Terraform starts a provider 3–5 times per command and waits for each handshake. Resolving and
 * reading hundreds of node_modules files costs a Node process far more than reading one file, and the
 * transport's own laziness (grpc-js is required only after the handshake) needs a bundle that keeps
 * `require()`d modules lazy, which esbuild does. Not minified: measured with bench/provider-startup.ts,
 * a whitespace- and syntax-minified bundle (630 KB against 1 MB) started no faster (V8 pre-parses
 * whitespace and comments at almost no cost), and unminified code gives a crash report real line numbers.
 * `npm run build` runs this last, after tsc (which it replaces for these entries) and the bindings' tsc.
 * It also builds the web console for browsers into dist/console/ (scripts/bundle-console.js).
 *
 * Why the manifest: the tests run what the build made (these bundles, the CLI and the server fixture as tsc
 * compiled them, the CDK bindings' lib/), never a copy built at test time, so a test must be able to tell
 * that a file is missing or older than its sources (test/helpers/build.ts checks, and says to run
 * `npm run build`). It lists each file's sources with their SHA-256 (node_modules stands as
 * package-lock.json), and for a bundle the bundle's own hash, so a later tsc run overwriting it shows too.
 */

const { createHash } = require('node:crypto');
const { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const { spawnSync } = require('node:child_process');
const esbuild = require('esbuild');
const { bundleConsole } = require('./bundle-console');

const ROOT = join(__dirname, '..');
const MANIFEST = 'dist/build-manifest.json';

/** Executables built by `npm run build`: the Keyplane provider, and the test providers of the transport and the SDK conformance suite. */
const DEFAULT_ENTRIES = [
  { entry: 'provider/keyplane/main.ts', outfile: 'dist/provider/keyplane/main.js' },
  { entry: 'test/fixtures/transport-provider/main.ts', outfile: 'dist/test/fixtures/transport-provider/terraform-provider-transport' },
  { entry: 'test/fixtures/conformance-provider/main.ts', outfile: 'dist/test/fixtures/conformance-provider/terraform-provider-conformance' },
];

/** Programs the tests run as tsc compiled them (not bundled): recorded in the manifest with their sources. */
const COMPILED = [
  { entry: 'cli/main.ts', outfile: 'dist/cli/main.js' },
  { entry: 'test/fixtures/serve.ts', outfile: 'dist/test/fixtures/serve.js' },
  { entry: 'scripts/release/main.ts', outfile: 'dist/scripts/release/main.js' },
  { entry: 'scripts/release/test-provider.ts', outfile: 'dist/scripts/release/test-provider.js' },
];

/** Packages tsc compiled as a whole (the CDK bindings): recorded with every file of their sources. */
const COMPILED_TREES = ['cdktf', 'cdktn'].map((flavour) => ({
  outdir: `bindings/${flavour}/lib`,
  sources: [`bindings/${flavour}/src`, `bindings/${flavour}/tsconfig.json`],
}));

/**
 * Providers whose GetProviderSchema response is made at build time and embedded (scripts/provider-schema.js),
 * by entry: the compiled module that exports their createServer. The entry reads it as PROVIDER_SCHEMA.
 */
const EMBEDDED_SCHEMAS = { 'provider/keyplane/main.ts': 'dist/provider/keyplane/provider.js' };

/** The `define` that gives an entry its embedded schema (made from tsc's output, which the build writes first). */
function schemaDefine(entry) {
  const module = EMBEDDED_SCHEMAS[relative(ROOT, resolve(ROOT, entry)).split('\\').join('/')];
  if (!module) return undefined;
  const made = spawnSync(process.execPath, [join(__dirname, 'provider-schema.js'), join(ROOT, module)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (made.status !== 0) throw new Error(`making the embedded schema of ${entry} failed: ${made.stderr}`);
  return { PROVIDER_SCHEMA: JSON.stringify(made.stdout) };
}

/** openpgp (~650 KB) is needed only for pgp_key; bundled, it added ~15 ms to every start. */
const LAZY_EXTERNALS = ['openpgp'];

/** esbuild options shared by every provider executable (the release's SEA bundle starts from them too: scripts/release/sea.ts). */
function buildOptions(entry, outfile) {
  const source = readFileSync(entry, 'utf8');
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Terraform executes the file itself: it needs the interpreter line (esbuild keeps one from the entry).
    banner: source.startsWith('#!') ? undefined : { js: '#!/usr/bin/env node' },
    // Heavy modules that only some runs need stay out of the bundle and are required from node_modules when
    // first used: V8 parses the whole bundle at every start, lazily required code included.
    external: LAZY_EXTERNALS,
    // A bundle that replaces tsc's output replaces its source map too, with one of the bundle: a map of tsc's
    // file would point into the wrong code, and `tsc -b` rebuilds everything when an output it wrote is gone.
    // Executables named terraform-provider-* get none: Terraform may take any file of that prefix for one.
    sourcemap: outfile.endsWith('.js') ? 'linked' : false,
    logLevel: 'warning',
    absWorkingDir: ROOT,
    metafile: true,
    define: schemaDefine(entry),
  };
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** The repository's files among esbuild's inputs, with their hashes; node_modules stands as the lock file. */
function sourcesOf(metafile, extra) {
  const inputs = {};
  for (const path of [...Object.keys(metafile.inputs).filter((p) => !p.includes('node_modules/')), ...extra].sort()) {
    inputs[path] = sha256(readFileSync(join(ROOT, path)));
  }
  return inputs;
}

/**
 * Bundles each `{ entry, outfile }` (paths absolute or relative to the repository root) and makes the
 * output executable. Resolves to the output paths and, for the manifest, what each was built from.
 */
async function bundleWithSources(entries) {
  const outputs = [];
  const manifest = {};
  for (const { entry, outfile } of entries) {
    const from = resolve(ROOT, entry);
    const to = resolve(ROOT, outfile);
    const { metafile } = await esbuild.build(buildOptions(from, to));
    chmodSync(to, 0o755);
    outputs.push(to);
    manifest[outfile] = {
      sha256: sha256(readFileSync(to)),
      sources: sourcesOf(metafile, ['package-lock.json', 'scripts/bundle.js', 'scripts/provider-schema.js']),
    };
  }
  return { outputs, manifest };
}

async function bundle(entries = DEFAULT_ENTRIES) {
  return (await bundleWithSources(entries)).outputs;
}

/** The sources of a program tsc compiled: its import graph, as esbuild resolves it (nothing is written). */
async function compiledSources({ entry, outfile }) {
  const { metafile } = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    packages: 'external',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  return { [outfile]: { sources: sourcesOf(metafile, ['package-lock.json', 'tsconfig.json']) } };
}

/** Every file under `paths` (files or directories), relative to the repository. */
function filesUnder(paths) {
  return paths.flatMap((p) =>
    statSync(join(ROOT, p)).isDirectory()
      ? readdirSync(join(ROOT, p))
          .sort()
          .flatMap((name) => filesUnder([`${p}/${name}`]))
      : [p],
  );
}

/** The default bundles, then the manifest of everything the tests run from the build (`npm run build` runs this last). */
async function build() {
  const { outputs, manifest } = await bundleWithSources(DEFAULT_ENTRIES);
  // The web console, for browsers (scripts/bundle-console.js).
  Object.assign(manifest, await bundleConsole());
  for (const c of COMPILED) Object.assign(manifest, await compiledSources(c));
  for (const { outdir, sources } of COMPILED_TREES) {
    manifest[outdir] = { sources: Object.fromEntries(filesUnder(sources).map((f) => [f, sha256(readFileSync(join(ROOT, f)))])) };
  }
  mkdirSync(dirname(join(ROOT, MANIFEST)), { recursive: true });
  writeFileSync(join(ROOT, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  return outputs;
}

/** `entry=outfile` arguments as entries. */
function parseArgs(args) {
  return args.map((arg) => {
    const [entry, outfile] = arg.split('=');
    if (!entry || !outfile) throw new Error(`expected entry=outfile, got ${arg}`);
    return { entry, outfile };
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  (args.length === 0 ? build() : bundle(parseArgs(args))).then(
    (outputs) => process.stdout.write(outputs.map((o) => `bundled ${o}\n`).join('')),
    (err) => {
      process.stderr.write(`${err.message ?? err}\n`);
      process.exit(1);
    },
  );
}

module.exports = { bundle, buildOptions, MANIFEST };

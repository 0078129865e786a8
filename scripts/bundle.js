#!/usr/bin/env node
/**
 * Bundles provider executables, each into one CommonJS file with every dependency inside, with esbuild.
 *
 *   node scripts/bundle.js                          # the default entries below
 *   node scripts/bundle.js src/main.ts=out/main.js  # entry=outfile pairs (paths relative to the repo)
 *
 * or from code: `await bundle([{ entry, outfile }])`.
 *
 * Why: Terraform starts a provider 3–5 times per command and waits for each handshake. Resolving and
 * reading hundreds of node_modules files costs a Node process far more than reading one file, and the
 * transport's own laziness (grpc-js is required only after the handshake) needs a bundle that keeps
 * `require()`d modules lazy, which esbuild does. Not minified: measured with bench/provider-startup.ts,
 * a whitespace- and syntax-minified bundle (630 KB against 1 MB) started no faster (V8 pre-parses
 * whitespace and comments at almost no cost), and unminified code gives a crash report real line numbers.
 * `npm run build` runs this after tsc, replacing tsc's output for these entries with the bundle.
 */

const { chmodSync, readFileSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');
const esbuild = require('esbuild');

const ROOT = join(__dirname, '..');

/** Executables built by `npm run build`: the Keyplane provider, and the transport's test provider. */
const DEFAULT_ENTRIES = [
  { entry: 'provider/keyplane/main.ts', outfile: 'dist/provider/keyplane/main.js' },
  { entry: 'test/fixtures/transport-provider/main.ts', outfile: 'dist/test/fixtures/transport-provider/terraform-provider-transport' },
];

/** openpgp (~650 KB) is needed only for pgp_key; bundled, it added ~15 ms to every start. */
const LAZY_EXTERNALS = ['openpgp'];

/** esbuild options shared by every provider executable. */
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
    logLevel: 'warning',
  };
}

/**
 * Bundles each `{ entry, outfile }` (paths absolute or relative to the repository root) and makes the
 * output executable. Resolves to the output paths.
 */
async function bundle(entries = DEFAULT_ENTRIES) {
  const outputs = [];
  for (const { entry, outfile } of entries) {
    const from = resolve(ROOT, entry);
    const to = resolve(ROOT, outfile);
    await esbuild.build(buildOptions(from, to));
    chmodSync(to, 0o755);
    // tsc's source map for the file the bundle replaced would point into the wrong code.
    rmSync(`${to}.map`, { force: true });
    outputs.push(to);
  }
  return outputs;
}

/** `entry=outfile` arguments as entries; no arguments means the defaults. */
function parseArgs(args) {
  if (args.length === 0) return DEFAULT_ENTRIES;
  return args.map((arg) => {
    const [entry, outfile] = arg.split('=');
    if (!entry || !outfile) throw new Error(`expected entry=outfile, got ${arg}`);
    return { entry, outfile };
  });
}

if (require.main === module) {
  bundle(parseArgs(process.argv.slice(2))).then(
    (outputs) => process.stdout.write(outputs.map((o) => `bundled ${o}\n`).join('')),
    (err) => {
      process.stderr.write(`${err.message ?? err}\n`);
      process.exit(1);
    },
  );
}

module.exports = { bundle };

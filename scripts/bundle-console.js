/**
 * Builds the web console into dist/console/: console/main.tsx (Preact) bundled and minified by esbuild for
 * browsers into console.js, with console.css and index.html copied beside it. The service serves these
 * files (service/console/static-routes.ts); nothing is fetched from any other origin at run time.
 *
 * Returns the manifest entry for dist/console (scripts/bundle.js writes the manifest), so a test can tell
 * that the console was built from the current sources.
 */
const { createHash } = require('node:crypto');
const { copyFileSync, mkdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const ROOT = join(__dirname, '..');
const OUTDIR = 'dist/console';
const STATIC_FILES = ['index.html', 'console.css'];

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

async function bundleConsole() {
  const outdir = join(ROOT, OUTDIR);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await esbuild.build({
    entryPoints: [join(ROOT, 'console/main.tsx')],
    outfile: join(outdir, 'console.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    // A source map would be served by nobody (service/console/assets.ts serves no .map), so none is made.
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: ROOT,
    metafile: true,
  });
  for (const f of STATIC_FILES) copyFileSync(join(ROOT, 'console', f), join(outdir, f));
  const inputs = [...Object.keys(metafile.inputs).filter((p) => !p.includes('node_modules/')), ...STATIC_FILES.map((f) => `console/${f}`)];
  const sources = {};
  for (const p of [...inputs, 'package-lock.json', 'scripts/bundle-console.js'].sort()) sources[p] = sha256(readFileSync(join(ROOT, p)));
  return { [OUTDIR]: { sources } };
}

module.exports = { bundleConsole, CONSOLE_OUTDIR: OUTDIR };

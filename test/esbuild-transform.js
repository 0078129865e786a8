/**
 * Jest transform: esbuild turns TypeScript (and the ES-module-only packages we load, such as cookie 2) into
 * CommonJS. It strips types without checking them; `npm test` type-checks with tsc first.
 */
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const loader = filename.endsWith('.ts') ? 'ts' : 'js';
    const { code, map } = transformSync(source, { loader, format: 'cjs', target: 'node20', sourcemap: 'external', sourcefile: filename });
    return { code, map };
  },
};

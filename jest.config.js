/**
 * Three projects, so each kind of test runs on its own (`npm run test:unit`, `test:postgres`, `test:e2e`) and
 * `npm test` runs all three once, after one build:
 *
 * - unit: from the TypeScript sources (esbuild strips types; `npm run build` type-checks), with neither the
 *   build, terraform nor a PostgreSQL server. The SQLite half of a file that tests both stores runs here.
 * - postgres: the PostgreSQL half of every test file that calls describePostgres (test/helpers/postgres.ts);
 *   found by reading the files, so a new one cannot be left out.
 * - e2e: test/e2e (terraform, the built CLI, the bundled providers) and the few tests elsewhere that check
 *   what the build made (NEEDS_BUILD).
 *
 * A test file belongs to exactly one project, or, when it tests both stores, to unit and postgres with
 * describeSqlite and describePostgres choosing the half: no test runs twice. A test of the unit project that
 * starts the built CLI or terraform fails (test/helpers/project.ts) instead of running stale code.
 *
 * Workers: as many as cores, in the config and in the scripts. On a 2-core machine a third worker did not make
 * `npm test` faster (242 s with two, 257 s with three), though the e2e tests mostly wait on terraform and
 * provider processes. Jest reads a percentage above 100% as a plain count ("150%" is 150 workers), so never
 * write one. The scripts end with --maxWorkers, which keeps a path given after them
 * (`npm run test:unit -- service/keys`) a path: right after --selectProjects it would be taken for another
 * project's name.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOTS = ['contract', 'service', 'client', 'cli', 'provider', 'proto', 'scripts', 'test'];

/** Tests outside test/e2e that check what `npm run build` made (the built CLI, the compiled bindings). */
const NEEDS_BUILD = ['cli/commands/provider.test.ts', 'scripts/generate/bindings.test.ts'];

function testFiles(dir) {
  return readdirSync(join(__dirname, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const calls = (file, fn) => new RegExp(`\\b${fn}\\(`).test(readFileSync(join(__dirname, file), 'utf8'));
const onPostgres = ROOTS.flatMap(testFiles).filter((f) => calls(f, 'describePostgres'));
const onPostgresOnly = onPostgres.filter((f) => !calls(f, 'describeSqlite'));

/** An exact path as a testPathIgnorePatterns entry. */
const exactly = (file) => `^${join(__dirname, file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;

const common = {
  testEnvironment: 'node',
  roots: ROOTS.map((r) => `<rootDir>/${r}`),
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/test/esbuild-transform.js' },
  // cookie 2 (used by fastify's inject) ships only ES modules; Node 20 loads it natively, Jest needs it transformed.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  maxWorkers: '100%',
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/e2e/', ...NEEDS_BUILD.map(exactly), ...onPostgresOnly.map(exactly)],
      globals: { KEYPLANE_TEST_PROJECT: 'unit' },
    },
    {
      ...common,
      displayName: 'postgres',
      testMatch: onPostgres.map((f) => `<rootDir>/${f}`),
      globals: { KEYPLANE_TEST_PROJECT: 'postgres' },
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts', ...NEEDS_BUILD.map((f) => `<rootDir>/${f}`)],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', ...onPostgres.map(exactly)],
      globals: { KEYPLANE_TEST_PROJECT: 'e2e' },
    },
  ],
};

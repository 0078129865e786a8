/**
 * Which component may import which (the arrows of CONTRIBUTING.md's layout, and of the architecture).
 * test/repository/boundaries.test.ts runs these rules over the repository and fails on any violation; run
 * them yourself with `npm run boundaries`. Tests and benches are left out of the product rules: they may
 * reach across components to set things up.
 */
/** Tests, their support files (`*.test-support.ts`, which only tests import) and benches. */
const TESTS = '(^test/|^bench/|\\.test(-support)?\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'sdk-knows-nothing-of-keyplane',
      comment: 'provider/sdk is a generic Terraform plugin SDK: it imports no Keyplane code, so it could be published on its own.',
      severity: 'error',
      from: { path: '^provider/sdk/' },
      to: { path: '^(provider/keyplane|contract|client|service|cli|scripts)/' },
    },
    {
      name: 'provider-uses-the-sdk-entry-points',
      comment:
        'The Keyplane provider uses the SDK through its public entry points only: provider/sdk (index.ts) for provider code, provider/sdk/serve.ts for the executable (provider/sdk/README.md).',
      severity: 'error',
      from: { path: '^provider/keyplane/' },
      to: { path: '^provider/sdk/', pathNot: '^provider/sdk/(index|serve)\\.ts$' },
    },
    {
      name: 'contract-imports-no-component',
      comment: 'contract/ holds the rules and the API schemas every component shares; it depends on none of them.',
      severity: 'error',
      from: { path: '^contract/' },
      to: { path: '^(service|client|cli|provider|scripts|test|bench|console)/' },
    },
    {
      name: 'contract-rules-load-no-schema-library',
      comment:
        'The rules outside contract/api load in the provider executable, which Terraform starts 3 to 5 times per command: they stay free of TypeBox and of the schemas.',
      severity: 'error',
      from: { path: '^contract/(?!api/)', pathNot: TESTS },
      to: { path: '(^contract/api/|@sinclair/typebox)' },
    },
    {
      name: 'client-imports-only-the-contract',
      comment: 'client/ is typed from contract/ and needs nothing else of the repository.',
      severity: 'error',
      from: { path: '^client/', pathNot: TESTS },
      to: { path: '^(service|cli|provider|scripts)/' },
    },
    {
      name: 'console-imports-only-the-contract',
      comment:
        'console/ is the web console, bundled for browsers: it reaches the service only through the /v1 API and shares its types and rules through contract/.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(service|client|cli|provider|scripts|test|bench)/' },
    },
    {
      name: 'service-imports-no-caller',
      comment: 'The service does not know its callers: it never imports the client, the CLI or the provider.',
      severity: 'error',
      from: { path: '^service/', pathNot: TESTS },
      to: { path: '^(client|cli|provider|scripts|console)/' },
    },
    {
      name: 'provider-never-imports-service',
      comment: 'The provider reaches the service over HTTP through client/, and shares its rules through contract/.',
      severity: 'error',
      from: { path: '^provider/' },
      to: { path: '^service/' },
    },
    {
      name: 'provider-takes-api-schemas-as-types-only',
      comment: 'Loading the schemas (and TypeBox) would slow every provider start; the provider needs their types only.',
      severity: 'error',
      from: { path: '^provider/', pathNot: TESTS },
      to: { path: '^contract/api/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-imports-service-only-to-run-a-server',
      comment: 'Only the commands that initialise or run a server load service code; rules come from contract/, the API through client/.',
      severity: 'error',
      from: { path: '^cli/', pathNot: `(^cli/commands/server\\.ts$|${TESTS})` },
      to: { path: '^service/' },
    },
    {
      name: 'scripts-never-import-service',
      comment: 'Scripts use the service the way users do: through client/ and the CLI.',
      severity: 'error',
      from: { path: '^scripts/', pathNot: TESTS },
      to: { path: '^service/' },
    },
    {
      name: 'only-client-speaks-http',
      comment: 'Nothing but client/ speaks HTTP to the service (the service itself serves it).',
      severity: 'error',
      from: { path: '^(contract|cli|provider/keyplane|scripts)/', pathNot: TESTS },
      to: { path: '^(node:)?(http|https|http2|undici)$' },
    },
    {
      name: 'product-code-imports-no-test-code',
      severity: 'error',
      from: { path: '^(contract|service|client|cli|provider)/', pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'product-code-needs-no-dev-dependency',
      comment: 'What ships runs on dependencies only.',
      severity: 'error',
      from: { path: '^(contract|service|client|cli|provider)/', pathNot: TESTS },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|bindings)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};

/** Tests run from TypeScript sources through swc; `npm test` type-checks them first with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/service', '<rootDir>/client', '<rootDir>/cli', '<rootDir>/provider', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  // cookie 2 (used by fastify's inject) ships only ES modules; Node 20 loads it natively, Jest needs it transformed.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testTimeout: 60000,
};

/** Tests run from TypeScript sources through esbuild; `npm test` type-checks them first with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/contract',
    '<rootDir>/service',
    '<rootDir>/client',
    '<rootDir>/cli',
    '<rootDir>/provider',
    '<rootDir>/proto',
    '<rootDir>/scripts',
    '<rootDir>/test',
  ],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/test/esbuild-transform.js' },
  // cookie 2 (used by fastify's inject) ships only ES modules; Node 20 loads it natively, Jest needs it transformed.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testTimeout: 60000,
};

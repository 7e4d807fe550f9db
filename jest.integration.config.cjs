// Adapter tests against the real PostgreSQL, Redis and NATS on this machine (part of `npm run test:services`).
module.exports = {
  ...require('./jest.preset.cjs'),
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.int-spec.ts'],
  testTimeout: 60_000,
};

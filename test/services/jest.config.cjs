// Tests only the split shape can answer (process crashes, several gateways, the compose file).
// Each file starts its own stack on the local PostgreSQL, Redis and NATS; one file at a time.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'services',
  testMatch: ['<rootDir>/test/services/**/*.e2e-spec.ts'],
  maxWorkers: 1,
  testTimeout: 120_000,
};

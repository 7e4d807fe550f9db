// Black-box HTTP end-to-end suite: the same specs run against the embedded and the split shape.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
};

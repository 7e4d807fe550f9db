// Unit tests: logic only, no external service (part of `npm test`).
module.exports = {
  ...require('./jest.preset.cjs'),
  displayName: 'unit',
  // test/deploy: the deployment files (compose, Kubernetes) read and checked, no service started.
  testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts'],
};

// Unit tests: logic only, no external service (part of `npm test`).
module.exports = {
  ...require('./jest.preset.cjs'),
  displayName: 'unit',
  testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'],
};

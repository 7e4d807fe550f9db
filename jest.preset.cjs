// Shared Jest setup: SWC compiles TypeScript (and NestJS's ESM packages) to CommonJS, and the
// tsconfig path aliases resolve to the libs' sources.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj|cj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|@nats-io|uint8array-extras|token-types|strtok3|cookie|@electric-sql)/)'],
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

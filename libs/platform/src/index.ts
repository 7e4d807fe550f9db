export * from './run-platform';

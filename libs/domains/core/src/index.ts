export * from './core.module';
export { CoreDb } from './core-db';

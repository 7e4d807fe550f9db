export * from './database-connections';
export * from './database.module';
export { MigrationChecksumError } from './migrations/migration-runner';
export * from './prisma-client';
export * from './prisma-errors';

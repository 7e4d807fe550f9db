export * from './run-platform';
export * from './restore-backups';

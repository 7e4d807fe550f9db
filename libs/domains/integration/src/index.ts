export * from './integration.module';

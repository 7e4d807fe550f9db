export * from './intelligence.module';

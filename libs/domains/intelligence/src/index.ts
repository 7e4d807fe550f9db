export * from './intelligence.module';
export * from './retrieval/retrieval-lab';

export * from './deferred';
export * from './manual-clock';
export * from './job-recorder';
export * from './redis-server';
export * from './fake-llm-server';
export * from './scratch-database';

export * from './event-contract';
export * from './execution-events';
export * from './api-latency';

export * from './event-contract';
export * from './execution-events';

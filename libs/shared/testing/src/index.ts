export * from './deferred';

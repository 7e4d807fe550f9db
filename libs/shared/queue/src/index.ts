export * from './bullmq/bullmq-queue';
export * from './inline/inline-queue';
export { DEFAULT_RETRY, type RetryPolicy } from './job-policy';
export * from './job-queue';
export * from './queue-contract';
export * from './queue.module';

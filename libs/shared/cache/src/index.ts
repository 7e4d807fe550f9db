export * from './cache';
export * from './cache-keys';
export * from './cache-policy';
export * from './cache.module';
export { toJson } from './frozen-values';
export { CACHE_INVALIDATED, invalidationOf, type Invalidation } from './invalidation';
export { testCache, type TestCache } from './testing/test-cache';

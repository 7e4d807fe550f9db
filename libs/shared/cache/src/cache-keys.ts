import { policyNamed, CachePolicies, type CachePolicy } from './cache-policy';

/** A cached item: its policy and its id (`<policy>:<id>`, the same in memory, in Redis and in invalidations). */
export interface CacheKey {
  readonly policy: CachePolicy;
  readonly id: string;
}

const key = (policy: CachePolicy, id: string): CacheKey => ({ policy, id: `${policy.name}:${id}` });

/**
 * Every cache key is built here (STYLE 11), so a writer invalidates exactly what a reader cached.
 * UUIDs are lower-cased: the API accepts either case for the same row, the cache must not keep two copies.
 */
export const CacheKeys = {
  user: (userId: string): CacheKey => key(CachePolicies.user, userId.toLowerCase()),
  /** By the key's SHA-256 (hex), never the key itself: cache ids travel through Redis and NATS. */
  apiKey: (keyHash: string): CacheKey => key(CachePolicies.apiKey, keyHash),
  squad: (squadId: string): CacheKey => key(CachePolicies.squad, squadId.toLowerCase()),
  rolePrompt: (role: string): CacheKey => key(CachePolicies.rolePrompt, role),
  executionContext: (executionId: string): CacheKey => key(CachePolicies.executionContext, executionId.toLowerCase()),
  /** By the SHA-256 (hex) of provider, model, temperature and the whole prompt. */
  llmResponse: (requestHash: string): CacheKey => key(CachePolicies.llmResponse, requestHash),
};

/** Whether an id received from another process names an item kept in Redis too. */
export function isShared(id: string): boolean {
  return policyNamed(id.slice(0, id.indexOf(':')))?.layers === 'l1+l2';
}

/**
 * How one kind of data is cached (DESIGN §4). Task executions have no policy on purpose: they are
 * never cached, so a running execution's status is always read from the database.
 */
export interface CachePolicy {
  /** Metric label and key prefix. */
  readonly name: string;
  readonly ttlSeconds: number;
  /**
   * `l1`: this process's memory only, for data that changes only with a deploy or never changes
   * once taken (nothing to invalidate), so the policy's TTL applies as is. `l1+l2`: also in
   * Redis, shared by every replica; the memory copy then lives at most CACHE_L1_TTL_SECONDS
   * (≤ 60 s), which bounds how long a replica that missed an invalidation could serve a stale value.
   */
  readonly layers: 'l1' | 'l1+l2';
}

export const CachePolicies = {
  user: { name: 'user', ttlSeconds: 300, layers: 'l1+l2' },
  /** API key → principal: looked up on every API-key request; revocation invalidates it everywhere. */
  apiKey: { name: 'api_key', ttlSeconds: 300, layers: 'l1+l2' },
  squad: { name: 'squad', ttlSeconds: 3600, layers: 'l1+l2' },
  rolePrompt: { name: 'role_prompt', ttlSeconds: 86_400, layers: 'l1' },
  /**
   * The document chunks an execution's steps are given, retrieved for its first step: every step
   * of an execution sees the same documents (an execution's task and squad never change), and a
   * 3-member squad's execution searches once instead of three times.
   */
  executionContext: { name: 'execution_context', ttlSeconds: 600, layers: 'l1' },
  /** A deterministic model answer (temperature 0) by model and prompt: the same question is not paid for twice. */
  llmResponse: { name: 'llm_response', ttlSeconds: 3600, layers: 'l1+l2' },
} as const satisfies Record<string, CachePolicy>;

const BY_NAME: ReadonlyMap<string, CachePolicy> = new Map(Object.values(CachePolicies).map((policy) => [policy.name, policy]));

export function policyNamed(name: string): CachePolicy | undefined {
  return BY_NAME.get(name);
}

/** The longest life of a Redis entry: a key's version must outlive every entry stamped before it changed. */
export const LONGEST_SHARED_TTL_SECONDS = Math.max(...Object.values(CachePolicies).map((policy) => (policy.layers === 'l1+l2' ? policy.ttlSeconds : 0)));

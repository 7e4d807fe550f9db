import type { AddOptions } from './job-queue';

/** Retry defaults shared by both drivers. */
export interface RetryPolicy {
  attempts: number;
  /** Delay before the first retry; each next one doubles it. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 1000 };

/** Failed jobs kept for inspection, per queue; older ones are dropped. */
export const FAILED_KEPT = 1000;

const PRIORITY_LIMIT = 2 ** 21;

/** Delay before retrying after the `failedAttempt`-th failure (BullMQ's "exponential" backoff). */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return policy.backoffMs * 2 ** (failedAttempt - 1);
}

/** BullMQ's rules, enforced for both drivers so the embedded shape accepts nothing Redis would refuse. */
export function assertAddOptions(options: AddOptions): void {
  const { jobId, priority, attempts, delayMs } = options;
  if (jobId !== undefined && (jobId === '' || jobId.includes(':') || String(parseInt(jobId, 10)) === jobId)) {
    throw new Error(`Invalid jobId "${jobId}": not empty, no ":", not an integer`);
  }
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > PRIORITY_LIMIT)) {
    throw new Error(`Invalid priority ${priority}: an integer from 0 to ${PRIORITY_LIMIT}`);
  }
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) throw new Error(`Invalid attempts ${attempts}: at least 1`);
  if (delayMs !== undefined && !(delayMs >= 0)) throw new Error(`Invalid delayMs ${delayMs}`);
}

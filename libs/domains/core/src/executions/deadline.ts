/** A step or an execution ran past its configured time: it fails (a retry would be as slow). */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/**
 * Settles as `work` does, unless `ms` pass first (rejects with `onTimeout()`) or `signal` aborts
 * (rejects with its reason). The work itself cannot be recalled: its late result is dropped.
 */
export function within<T>(work: Promise<T>, ms: number, signal: AbortSignal, onTimeout: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => settle(() => reject(signal.reason as Error));
    const timer = setTimeout(() => settle(() => reject(onTimeout())), Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
    function settle(then: () => void): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      then();
    }
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error as Error)),
    );
  });
}

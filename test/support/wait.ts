export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls an eventually-consistent read until `accept` holds, within a bound. Only for reads that
 * the contract allows to lag (e.g. billing usage metered from events); await events otherwise.
 */
export async function waitUntil<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    }
    await pause(intervalMs);
  }
}

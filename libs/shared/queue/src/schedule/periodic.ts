import type { Clock } from './clock';

/** The first multiple of `everyMs` since the epoch after `time`: periods are aligned in UTC (hourly at :00, daily at midnight). */
export function nextPeriod(time: number, everyMs: number): number {
  return (Math.floor(time / everyMs) + 1) * everyMs;
}

/**
 * Calls `tick` with the start of each period, at every multiple of `everyMs` since the epoch,
 * starting with the next one. A period missed while the process was suspended is skipped, not
 * caught up: one call per period at most. `tick` must not reject. Returns a function that stops it.
 */
export function everyPeriod(clock: Clock, everyMs: number, tick: (periodStart: number) => Promise<void>): () => void {
  let cancel: () => void = () => undefined;
  let stopped = false;
  const arm = (from: number) => {
    const period = nextPeriod(Math.max(from, clock.now()), everyMs);
    cancel = clock.at(period, async () => {
      if (!stopped) arm(period);
      await tick(period);
    });
  };
  arm(clock.now());
  return () => {
    stopped = true;
    cancel();
  };
}

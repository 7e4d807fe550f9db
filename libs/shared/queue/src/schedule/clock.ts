/** Longest delay `setTimeout` takes; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Time, injected wherever a job reads "now" or waits for a moment, so that tests make time pass
 * (`ManualClock` in `@agent-squad/testing`) instead of waiting for it.
 */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;

  /** Calls `fire` once `time` (epoch ms) has come; the returned function cancels it. */
  abstract at(time: number, fire: () => Promise<void>): () => void;
}

/** The real clock. Its timers never keep the process alive: only work in progress does. */
export class SystemClock extends Clock {
  override now(): number {
    return Date.now();
  }

  override at(time: number, fire: () => Promise<void>): () => void {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = time - Date.now();
      // Far-off moments are reached in steps: setTimeout cannot wait longer than about 24.8 days.
      timer = wait > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(() => void fire(), Math.max(0, wait));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  }
}

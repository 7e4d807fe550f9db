/** Windows in a row with fewer jobs running than allowed before the limit comes down to use: a worker takes new jobs only as running ones end, so it may lag behind a raised limit for a while. */
const UNUSED_WINDOWS = 10;

/**
 * How many jobs a worker runs at once when the API comes first. Once per window, given how many
 * jobs run now: halved when a gateway reported its API latency above the target; while the limit
 * is in use (as many run as it allows), one more when every report was under half the target,
 * and doubled when none came (the API idle); after UNUSED_WINDOWS windows out of use, down to
 * what is (plus one), so a quiet spell does not leave room for a flood when requests come back.
 * Never below 1 or above `max`. Measured on the 2-core bench host (split shape, POST at 200/s while
 * executions ran): at a fixed 100 executions at once the POST p99 was 330–450 ms, at 1 it was 55 ms.
 */
export class YieldingConcurrency {
  private current: number;
  private worst: number | undefined;
  private unused = 0;

  constructor(
    private readonly max: number,
    private readonly targetMs: number,
  ) {
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  /** A gateway's 90th-percentile API latency for the window now ending. */
  report(p90Ms: number): void {
    this.worst = Math.max(this.worst ?? 0, p90Ms);
  }

  /** Ends the window, with `running` jobs running now: the limit for the next one. */
  tick(running: number): number {
    const worst = this.worst;
    this.worst = undefined;
    this.unused = running < this.current ? this.unused + 1 : 0;
    if (worst !== undefined && worst > this.targetMs) this.current = Math.max(1, Math.floor(this.current / 2));
    else if (this.unused >= UNUSED_WINDOWS) this.current = Math.max(1, running + 1);
    else if (this.unused > 0) return this.current;
    else if (worst === undefined) this.current = Math.min(this.max, this.current * 2);
    else if (worst < this.targetMs / 2) this.current = Math.min(this.max, this.current + 1);
    return this.current;
  }
}

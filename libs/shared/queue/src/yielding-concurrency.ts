/** The first and the longest pause before each job while one at a time is still too much for the API. */
const MIN_PAUSE_MS = 10;
const MAX_PAUSE_MS = 500;
/** Windows in a row with fewer jobs running than allowed before the limit comes down to use: a worker takes new jobs only as running ones end, so it may lag behind a raised limit for a while. */
const UNUSED_WINDOWS = 10;

/**
 * How many jobs a worker runs at once when the API comes first. Once per window, given how many
 * jobs run now: halved when a gateway reported its API latency above the target; while the limit
 * is in use (as many run as it allows), one more when every report was under half the target,
 * and doubled when none came (the API idle); after UNUSED_WINDOWS windows out of use, down to
 * what is (plus one), so a quiet spell does not leave room for a flood when requests come back.
 * When requests come back after the API was idle, the limit that last served them comes back at
 * once (an idle spell raises it for background throughput; waiting for a slow report to halve it
 * again cost the first ~1.5 s of a POST phase p99s of 200–340 ms). Never below 1 or above `max`.
 * Measured on the 2-core bench host (split shape, POST at 200/s while executions ran): at a fixed
 * 100 executions at once the POST p99 was 330–450 ms, at 1 it was 55 ms.
 *
 * At 1 and still above the target, the worker also pauses before each job (`pauseMs`: from
 * MIN_PAUSE_MS, doubled per slow window up to MAX_PAUSE_MS, halved per fast one, none while the
 * API is idle), and the limit grows again only once the pause is gone. One execution at a time
 * still kept ~0.7 of the bench host's 2 cores busy across worker, model, database and bus (each
 * runs back to back); the pauses thin that out without ever stopping background work.
 */
export class YieldingConcurrency {
  private current: number;
  private worst: number | undefined;
  private unused = 0;
  /** The limit of the last window with API requests, and whether the API has been idle since. */
  private underTraffic: number;
  private idle = false;
  private pause = 0;

  constructor(
    private readonly max: number,
    private readonly targetMs: number,
  ) {
    this.current = max;
    this.underTraffic = max;
  }

  get limit(): number {
    return this.current;
  }

  /** How long to wait before taking the next job. */
  get pauseMs(): number {
    return this.pause;
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
    if (worst !== undefined && this.idle) this.current = Math.min(this.current, this.underTraffic);
    this.idle = worst === undefined;
    this.pause = this.nextPause(worst);
    this.current = this.pause > 0 ? 1 : this.next(worst, running);
    if (worst !== undefined) this.underTraffic = this.current;
    return this.current;
  }

  private nextPause(worst: number | undefined): number {
    if (worst === undefined) return 0;
    if (worst > this.targetMs) return this.current > 1 ? 0 : Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, this.pause * 2));
    if (worst < this.targetMs / 2) return this.pause >= 2 * MIN_PAUSE_MS ? Math.floor(this.pause / 2) : 0;
    return this.pause;
  }

  private next(worst: number | undefined, running: number): number {
    if (worst !== undefined && worst > this.targetMs) return Math.max(1, Math.floor(this.current / 2));
    if (this.unused >= UNUSED_WINDOWS) return Math.max(1, running + 1);
    if (this.unused > 0) return this.current;
    if (worst === undefined) return Math.min(this.max, this.current * 2);
    if (worst < this.targetMs / 2) return Math.min(this.max, this.current + 1);
    return this.current;
  }
}

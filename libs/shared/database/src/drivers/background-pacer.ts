/** How often the event loop's utilisation is read and the pause adjusted. */
const WINDOW_MS = 100;
/** Utilisation above this, with requests served in the window, doubles the pause; below IDLE (or with no requests) it halves. */
const BUSY = 0.85;
const IDLE = 0.6;
const MAX_PAUSE_MS = 100;

/**
 * How long background work waits before each statement on the embedded database. One thread runs
 * requests and jobs there, and a backlog of executions always has work ready: left alone, it took
 * every cycle the requests left, so they queued (measured: POST p99 in seconds at a steady 200/s,
 * with the POST alone at ~2.3 ms). While requests are being served and the loop is busy past BUSY,
 * the pause doubles (from 1 ms, up to MAX_PAUSE_MS); once the loop has room again, or no request
 * came, it halves back to nothing. Background work slows down under request load, never stops,
 * and runs at full speed when the API is quiet.
 */
export class BackgroundPacer {
  private pause = 0;
  private requested = false;
  private timer?: NodeJS.Timeout;
  private last = performance.eventLoopUtilization();

  /** How long the next background statement waits before it queues. */
  get pauseMs(): number {
    return this.pause;
  }

  /** A request's statement ran: the API is in use this window. */
  noteRequest(): void {
    this.requested = true;
  }

  /** One window's reading: the loop's utilisation (0..1) and whether requests were served. */
  adjust(utilization: number, requested: boolean): void {
    if (requested && utilization > BUSY) this.pause = Math.min(MAX_PAUSE_MS, Math.max(1, this.pause * 2));
    else if (!requested || utilization < IDLE) this.pause = this.pause < 1 ? 0 : this.pause / 2;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.adjust(performance.eventLoopUtilization(now, this.last).utilization, this.requested);
      this.last = now;
      this.requested = false;
    }, WINDOW_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** At most this many durations per window are kept: enough for a percentile, bounded under any load. */
const MAX_SAMPLES = 10_000;

/** Durations of the API requests this process answered since the window last closed. */
export class ApiLatencyWindow {
  private durations: number[] = [];
  private count = 0;

  record(ms: number): void {
    this.count++;
    if (this.durations.length < MAX_SAMPLES) this.durations.push(ms);
  }

  /** Closes the window: its request count and 90th-percentile duration, or undefined when no request came. */
  close(): { p90Ms: number; requests: number } | undefined {
    if (this.count === 0) return undefined;
    const sorted = this.durations.sort((a, b) => a - b);
    const report = { p90Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!, requests: this.count };
    this.durations = [];
    this.count = 0;
    return report;
  }
}

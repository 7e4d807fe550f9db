interface Timer {
  time: number;
  seq: number;
  fire: () => Promise<void>;
}

/**
 * A clock that moves only when the test says so: scheduled work runs in `advance`, not after real
 * waiting. It has the shape of `Clock` (`@agent-squad/queue`), which it does not import: the queue
 * lib's own tests use this lib.
 */
export class ManualClock {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(private current: number = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  at(time: number, fire: () => Promise<void>): () => void {
    const timer = { time, seq: this.seq++, fire };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((other) => other !== timer));
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way in time order (timers
   * set while firing included), and resolves once each fired callback has settled.
   */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (let due = this.nextDue(end); due; due = this.nextDue(end)) {
      this.timers = this.timers.filter((timer) => timer !== due);
      this.current = Math.max(this.current, due.time);
      await due.fire();
    }
    this.current = end;
  }

  private nextDue(end: number): Timer | undefined {
    return this.timers.filter((timer) => timer.time <= end).sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
  }
}

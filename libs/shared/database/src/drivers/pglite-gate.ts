import { setTimeout as sleep } from 'node:timers/promises';
import { type PGlite } from '@electric-sql/pglite';
import { currentRequestId } from '@agent-squad/observability';
import { BackgroundPacer } from './background-pacer';

/** Under contention, one background statement runs after this many request statements in a row, so background work never starves. */
const REQUESTS_PER_BACKGROUND = 4;

/**
 * One statement (or transaction) at a time on the embedded database, a request's before background
 * work's. PGlite runs every statement of the process on its one thread, first come first served:
 * with executions running, each API request queued behind their statements (measured: POST p99 in
 * seconds at 60/s). Here a statement made while serving a request (it has a request id) goes ahead
 * of waiting background ones, which still get every REQUESTS_PER_BACKGROUND-th turn when both wait,
 * and background statements are paced while the API is busy (BackgroundPacer).
 */
export class PgliteGate {
  readonly pacer = new BackgroundPacer();
  private busy = false;
  private readonly requests: (() => void)[] = [];
  private readonly background: (() => void)[] = [];
  private requestStreak = 0;

  async run<T>(work: () => Promise<T>): Promise<T> {
    const request = currentRequestId() !== undefined;
    if (request) this.pacer.noteRequest();
    // Unpaused, a statement takes its place in line at once (no await in between).
    else if (this.pacer.pauseMs > 0) await sleep(this.pacer.pauseMs);
    if (this.busy) await new Promise<void>((resolve) => (request ? this.requests : this.background).push(resolve));
    this.busy = true;
    try {
      return await work();
    } finally {
      this.next();
    }
  }

  private next(): void {
    const backgroundTurn = this.background.length > 0 && (this.requests.length === 0 || this.requestStreak >= REQUESTS_PER_BACKGROUND);
    const turn = backgroundTurn ? this.background.shift() : this.requests.shift();
    this.requestStreak = backgroundTurn ? 0 : this.requestStreak + 1;
    if (turn) turn();
    else this.busy = false;
  }
}

// Everything that runs SQL: the public calls, and the lock PgliteStatements takes around its protocol exchanges.
const GATED = new Set<PropertyKey>(['query', 'exec', 'transaction', '_runExclusiveTransaction']);

/** `db` with its statements and transactions taken through a PgliteGate (paced from now until `close`); everything else as it is. */
export function gated(db: PGlite): PGlite {
  const gate = new PgliteGate();
  gate.pacer.start();
  return new Proxy(db, {
    get(target, member) {
      const value: unknown = Reflect.get(target, member);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (member === 'close') return () => (gate.pacer.stop(), method.apply(target, []));
      return GATED.has(member) ? (...args: unknown[]) => gate.run(() => method.apply(target, args)) : method.bind(target);
    },
  });
}

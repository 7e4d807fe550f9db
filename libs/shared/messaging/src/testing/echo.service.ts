import { AppError, defineService } from '@agent-squad/contracts';
import { deferred, type Deferred } from '@agent-squad/testing';

/** A tiny service for the bus tests: answers, fails on demand, and can be held until released. */
export abstract class EchoApi {
  abstract echo(request: { text: string }): Promise<{ text: string; servedBy: string }>;
  abstract fail(request: { kind: 'app' | 'bug' }): Promise<null>;
  abstract hold(request: { key: string }): Promise<null>;
}

export const ECHO_SERVICE = defineService(EchoApi, 'test.echo', { echo: true, fail: true, hold: true });

export class EchoService extends EchoApi {
  readonly received: unknown[] = [];
  private readonly held = new Map<string, { arrived: Deferred<void>; answer: Deferred<null> }>();

  constructor(readonly id = 'echo') {
    super();
  }

  echo(request: { text: string }): Promise<{ text: string; servedBy: string }> {
    this.received.push(request);
    return Promise.resolve({ text: request.text, servedBy: this.id });
  }

  fail(request: { kind: 'app' | 'bug' }): Promise<null> {
    if (request.kind === 'app') throw new AppError('conflict', 'Squad name taken', [{ field: 'name', message: 'already used' }]);
    throw new TypeError('secret detail: cannot read properties of undefined');
  }

  hold(request: { key: string }): Promise<null> {
    const entry = this.entry(request.key);
    entry.arrived.resolve();
    return entry.answer.promise;
  }

  /** Resolves once a `hold` call with this key is running. */
  whenHeld(key: string): Promise<void> {
    return this.entry(key).arrived.promise;
  }

  release(key: string): void {
    this.entry(key).answer.resolve(null);
  }

  private entry(key: string): { arrived: Deferred<void>; answer: Deferred<null> } {
    const entry = this.held.get(key) ?? { arrived: deferred<void>(), answer: deferred<null>() };
    this.held.set(key, entry);
    return entry;
  }
}

import type { DurableEvent } from '@agent-squad/contracts';
import type { DurableHandler } from '../bus';
import { describe } from '../rpc/rpc-errors';

/**
 * Durable events inside one process. There is no broker to keep them, so delivery happens during
 * `publish`: every consumer name gets the event (handlers registered under one name take turns),
 * and a failure rejects the publish so the outbox keeps the event and retries it later.
 */
export class LocalDurable {
  /** subject → consumer name (a symbol per follower) → handlers sharing that name */
  private readonly consumers = new Map<string, Map<string | symbol, DurableHandler<unknown>[]>>();
  private turn = 0;

  add(subject: string, consumerName: string | symbol, handler: DurableHandler<unknown>): void {
    const groups = this.consumers.get(subject) ?? new Map<string | symbol, DurableHandler<unknown>[]>();
    groups.set(consumerName, [...(groups.get(consumerName) ?? []), handler]);
    this.consumers.set(subject, groups);
  }

  async deliver(event: DurableEvent<unknown>): Promise<void> {
    const groups = [...(this.consumers.get(event.subject) ?? [])];
    const json = JSON.stringify(event);
    const turn = this.turn++;
    // Each consumer gets its own copy, as it would from the broker.
    const results = await Promise.allSettled(groups.map(([, handlers]) => handlers[turn % handlers.length](JSON.parse(json) as DurableEvent<unknown>)));
    const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [{ name: groups[index][0], reason: result.reason as unknown }] : []));
    if (failed.length > 0) {
      const detail = failed.map(({ name, reason }) => `${String(name)}: ${describe(reason)}`).join('; ');
      throw new Error(`Event ${event.id} (${event.subject}) was not handled by ${detail}`, { cause: failed[0].reason });
    }
  }

  clear(): void {
    this.consumers.clear();
  }
}

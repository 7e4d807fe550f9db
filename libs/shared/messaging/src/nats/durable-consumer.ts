import type { Logger } from '@nestjs/common';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { DurableEvent } from '@agent-squad/contracts';
import type { DurableHandler } from '../bus';
import { describe } from '../rpc/rpc-errors';

/** Messages (of one or more events each) handled at once by one process for one consumer, and pulled ahead. */
export const DURABLE_CONCURRENCY = 8;
/** How long the server waits for an ack before redelivering; running handlers keep extending it. */
export const ACK_WAIT_MS = 30_000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 60_000;

/** Delay before the n-th redelivery of a failed event: exponential, capped, never giving up. */
export function retryDelay(deliveryCount: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** (deliveryCount - 1), RETRY_MAX_MS);
}

/** A message's events: a JSON array of them, or one event object (as stored before events were grouped). */
export function eventsOf(body: unknown): DurableEvent<unknown>[] {
  return Array.isArray(body) ? (body as DurableEvent<unknown>[]) : [body as DurableEvent<unknown>];
}

/**
 * Runs a handler over a JetStream pull consumer: a message's events at once, ack once all are
 * handled; if any throws, a delayed nak redelivers the message (its other events again too: handlers
 * dedupe by event id).
 */
export class DurableConsumer {
  private readonly done: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly messages: ConsumerMessages,
    private readonly handler: DurableHandler<unknown>,
    private readonly logger: Logger,
  ) {
    this.done = this.run().catch((error: unknown) => this.logger.error(`durable consumer ${name} stopped: ${describe(error)}`));
  }

  /** Stops pulling and waits for running handlers; events pulled but not started are redelivered later. */
  async stop(): Promise<void> {
    await this.messages.close();
    await this.done;
  }

  private async run(): Promise<void> {
    const running = new Set<Promise<void>>();
    for await (const msg of this.messages) {
      const task: Promise<void> = this.handle(msg)
        .catch((error: unknown) => this.logger.error(`durable consumer ${this.name}: ${describe(error)}`))
        .finally(() => running.delete(task));
      running.add(task);
      if (running.size >= DURABLE_CONCURRENCY) await Promise.race(running);
    }
    await Promise.all(running);
  }

  private async handle(msg: JsMsg): Promise<void> {
    let events: DurableEvent<unknown>[];
    try {
      events = eventsOf(msg.json<unknown>());
    } catch {
      this.logger.error(`durable consumer ${this.name}: dropping unreadable message #${msg.seq} on ${msg.subject}`);
      return msg.term();
    }
    const keepAlive = setInterval(() => msg.working(), ACK_WAIT_MS / 3);
    try {
      const results = await Promise.allSettled(events.map((event) => this.handler(event)));
      const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [{ event: events[index]!, reason: result.reason as unknown }] : []));
      if (failed.length === 0) return msg.ack();
      const delay = retryDelay(msg.info.deliveryCount);
      const which = failed.map(({ event }) => event.id).join(', ');
      this.logger.warn(`durable consumer ${this.name}: event(s) ${which} failed (delivery ${msg.info.deliveryCount}), retry in ${delay} ms: ${describe(failed[0]!.reason)}`);
      msg.nak(delay);
    } finally {
      clearInterval(keepAlive);
    }
  }
}

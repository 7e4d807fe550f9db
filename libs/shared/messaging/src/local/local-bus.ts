import { Logger } from '@nestjs/common';
import type { DurableEvent, DurableEventContract, ServiceContract } from '@agent-squad/contracts';
import { Bus, type DurableHandler, type LiveHandler, type LiveSubscription } from '../bus';
import { runLiveHandler } from '../live-handler';
import { createClient } from '../rpc/client-proxy';
import { LocalServices } from '../rpc/local-services';
import { describe, unavailable } from '../rpc/rpc-errors';
import { assertConsumerName, assertSubject, durableEvents } from '../subjects';
import { LocalDurable } from './local-durable';
import { subjectMatches } from './subject-pattern';

interface LocalSubscriber {
  pattern: string;
  handler: LiveHandler<unknown>;
}

/** The bus of the embedded shape: everything in this process, nothing to connect to. */
export class LocalBus extends Bus {
  private readonly logger = new Logger(LocalBus.name);
  private readonly services = new LocalServices(this.logger);
  private readonly subscribers = new Set<LocalSubscriber>();
  private readonly durable = new LocalDurable();

  // async, so that a refusal is a rejection as on NatsBus
  override async serve<T>(contract: ServiceContract<T>, impl: T): Promise<void> {
    this.services.register(contract, impl);
  }

  override client<T>(contract: ServiceContract<T>): T {
    return createClient(contract, (method, request) => {
      const impl = this.services.find(contract.name);
      if (!impl) return Promise.reject(unavailable(contract.name, 'it is not served in this process'));
      return this.services.invoke(impl, contract.name, method, request);
    });
  }

  override publish(subject: string, data: unknown): void {
    assertSubject(subject, false);
    const json = JSON.stringify(data ?? null);
    for (const subscriber of this.subscribers) {
      if (!subjectMatches(subscriber.pattern, subject)) continue;
      // Asynchronous and copied, as over NATS: a subscriber never runs inside the publisher's call.
      queueMicrotask(() => {
        if (this.subscribers.has(subscriber)) void runLiveHandler(subscriber.handler, JSON.parse(json), subject, this.logger);
      });
    }
  }

  override publishDelivered(subject: string, data: unknown): Promise<void> {
    this.publish(subject, data);
    // After the subscribers' microtasks queued by publish.
    return new Promise((resolve) => queueMicrotask(resolve));
  }

  override subscribe<T = unknown>(subject: string, handler: LiveHandler<T>): LiveSubscription {
    assertSubject(subject, true);
    const subscriber: LocalSubscriber = { pattern: subject, handler: handler as LiveHandler<unknown> };
    this.subscribers.add(subscriber);
    return { unsubscribe: () => this.subscribers.delete(subscriber), ready: () => Promise.resolve() };
  }

  // The events at once, as a broker's consumer takes them: handlers that group concurrent writes
  // (GroupedWrites) then write them in one statement.
  override async publishDurable<T>(contract: DurableEventContract<T>, events: DurableEvent<T> | readonly DurableEvent<T>[]): Promise<void> {
    const results = await Promise.allSettled(durableEvents(contract, events).map((event) => this.durable.deliver(event)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  // async, so that a refusal is a rejection as on NatsBus
  override async consumeDurable<T>(contract: DurableEventContract<T>, consumerName: string, handler: DurableHandler<T>): Promise<void> {
    assertConsumerName(consumerName);
    this.durable.add(contract.subject, consumerName, handler as DurableHandler<unknown>);
  }

  // One process: a follower is a consumer of its own (a symbol, so no consumer name can collide)
  // whose failures are logged, as over NATS, rather than failing the publish.
  override async followDurable<T>(contract: DurableEventContract<T>, handler: DurableHandler<T>): Promise<void> {
    this.durable.add(contract.subject, Symbol('follower'), async (event) => {
      await handler(event as DurableEvent<T>).catch((error: unknown) => this.logger.error(`follower of ${contract.subject}: event ${event.id} failed: ${describe(error)}`));
    });
  }

  override health(): Promise<void> {
    return Promise.resolve();
  }

  override close(): Promise<void> {
    this.subscribers.clear();
    this.durable.clear();
    return Promise.resolve();
  }
}

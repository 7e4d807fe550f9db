/**
 * The one messaging API of the platform: RPC between domains, live broadcast and durable events.
 * `LocalBus` serves the embedded shape (one process), `NatsBus` the split shapes.
 *
 * We deliberately do not use @nestjs/microservices' NATS transport: it has no in-process
 * short-circuit for domains that share a process, and no durable (JetStream) consumers.
 */
import type { DurableEvent, DurableEventContract, ServiceContract } from '@agent-squad/contracts';

export interface LiveSubscription {
  unsubscribe(): void;
  /** Resolves once the subscription is active everywhere (NATS: the server has it), so nothing published afterwards is missed. */
  ready(): Promise<void>;
}

/** Receives a live message and its subject (without the namespace). Errors are logged, never propagated. */
export type LiveHandler<T> = (data: T, subject: string) => void | Promise<void>;

/** Resolves once the event is handled (then it is acknowledged); a throw means "deliver again later". */
export type DurableHandler<T> = (event: DurableEvent<T>) => Promise<void>;

export abstract class Bus {
  /** Answers the contract's methods with `impl`, in this process and (NatsBus) for every other process. */
  abstract serve<T>(contract: ServiceContract<T>, impl: T): Promise<void>;

  /** A typed client; each call goes to this process's `impl` if served here, else over the wire. */
  abstract client<T>(contract: ServiceContract<T>): T;

  /** Best-effort broadcast to every subscriber in every process. */
  abstract publish(subject: string, data: unknown): void;

  /**
   * `publish`, resolving once the message has been handed to every current subscriber's connection
   * (NATS: a flush round trip; the server delivers in order, so a request sent to a subscriber after
   * this resolves reaches it after the message). Never rejects: a bus that does not answer within a
   * bound is logged, and the caller relies on its durable path.
   */
  abstract publishDelivered(subject: string, data: unknown): Promise<void>;

  /** Subscribes with NATS wildcard semantics: `*` is one token, `>` one or more trailing tokens. */
  abstract subscribe<T = unknown>(subject: string, handler: LiveHandler<T>): LiveSubscription;

  /**
   * Resolves once the events are durably accepted; re-publishing the same event id is harmless
   * (consumers dedupe by id). Several events of one contract travel together (see NatsDurable).
   */
  abstract publishDurable<T>(contract: DurableEventContract<T>, events: DurableEvent<T> | readonly DurableEvent<T>[]): Promise<void>;

  /** At-least-once delivery to one of the processes sharing `consumerName`; retried with backoff until handled. */
  abstract consumeDurable<T>(contract: DurableEventContract<T>, consumerName: string, handler: DurableHandler<T>): Promise<void>;

  /**
   * Every event published from now on, to this process and to every other follower (each gets its
   * own copy, unlike `consumeDurable`), resuming after a reconnect without a gap. Nothing is
   * acknowledged: a throwing handler is logged, not retried. For per-process state, e.g. caches.
   */
  abstract followDurable<T>(contract: DurableEventContract<T>, handler: DurableHandler<T>): Promise<void>;

  /** Throws when the bus cannot reach its broker. */
  abstract health(): Promise<void>;

  /** Stops consuming, lets running handlers finish, then disconnects. */
  abstract close(): Promise<void>;
}

import { createHash } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos, RequestError } from '@nats-io/nats-core';
import type { DurableEvent } from '@agent-squad/contracts';
import type { DurableHandler } from '../bus';
import { describe } from '../rpc/rpc-errors';
import { ACK_WAIT_MS, DURABLE_CONCURRENCY, DurableConsumer, eventsOf } from './durable-consumer';
import type { NatsNames } from './nats-names';

/** A consumer that was down up to this long still gets every event. */
const RETENTION_MS = 7 * 24 * 3_600_000;
/** A re-publish of the same event id within this window is stored once. */
const DUPLICATE_WINDOW_MS = 3_600_000;

interface Follower {
  messages: ConsumerMessages;
  done: Promise<void>;
}

/**
 * Durable events on JetStream: one stream per namespace, one durable pull consumer per consumer
 * name, and one ordered (ephemeral) consumer per follower. The events of one publish are one
 * message (a JSON array): one stored message, one delivery and one ack per consumer for all of
 * them. Measured in the sustained executions bench, the outbox relay publishes ~8 finished
 * executions per pass; each was a message of its own with two consumers: ~7 NATS messages and
 * three JetStream writes per execution. A lone event object (as earlier versions stored) still reads.
 */
export class NatsDurable {
  private stream?: Promise<void>;
  private readonly consumers: DurableConsumer[] = [];
  private readonly followers: Follower[] = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly names: NatsNames,
    private readonly logger: Logger,
  ) {}

  async publish(events: readonly DurableEvent<unknown>[]): Promise<void> {
    await this.ensureStream();
    try {
      await this.js.publish(this.names.event(events[0]!.subject), JSON.stringify(events), { msgID: messageId(events) });
    } catch (error) {
      // No stream answers: it was deleted under us, so create it again on the next try.
      if (error instanceof RequestError && error.isNoResponders()) this.stream = undefined;
      throw error;
    }
  }

  async consume(subject: string, consumerName: string, handler: DurableHandler<unknown>): Promise<void> {
    await this.ensureStream();
    await this.ensureConsumer(subject, consumerName);
    const consumer = await this.js.consumers.get(this.names.eventStream, consumerName);
    const messages = await consumer.consume({ max_messages: DURABLE_CONCURRENCY });
    this.consumers.push(new DurableConsumer(consumerName, messages, handler, this.logger));
  }

  /**
   * An ordered consumer starting after the last stored event: "from now on" without a gap before
   * the server has the consumer. It recreates itself after a reconnect from the last event seen,
   * and the server drops it once this process is gone.
   */
  async follow(subject: string, handler: DurableHandler<unknown>): Promise<void> {
    await this.ensureStream();
    const { state } = await this.jsm.streams.info(this.names.eventStream);
    const consumer = await this.js.consumers.get(this.names.eventStream, {
      // One subject as a string: the filter_subject field, which servers before 2.10 understand too.
      filter_subjects: this.names.event(subject),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: state.last_seq + 1,
    });
    const messages = await consumer.consume();
    const done = this.deliver(subject, messages, handler).catch((error: unknown) => this.logger.error(`follower of ${subject} stopped: ${describe(error)}`));
    this.followers.push({ messages, done });
  }

  async close(): Promise<void> {
    await Promise.all([
      ...this.consumers.map((consumer) => consumer.stop()),
      ...this.followers.map(async ({ messages, done }) => {
        await messages.close();
        await done;
      }),
    ]);
  }

  private async deliver(subject: string, messages: ConsumerMessages, handler: DurableHandler<unknown>): Promise<void> {
    for await (const msg of messages) {
      try {
        for (const event of eventsOf(msg.json<unknown>())) await handler(event);
      } catch (error) {
        this.logger.error(`follower of ${subject}: message #${msg.seq} failed: ${describe(error)}`);
      }
    }
  }

  private ensureStream(): Promise<void> {
    this.stream ??= this.createStream().catch((error: unknown) => {
      this.stream = undefined;
      throw error;
    });
    return this.stream;
  }

  private async createStream(): Promise<void> {
    const name = this.names.eventStream;
    if (await exists(this.jsm.streams.info(name), JetStreamApiCodes.StreamNotFound)) return;
    // Adding an identical stream is idempotent on the server, so racing processes are fine.
    await this.jsm.streams.add({
      name,
      subjects: [this.names.eventSubjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(RETENTION_MS),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  }

  private async ensureConsumer(subject: string, consumerName: string): Promise<void> {
    const stream = this.names.eventStream;
    const filter = this.names.event(subject);
    const existing = await exists(this.jsm.consumers.info(stream, consumerName), JetStreamApiCodes.ConsumerNotFound);
    if (existing) {
      if (existing.config.filter_subject !== filter) {
        throw new Error(`Durable consumer ${consumerName} already consumes ${existing.config.filter_subject}: use one consumer name per event`);
      }
      return;
    }
    await this.jsm.consumers.add(stream, {
      durable_name: consumerName,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ACK_WAIT_MS),
      max_deliver: -1,
    });
  }
}

/**
 * The stream's duplicate check is by message id: one event keeps its own id; several take a digest
 * of their ids, so the same set published again is stored once, while a different set (a relay
 * retrying with one more row) is not mistaken for it and dropped.
 */
function messageId(events: readonly DurableEvent<unknown>[]): string {
  if (events.length === 1) return events[0]!.id;
  return createHash('sha256').update(events.map((event) => event.id).sort().join(',')).digest('base64url');
}

/** The resource's info, or undefined when the server answers with `notFound`. */
async function exists<T>(info: Promise<T>, notFound: number): Promise<T | undefined> {
  try {
    return await info;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === notFound) return undefined;
    throw error;
  }
}

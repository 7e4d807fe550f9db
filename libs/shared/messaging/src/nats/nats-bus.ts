import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
// Types and errors come from nats-core: transport-node re-exports them through a package subpath
// ("@nats-io/nats-core/internal") that TypeScript's `node` module resolution cannot follow.
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { DurableEvent, DurableEventContract, ServiceContract } from '@agent-squad/contracts';
import { Bus, type DurableHandler, type LiveHandler, type LiveSubscription } from '../bus';
import { runLiveHandler } from '../live-handler';
import { createClient } from '../rpc/client-proxy';
import { LocalServices } from '../rpc/local-services';
import { describe } from '../rpc/rpc-errors';
import { assertConsumerName, assertSubject, durableEvents } from '../subjects';
import { NatsDurable } from './nats-durable';
import { NatsNames } from './nats-names';
import { NatsRpc } from './nats-rpc';
import { safeUrl } from './safe-url';
import { within } from './within';

export interface NatsBusOptions {
  url: string;
  /** Prefix of every subject, stream and consumer this bus touches. */
  namespace: string;
  rpcTimeoutMs: number;
  /** Shown in the server's connection list. */
  name?: string;
}

const HEALTH_TIMEOUT_MS = 2000;
/** Bounds the wait for running handlers and the final flush when the process stops. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** The bus of the split shapes: NATS core for RPC and live messages, JetStream for durable events. */
export class NatsBus extends Bus {
  private readonly logger = new Logger(NatsBus.name);
  private readonly services = new LocalServices(this.logger);
  private readonly names: NatsNames;
  /** The server, without credentials, for messages. */
  private readonly target: string;
  private readonly rpc: NatsRpc;
  private readonly durable: NatsDurable;
  private connected = true;
  private closing?: Promise<void>;

  private constructor(
    private readonly nc: NatsConnection,
    jsm: JetStreamManager,
    options: NatsBusOptions,
  ) {
    super();
    this.names = new NatsNames(options.namespace);
    this.target = safeUrl(options.url);
    this.rpc = new NatsRpc(nc, this.names, this.services, options.rpcTimeoutMs, this.logger);
    this.durable = new NatsDurable(jetstream(nc), jsm, this.names, this.logger);
    this.watchConnection().catch((error: unknown) => this.logger.error(`NATS status watch failed: ${describe(error)}`));
  }

  /** Connects (failing fast with a clear message when NATS or its JetStream is not there). */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    let nc: NatsConnection;
    try {
      // noAsyncTraces: the client would otherwise build an Error (a stack capture) for every request
      // in case it fails — measured at ~6 % of a gateway's CPU.
      nc = await connect({ servers: options.url, name: options.name, maxReconnectAttempts: -1, noAsyncTraces: true });
    } catch (error) {
      throw new Error(`Cannot connect to NATS at ${safeUrl(options.url)}: ${describe(error)}`, { cause: error });
    }
    try {
      return new NatsBus(nc, await jetstreamManager(nc), options);
    } catch (error) {
      await nc.close();
      throw new Error(`JetStream is not available on NATS at ${safeUrl(options.url)}: ${describe(error)}`, { cause: error });
    }
  }

  override async serve<T>(contract: ServiceContract<T>, impl: T): Promise<void> {
    this.services.register(contract, impl);
    await this.rpc.listen(contract.name, contract.methods, impl as object);
  }

  override client<T>(contract: ServiceContract<T>): T {
    return createClient(contract, (method, request) => {
      const impl = this.services.find(contract.name);
      return impl ? this.services.invoke(impl, contract.name, method, request) : this.rpc.request(contract.name, method, request);
    });
  }

  override publish(subject: string, data: unknown): void {
    assertSubject(subject, false);
    try {
      this.nc.publish(this.names.live(subject), JSON.stringify(data ?? null));
    } catch (error) {
      this.logger.warn(`live message on ${subject} dropped: ${describe(error)}`);
    }
  }

  override async publishDelivered(subject: string, data: unknown): Promise<void> {
    this.publish(subject, data);
    await within(this.nc.flush(), HEALTH_TIMEOUT_MS, `no answer within ${HEALTH_TIMEOUT_MS} ms`).catch((error: unknown) => {
      this.logger.warn(`live message on ${subject} not confirmed: ${describe(error)}`);
    });
  }

  override subscribe<T = unknown>(subject: string, handler: LiveHandler<T>): LiveSubscription {
    assertSubject(subject, true);
    const subscription = this.nc.subscribe(this.names.live(subject), {
      callback: (error, msg) => {
        if (error) return this.logger.error(`live subscription ${subject} failed: ${error.message}`);
        let data: T;
        try {
          data = msg.json<T>();
        } catch {
          return this.logger.warn(`unreadable live message on ${msg.subject} dropped`);
        }
        void runLiveHandler(handler, data, this.names.liveSubject(msg.subject), this.logger);
      },
    });
    return { unsubscribe: () => subscription.unsubscribe(), ready: () => this.nc.flush() };
  }

  override async publishDurable<T>(contract: DurableEventContract<T>, events: DurableEvent<T> | readonly DurableEvent<T>[]): Promise<void> {
    const list = durableEvents(contract, events);
    if (list.length > 0) await this.durable.publish(list);
  }

  override async consumeDurable<T>(contract: DurableEventContract<T>, consumerName: string, handler: DurableHandler<T>): Promise<void> {
    assertConsumerName(consumerName);
    await this.durable.consume(contract.subject, consumerName, handler as DurableHandler<unknown>);
  }

  override async followDurable<T>(contract: DurableEventContract<T>, handler: DurableHandler<T>): Promise<void> {
    await this.durable.follow(contract.subject, handler as DurableHandler<unknown>);
  }

  override async health(): Promise<void> {
    if (this.nc.isClosed() || !this.connected) throw new Error(`NATS at ${this.target} is not reachable`);
    // A flush waits for the server's answer, which may never come: bound it.
    await within(this.nc.flush(), HEALTH_TIMEOUT_MS, `no answer within ${HEALTH_TIMEOUT_MS} ms`).catch((error: unknown) => {
      throw new Error(`NATS at ${this.target} is not reachable: ${describe(error)}`, { cause: error });
    });
  }

  override close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.connected) {
      await within(this.drain(), SHUTDOWN_TIMEOUT_MS, `graceful shutdown took over ${SHUTDOWN_TIMEOUT_MS} ms`).catch((error: unknown) =>
        this.logger.warn(`closing NATS connection: ${describe(error)}`),
      );
    }
    // Without the server nothing can be flushed: then closing at once is all there is to do.
    if (!this.nc.isClosed()) await this.nc.close();
  }

  private async drain(): Promise<void> {
    await this.durable.close();
    await this.rpc.close();
    await this.nc.drain();
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.connected = false;
      if (status.type === 'reconnect') this.connected = true;
    }
  }
}

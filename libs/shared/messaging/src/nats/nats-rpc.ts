import type { Logger } from '@nestjs/common';
import { headers, RequestError, TimeoutError, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { AppError, ErrorCode, type AppErrorJson } from '@agent-squad/contracts';
import { continueFrom, outgoingCarrier, SpanKind, traced, type Carrier } from '@agent-squad/observability';
import type { LocalServices } from '../rpc/local-services';
import { describe, toAppError, unavailable } from '../rpc/rpc-errors';
import type { NatsNames } from './nats-names';

type RpcReply = { result: unknown } | { error: AppErrorJson };

/** Request/reply over NATS: one queue-group subscription per served service (replicas share the load), JSON both ways. */
export class NatsRpc {
  private readonly subscriptions: Subscription[] = [];
  private readonly answering = new Set<Promise<void>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
    private readonly services: LocalServices,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async listen(service: string, methods: readonly string[], impl: object): Promise<void> {
    const prefix = this.names.rpc(service, '');
    const known = new Set(methods);
    const subscription = this.nc.subscribe(this.names.rpcService(service), {
      queue: service,
      callback: (error, msg) => {
        if (error) return this.logger.error(`RPC subscription for ${service} failed: ${error.message}`);
        this.track(this.answer(service, msg.subject.slice(prefix.length), known, impl, msg));
      },
    });
    this.subscriptions.push(subscription);
    // The server knows the subscription once the flush returns, so callers find it from now on.
    await this.nc.flush();
  }

  request(service: string, method: string, request: unknown): Promise<unknown> {
    return traced(`rpc ${service}.${method}`, { kind: SpanKind.CLIENT, attributes: rpcAttributes(service, method) }, async () => {
      let msg: Msg;
      try {
        msg = await this.nc.request(this.names.rpc(service, method), JSON.stringify(request ?? null), { timeout: this.timeoutMs, headers: toHeaders(outgoingCarrier()) });
      } catch (error) {
        throw this.unavailable(service, error);
      }
      const reply = msg.json<RpcReply>();
      if ('error' in reply) throw AppError.fromJSON(reply.error);
      return reply.result;
    });
  }

  /** Stops taking requests and waits for the ones being answered. */
  async close(): Promise<void> {
    await Promise.all(this.subscriptions.map((subscription) => subscription.drain()));
    await Promise.all(this.answering);
  }

  private async answer(service: string, method: string, known: ReadonlySet<string>, impl: object, msg: Msg): Promise<void> {
    // The caller's request id and trace continue here: its logs and spans join the caller's.
    const reply = await continueFrom(fromHeaders(msg.headers), `rpc ${service}.${method}`, { kind: SpanKind.SERVER, attributes: rpcAttributes(service, method) }, () =>
      this.invoke(service, method, known, impl, msg),
    );
    try {
      msg.respond(JSON.stringify(reply));
    } catch (error) {
      // Unserializable or oversized result: the caller still gets an answer instead of a timeout.
      msg.respond(JSON.stringify({ error: toAppError(error, `${service}.${method} reply`, this.logger).toJSON() }));
    }
  }

  private async invoke(service: string, method: string, known: ReadonlySet<string>, impl: object, msg: Msg): Promise<RpcReply> {
    try {
      if (!known.has(method)) throw new AppError(ErrorCode.NotFound, `Service ${service} has no method ${method}`);
      return { result: await this.services.invoke(impl, service, method, msg.json()) };
    } catch (error) {
      return { error: toAppError(error, `${service}.${method}`, this.logger).toJSON() };
    }
  }

  private track(answer: Promise<void>): void {
    const tracked = answer
      .catch((error: unknown) => this.logger.error(`RPC reply lost: ${describe(error)}`))
      .finally(() => this.answering.delete(tracked));
    this.answering.add(tracked);
  }

  private unavailable(service: string, error: unknown): AppError {
    if (error instanceof TimeoutError) return unavailable(service, `no answer within ${this.timeoutMs} ms`);
    if (error instanceof RequestError && error.isNoResponders()) return unavailable(service, 'no instance is serving it');
    this.logger.warn(`request to ${service} failed: ${describe(error)}`);
    return unavailable(service, 'the message bus is not reachable');
  }
}

function rpcAttributes(service: string, method: string) {
  return { 'rpc.system': 'nats', 'rpc.service': service, 'rpc.method': method };
}

function toHeaders(carrier: Carrier | undefined): MsgHdrs | undefined {
  if (!carrier) return undefined;
  const hdrs = headers();
  for (const [key, value] of Object.entries(carrier)) hdrs.set(key, value);
  return hdrs;
}

function fromHeaders(hdrs: MsgHdrs | undefined): Carrier | undefined {
  if (!hdrs) return undefined;
  const carrier: Carrier = {};
  for (const [key, values] of hdrs) if (values[0] !== undefined) carrier[key] = values[0];
  return carrier;
}

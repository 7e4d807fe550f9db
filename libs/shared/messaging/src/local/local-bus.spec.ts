import { Logger } from '@nestjs/common';
import { AppError, defineDurableEvent, type DurableEvent } from '@agent-squad/contracts';
import { collector } from '@agent-squad/testing';
import { ECHO_SERVICE, EchoService } from '../testing/echo.service';
import { LocalBus } from './local-bus';

const ORDER_PLACED = defineDurableEvent<{ orderId: string }>('order.placed');
const event = (id: string): DurableEvent<{ orderId: string }> => ({ id, subject: 'order.placed', occurredAt: new Date(0).toISOString(), payload: { orderId: id } });

describe('LocalBus', () => {
  let bus: LocalBus;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (bus = new LocalBus()));
  afterEach(() => bus.close());

  describe('RPC', () => {
    it('calls the implementation directly, without copying the request', async () => {
      const impl = new EchoService();
      await bus.serve(ECHO_SERVICE, impl);
      const request = { text: 'hi' };
      await expect(bus.client(ECHO_SERVICE).echo(request)).resolves.toEqual({ text: 'hi', servedBy: 'echo' });
      expect(impl.received[0]).toBe(request);
    });

    it('resolves the service per call, so a client may exist before the service is served', async () => {
      const client = bus.client(ECHO_SERVICE);
      await expect(client.echo({ text: 'early' })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('test.echo') });
      await bus.serve(ECHO_SERVICE, new EchoService());
      await expect(client.echo({ text: 'later' })).resolves.toMatchObject({ text: 'later' });
    });

    it('passes an AppError through unchanged', async () => {
      await bus.serve(ECHO_SERVICE, new EchoService());
      const error = await bus.client(ECHO_SERVICE).fail({ kind: 'app' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).toJSON()).toEqual({ code: 'conflict', message: 'Squad name taken', errors: [{ field: 'name', message: 'already used' }] });
    });

    it('turns any other error into a generic internal AppError, as over NATS', async () => {
      await bus.serve(ECHO_SERVICE, new EchoService());
      const error = await bus.client(ECHO_SERVICE).fail({ kind: 'bug' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'internal', message: 'Internal error' });
    });

    it('refuses to serve a service twice or an implementation lacking a method', async () => {
      await bus.serve(ECHO_SERVICE, new EchoService());
      await expect(bus.serve(ECHO_SERVICE, new EchoService())).rejects.toThrow('already served');
      const other = new LocalBus();
      const partial = { echo: () => Promise.resolve({ text: '', servedBy: '' }) } as unknown as EchoService;
      await expect(other.serve(ECHO_SERVICE, partial)).rejects.toThrow('lacks fail, hold');
    });
  });

  describe('live messages', () => {
    it('delivers to matching subscribers with * and > wildcards, after publish returns', async () => {
      const star = collector<string>(1);
      const tail = collector<string>(2);
      const exact = collector<string>(1);
      bus.subscribe('execution.*.progress', (_data, subject) => star.push(subject));
      bus.subscribe('execution.>', (_data, subject) => tail.push(subject));
      bus.subscribe('execution.e1.done', (_data, subject) => exact.push(subject));
      const seen: unknown[] = [];
      bus.subscribe('other', (data) => void seen.push(data));

      bus.publish('execution.e1.progress', { step: 1 });
      bus.publish('execution.e1.done', { ok: true });
      expect(await star.done).toEqual(['execution.e1.progress']);
      expect(await tail.done).toEqual(['execution.e1.progress', 'execution.e1.done']);
      expect(await exact.done).toEqual(['execution.e1.done']);
      expect(seen).toEqual([]);
    });

    it('gives each subscriber its own JSON copy, and isolates a failing subscriber', async () => {
      const first = collector<{ n: number; at: unknown }>(1);
      const second = collector<{ n: number; at: unknown }>(1);
      bus.subscribe('tick', () => {
        throw new Error('broken subscriber');
      });
      bus.subscribe<{ n: number; at: unknown }>('tick', (data) => {
        data.n = 99;
        first.push(data);
      });
      bus.subscribe<{ n: number; at: unknown }>('tick', (data) => second.push(data));
      const data = { n: 1, at: new Date(0) };
      bus.publish('tick', data);
      expect(await first.done).toEqual([{ n: 99, at: '1970-01-01T00:00:00.000Z' }]);
      expect(await second.done).toEqual([{ n: 1, at: '1970-01-01T00:00:00.000Z' }]);
      expect(data.n).toBe(1);
    });

    it('stops delivering after unsubscribe, even for messages already published', async () => {
      const received: unknown[] = [];
      const subscription = bus.subscribe('tick', (data) => void received.push(data));
      const after = collector<unknown>(1);
      bus.subscribe('tock', (data) => after.push(data));
      await subscription.ready();
      bus.publish('tick', 1);
      subscription.unsubscribe();
      bus.publish('tock', 2);
      await after.done;
      expect(received).toEqual([]);
    });

    it('rejects invalid subjects like NATS does', () => {
      expect(() => bus.publish('a.*', 1)).toThrow('Invalid publish subject');
      expect(() => bus.subscribe('a.>.b', () => undefined)).toThrow('Invalid subscription subject');
      expect(() => bus.subscribe('a..b', () => undefined)).toThrow('Invalid subscription subject');
    });
  });

  describe('durable events', () => {
    it('resolves only after every consumer name has handled its own copy', async () => {
      const billing: unknown[] = [];
      const audit: unknown[] = [];
      await bus.consumeDurable(ORDER_PLACED, 'billing', async (e) => void billing.push(e));
      await bus.consumeDurable(ORDER_PLACED, 'audit', async (e) => {
        e.payload.orderId = 'changed';
        audit.push(e);
      });
      await bus.publishDurable(ORDER_PLACED, event('o1'));
      expect(billing).toEqual([event('o1')]);
      expect(audit).toEqual([{ ...event('o1'), payload: { orderId: 'changed' } }]);
    });

    it('rejects when a consumer throws, so the outbox retries, and delivers again on re-publish', async () => {
      let failures = 1;
      const handled: string[] = [];
      await bus.consumeDurable(ORDER_PLACED, 'billing', async (e) => {
        if (failures-- > 0) throw new Error('database down');
        handled.push(e.id);
      });
      await expect(bus.publishDurable(ORDER_PLACED, event('o2'))).rejects.toThrow('billing: database down');
      await bus.publishDurable(ORDER_PLACED, event('o2'));
      expect(handled).toEqual(['o2']);
    });

    it('lets handlers registered under one name share the events', async () => {
      const a: string[] = [];
      const b: string[] = [];
      await bus.consumeDurable(ORDER_PLACED, 'billing', async (e) => void a.push(e.id));
      await bus.consumeDurable(ORDER_PLACED, 'billing', async (e) => void b.push(e.id));
      for (const id of ['1', '2', '3', '4']) await bus.publishDurable(ORDER_PLACED, event(id));
      expect([...a, ...b].sort()).toEqual(['1', '2', '3', '4']);
      expect(a).toHaveLength(2);
    });

    it('gives every follower its own copy beside the consumers, in order for events published together, and logs a follower failure instead of failing the publish', async () => {
      const followers = [[], [], []] as string[][];
      await bus.consumeDurable(ORDER_PLACED, 'billing', async (e) => void followers[0]!.push(e.id));
      await bus.followDurable(ORDER_PLACED, async (e) => void followers[1]!.push(e.id));
      await bus.followDurable(ORDER_PLACED, async (e) => void followers[2]!.push(e.id));
      await bus.followDurable(ORDER_PLACED, () => Promise.reject(new Error('cache gone')));
      await bus.publishDurable(ORDER_PLACED, [event('f1'), event('f2')]);
      expect(followers).toEqual([['f1', 'f2'], ['f1', 'f2'], ['f1', 'f2']]);
    });

    it('accepts events nobody consumes and refuses an event of another contract', async () => {
      await expect(bus.publishDurable(ORDER_PLACED, event('o3'))).resolves.toBeUndefined();
      await expect(bus.publishDurable(ORDER_PLACED, { ...event('o4'), subject: 'order.cancelled' })).rejects.toThrow('not order.placed');
      const handled: string[] = [];
      await bus.consumeDurable(ORDER_PLACED, 'billing', async (e) => void handled.push(e.id));
      await expect(bus.publishDurable(ORDER_PLACED, [event('o5'), { ...event('o6'), subject: 'order.cancelled' }])).rejects.toThrow('not order.placed');
      expect(handled).toEqual([]);
      await expect(bus.consumeDurable(ORDER_PLACED, 'bad.name', () => Promise.resolve())).rejects.toThrow('Invalid durable consumer name');
    });
  });
});

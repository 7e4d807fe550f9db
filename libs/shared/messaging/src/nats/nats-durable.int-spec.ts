import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { defineDurableEvent, type DurableEvent } from '@agent-squad/contracts';
import { collector, deferred } from '@agent-squad/testing';
import { NATS_URL, NatsTestStack } from '../testing/nats-test-kit';
import { NatsNames } from './nats-names';

type Order = { orderId: string };
const ORDER_PLACED = defineDurableEvent<Order>('order.placed');
const ORDER_CANCELLED = defineDurableEvent<Order>('order.cancelled');
const event = (id: string, subject = 'order.placed'): DurableEvent<Order> => ({ id, subject, occurredAt: '2024-01-01T00:00:00.000Z', payload: { orderId: id } });

describe('NatsBus durable events', () => {
  let stack: NatsTestStack;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (stack = new NatsTestStack()));
  afterEach(() => stack.dispose());

  it('stores an event once when it is published again with the same id', async () => {
    const [producer, consumer] = [await stack.bus(), await stack.bus()];
    await producer.publishDurable(ORDER_PLACED, event('e1'));
    await producer.publishDurable(ORDER_PLACED, event('e1'));
    await producer.publishDurable(ORDER_PLACED, event('e2'));
    const seen: string[] = [];
    const last = deferred<void>();
    await consumer.consumeDurable(ORDER_PLACED, 'billing', async (e) => {
      seen.push(e.id);
      if (e.id === 'e2') last.resolve();
    });
    // Delivery follows stream order, so a second copy of e1 would have come before e2.
    await last.promise;
    expect(seen).toEqual(['e1', 'e2']);
  });

  it('stores the events of one publish as one message, once for the same set, again for a different set', async () => {
    const [producer, consumer] = [await stack.bus(), await stack.bus()];
    await producer.publishDurable(ORDER_PLACED, [event('b1'), event('b2')]);
    await producer.publishDurable(ORDER_PLACED, [event('b2'), event('b1')]);
    await producer.publishDurable(ORDER_PLACED, [event('b1'), event('b2'), event('b3')]);
    const seen = collector<string>(5);
    await consumer.consumeDurable(ORDER_PLACED, 'billing', async (e) => seen.push(e.id));
    // The second set is the first one again; the third is new, b1 and b2 included (consumers dedupe by id).
    expect((await seen.done).sort()).toEqual(['b1', 'b1', 'b2', 'b2', 'b3']);
    const nc = await connect({ servers: NATS_URL });
    try {
      const { state } = await (await jetstreamManager(nc)).streams.info(new NatsNames(stack.namespace).eventStream);
      expect(state.messages).toBe(2);
    } finally {
      await nc.close();
    }
  });

  it('redelivers a message whole when one of its events fails, and still reads a lone event as stored before', async () => {
    const [producer, consumer] = [await stack.bus(), await stack.bus()];
    const seen: string[] = [];
    // Handled without throwing: x1 twice (its message came back), x2 once (the second time), lone once.
    const handled = collector<string>(4);
    let failures = 0;
    await consumer.consumeDurable(ORDER_PLACED, 'billing', async (e) => {
      seen.push(e.id);
      if (e.id === 'x2' && failures++ === 0) throw new Error('database down');
      handled.push(e.id);
    });
    await producer.publishDurable(ORDER_PLACED, [event('x1'), event('x2')]);
    const nc = await connect({ servers: NATS_URL });
    try {
      await jetstream(nc).publish(new NatsNames(stack.namespace).event('order.placed'), JSON.stringify(event('lone')), { msgID: 'lone' });
    } finally {
      await nc.close();
    }
    expect((await handled.done).sort()).toEqual(['lone', 'x1', 'x1', 'x2']);
    expect(seen.sort()).toEqual(['lone', 'x1', 'x1', 'x2', 'x2']);
  });

  it('delivers events published while no consumer was running once one starts again', async () => {
    const producer = await stack.bus();
    const first = await stack.bus();
    const before = collector<DurableEvent<Order>>(1);
    await first.consumeDurable(ORDER_PLACED, 'billing', async (e) => before.push(e));
    await producer.publishDurable(ORDER_PLACED, event('before'));
    expect(await before.done).toEqual([event('before')]);
    await first.close();

    await producer.publishDurable(ORDER_PLACED, event('while-down'));
    const restarted = await stack.bus();
    const after = collector<string>(1);
    await restarted.consumeDurable(ORDER_PLACED, 'billing', async (e) => after.push(e.id));
    expect(await after.done).toEqual(['while-down']);
  });

  it('redelivers after a throwing handler, with a growing backoff, until it succeeds', async () => {
    const bus = await stack.bus();
    const attempts: number[] = [];
    const handled = deferred<void>();
    await bus.consumeDurable(ORDER_PLACED, 'flaky', async (e) => {
      attempts.push(Date.now());
      if (attempts.length < 3) throw new Error(`not yet: ${e.id}`);
      handled.resolve();
    });
    await bus.publishDurable(ORDER_PLACED, event('retry-me'));
    await handled.promise;
    expect(attempts).toHaveLength(3);
    const gaps = [attempts[1] - attempts[0], attempts[2] - attempts[1]];
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThanOrEqual(400);
  });

  it('splits the work between processes sharing a consumer name, without duplicates', async () => {
    const [producer, a, b] = [await stack.bus(), await stack.bus(), await stack.bus()];
    const byConsumer = { a: [] as string[], b: [] as string[] };
    const all = collector<string>(40);
    const bothBusy = deferred<void>();
    const handler = (name: 'a' | 'b') => async (e: DurableEvent<Order>) => {
      byConsumer[name].push(e.id);
      if (byConsumer.a.length > 0 && byConsumer.b.length > 0) bothBusy.resolve();
      // Hold every handler until both processes have work: one process alone can never take it all.
      await bothBusy.promise;
      all.push(e.id);
    };
    await a.consumeDurable(ORDER_PLACED, 'shared', handler('a'));
    await b.consumeDurable(ORDER_PLACED, 'shared', handler('b'));
    await Promise.all(Array.from({ length: 40 }, (_, i) => producer.publishDurable(ORDER_PLACED, event(`e${i}`))));

    const ids = await all.done;
    expect(new Set(ids).size).toBe(40);
    expect(byConsumer.a.length + byConsumer.b.length).toBe(40);
    expect(byConsumer.a.length).toBeGreaterThan(0);
    expect(byConsumer.b.length).toBeGreaterThan(0);
  });

  it('gives every follower its own copy of each event published after it followed, beside a shared consumer', async () => {
    const [producer, a, b] = [await stack.bus(), await stack.bus(), await stack.bus()];
    await producer.publishDurable(ORDER_PLACED, event('before'));
    const seenByA = collector<string>(3);
    const seenByB = collector<string>(3);
    const billing = collector<string>(4);
    await a.followDurable(ORDER_PLACED, async (e) => seenByA.push(e.id));
    await b.followDurable(ORDER_PLACED, async (e) => seenByB.push(e.id));
    await b.consumeDurable(ORDER_PLACED, 'billing', async (e) => billing.push(e.id));

    for (const id of ['f1', 'f2']) await producer.publishDurable(ORDER_PLACED, event(id));
    await producer.publishDurable(ORDER_CANCELLED, event('other', 'order.cancelled'));
    await producer.publishDurable(ORDER_PLACED, event('f3'));

    expect(await seenByA.done).toEqual(['f1', 'f2', 'f3']);
    expect(await seenByB.done).toEqual(['f1', 'f2', 'f3']);
    expect(await billing.done).toEqual(['before', 'f1', 'f2', 'f3']);
  });

  it('refuses a consumer name already used for another event, and an event of another contract', async () => {
    const bus = await stack.bus();
    await bus.consumeDurable(ORDER_PLACED, 'billing', () => Promise.resolve());
    await expect(bus.consumeDurable(ORDER_CANCELLED, 'billing', () => Promise.resolve())).rejects.toThrow('already consumes');
    await expect(bus.publishDurable(ORDER_PLACED, event('x', 'order.cancelled'))).rejects.toThrow('not order.placed');
  });
});

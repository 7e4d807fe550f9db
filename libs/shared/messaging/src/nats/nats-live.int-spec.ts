import { Logger } from '@nestjs/common';
import { collector } from '@agent-squad/testing';
import { NatsTestStack } from '../testing/nats-test-kit';

describe('NatsBus live messages', () => {
  let stack: NatsTestStack;
  let other: NatsTestStack;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    stack = new NatsTestStack();
    other = new NatsTestStack();
  });
  afterEach(() => Promise.all([stack.dispose(), other.dispose()]));

  it('broadcasts to every matching subscriber on every connection, with * and > wildcards', async () => {
    const [publisher, gatewayA, gatewayB] = [await stack.bus(), await stack.bus(), await stack.bus()];
    const star = collector<[unknown, string]>(1);
    const tailA = collector<[unknown, string]>(2);
    const tailB = collector<[unknown, string]>(2);
    const subscriptions = [
      gatewayA.subscribe('execution.*.progress', (data, subject) => star.push([data, subject])),
      gatewayA.subscribe('execution.>', (data, subject) => tailA.push([data, subject])),
      gatewayB.subscribe('execution.>', (data, subject) => tailB.push([data, subject])),
    ];
    await Promise.all(subscriptions.map((subscription) => subscription.ready()));

    publisher.publish('execution.e1.progress', { seq: 1 });
    publisher.publish('execution.e1.finished', { seq: 2 });
    const expected = [
      [{ seq: 1 }, 'execution.e1.progress'],
      [{ seq: 2 }, 'execution.e1.finished'],
    ];
    expect(await star.done).toEqual([expected[0]]);
    expect(await tailA.done).toEqual(expected);
    expect(await tailB.done).toEqual(expected);
  });

  it('keeps namespaces apart and stops delivering after unsubscribe', async () => {
    const [publisher, subscriber] = [await stack.bus(), await stack.bus()];
    const stranger = await other.bus();
    const strangerSeen = collector<unknown>(1);
    const strangerSubscription = stranger.subscribe('>', (data) => strangerSeen.push(data));
    const dropped: unknown[] = [];
    const dropping = subscriber.subscribe('tick', (data) => void dropped.push(data));
    const marker = collector<unknown>(1);
    const kept = subscriber.subscribe('tock', (data) => marker.push(data));
    await Promise.all([strangerSubscription.ready(), dropping.ready(), kept.ready()]);
    dropping.unsubscribe();
    await dropping.ready();

    publisher.publish('tick', 1);
    publisher.publish('tock', 2);
    // Same connection, in order: once `tock` arrived, `tick` would have too.
    expect(await marker.done).toEqual([2]);
    expect(dropped).toEqual([]);
    // The server has handled both publishes once the flush returns; the stranger's own marker comes after them.
    await publisher.health();
    stranger.publish('marker', 'own');
    expect(await strangerSeen.done).toEqual(['own']);
  });
});

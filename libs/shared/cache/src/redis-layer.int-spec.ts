import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { LocalBus } from '@agent-squad/messaging';
import { deferred, RedisServerProcess } from '@agent-squad/testing';
import { CacheKeys } from './cache-keys';
import { invalidationOf } from './invalidation';
import { testCache, type TestCache } from './testing/test-cache';

const TIMEOUT_MS = 200;

/** Polls a condition the cache reaches on its own (a probe on a timer), within a bound. */
async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function counting<T>(value: () => T) {
  const loader = { calls: 0, load: async () => (loader.calls++, value()) };
  return loader;
}

/** Replicas of one stack: one bus (in process here), one private Redis. */
describe('LayeredCache with Redis as L2', () => {
  let redis: RedisServerProcess;
  let bus: LocalBus;
  let prefix: string;
  const caches: TestCache[] = [];
  /** A replica of the stack; `ownBus` makes one that invalidation broadcasts do not reach. */
  const replica = async (ownBus = false): Promise<TestCache> => {
    const cache = await testCache({ bus: ownBus ? new LocalBus() : bus, redis: { url: redis.url, prefix, timeoutMs: TIMEOUT_MS, retryMs: 50 } });
    caches.push(cache);
    return cache;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    redis = await RedisServerProcess.start();
  });
  afterAll(() => redis.dispose());
  beforeEach(() => {
    bus = new LocalBus();
    prefix = `t${randomBytes(4).toString('hex')}:cache:`;
  });
  afterEach(async () => {
    redis.thaw();
    await Promise.all(caches.splice(0).map(({ cache }) => cache.close()));
  });

  it('lets a replica read from Redis what another one loaded, without loading it again', async () => {
    const [a, b] = [await replica(), await replica()];
    const loader = counting(() => ({ name: 'Checkout' }));
    await a.cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
    await expect(b.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toEqual({ name: 'Checkout' });
    expect(loader.calls).toBe(1);
  });

  it('voids the Redis copy on invalidation, for every replica', async () => {
    const [a, b] = [await replica(), await replica()];
    let name = 'before';
    const loader = counting(() => name);
    await a.cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
    name = 'after';
    await b.cache.invalidate(invalidationOf([CacheKeys.squad('s1')]));
    const fresh = await replica();
    await expect(fresh.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toBe('after');
    expect(loader.calls).toBe(2);
  });

  it('does not let a load that raced a write store its old value in Redis, even on a replica the broadcast has not reached', async () => {
    const [writer, slow] = [await replica(), await replica(true)];
    let name = 'old';
    const loader = counting(() => name);
    const [read, release] = [deferred(), deferred()];
    const racing = slow.cache.getOrLoad(CacheKeys.squad('s1'), async () => {
      const value = await loader.load();
      read.resolve();
      await release.promise;
      return value;
    });
    await read.promise;
    name = 'new';
    await writer.cache.invalidate(invalidationOf([CacheKeys.squad('s1')]));
    release.resolve();
    await expect(racing).resolves.toBe('old');

    const fresh = await replica();
    await expect(fresh.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toBe('new');
  });

  it('serves from memory and the database while Redis is stopped, and never the Redis copy of a value invalidated meanwhile once it is back', async () => {
    const [a, b] = [await replica(), await replica()];
    let name = 'before the outage';
    const loader = counting(() => name);
    await a.cache.getOrLoad(CacheKeys.squad('s1'), loader.load);

    await redis.stop();
    const started = performance.now();
    await expect(a.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toBe('before the outage'); // memory
    await expect(b.cache.getOrLoad(CacheKeys.squad('s2'), async () => 'from the database')).resolves.toBe('from the database');
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 2);
    await expect(a.l2!.health()).rejects.toThrow(`Redis cache at redis://127.0.0.1:${redis.port} is not reachable`);

    name = 'changed during the outage';
    await b.cache.invalidate(invalidationOf([CacheKeys.squad('s1')]));
    await expect(a.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toBe('changed during the outage');

    await redis.restart(); // with everything it held, the stale copy of s1 included
    await until('both replicas using Redis again', () => a.l2!.available && b.l2!.available);
    await expect(a.l2!.health()).resolves.toBeUndefined();
    const late = await replica(); // nothing in memory: it reads Redis first
    await expect(late.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toBe('changed during the outage');

    // Redis is in use again, without a restart: what one replica loads now, another reads from it.
    const fresh = counting(() => 'after the outage');
    await a.cache.getOrLoad(CacheKeys.squad('s3'), fresh.load);
    await b.cache.getOrLoad(CacheKeys.squad('s3'), fresh.load);
    expect(fresh.calls).toBe(1);
  });

  it('starts without a Redis that does not answer, and takes it into use once it does', async () => {
    await redis.stop();
    const a = await replica();
    expect(a.l2!.available).toBe(false);
    await expect(a.cache.getOrLoad(CacheKeys.squad('s1'), async () => 'from the database')).resolves.toBe('from the database');
    await redis.restart();
    await until('Redis in use', () => a.l2!.available);
  });

  it('waits for a frozen Redis at most the command timeout, once, then skips it until it answers again', async () => {
    const a = await replica();
    await a.cache.getOrLoad(CacheKeys.squad('s1'), async () => 'kept');
    redis.freeze();
    const first = performance.now();
    await expect(a.cache.getOrLoad(CacheKeys.squad('s2'), async () => 'loaded')).resolves.toBe('loaded');
    expect(performance.now() - first).toBeLessThan(TIMEOUT_MS * 3);
    const second = performance.now();
    await expect(a.cache.getOrLoad(CacheKeys.squad('s3'), async () => 'loaded')).resolves.toBe('loaded');
    expect(performance.now() - second).toBeLessThan(TIMEOUT_MS / 2);
    expect(a.l2!.available).toBe(false);

    redis.thaw();
    await until('Redis in use again', () => a.l2!.available);
  });
});

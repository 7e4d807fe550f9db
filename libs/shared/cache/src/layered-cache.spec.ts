import { Logger } from '@nestjs/common';
import { LocalBus } from '@agent-squad/messaging';
import { deferred } from '@agent-squad/testing';
import { CacheKeys } from './cache-keys';
import { CACHE_INVALIDATED, invalidationOf } from './invalidation';
import { testCache } from './testing/test-cache';

/** A loader that counts its calls and answers `value()` at the time of the call. */
function counting<T>(value: () => T) {
  const loader = { calls: 0, load: async () => (loader.calls++, value()) };
  return loader;
}

/** The value of one series of the registry (labels in Prometheus text form), 0 if absent. */
async function series(metrics: { registry: { metrics(): Promise<string> } }, name: string): Promise<number> {
  const line = (await metrics.registry.metrics()).split('\n').find((text) => text.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('LayeredCache (L1 only, as in the embedded shape)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('loads a cold key once for 100 concurrent reads, then answers from memory', async () => {
    const { cache } = await testCache();
    const gate = deferred();
    const loader = { calls: 0, load: async () => (loader.calls++, await gate.promise, { name: 'Checkout' }) };
    const reads = Array.from({ length: 100 }, () => cache.getOrLoad(CacheKeys.squad('s1'), loader.load));
    gate.resolve();
    const values = await Promise.all(reads);
    expect(loader.calls).toBe(1);
    expect(new Set(values).size).toBe(1);
    await cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
    expect(loader.calls).toBe(1);
  });

  it('hands out frozen values, so no caller can change what the others read', async () => {
    const { cache } = await testCache();
    const squad = await cache.getOrLoad(CacheKeys.squad('s1'), async () => ({ name: 'A', members: [{ name: 'M' }] }));
    expect(() => ((squad.members[0] as { name: string }).name = 'changed')).toThrow(TypeError);
  });

  it('does not keep a failed load: the next read loads again', async () => {
    const { cache } = await testCache();
    await expect(cache.getOrLoad(CacheKeys.user('u1'), () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await expect(cache.getOrLoad(CacheKeys.user('u1'), async () => 'back')).resolves.toBe('back');
  });

  it('reloads after an invalidation, and does not keep a load that an invalidation overtook', async () => {
    const { cache } = await testCache();
    let version = 1;
    const loader = counting(() => ({ version }));
    const [loaded, gate] = [deferred(), deferred()];
    const overtaken = cache.getOrLoad(CacheKeys.squad('s1'), async () => {
      const read = await loader.load(); // reads version 1 ...
      loaded.resolve();
      await gate.promise;
      return read;
    });
    await loaded.promise;
    version = 2; // ... then a write commits and invalidates before that load returns
    await cache.invalidate(invalidationOf([CacheKeys.squad('s1')]));
    gate.resolve();
    await expect(overtaken).resolves.toEqual({ version: 1 });
    await expect(cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toEqual({ version: 2 });
    expect(loader.calls).toBe(2);
  });

  it('keeps a shared item in memory at most CACHE_L1_TTL_SECONDS, and a memory-only item its whole TTL', async () => {
    let now = 1_000;
    const { cache } = await testCache({ l1TtlSeconds: 60, clock: { now: () => now } });
    const squad = counting(() => 'squad');
    const prompt = counting(() => 'prompt');
    await cache.getOrLoad(CacheKeys.squad('s1'), squad.load);
    await cache.getOrLoad(CacheKeys.rolePrompt('qa_tester'), prompt.load);
    now += 61_000;
    await cache.getOrLoad(CacheKeys.squad('s1'), squad.load);
    await cache.getOrLoad(CacheKeys.rolePrompt('qa_tester'), prompt.load);
    expect([squad.calls, prompt.calls]).toEqual([2, 1]);
    now += 86_400_000;
    await cache.getOrLoad(CacheKeys.rolePrompt('qa_tester'), prompt.load);
    expect(prompt.calls).toBe(2);
  });

  describe('between replicas sharing a bus', () => {
    it('drops a key on every replica when one of them invalidates it', async () => {
      const bus = new LocalBus();
      const [writer, reader] = [await testCache({ bus }), await testCache({ bus })];
      let name = 'before';
      const loader = counting(() => name);
      await reader.cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
      name = 'after';
      await writer.cache.invalidate(invalidationOf([CacheKeys.squad('s1')]));
      await new Promise<void>((resolve) => queueMicrotask(resolve)); // LocalBus delivers on a microtask, as NATS does asynchronously
      await expect(reader.cache.getOrLoad(CacheKeys.squad('s1'), loader.load)).resolves.toBe('after');
      expect(await series(reader.metrics, 'cache_invalidations_total{source="live"}')).toBe(1);
    });

    it('applies the durable event when the live broadcast never came, and each invalidation once however it arrives', async () => {
      const bus = new LocalBus();
      const { cache, metrics } = await testCache({ bus });
      const loader = counting(() => 'value');
      await cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
      const missed = invalidationOf([CacheKeys.squad('s1')]);
      const event = (payload: typeof missed) => ({ id: payload.token, subject: CACHE_INVALIDATED.subject, occurredAt: new Date().toISOString(), payload });
      await bus.publishDurable(CACHE_INVALIDATED, event(missed));
      await cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
      expect(loader.calls).toBe(2);

      await bus.publishDurable(CACHE_INVALIDATED, event(missed)); // redelivered: already applied
      await cache.getOrLoad(CacheKeys.squad('s1'), loader.load);
      expect(loader.calls).toBe(2);
      expect(await series(metrics, 'cache_invalidations_total{source="durable"}')).toBe(1);
    });
  });

  it('publishes hits and misses per layer, load latency, evictions and L1 bytes on the registry', async () => {
    const { cache, metrics } = await testCache({ maxBytes: 2_000 });
    for (const id of ['a', 'b', 'c']) await cache.getOrLoad(CacheKeys.squad(id), async () => 'x'.repeat(900));
    await cache.getOrLoad(CacheKeys.squad('c'), async () => 'unused');
    expect(await series(metrics, 'cache_hits_total{layer="l1",policy="squad"}')).toBe(1);
    expect(await series(metrics, 'cache_misses_total{layer="l1",policy="squad"}')).toBe(3);
    expect(await series(metrics, 'cache_load_duration_seconds_count{policy="squad"}')).toBe(3);
    expect(await series(metrics, 'cache_l1_evictions_total{reason="size"}')).toBe(1);
    expect(await series(metrics, 'cache_l1_bytes')).toBe(2 * (902 + 'squad:a'.length));
    expect(await series(metrics, 'cache_l1_max_bytes')).toBe(2_000);
  });
});

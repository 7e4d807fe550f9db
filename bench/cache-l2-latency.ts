import { randomBytes, randomUUID } from 'node:crypto';
import { CacheKeys, testCache } from '@agent-squad/cache';
import { Redis } from 'ioredis';
import { LOCAL } from '../test/support/stack/local-services';
import { percentile } from './stats';

export interface L2Latency {
  samples: number;
  valueBytes: number;
  l2: { p50: number; p99: number };
  raw: { p50: number; p99: number };
  /** Loads during the timed reads: 0 means every read was an L2 hit. */
  loads: number;
}

const WARMUP = 200;

/**
 * An L2 hit through the cache (Cache.getOrLoad with an L1 too small to keep anything, so every
 * read goes to Redis) against a raw ioredis GET of a value of the same size, on the local Redis,
 * alternating one of each so both see the same machine.
 */
export async function benchL2Latency(samples: number, value: unknown): Promise<L2Latency> {
  const prefix = `bench${randomBytes(4).toString('hex')}:cache:`;
  const { cache } = await testCache({ maxBytes: 64, redis: { url: LOCAL.redis, prefix, timeoutMs: 1_000, retryMs: 1_000 } });
  const raw = new Redis(LOCAL.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await raw.connect();
  const json = JSON.stringify(value);
  const rawKey = `${prefix}raw`;
  try {
    await raw.set(rawKey, json, 'EX', 600);
    const key = CacheKeys.squad(randomUUID());
    let loads = 0;
    const load = async (): Promise<unknown> => (loads++, value);
    await cache.getOrLoad(key, load);
    loads = 0;
    const [cached, plain]: number[][] = [[], []];
    for (let index = 0; index < WARMUP + samples; index++) {
      const first = process.hrtime.bigint();
      await cache.getOrLoad(key, load);
      const second = process.hrtime.bigint();
      await raw.get(rawKey);
      const third = process.hrtime.bigint();
      if (index < WARMUP) continue;
      cached.push(Number(second - first) / 1e6);
      plain.push(Number(third - second) / 1e6);
    }
    return {
      samples,
      valueBytes: Buffer.byteLength(json),
      l2: { p50: percentile(cached, 50), p99: percentile(cached, 99) },
      raw: { p50: percentile(plain, 50), p99: percentile(plain, 99) },
      loads,
    };
  } finally {
    await cache.close();
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
  }
}

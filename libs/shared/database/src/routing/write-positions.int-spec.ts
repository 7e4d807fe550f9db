import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisWritePositions, WRITE_POSITION_TTL_MS } from './write-positions';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisWritePositions', () => {
  const namespace = `test${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS);
  const positions = new RedisWritePositions(new Redis(REDIS), namespace);
  afterAll(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await positions.close();
  });

  it("shares each user's greatest write position per domain, expiring it", async () => {
    await positions.record('core', 'ada', 20n);
    await positions.record('core', 'ada', 10n);
    expect(await positions.get('core', 'ada')).toBe(20n);
    expect(await positions.get('billing', 'ada')).toBe(0n);
    // Another process's view of the same key.
    expect(await new RedisWritePositions(redis, namespace).get('core', 'ada')).toBe(20n);
    const ttl = await redis.pttl(`${namespace}:db-written:core:ada`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WRITE_POSITION_TTL_MS);
  });

  it('answers undefined (read the primary) when Redis does not answer', async () => {
    const away = new RedisWritePositions(new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null }), namespace);
    expect(await away.get('core', 'ada')).toBeUndefined();
    await away.close();
  });
});

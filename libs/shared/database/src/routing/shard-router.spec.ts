import { randomUUID } from 'node:crypto';
import { ShardRouter } from './shard-router';

const shards = (count: number) => new ShardRouter(Array.from({ length: count }, (_, index) => `shard-${index}`));
const users = Array.from({ length: 10_000 }, () => randomUUID());

describe('ShardRouter', () => {
  it('maps a user to the same shard every time', () => {
    const router = shards(2);
    for (const user of users.slice(0, 100)) expect(shards(2).shardOf(user)).toBe(router.shardOf(user));
  });

  it('spreads users evenly', () => {
    const router = shards(3);
    const counts = [0, 0, 0];
    for (const user of users) counts[router.shardOf(user)]!++;
    for (const count of counts) expect(count / users.length).toBeGreaterThan(0.3);
  });

  it('moves 25–42 % of 10,000 users when a third shard is added, all of them onto the new shard', () => {
    const before = shards(2);
    const after = shards(3);
    const moved = users.filter((user) => before.shardOf(user) !== after.shardOf(user));
    const share = moved.length / users.length;
    console.info(`adding a third shard moved ${(share * 100).toFixed(1)} % of ${users.length} users`);
    expect(share).toBeGreaterThanOrEqual(0.25);
    expect(share).toBeLessThanOrEqual(0.42);
    for (const user of moved) expect(after.shardOf(user)).toBe(2);
  });
});

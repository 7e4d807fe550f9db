import { parseLsn } from './lsn';
import { Replica, ReplicaSet } from './replica-set';

/** A replica in a given state, as a health check would have left it (its probe pool never connects here). */
function replica(name: string, healthy: boolean, replayed: bigint): Replica {
  const made = new Replica(name, 'postgresql://unused@127.0.0.1:1/none', 1000, 1000);
  made.state = { healthy, replayed, lagMs: 0 };
  return made;
}

describe('parseLsn', () => {
  it('orders WAL positions as PostgreSQL does', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('1/0')).toBe(1n << 32n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(() => parseLsn('nonsense')).toThrow(/not a WAL position/);
  });
});

describe('ReplicaSet.pick', () => {
  let set: ReplicaSet;
  afterEach(() => set.close());

  it('takes the healthy replicas in turn', () => {
    set = new ReplicaSet([replica('a', true, 10n), replica('b', false, 10n), replica('c', true, 10n)], 1000);
    expect([1, 2, 3, 4].map(() => set.pick(0n)?.name)).toEqual(['a', 'c', 'a', 'c']);
  });

  it('skips a replica that has not replayed the position the reader needs, and has none when no replica has', () => {
    set = new ReplicaSet([replica('behind', true, 5n), replica('ahead', true, 20n)], 1000);
    expect([1, 2].map(() => set.pick(10n)?.name)).toEqual(['ahead', 'ahead']);
    expect(set.pick(30n)).toBeUndefined();
  });

  it('takes a replica back once it is healthy again, and skips one marked down at once', () => {
    const flaky = replica('flaky', false, 10n);
    set = new ReplicaSet([flaky], 1000);
    expect(set.pick(0n)).toBeUndefined();
    flaky.state = { healthy: true, replayed: 10n, lagMs: 0 };
    expect(set.pick(0n)).toBe(flaky);
    flaky.markDown('a read failed');
    expect(set.pick(0n)).toBeUndefined();
    expect(flaky.state.reason).toBe('a read failed');
  });
});

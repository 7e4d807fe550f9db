import { L1Store, type L1Removal } from './l1-store';

describe('L1Store', () => {
  it('never holds more bytes than its bound, evicting the least recently used and counting each eviction', () => {
    const removed: L1Removal[] = [];
    const store = new L1Store(10_000, (reason) => removed.push(reason));
    // Each entry: a 4-byte id ("k000") plus 996 bytes of value = 1,000 bytes.
    const ids = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    for (const id of ids) {
      store.set(id, 'x'.repeat(994), 996, 60_000);
      expect(store.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(store.bytes).toBe(10_000);
    expect(store.entries).toBe(10);
    expect(removed).toEqual(Array(15).fill('size'));
    expect(store.get('k014')).toBeUndefined();
    expect(store.get('k015')?.value).toBe('x'.repeat(994));
  });

  it('keeps a recently read entry over older ones', () => {
    const store = new L1Store(3_000, () => undefined);
    for (const id of ['a', 'b', 'c']) store.set(id, id, 999, 60_000);
    store.get('a');
    store.set('d', 'd', 999, 60_000);
    expect([store.get('a')?.value, store.get('b')]).toEqual(['a', undefined]);
  });

  it('counts multi-byte characters as the bytes they take, and refuses an entry larger than the bound', () => {
    const store = new L1Store(100, () => undefined);
    store.set('é', 'v', 10, 60_000);
    expect(store.bytes).toBe(12);
    store.set('big', 'v', 101, 60_000);
    expect(store.get('big')).toBeUndefined();
    expect(store.bytes).toBe(12);
  });

  it('expires an entry after its TTL, counted apart from evictions', () => {
    let now = 1_000;
    const removed: L1Removal[] = [];
    const store = new L1Store(1_000, (reason) => removed.push(reason), { now: () => now });
    store.set('a', 'a', 1, 60_000);
    now = 60_999;
    expect(store.get('a')?.value).toBe('a');
    now = 61_001;
    expect(store.get('a')).toBeUndefined();
    expect(removed).toEqual(['expired']);
    expect(store.bytes).toBe(0);
  });
});

/**
 * `cache`'s promise for `key`, made by `make` on first use and shared by every caller after; one
 * that rejects is dropped, so the next call tries again (e.g. the database was not up yet).
 */
export function settledOnce<K, V>(cache: Map<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
  let promise = cache.get(key);
  if (!promise) {
    promise = make();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

import { readCounter, sum } from './metrics';

/** The squad cache's counters, summed over processes: what one phase did is the difference of two reads. */
export interface CacheCounts {
  l1Hits: number;
  l1Misses: number;
  l2Hits: number;
  l2Misses: number;
  /** Loads from the database (cache_load_duration_seconds_count). */
  loads: number;
  /** GET and PATCH /v1/squads/:id answered 200. */
  reads: number;
  writes: number;
}

const SQUAD = { policy: 'squad' };

export async function readCacheCounts(urls: readonly string[]): Promise<CacheCounts> {
  const hits = await readCounter(urls, 'cache_hits_total', 'layer', SQUAD);
  const misses = await readCounter(urls, 'cache_misses_total', 'layer', SQUAD);
  const requests = await readCounter(urls, 'http_requests_total', 'method', { route: '/v1/squads/:id', status: '200' });
  return {
    l1Hits: hits['l1'] ?? 0,
    l1Misses: misses['l1'] ?? 0,
    l2Hits: hits['l2'] ?? 0,
    l2Misses: misses['l2'] ?? 0,
    loads: sum(await readCounter(urls, 'cache_load_duration_seconds_count', 'policy', SQUAD)),
    reads: requests['GET'] ?? 0,
    writes: requests['PATCH'] ?? 0,
  };
}

export function countsBetween(before: CacheCounts, after: CacheCounts): CacheCounts {
  const keys = Object.keys(after) as Array<keyof CacheCounts>;
  return Object.fromEntries(keys.map((key) => [key, after[key] - before[key]])) as unknown as CacheCounts;
}

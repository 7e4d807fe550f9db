import { Stack } from '../test/support/stack/stack';
import { countsBetween, readCacheCounts, type CacheCounts } from './cache-counts';
import { registerStop } from './cleanup';
import { runLoad, type LoadResult, type Target } from './http-load';
import { seedSquads, type SeededSquad } from './seed';
import { type BenchSettings } from './settings';
import { mulberry32, zipf } from './zipf';

/** The mix: squads drawn by Zipf rank (s = 1.1: of 200 squads the top 10 take 57 % of the requests); 5 % of requests PATCH the squad. */
export const MIX = { zipfExponent: 1.1, writeShare: 0.05 };

export interface MixResult {
  replicas: number;
  squads: number;
  seconds: number;
  loads: LoadResult[];
  counts: CacheCounts;
}

/**
 * Reads and writes of squads on two phase-1 replicas (every role, sharing PostgreSQL, Redis and
 * NATS), half the connections on each: what the cache saves the database under a realistic mix,
 * with every write invalidating the squad on both replicas.
 */
export async function benchCacheMix(settings: BenchSettings, log: (line: string) => void): Promise<MixResult> {
  const stack = await Stack.start('services', { replicas: 2, env: settings.stackEnv });
  const stop = registerStop(() => stack.stop());
  try {
    const { users, squadsPerUser, members } = settings.seed;
    const squads = await seedSquads(stack.baseUrl, users, squadsPerUser, members);
    const connections = Math.max(1, Math.floor(settings.http.connections / stack.gatewayUrls.length));
    const run = (title: string, durationSeconds: number) =>
      Promise.all(stack.gatewayUrls.map((baseUrl, index) => runLoad({ title: `${title} (replica ${index + 1})`, baseUrl, next: mixed(squads, index + 1), connections, durationSeconds })));
    await run('cache mix warm-up', settings.http.warmupSeconds);
    const before = await readCacheCounts(stack.gatewayUrls);
    const loads = await run('cache mix', settings.http.durationSeconds);
    const counts = countsBetween(before, await readCacheCounts(stack.gatewayUrls));
    log(`cache: Zipf mix ${counts.reads} reads, ${counts.writes} writes, ${counts.loads} database loads`);
    return { replicas: stack.gatewayUrls.length, squads: squads.length, seconds: settings.http.durationSeconds, loads, counts };
  } finally {
    await stop();
  }
}

/** Requests over the squads by Zipf rank, a share of them PATCHes renaming the squad; `seed` makes each replica's sequence its own. */
function mixed(squads: readonly SeededSquad[], seed: number): () => Target {
  const rank = zipf(squads.length, MIX.zipfExponent, seed);
  const random = mulberry32(seed * 7919);
  let writes = 0;
  return () => {
    const squad = squads[rank()]!;
    const target: Target = { path: `/v1/squads/${squad.squadId}`, headers: { authorization: `Bearer ${squad.token}` } };
    if (random() >= MIX.writeShare) return target;
    return { ...target, method: 'PATCH', headers: { ...target.headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Renamed ${seed}-${writes++}` }) };
  };
}

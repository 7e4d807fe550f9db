import { Stack } from '../test/support/stack/stack';
import { startBareFastify } from './bare-fastify';
import { countsBetween, readCacheCounts, type CacheCounts } from './cache-counts';
import { registerStop } from './cleanup';
import { loadGeneratorGroup, mergeMeasured, withCpu, type Measured } from './cpu';
import { mergeLoads, roundRobin, runLoad, type LoadResult, type Target } from './http-load';
import { seedSquads } from './seed';
import { type BenchSettings } from './settings';

/**
 * Bare Fastify and the product's GET take turns this many times, each for a share of the phase:
 * this machine's speed drifts within seconds (bare Fastify alone measured 12.7k to 20k req/s in
 * consecutive runs), and one phase after the other put that drift into the ratio (0.47 to 0.70).
 */
const ROUNDS = 4;

export interface L1HitResult {
  /** Bare Fastify, measured in turns with the GETs, so both sides of the ratio see the same machine. */
  bare: Measured<LoadResult>;
  get: Measured<LoadResult>;
  /** What the cache did during the GET phase: every read should be an L1 hit. */
  counts: CacheCounts;
  /** One squad as the API answers it: the value the L2 latency phase stores. */
  sample: unknown;
}

/**
 * `GET /v1/squads/:id` with a JWT on the embedded shape, every squad already in L1 (a warm-up
 * reads each), against bare Fastify under the same load, the two in turns (ROUNDS).
 */
export async function benchL1Hits(settings: BenchSettings, log: (line: string) => void): Promise<L1HitResult> {
  const stack = await Stack.start('embedded', { env: settings.stackEnv });
  const stop = registerStop(() => stack.stop());
  try {
    const { users, squadsPerUser, members } = settings.seed;
    const squads = await seedSquads(stack.baseUrl, users, squadsPerUser, members);
    const targets = squads.map((squad): Target => ({ path: `/v1/squads/${squad.squadId}`, headers: { authorization: `Bearer ${squad.token}` } }));
    const sample = (await squads[0]!.session.api.get(targets[0]!.path)).body;
    const base = { baseUrl: stack.baseUrl, next: roundRobin(targets), connections: settings.http.connections };
    await runLoad({ ...base, title: 'cache warm-up', durationSeconds: settings.http.warmupSeconds });

    const bareFastify = await startBareFastify(settings.http.connections);
    const groups = [{ name: 'monolith', pids: () => [stack.service('monolith').pid] }, loadGeneratorGroup()];
    const share = settings.http.durationSeconds / ROUNDS;
    const bareRounds: Measured<LoadResult>[] = [];
    const getRounds: Measured<LoadResult>[] = [];
    const before = await readCacheCounts(stack.gatewayUrls);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        bareRounds.push(await bareFastify.measure(share));
        getRounds.push(await withCpu(groups, () => runLoad({ ...base, title: 'GET squad, L1 hits', durationSeconds: share })));
      }
    } finally {
      await bareFastify.stop();
    }
    const counts = countsBetween(before, await readCacheCounts(stack.gatewayUrls));
    const bare = mergeMeasured(bareRounds, mergeLoads);
    const get = mergeMeasured(getRounds, mergeLoads);
    log(`cache: bare Fastify ${bare.result.requestsPerSecond.toFixed(0)} req/s`);
    log(`cache: GET /v1/squads/:id from L1 ${get.result.requestsPerSecond.toFixed(0)} req/s (${counts.l1Hits} L1 hits, ${counts.l1Misses} misses)`);
    return { bare, get, counts, sample };
  } finally {
    await stop();
  }
}

import { type CacheResults } from './cache-bench';
import { MIX } from './cache-mix';
import { systemCpuMs } from './cpu';

const TARGET = { l1Ratio: 0.5, l2OverheadMs: 0.5 };

const percent = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '—');
const verdict = (pass: boolean): string => `**${pass ? 'PASS' : 'FAIL'}**`;

/** The cache section of the report: three figures with their targets, then what they rest on. */
export function renderCacheReport({ l1, l2, mix }: CacheResults): string {
  const ratio = l1.get.result.requestsPerSecond / l1.bare.result.requestsPerSecond;
  const overhead = l2.l2.p50 - l2.raw.p50;
  const c = mix.counts;
  const lookups = c.l1Hits + c.l1Misses;
  const served = c.l1Hits + c.l2Hits;
  const cpuPerRequest = (measured: typeof l1.get): string => `${((systemCpuMs(measured.cpuMs) / measured.result.total) * 1000).toFixed(0)} µs`;
  const lines = [
    '## Cache',
    '',
    '| Figure | Value | Target | Verdict |',
    '| --- | --- | --- | --- |',
    `| \`GET /v1/squads/:id\` from L1 (JWT, embedded) ÷ bare Fastify | ${l1.get.result.requestsPerSecond.toFixed(0)} ÷ ${l1.bare.result.requestsPerSecond.toFixed(0)} req/s = **${ratio.toFixed(2)}** | ≥ ${TARGET.l1Ratio} | ${verdict(ratio >= TARGET.l1Ratio)} |`,
    `| L2 hit p50 − raw ioredis GET p50 (${l2.valueBytes}-byte squad) | ${l2.l2.p50.toFixed(3)} − ${l2.raw.p50.toFixed(3)} ms = **${overhead.toFixed(3)} ms** | ≤ ${TARGET.l2OverheadMs} ms | ${verdict(overhead <= TARGET.l2OverheadMs)} |`,
    `| Zipf mix on ${mix.replicas} replicas: hit ratio (L1 + L2) | **${percent(served, lookups)}** (L1 ${percent(c.l1Hits, lookups)}, L2 ${percent(c.l2Hits, c.l1Misses)} of L1 misses) | — | — |`,
    `| Zipf mix: database loads | **${c.loads}** for ${lookups} cache reads (${c.reads} GETs, ${c.writes} PATCHes) = ${((1000 * c.loads) / Math.max(1, lookups)).toFixed(1)} per 1,000 reads, ${(c.loads / Math.max(1, c.writes)).toFixed(2)} per write | — | — |`,
    '',
    'Notes:',
    '',
    `- L1 row: each seeded squad read once before (warm-up), then ${l1.get.result.total} GETs round-robin over them: ${l1.counts.l1Hits} L1 hits, ${l1.counts.l1Misses} L1 misses, ${l1.counts.loads} database loads. Bare Fastify took turns with the GETs under the same load (4 rounds of a quarter each: the machine's speed drifts within seconds). Server CPU per request: product ${cpuPerRequest(l1.get)}, bare Fastify ${cpuPerRequest(l1.bare)}; p99 ${l1.get.result.p99} ms vs ${l1.bare.result.p99} ms.`,
    `- L2 row: ${l2.samples} reads of each, alternating, one at a time, on the local Redis; the cache's L1 was too small to keep the value, so each read was an L2 hit (loads during the timed reads: ${l2.loads}). p99: L2 ${l2.l2.p99.toFixed(3)} ms, raw ${l2.raw.p99.toFixed(3)} ms. The difference is the cache's own work: one MGET of three keys instead of a GET (epoch and version checked with the entry), JSON.parse and freezing the value.`,
    `- Mix rows: ${mix.squads} squads drawn by Zipf rank (s = ${MIX.zipfExponent}), ${MIX.writeShare * 100} % PATCHes (each invalidates the squad in Redis and on both replicas, and re-reads it), ${mix.seconds} s after a warm-up, half the connections on each replica; a PATCH's own re-read is one of the cache reads. Without the cache every read would be a database load. Non-2xx: ${mix.loads.map((load) => load.non2xx).join(' + ')}, errors ${mix.loads.map((load) => load.errors).join(' + ')}.`,
    '',
  ];
  return lines.join('\n');
}

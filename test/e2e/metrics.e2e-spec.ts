import { runTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { scrape, serviceUrls } from '../support/metrics';
import { histogramQuantile, parseSamples, select, type Sample } from '../support/prometheus';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';

const split = process.env.E2E_SHAPE === 'services';

/** The sum of the matching samples over the whole stack, or undefined when no process exports one. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = select(samples, name, labels);
  return found.length === 0 ? undefined : found.reduce((sum, sample) => sum + sample.value, 0);
}

/** Observability: every series of DESIGN §9 is on /metrics, and moves when the product is used. */
describe('metrics', () => {
  let pages: string[];
  let stack: Sample[];
  beforeAll(async () => {
    // Use every part: requests, database reads and writes, the cache, a job, LLM calls.
    const session = await signUp();
    const squad = await createSquad(session, 2);
    for (let read = 0; read < 3; read++) expectStatus(await session.api.get(`/v1/squads/${squad.id}`), 200);
    expect((await runTask(session, squad.id, 'Measure me')).execution.status).toBe('completed');
    pages = await Promise.all(serviceUrls().map(scrape));
    stack = pages.flatMap(parseSamples);
  });

  it('serves the HTTP series on every process', () => {
    for (const page of pages) {
      const samples = parseSamples(page);
      expect(select(samples, 'http_active_connections')).toHaveLength(1);
      // Declared everywhere; a labelled series appears with a process's first request.
      expect(page).toContain('# TYPE http_request_duration_seconds histogram');
      expect(page).toContain('# TYPE http_requests_total counter');
    }
    expect(total(stack, 'http_requests_total', { route: '/v1/squads/:id', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(total(stack, 'http_active_connections')).toBeGreaterThan(0);
  });

  it('gives request latency percentiles from the duration histogram', () => {
    const [p50, p95, p99] = [0.5, 0.95, 0.99].map((q) => histogramQuantile(stack, 'http_request_duration_seconds', q));
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p95!);
    expect(p95).toBeLessThanOrEqual(p99!);
    expect(p99).toBeLessThan(10);
  });

  it('measures database queries: duration, reads vs writes, slow ones, and the pools', () => {
    expect(total(stack, 'db_query_duration_seconds_count', { kind: 'read' })).toBeGreaterThan(0);
    expect(total(stack, 'db_query_duration_seconds_count', { kind: 'write' })).toBeGreaterThan(0);
    expect(total(stack, 'db_query_duration_seconds_bucket')).toBeGreaterThan(0);
    expect(total(stack, 'db_slow_queries_total')).toEqual(expect.any(Number));
    // Pools exist where PostgreSQL is used (PGlite, the embedded database, has one connection).
    if (split) {
      expect(total(stack, 'db_pool_connections', { state: 'in_use' })).toEqual(expect.any(Number));
      expect(total(stack, 'db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
      expect(total(stack, 'db_pool_connections', { state: 'waiting' })).toBe(0);
    }
  });

  it('counts cache hits and misses per layer, evictions and memory', () => {
    expect(total(stack, 'cache_hits_total', { layer: 'l1' })).toBeGreaterThan(0);
    expect(total(stack, 'cache_misses_total', { layer: 'l1' })).toBeGreaterThan(0);
    if (split) expect(total(stack, 'cache_misses_total', { layer: 'l2' })).toBeGreaterThan(0);
    expect(total(stack, 'cache_l1_evictions_total', { reason: 'size' })).toEqual(expect.any(Number));
    expect(total(stack, 'cache_l1_bytes')).toBeGreaterThan(0);
  });

  it('reports queue depth, job duration, failed jobs and worker utilisation', () => {
    expect(total(stack, 'queue_jobs', { queue: 'executions', state: 'waiting' })).toEqual(expect.any(Number));
    expect(total(stack, 'queue_job_duration_seconds_count', { queue: 'executions', outcome: 'completed' })).toBeGreaterThan(0);
    expect(total(stack, 'queue_jobs_failed_total', { queue: 'executions' })).toEqual(expect.any(Number));
    expect(total(stack, 'queue_worker_utilisation', { queue: 'executions' })).toEqual(expect.any(Number));
  });

  it('counts LLM calls, tokens and latency by provider', () => {
    expect(total(stack, 'llm_calls_total', { provider: 'offline', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(total(stack, 'llm_tokens_total', { provider: 'offline', kind: 'completion' })).toBeGreaterThan(0);
    expect(total(stack, 'llm_call_duration_seconds_count', { provider: 'offline' })).toBeGreaterThanOrEqual(2);
  });
});

import autocannon from 'autocannon';

/** One request to send: a target picked per request, so load spreads over many users and squads. */
export interface Target {
  path: string;
  /** Overrides the load's method for this request (a mixed read/write load). */
  method?: 'GET' | 'POST' | 'PATCH';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  title: string;
  baseUrl: string;
  method?: 'GET' | 'POST';
  /** Called for every request; round-robin over prepared targets. */
  next: () => Target;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  title: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  /** Requests sent, answered or not (a phase can end with requests still waiting). */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
}

/** Runs autocannon in this process (closed loop: each connection sends its next request when the last is answered) and keeps what the report needs: throughput and latency percentiles (ms). */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    title: options.title,
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    method: options.method ?? 'GET',
    requests: [
      {
        setupRequest: (request) => {
          const target = options.next();
          return {
            ...request,
            path: target.path,
            headers: { ...request.headers, ...target.headers },
            ...(target.method === undefined ? {} : { method: target.method }),
            ...(target.body === undefined ? {} : { body: target.body }),
          };
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]));
  return {
    title: options.title,
    // Completed requests over the run's wall time: the achieved rate, not the per-second sample mean.
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    sent: result.requests.sent ?? result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationSeconds: result.duration,
  };
}

/**
 * Load phases against one target as one: counts added up, the rate over their summed time. Latency
 * percentiles cannot be merged from percentiles: p50 is the phases' median p50, p99 their worst.
 */
export function mergeLoads(results: readonly LoadResult[]): LoadResult {
  const add = (pick: (result: LoadResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  const statusCodes: Record<string, number> = {};
  for (const result of results) for (const [code, count] of Object.entries(result.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const p50s = results.map((result) => result.p50).sort((a, b) => a - b);
  const total = add((result) => result.total);
  const durationSeconds = add((result) => result.durationSeconds);
  return {
    title: results[0]!.title,
    requestsPerSecond: total / durationSeconds,
    p50: p50s[Math.floor(p50s.length / 2)]!,
    p99: Math.max(...results.map((result) => result.p99)),
    total,
    sent: add((result) => result.sent),
    ok: add((result) => result.ok),
    non2xx: add((result) => result.non2xx),
    errors: add((result) => result.errors),
    timeouts: add((result) => result.timeouts),
    statusCodes,
    durationSeconds,
  };
}

/** An endless round-robin over `items`. */
export function roundRobin<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('round-robin over nothing');
  let index = 0;
  return () => items[index++ % items.length]!;
}

import { Agent, request } from 'node:http';
import { type LoadResult, type Target } from './http-load';
import { percentile } from './stats';

export interface OpenLoopOptions {
  title: string;
  baseUrl: string;
  method: 'GET' | 'POST';
  next: () => Target;
  /** Requests per second, evenly spaced: one every 1000 / rate ms, whether or not earlier ones have been answered. */
  rate: number;
  durationSeconds: number;
  /** Sockets the requests may use at once (more wait for a free one: that wait counts in their latency). */
  maxSockets: number;
  /** A request unanswered this long counts as a timeout. */
  timeoutMs?: number;
}

/**
 * A fixed request rate the way wrk2 makes one: open loop, the i-th request due at start + i / rate,
 * each latency measured from when it was due (so a stalled server is charged for the requests it
 * held up: no coordinated omission). autocannon's `overallRate` is not that: each connection sends
 * its share of a second's requests back to back as soon as the second starts, then pauses, so a
 * "200/s" phase is a burst of 50 concurrent requests every second.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const url = new URL(options.baseUrl);
  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationSeconds);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = start + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(agent, url, options.next(), options.method, options.timeoutMs ?? 10_000).then(
        (status) => {
          latencies.push(performance.now() - due);
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        },
        (error: unknown) => {
          errors++;
          if (error instanceof TimeoutError) timeouts++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const durationSeconds = (performance.now() - start) / 1000;
  agent.destroy();
  const ok = Object.entries(statusCodes).reduce((sum, [code, count]) => (code.startsWith('2') ? sum + count : sum), 0);
  return {
    title: options.title,
    requestsPerSecond: latencies.length / durationSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    total: latencies.length,
    sent: total,
    ok,
    non2xx: latencies.length - ok,
    errors,
    timeouts,
    statusCodes,
    durationSeconds,
  };
}

class TimeoutError extends Error {}

/** One request on `agent` (node:http: a fraction of fetch's CPU, which the system under test shares); answers the status. */
export function send(agent: Agent, base: URL, target: Target, method: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, path: target.path, method: target.method ?? method, headers: target.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(target.body);
  });
}

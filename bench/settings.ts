/** What the bench does, in one place: the figures in the report are only comparable at these settings. */
export interface BenchSettings {
  /** Autocannon settings shared by bare Fastify and GET /v1/squads/:id, so their ratio is fair. */
  http: { connections: number; durationSeconds: number; warmupSeconds: number };
  /** POST /v1/squads/:id/tasks at a fixed overall rate (open loop), judged against a p99 target after `warmupSeconds` at the rate unmeasured (as the GET phases warm up); `connections` bounds the sockets used at once. */
  fixedRate: { rate: number; warmupSeconds: number; durationSeconds: number; connections: number; p99TargetMs: number };
  /** POST /v1/squads/:id/tasks as fast as it goes. */
  maxPost: { durationSeconds: number; connections: number };
  /** The burst whose completion rate is measured. */
  executions: { tasks: number; concurrency: number; timeoutMs: number };
  seed: { users: number; squadsPerUser: number; members: number };
  /** Sequential round trips per raw ceiling. */
  rawSamples: number;
  /** Also measure the split shape's burst with a second worker process. */
  secondWorker: boolean;
  /** Quotas high enough never to answer 402 during the bench. */
  stackEnv: Record<string, string>;
  /** Extra environment for the shape phases' processes by app (`worker` applies to `worker`, `worker-2`, ...). */
  appEnv: Record<string, Record<string, string>>;
  /** Write a V8 CPU profile per product process (see settingsFrom). */
  cpuProfile: boolean;
  /** Database routing: sequential primary-key reads per side, then concurrent readers for a while, primary only and with one replica. */
  db: { samples: number; concurrency: number; seconds: number };
  /** The executions part (split shape): raw BullMQ, completions per second, and executions in flight on one worker. */
  durable: {
    rawJobs: number;
    rawConcurrency: number;
    /** Submitting lanes keep at most `backlog` accepted executions unfinished: the rate completed is then the rate accepted. */
    sustained: { seconds: number; concurrency: number; backlog: number };
    inFlight: { latencyMs: number; tasks: number; workerConcurrency: number; timeoutMs: number };
  };
}

export const DEFAULT_SETTINGS: BenchSettings = {
  http: { connections: 50, durationSeconds: 10, warmupSeconds: 2 },
  fixedRate: { rate: 200, warmupSeconds: 3, durationSeconds: 15, connections: 50, p99TargetMs: 100 },
  maxPost: { durationSeconds: 5, connections: 50 },
  // 600, not 1,000: at the ~12/s this machine manages, three bursts of 1,000 alone would take the whole time budget.
  executions: { tasks: 600, concurrency: 50, timeoutMs: 120_000 },
  seed: { users: 50, squadsPerUser: 4, members: 3 },
  rawSamples: 5000,
  secondWorker: true,
  // Pools of at most 10 connections: six processes of the split shape at the seed's 20 + 10 would
  // need 180 connections of a PostgreSQL that allows 100, and a 2-core machine runs no more queries at once.
  stackEnv: { PLAN_FREE_EXECUTIONS: '100000000', PLAN_FREE_TOKENS: '100000000000', DATABASE_POOL_SIZE: '4', DATABASE_POOL_OVERFLOW: '6' },
  // As README suggests for workers sharing a host with the API: requests get the CPU and the
  // database before background executions. Measured (split, POST @200/s): niceness 10 alone cut a
  // cold phase's p99 from 4.5 s to 0.5 s once; with WORKER_YIELD_LATENCY_MS=25 the bench's phase
  // went from 296–582 ms to 128 ms, the execution bursts from ~100 to 94–98/s. The 60 s
  // executions run measures throughput alone, without these (80 vs 71/s with niceness).
  // Intelligence answers the workers' model calls: background work too, at the same niceness.
  appEnv: { worker: { PROCESS_NICENESS: '10', WORKER_YIELD_LATENCY_MS: '25' }, intelligence: { PROCESS_NICENESS: '10' }, gateway: { WORKER_YIELD_LATENCY_MS: '25' } },
  cpuProfile: false,
  db: { samples: 3000, concurrency: 32, seconds: 8 },
  durable: {
    rawJobs: 30_000,
    rawConcurrency: 100,
    sustained: { seconds: 60, concurrency: 50, backlog: 500 },
    inFlight: { latencyMs: 2000, tasks: 2200, workerConcurrency: 2500, timeoutMs: 180_000 },
  },
};

/**
 * BENCH_QUICK=1: every phase, a fraction of the time (to check the bench itself, not to quote).
 * BENCH_CPU_PROF=1: every product process writes a V8 CPU profile (.cpuprofile) into its stack's log
 * folder when it stops: open it in Chrome DevTools to see where the time goes (profiling slows it down).
 */
export function settingsFrom(env: NodeJS.ProcessEnv): BenchSettings {
  const base = env.BENCH_CPU_PROF === '1' ? { ...DEFAULT_SETTINGS, cpuProfile: true } : DEFAULT_SETTINGS;
  if (env.BENCH_QUICK !== '1') return base;
  return {
    ...base,
    http: { connections: 20, durationSeconds: 2, warmupSeconds: 1 },
    fixedRate: { ...DEFAULT_SETTINGS.fixedRate, warmupSeconds: 1, durationSeconds: 3 },
    maxPost: { durationSeconds: 2, connections: 20 },
    executions: { tasks: 100, concurrency: 20, timeoutMs: 30_000 },
    seed: { users: 5, squadsPerUser: 2, members: 3 },
    rawSamples: 500,
    db: { samples: 500, concurrency: 16, seconds: 2 },
    durable: {
      rawJobs: 3000,
      rawConcurrency: 100,
      sustained: { seconds: 10, concurrency: 20, backlog: 200 },
      inFlight: { latencyMs: 2000, tasks: 300, workerConcurrency: 400, timeoutMs: 60_000 },
    },
  };
}

import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { LOCAL } from '../test/support/stack/local-services';
import { Stack } from '../test/support/stack/stack';
import { registerStop } from './cleanup';
import { readFinished, sum } from './metrics';
import { send } from './open-loop-load';
import { seedSquads, type SeededSquad } from './seed';
import { cpuGroups, serviceEnvOf } from './shape-bench';
import { withCpu, type Measured } from './cpu';
import { type BenchSettings } from './settings';
import { countWork, type WorkCounts } from './work-counts';

export interface RawQueueResult {
  jobs: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

export interface SustainedResult {
  seconds: number;
  lanes: number;
  backlog: number;
  submitted: number;
  rejected: number;
  completed: number;
  failed: number;
  perSecond: number;
  /** What PostgreSQL and Redis did in the window (see WorkCounts). */
  work: WorkCounts;
}

export interface InFlightResult {
  latencyMs: number;
  submitted: number;
  workerConcurrency: number;
  peakRunning: number;
  /** The worker's resident set (VmRSS) when the most executions were running, and its highest sample. */
  rssAtPeakMb: number;
  peakRssMb: number;
  completed: number;
  seconds: number;
}

export interface DurableExecutionsResults {
  raw: RawQueueResult;
  /** With the CPU each process (and the load generator) spent in the window. */
  sustained: Measured<SustainedResult>;
  inFlight: InFlightResult;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The executions part of `npm run bench` (the split shape): raw BullMQ add-and-process throughput
 * on the same Redis, then executions of 3-member squads completed per second over a fixed window
 * with the zero-latency offline model, then how many executions one worker process holds in
 * flight with a slow (simulated) model, and its memory meanwhile.
 */
export async function benchDurableExecutions(settings: BenchSettings, log: (line: string) => void): Promise<DurableExecutionsResults> {
  const raw = await rawQueueThroughput(settings.durable.rawJobs, settings.durable.rawConcurrency);
  log(`raw BullMQ: ${raw.jobs} jobs added and processed in ${raw.seconds.toFixed(1)} s = ${raw.perSecond.toFixed(0)}/s`);
  const sustained = await sustainedExecutions(settings, log);
  log(`executions: ${sustained.result.completed} completed in ${sustained.result.seconds.toFixed(0)} s = ${sustained.result.perSecond.toFixed(1)}/s`);
  const inFlight = await executionsInFlight(settings, log);
  log(`in flight: ${inFlight.peakRunning} running on one worker, RSS ${inFlight.rssAtPeakMb.toFixed(0)} MB (peak ${inFlight.peakRssMb.toFixed(0)} MB)`);
  return { raw, sustained, inFlight };
}

/** BullMQ alone: `jobs` no-op jobs added one by one (as the product adds one per execution) and processed by one worker. */
async function rawQueueThroughput(jobs: number, concurrency: number): Promise<RawQueueResult> {
  const connection = { url: LOCAL.redis, maxRetriesPerRequest: null };
  const prefix = `bench-raw-${randomBytes(4).toString('hex')}`;
  const queue = new Queue('raw', { connection, prefix });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const worker = new Worker('raw', async () => undefined, { connection, prefix, concurrency });
  worker.on('completed', () => {
    if (++done === jobs) resolveAll();
  });
  const stop = registerStop(async () => {
    await worker.close(true);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  });
  try {
    await worker.waitUntilReady();
    const start = performance.now();
    // Adds from 64 lanes at once, as many API requests would.
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < jobs) {
          next++;
          await queue.add('job', { n: next }, { removeOnComplete: true });
        }
      }),
    );
    await all;
    const seconds = (performance.now() - start) / 1000;
    return { jobs, concurrency, seconds, perSecond: jobs / seconds };
  } finally {
    await stop();
  }
}

/**
 * Submits tasks from `concurrency` lanes for `seconds`, keeping at most `backlog` accepted
 * executions unfinished, and counts the executions the worker completed in that window. Lanes
 * that submitted as fast as the API answers had it accept ~3 tasks per one completed: the window
 * then measured the API's cost of a growing backlog as much as the executions' (measured:
 * 94 completed/s beside 308 accepted/s). Held to a backlog, the rate completed is the rate accepted.
 */
export async function sustainedExecutions(settings: BenchSettings, log: (line: string) => void): Promise<Measured<SustainedResult>> {
  const { seconds, concurrency, backlog } = settings.durable.sustained;
  // Throughput alone, no API latency to protect: every process at its normal priority (no appEnv).
  const stack = await Stack.start('services', { env: settings.stackEnv, gateways: 1, serviceEnv: serviceEnvOf({ ...settings, appEnv: {} }) });
  const stop = registerStop(() => stack.stop());
  try {
    const squads = await seedSquads(stack.baseUrl, settings.seed.users, settings.seed.squadsPerUser, 3);
    log(`executions: seeded ${squads.length} squads of 3; submitting for ${seconds} s with at most ${backlog} unfinished`);
    const workerUrls = stack.workers.map((worker) => worker.url);
    return await withCpu(cpuGroups(stack), async () => {
      const work = await countWork(stack.env['DATABASE_URL']!, LOCAL.redis);
      const before = await readFinished(workerUrls);
      const start = performance.now();
      const deadline = start + seconds * 1000;
      let finished = 0;
      let accepted = 0;
      // Four reads a second keep the backlog well enough: each renders the worker's whole /metrics,
      // and reading every 50 ms cost the worker ~10 % of its CPU in the window (A/B, 2 runs).
      const watching = (async () => {
        while (performance.now() < deadline) {
          finished = sum(await readFinished(workerUrls)) - sum(before);
          await pause(250);
        }
      })();
      const roomOrEnd = async () => {
        while (performance.now() < deadline && accepted - finished >= backlog) await pause(10);
        return performance.now() < deadline;
      };
      const { submitted, rejected } = await submitUntil(stack.baseUrl, squads, concurrency, roomOrEnd, () => accepted++);
      await watching;
      const after = await readFinished(workerUrls);
      const counted = await work.end();
      const elapsed = (performance.now() - start) / 1000;
      const completed = (after['completed'] ?? 0) - (before['completed'] ?? 0);
      const failed = (after['failed'] ?? 0) - (before['failed'] ?? 0);
      return { seconds: elapsed, lanes: concurrency, backlog, submitted, rejected, completed, failed, perSecond: completed / elapsed, work: counted };
    });
  } finally {
    await stop();
  }
}

/**
 * One worker process, every step of 3-member squads taking `latencyMs` (OFFLINE_LLM_LATENCY_MS):
 * the tasks are submitted while the worker is stopped, so they all wait as jobs, then the worker
 * starts and takes up to WORKER_CONCURRENCY of them at once. Samples how many run (the database's
 * view) and the worker's RSS (/proc) until all have finished.
 */
async function executionsInFlight(settings: BenchSettings, log: (line: string) => void): Promise<InFlightResult> {
  const { latencyMs, tasks, workerConcurrency, timeoutMs } = settings.durable.inFlight;
  const users = Math.ceil(tasks / 100);
  const stack = await Stack.start('services', {
    gateways: 1,
    env: {
      ...settings.stackEnv,
      OFFLINE_LLM_LATENCY_MS: String(latencyMs),
      WORKER_CONCURRENCY: String(workerConcurrency),
      // Admission would otherwise hold most of them back in the database (10 per user).
      USER_MAX_ACTIVE_EXECUTIONS: '100',
    },
  });
  const stop = registerStop(() => stack.stop());
  const db = new Client({ connectionString: stack.env['DATABASE_URL'] });
  try {
    await db.connect();
    await stack.service('worker').stopWithin(10_000);
    const squads = await seedSquads(stack.baseUrl, users, 1, 3);
    let remaining = tasks;
    const { submitted } = await submitUntil(stack.baseUrl, squads, 50, () => remaining-- > 0);
    log(`in flight: ${submitted} tasks queued while no worker runs; starting one worker`);

    const start = performance.now();
    const worker = await stack.startService('worker', 'worker');
    let peakRunning = 0;
    let rssAtPeakMb = 0;
    let peakRssMb = 0;
    let completed = 0;
    while (performance.now() - start < timeoutMs) {
      const [row] = (await db.query<{ running: number; completed: number }>(
        `SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*) FILTER (WHERE status = 'completed')::int AS completed FROM core.executions`,
      )).rows;
      const rssMb = residentMb(worker.pid);
      peakRssMb = Math.max(peakRssMb, rssMb);
      if (row!.running > peakRunning) [peakRunning, rssAtPeakMb] = [row!.running, rssMb];
      completed = row!.completed;
      if (completed >= submitted) break;
      await pause(200);
    }
    return { latencyMs, submitted, workerConcurrency, peakRunning, rssAtPeakMb, peakRssMb, completed, seconds: (performance.now() - start) / 1000 };
  } finally {
    await db.end().catch(() => undefined);
    await stop();
  }
}

/** VmRSS of a process, in MB, from /proc. */
function residentMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** POSTs tasks round-robin over `squads` from `lanes` lanes while `more()` says so; `onAccepted` hears of each 202. */
async function submitUntil(
  baseUrl: string,
  squads: readonly SeededSquad[],
  lanes: number,
  more: () => boolean | Promise<boolean>,
  onAccepted: () => void = () => undefined,
): Promise<{ submitted: number; rejected: number }> {
  let submitted = 0;
  let rejected = 0;
  let index = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: lanes });
  const base = new URL(baseUrl);
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (await more()) {
        const squad = squads[index++ % squads.length]!;
        const status = await send(
          agent,
          base,
          {
            path: `/v1/squads/${squad.squadId}/tasks`,
            headers: { authorization: `Bearer ${squad.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ title: `Bench task ${index}`, description: 'Add discount codes at checkout; codes expire and can be used once.' }),
          },
          'POST',
          30_000,
        );
        if (status === 202) {
          submitted++;
          onAccepted();
        } else rejected++;
      }
    }),
  );
  agent.destroy();
  return { submitted, rejected };
}

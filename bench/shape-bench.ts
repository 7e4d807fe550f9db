import { join } from 'node:path';
import { REPO_ROOT, Stack, type Shape } from '../test/support/stack/stack';
import { registerStop } from './cleanup';
import { loadGeneratorGroup, pidsByComm, withCpu, type CpuGroup, type Measured } from './cpu';
import { benchExecutions, type ExecutionsResult } from './executions-throughput';
import { roundRobin, runLoad, type LoadResult, type Target } from './http-load';
import { runOpenLoop } from './open-loop-load';
import { readAcceptedTasks, readFinished, sum } from './metrics';
import { summarizeLogs, type LogLine } from './log-summary';
import { seedSquads } from './seed';
import { type BenchSettings } from './settings';

export interface ShapeResults {
  shape: Shape;
  startSeconds: number;
  seedSeconds: number;
  getSquad: Measured<LoadResult>;
  executions: Array<Measured<ExecutionsResult> & { workers: number }>;
  postFixed: Measured<LoadResult>;
  postMax: Measured<LoadResult>;
  /** Tasks the gateway accepted (202) during the two POST phases, and how many executions had finished when they ended. */
  postBacklog: { submitted: number; finished: number };
  logDir: string;
  /** The product's own warnings and errors during the phases. */
  logSummary: LogLine[];
}

const TASK_BODY = JSON.stringify({ title: 'Add discount codes', description: 'Customers enter a discount code at checkout; codes expire and can be used once.' });

/** Starts one shape of the product, runs every product phase against it, and stops it (also on failure). */
export async function benchShape(shape: Shape, settings: BenchSettings, log: (line: string) => void): Promise<ShapeResults> {
  const started = performance.now();
  const stack = await Stack.start(shape, { env: settings.stackEnv, gateways: 1, serviceEnv: serviceEnvOf(settings) });
  const stop = registerStop(() => stack.stop());
  try {
    const startSeconds = (performance.now() - started) / 1000;
    log(`${shape}: started in ${startSeconds.toFixed(1)} s (logs in ${stack.logDir})`);
    const seeding = performance.now();
    const { users, squadsPerUser, members } = settings.seed;
    const squads = await seedSquads(stack.baseUrl, users, squadsPerUser, members);
    const seedSeconds = (performance.now() - seeding) / 1000;
    log(`${shape}: seeded ${users} users, ${squads.length} squads of ${members} in ${seedSeconds.toFixed(1)} s`);

    const groups = cpuGroups(stack);
    const measure = <T>(fn: () => Promise<T>): Promise<Measured<T>> => withCpu(groups, fn);
    const base = { baseUrl: stack.baseUrl };

    // Reads first, while nothing runs in the background.
    const gets = roundRobin(squads.map((squad): Target => ({ path: `/v1/squads/${squad.squadId}`, headers: { authorization: `Bearer ${squad.token}` } })));
    await runLoad({ ...base, title: 'warm-up', next: gets, connections: settings.http.connections, durationSeconds: settings.http.warmupSeconds });
    const getSquad = await measure(() => runLoad({ ...base, title: `GET squad (${shape})`, next: gets, ...settings.http }));
    log(`${shape}: GET /v1/squads/:id ${getSquad.result.requestsPerSecond.toFixed(0)} req/s, p99 ${getSquad.result.p99} ms`);

    // The execution burst(s) next, on an idle stack: each must drain before the next phase starts.
    const executions: ShapeResults['executions'] = [];
    const burst = async (workers: number): Promise<void> => {
      const title = `executions (${shape}, ${workers} worker${workers > 1 ? 's' : ''})`;
      const measured = await measure(() =>
        benchExecutions({ ...base, title, squads, workerUrls: () => workerUrls(stack), ...settings.executions }),
      );
      executions.push({ ...measured, workers });
      const { result } = measured;
      log(`${shape}: ${result.completed}/${result.accepted} executions in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(1)}/s${result.timedOut ? ' (TIMED OUT)' : ''}`);
    };
    await burst(1);
    if (shape === 'services' && settings.secondWorker) {
      await stack.startService('worker-2', 'worker');
      groups.push({ name: 'worker-2', pids: () => [stack.services.get('worker-2')!.pid] });
      try {
        await burst(2);
      } finally {
        // Back to the one-worker split for the POST phases, so both shapes are compared as shipped.
        await stack.service('worker-2').stopWithin(10_000);
      }
    }

    // Writes last: every accepted task queues an execution that keeps running after the phase.
    const posts = roundRobin(
      squads.map((squad): Target => ({ path: `/v1/squads/${squad.squadId}/tasks`, headers: { authorization: `Bearer ${squad.token}`, 'content-type': 'application/json' }, body: TASK_BODY })),
    );
    const finishedBefore = sum(await readFinished(workerUrls(stack)));
    const acceptedBefore = await readAcceptedTasks(stack.gatewayUrls);
    const { rate, warmupSeconds, durationSeconds, connections } = settings.fixedRate;
    // Steady state at the rate first (pools refilled, the workers' limits settled), as the GET phases warm up.
    await runOpenLoop({ ...base, title: `POST tasks @${rate}/s warm-up (${shape})`, method: 'POST', next: posts, maxSockets: connections, durationSeconds: warmupSeconds, rate });
    const postFixed = await measure(() => runOpenLoop({ ...base, title: `POST tasks @${rate}/s (${shape})`, method: 'POST', next: posts, maxSockets: connections, durationSeconds, rate }));
    log(`${shape}: POST tasks @${rate}/s achieved ${postFixed.result.requestsPerSecond.toFixed(0)}/s, p99 ${postFixed.result.p99} ms`);
    const postMax = await measure(() => runLoad({ ...base, title: `POST tasks max (${shape})`, method: 'POST', next: posts, ...settings.maxPost }));
    log(`${shape}: POST tasks max ${postMax.result.requestsPerSecond.toFixed(0)} req/s, p99 ${postMax.result.p99} ms`);
    // Counted by the servers: autocannon misses answers still in flight when a phase ends.
    const postBacklog = {
      submitted: (await readAcceptedTasks(stack.gatewayUrls)) - acceptedBefore,
      finished: sum(await readFinished(workerUrls(stack))) - finishedBefore,
    };

    const logSummary = summarizeLogs(stack.logDir);
    return { shape, startSeconds, seedSeconds, getSquad, executions, postFixed, postMax, postBacklog, logDir: stack.logDir, logSummary };
  } finally {
    await stop();
  }
}

/** The stack's processes, the infrastructure servers (split shape), and the bench itself (the load generator). */
export function cpuGroups(stack: Stack): CpuGroup[] {
  const groups: CpuGroup[] = [...stack.services.entries()].map(([name, service]) => ({ name, pids: () => [service.pid] }));
  if (stack.shape === 'services') {
    // Only this stack's PostgreSQL backends; Redis and NATS are one shared process each (other users' work counts too).
    groups.push(
      { name: 'postgres', pids: () => pidsByComm('postgres', stack.database) },
      { name: 'redis', pids: () => pidsByComm('redis-server') },
      { name: 'nats', pids: () => pidsByComm('nats-server') },
    );
  }
  groups.push(loadGeneratorGroup());
  return groups;
}

function workerUrls(stack: Stack): string[] {
  return stack.workers.map((worker) => worker.url);
}

/** Each process's own environment: its app's settings.appEnv, and with settings.cpuProfile a V8 CPU profile written into `tmp/profiles/` when it exits gracefully. */
export function serviceEnvOf(settings: BenchSettings): (name: string) => Record<string, string> {
  return (name) => ({
    ...settings.appEnv[name.split('-')[0]!],
    ...(settings.cpuProfile ? { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profiler.js')}`, BENCH_CPU_PROF_DIR: join(REPO_ROOT, 'tmp', 'profiles'), BENCH_CPU_PROF_NAME: name } : {}),
  });
}

import { RedisServerProcess } from '@agent-squad/testing';
import { Redis } from 'ioredis';
import { stackQuery, statusCounts, stepsWithoutOneOutput } from '../support/durability/stack-db';
import { submitSurely } from '../support/durability/submit';
import { mapLimit } from '../support/pool';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

const USERS = 3;
const PER_USER = 20;

/**
 * The row is the truth, Redis may lose jobs (DESIGN §3): FLUSHALL on the
 * Redis that carries the queues (a redis-server of the test's own) while executions are running
 * and others wait in the queue. Every execution still completes, each step stored once.
 */
describe('the job queue losing everything', () => {
  let redis: RedisServerProcess;
  let stack: Stack;
  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    stack = await Stack.start('services', {
      gateways: 1,
      // 8 run at once, so of the 30 admitted (10 per user) most wait as jobs in Redis; a lost job is re-added within about 2.5 s.
      env: { REDIS_URL: redis.url, WORKER_CONCURRENCY: '8', EXECUTION_REDISPATCH_AFTER_MS: '2000', EXECUTION_RECONCILE_EVERY_MS: '500' },
    });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.dispose();
  });

  it('completes every execution after FLUSHALL', async () => {
    const work = [];
    for (let user = 0; user < USERS; user++) {
      const session = await signUp();
      const squad = await createSquad(session, 2, { model: 'offline:800ms' });
      work.push(...Array.from({ length: PER_USER }, (_, index) => ({ session, squadId: squad.id, title: `Flushed ${user}.${index}` })));
    }
    const ids = (await mapLimit(work, 10, ({ session, squadId, title }) => submitSurely(session, squadId, title))).map((task) => task.execution.id);

    const inQueue = () =>
      stackQuery<{ running: number; dispatched: number }>(
        stack,
        `SELECT count(*) FILTER (WHERE e.status = 'running')::int AS running,
                count(*) FILTER (WHERE e.status = 'queued' AND s."executionId" IS NOT NULL)::int AS dispatched
         FROM core.executions e LEFT JOIN core.execution_slots s ON s."executionId" = e.id WHERE e.id = ANY($1::uuid[])`,
        [ids],
      ).then((rows) => rows[0]!);
    await waitUntil('executions running while others wait in the queue', inQueue, ({ running, dispatched }) => running > 0 && dispatched > 0, { timeoutMs: 60_000 });

    const client = new Redis(redis.url);
    try {
      expect(await client.flushall()).toBe('OK');
    } finally {
      client.disconnect();
    }

    await waitUntil('every execution to complete', () => statusCounts(stack, ids), (counts) => (counts['completed'] ?? 0) === ids.length, { timeoutMs: 180_000, intervalMs: 500 });
    expect(await stepsWithoutOneOutput(stack, ids)).toEqual([]);
  }, 300_000);
});

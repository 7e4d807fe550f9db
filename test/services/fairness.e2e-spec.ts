import { submitTask } from '../support/executions';
import { stackQuery } from '../support/durability/stack-db';
import { submitSurely } from '../support/durability/submit';
import { mapLimit } from '../support/pool';
import { signUp, type Session } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

/** How long one of the second user's executions may wait to start, on a loaded 2-core machine (typically well under 1 s). */
const START_BOUND_MS = 10_000;
const LIMIT = 10;

interface Started {
  id: string;
  ownerId: string;
  startedAt: Date | null;
}

const startTimes = (stack: Stack, ids: readonly string[]) =>
  stackQuery<Started>(stack, 'SELECT id, "ownerId", "startedAt" FROM core.executions WHERE id = ANY($1::uuid[])', [ids]);

/**
 * One user's flood cannot starve others. Each user has at most
 * USER_MAX_ACTIVE_EXECUTIONS executions queued for a worker or running; the rest wait in the
 * database, so another user's work goes straight to the workers.
 */
describe('a flood from one user', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1, env: { PLAN_FREE_EXECUTIONS: '5000', USER_MAX_ACTIVE_EXECUTIONS: String(LIMIT), WORKER_CONCURRENCY: '40' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  it(`lets a second user's executions start within ${START_BOUND_MS} ms, not after the first user's backlog`, async () => {
    const flooder = await signUp();
    const slowSquad = await createSquad(flooder, 1, { model: 'offline:3000ms' });
    const flood = await mapLimit(Array.from({ length: 1000 }, (_, index) => index), 20, (index) => submitSurely(flooder, slowSquad.id, `Flood ${index}`));

    const other = await signUp();
    const squad = await createSquad(other, 1);
    const submitted = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const { execution } = await submitTask(other, squad.id, `Mine ${index}`);
        return { id: execution.id, submittedAt: Date.now() };
      }),
    );
    const ids = submitted.map((execution) => execution.id);
    const started = await waitUntil('the second user\'s executions to start', () => startTimes(stack, ids), (rows) => rows.every((row) => row.startedAt !== null), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    for (const row of started) {
      const { submittedAt } = submitted.find((execution) => execution.id === row.id)!;
      expect(row.startedAt!.getTime() - submittedAt).toBeLessThan(START_BOUND_MS);
    }
    // The flood is still mostly waiting, and never had more than its limit at the workers.
    const [backlog] = await stackQuery<{ waiting: number; places: number }>(
      stack,
      `SELECT count(*) FILTER (WHERE status = 'queued')::int AS waiting,
              (SELECT count(*)::int FROM core.execution_slots WHERE "ownerId" = $1::uuid) AS places
       FROM core.executions WHERE "ownerId" = $1::uuid`,
      [flooder.user.id],
    );
    expect(backlog!.waiting).toBeGreaterThan(flood.length / 2);
    expect(backlog!.places).toBeLessThanOrEqual(LIMIT);
  }, 600_000);
});

/** Jobs are taken by plan, pro before free, when they wait for a worker. */
describe('plans waiting for a busy worker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1, env: { WORKER_CONCURRENCY: '4', USER_MAX_ACTIVE_EXECUTIONS: '4' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  async function submitFour(session: Session, model?: string): Promise<string[]> {
    const squad = await createSquad(session, 1, model === undefined ? {} : { model });
    return Promise.all(Array.from({ length: 4 }, async (_, index) => (await submitTask(session, squad.id, `Task ${index}`)).execution.id));
  }

  it('runs the pro user\'s executions before the free user\'s that were queued earlier', async () => {
    const busy = await signUp();
    const free = await signUp();
    const pro = await signUp();
    await stackQuery(stack, `INSERT INTO billing.accounts ("userId", plan, "updatedAt") VALUES ($1::uuid, 'pro', now())`, [pro.user.id]);

    // The worker's four slots are taken, long enough for both users to queue on a loaded host (at
    // 3 s, a blocker once ended before the pro user's jobs were queued); then the free user's jobs
    // queue, then the pro user's.
    const blockers = await submitFour(busy, 'offline:8000ms');
    await waitUntil('the worker to be busy', () => startTimes(stack, blockers), (rows) => rows.every((row) => row.startedAt !== null), { timeoutMs: 30_000, intervalMs: 100 });
    // Slow enough that no slot frees while a pro job still waits: start order is then job order.
    const freeIds = await submitFour(free, 'offline:1500ms');
    const proIds = await submitFour(pro, 'offline:1500ms');
    const queuedBehindBlockers = await startTimes(stack, [...freeIds, ...proIds]);
    expect(queuedBehindBlockers.filter((row) => row.startedAt !== null)).toEqual([]);

    const rows = await waitUntil('all to start', () => startTimes(stack, [...freeIds, ...proIds]), (found) => found.every((row) => row.startedAt !== null), { timeoutMs: 60_000, intervalMs: 100 });
    const latestPro = Math.max(...rows.filter((row) => proIds.includes(row.id)).map((row) => row.startedAt!.getTime()));
    const earliestFree = Math.min(...rows.filter((row) => freeIds.includes(row.id)).map((row) => row.startedAt!.getTime()));
    expect(latestPro).toBeLessThanOrEqual(earliestFree);
  }, 120_000);
});

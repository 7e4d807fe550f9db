import { killAtRandom, type Chaos } from '../support/durability/chaos';
import { stackQuery, statusCounts, stepsWithoutOneOutput } from '../support/durability/stack-db';
import { submitSurely } from '../support/durability/submit';
import { mapLimit } from '../support/pool';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

const EXECUTIONS = 100;
const MEMBERS = 3;

/**
 * Each step is a checkpoint (DESIGN §3): 100 executions of 3 steps while the
 * worker is SIGKILLed at random moments (so at random steps) and started again. All complete, and
 * every (execution, step) has exactly one stored output.
 */
describe('executions while the worker is killed again and again', () => {
  let stack: Stack;
  let chaos: Chaos | undefined;
  beforeAll(async () => {
    // Short leases: a killed worker's executions are taken over within about 2 s.
    stack = await Stack.start('services', {
      gateways: 1,
      env: { JOB_LOCK_MS: '2000', EXECUTION_LEASE_MS: '2000', EXECUTION_RECONCILE_EVERY_MS: '500', USER_MAX_ACTIVE_EXECUTIONS: '25' },
    });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(async () => {
    await chaos?.stop().catch(() => undefined);
    await stack?.stop();
  });

  it('completes every execution with exactly one output per step', async () => {
    const session = await signUp();
    const squad = await createSquad(session, MEMBERS, { model: 'offline:1000ms' });
    const submitted = await mapLimit(Array.from({ length: EXECUTIONS }, (_, index) => index), 10, (index) => submitSurely(session, squad.id, `Survivor ${index}`));
    const ids = submitted.map((task) => task.execution.id);

    chaos = killAtRandom(stack, [[{ name: 'worker', app: 'worker' }]], 1000, 3000);
    // Kill while work is left; the last restart then finishes what remains.
    await waitUntil('most executions to finish under kills', () => statusCounts(stack, ids), (counts) => (counts['completed'] ?? 0) >= EXECUTIONS * 0.8, { timeoutMs: 300_000, intervalMs: 250 });
    const kills = await chaos.stop();
    await waitUntil('every execution to finish', () => statusCounts(stack, ids), (counts) => (counts['completed'] ?? 0) === EXECUTIONS, { timeoutMs: 120_000, intervalMs: 250 });

    expect(kills['worker']).toBeGreaterThanOrEqual(3);
    expect(await stepsWithoutOneOutput(stack, ids)).toEqual([]);
    const [totals] = await stackQuery<{ outputs: number; resumed: number; calls: number }>(
      stack,
      `SELECT (SELECT count(*)::int FROM core.messages WHERE "executionId" = ANY($1::uuid[])) AS outputs,
              (SELECT count(*)::int FROM core.executions WHERE id = ANY($1::uuid[]) AND attempts > 1) AS resumed,
              (SELECT sum("llmCalls")::int FROM core.executions WHERE id = ANY($1::uuid[])) AS calls`,
      [ids],
    );
    expect(totals).toMatchObject({ outputs: EXECUTIONS * MEMBERS, calls: EXECUTIONS * MEMBERS });
    // The kills did land mid-execution: some executions were taken over by the next worker.
    expect(totals!.resumed).toBeGreaterThan(0);
  }, 600_000);
});

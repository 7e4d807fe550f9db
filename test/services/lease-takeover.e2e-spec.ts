import { type Execution } from '@agent-squad/contracts';
import { finished, getExecution, listMessages, submitTask } from '../support/executions';
import { stackQuery, stepsWithoutOneOutput } from '../support/durability/stack-db';
import { metricValue, scrape } from '../support/metrics';
import { signUp } from '../support/session';
import { awaitDone, readEvents } from '../support/sse';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

const LEASE_MS = 2000;
const RECONCILE_MS = 500;
const JOB_LOCK_MS = 2000;
const STEP_MS = 1500;
const MEMBERS = 3;
/**
 * The stated bound (README, EXECUTION_LEASE_MS): a frozen worker's execution is claimed again
 * within the lease plus the reconciler's period (or the queue's stalled-job check, 1.5 × the job
 * lock, whichever brings the job back first), plus the time to take the job. Here:
 * 2 s + 3 s, and 4 s of slack for a loaded 2-core machine. Finishing adds the remaining steps.
 */
const TAKEOVER_BOUND_MS = LEASE_MS + Math.max(RECONCILE_MS, 1.5 * JOB_LOCK_MS) + 4000;

/**
 * Liveness you can prove. A worker frozen with SIGSTOP keeps its process
 * and connections but stops renewing its lease: another worker finishes the execution within the
 * bound, and when the frozen one is resumed every write it tries is refused (fenced by the claim
 * number), so the finished execution stays as it is and no step is stored twice.
 */
describe('a frozen worker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', {
      gateways: 1,
      env: { EXECUTION_LEASE_MS: String(LEASE_MS), EXECUTION_RECONCILE_EVERY_MS: String(RECONCILE_MS), JOB_LOCK_MS: String(JOB_LOCK_MS) },
    });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(async () => {
    stack?.services.get('worker')?.child.kill('SIGCONT');
    await stack?.stop();
  });

  it('loses its execution to another worker within the bound and cannot overwrite it when resumed', async () => {
    const session = await signUp();
    const squad = await createSquad(session, MEMBERS, { model: `offline:${STEP_MS}ms` });
    const { execution } = await submitTask(session, squad.id, 'Freeze me');
    const head = await readEvents(session.api, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect(head.end).toBe('stopped');

    const frozen = stack.service('worker');
    frozen.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    await stack.startService('worker-2', 'worker');
    const events = await awaitDone(session.api, execution.id);
    const tookMs = Date.now() - frozenAt;
    const done: Execution = await getExecution(session, execution.id);
    expect(done.status).toBe('completed');
    expect(tookMs).toBeLessThan(TAKEOVER_BOUND_MS + MEMBERS * STEP_MS);

    frozen.child.kill('SIGCONT');
    // The resumed worker notices (heartbeat or refused write) that its lease is gone.
    await waitUntil('the resumed worker to find its lease taken over', () => scrape(frozen.url), (page) => metricValue(page, 'execution_leases_lost_total') >= 1, { timeoutMs: 30_000, intervalMs: 200 });

    expect(await getExecution(session, execution.id)).toEqual(done);
    expect(await stepsWithoutOneOutput(stack, [execution.id])).toEqual([]);
    expect((await listMessages(session, execution.id)).map((message) => message.seq)).toEqual([1, 2, 3]);
    const stored = await stackQuery<{ type: string }>(stack, 'SELECT type FROM core.execution_events WHERE "executionId" = $1::uuid ORDER BY seq', [execution.id]);
    expect(stored.map((event) => event.type)).toEqual(events.map((event) => event.type));
    expect(stored.filter((event) => event.type === 'done')).toHaveLength(1);
    const [row] = await stackQuery<{ attempts: number }>(stack, 'SELECT attempts FROM core.executions WHERE id = $1::uuid', [execution.id]);
    expect(row!.attempts).toBe(2);
  }, 120_000);
});

/** Per-step and per-execution timeouts end the execution `failed` with a timeout error. */
describe('timeouts', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1, env: { EXECUTION_STEP_TIMEOUT_MS: '1500', EXECUTION_TIMEOUT_MS: '2000' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  it('fails an execution that runs past its timeout', async () => {
    const session = await signUp();
    // Each step is within the step limit, but four of them are not within the execution's.
    const squad = await createSquad(session, 4, { model: 'offline:700ms' });
    const { execution } = await submitTask(session, squad.id, 'Too long overall');
    const done = await finished(session, execution.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^The execution timed out: it ran longer than 2000 ms$/);
    expect(done.steps.filter((step) => step.status === 'completed').length).toBeLessThan(4);
  });

  it('fails an execution whose step runs past the step timeout', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2, { model: 'offline:2500ms' });
    const { execution } = await submitTask(session, squad.id, 'Too long a step');
    const done = await finished(session, execution.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/the step took longer than 1500 ms$/);
    expect(done.steps.map((step) => step.status)).toEqual(['failed', 'skipped']);
  });
});

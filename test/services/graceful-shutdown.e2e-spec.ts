import { finished, listMessages, submitTask } from '../support/executions';
import { stackQuery } from '../support/durability/stack-db';
import { signUp } from '../support/session';
import { readEvents } from '../support/sse';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';

const MEMBERS = 3;
/** Slack for a loaded machine on top of the grace period: closing connections, flushing logs. */
const EXIT_SLACK_MS = 3000;

/**
 * SIGTERM on a worker running an execution. It stops taking jobs, finishes
 * (or, past SHUTDOWN_GRACE_MS, gives up) the running step, hands the execution over and exits 0
 * within the grace period; another worker completes the execution without repeating a finished step.
 */
describe('a worker stopped with SIGTERM mid-execution', () => {
  let stack: Stack;
  afterEach(() => stack?.stop());

  /**
   * Starts a stack with two workers and one execution, then, as soon as its first step is stored
   * (so the second step has just begun), SIGTERM on the worker holding its lease.
   */
  async function terminateMidExecution(graceMs: number, model: string) {
    stack = await Stack.start('services', { gateways: 1, env: { SHUTDOWN_GRACE_MS: String(graceMs) } });
    await stack.startService('worker-2', 'worker');
    process.env.E2E_BASE_URL = stack.baseUrl;
    const session = await signUp();
    const squad = await createSquad(session, MEMBERS, { model });
    const { execution } = await submitTask(session, squad.id, 'Hand me over');
    const head = await readEvents(session.api, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect(head.end).toBe('stopped');
    const [row] = await stackQuery<{ leaseOwner: string }>(stack, 'SELECT "leaseOwner" FROM core.executions WHERE id = $1::uuid', [execution.id]);
    const holder = stack.workers.find((worker) => row!.leaseOwner.endsWith(`:${worker.pid}`));
    if (!holder) throw new Error(`no worker of the stack holds the lease (${row!.leaseOwner})`);

    const sent = Date.now();
    const code = await holder.stop('SIGTERM');
    const exitMs = Date.now() - sent;

    const done = await finished(session, execution.id);
    const [calls] = await stackQuery<{ n: number }>(stack, 'SELECT count(*)::int AS n FROM intelligence.llm_calls WHERE "executionId" = $1::uuid', [execution.id]);
    return { code, exitMs, done, messages: await listMessages(session, execution.id), llmCalls: calls!.n, squad };
  }

  it('finishes the running step within the grace period, exits 0, and another worker does the rest', async () => {
    const graceMs = 8000;
    const { code, exitMs, done, messages, llmCalls, squad } = await terminateMidExecution(graceMs, 'offline:1500ms');

    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(graceMs + EXIT_SLACK_MS);
    expect(done.status).toBe('completed');
    expect(messages.map((message) => message.memberId)).toEqual(squad.members.map((member) => member.id));
    expect(messages.map((message) => message.seq)).toEqual([1, 2, 3]);
    // No agent was asked twice: the step running at SIGTERM was finished before handing over.
    expect(llmCalls).toBe(MEMBERS);
  }, 120_000);

  it('gives up a step that outlasts the grace period, exits 0 in time, and the step runs again elsewhere', async () => {
    const graceMs = 1000;
    const { code, exitMs, done, messages, llmCalls } = await terminateMidExecution(graceMs, 'offline:4000ms');

    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(graceMs + EXIT_SLACK_MS);
    expect(done.status).toBe('completed');
    expect(messages.map((message) => message.seq)).toEqual([1, 2, 3]);
    // Only the abandoned step was asked again; no finished step was.
    expect(llmCalls).toBe(MEMBERS + 1);
  }, 120_000);
});

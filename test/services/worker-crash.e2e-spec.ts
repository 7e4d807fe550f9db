import { type Message } from '@agent-squad/contracts';
import { finished, getExecution, listMessages, submitTask } from '../support/executions';
import { signUp } from '../support/session';
import { readEvents } from '../support/sse';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';

/**
 * DESIGN §3: the execution row is the truth and each step a checkpoint. A worker killed mid-run
 * is replaced; the execution completes and no step's message is stored twice.
 */
describe('a worker killed mid-execution', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Short job lock and lease: the dead worker's execution is taken over within a few seconds.
    stack = await Stack.start('services', { gateways: 1, env: { JOB_LOCK_MS: '2000', EXECUTION_LEASE_MS: '2000', EXECUTION_RECONCILE_EVERY_MS: '500' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  it('is replaced by another worker: the execution completes with one message per step', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 4, { model: 'offline:700ms' });
    const { execution } = await submitTask(session, squad.id, 'Survive a crash');

    // Kill the worker once the first step's message is stored: it is inside the second step now.
    const firstMessage = await readEvents(session.api, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect(firstMessage.end).toBe('stopped');
    await stack.service('worker').stop('SIGKILL');
    const orphaned = await getExecution(session, execution.id);
    expect(orphaned.status).toBe('running');
    expect(orphaned.steps.filter((step) => step.status === 'completed').length).toBeLessThan(4);
    await stack.startService('worker-2', 'worker');

    const done = await finished(session, execution.id);
    expect(done.status).toBe('completed');
    expect(done.steps.map((step) => step.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(done.usage.llmCalls).toBe(4);

    const messages: Message[] = await listMessages(session, execution.id);
    expect(messages.map((message) => message.memberId)).toEqual(squad.members.map((member) => member.id));
    expect(messages.map((message) => message.seq)).toEqual([1, 2, 3, 4]);
  });
});

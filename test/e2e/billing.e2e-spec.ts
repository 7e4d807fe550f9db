import { type Page, type SubmittedTask, type Task } from '@agent-squad/contracts';
import { getUsage, waitForMeteredExecutions } from '../support/billing';
import { finished, runTask, submitTask } from '../support/executions';
import { anIsoDate } from '../support/matchers';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';

const FREE_EXECUTIONS = 10;

describe('billing usage and quota', () => {
  it('shows a new user on the free plan with nothing used', async () => {
    const session = await signUp();

    const usage = await getUsage(session);

    expect(usage).toEqual({
      plan: 'free',
      period: { start: anIsoDate(), end: anIsoDate() },
      executions: 0,
      llmCalls: 0,
      tokens: 0,
      quota: { executions: FREE_EXECUTIONS, tokens: expect.any(Number) },
    });
    expect(usage.quota.tokens).toBeGreaterThan(0);
    expect(Date.parse(usage.period.start)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(usage.period.end)).toBeGreaterThan(Date.now());
  });

  it('meters finished executions: executions, LLM calls and tokens', async () => {
    const session = await signUp();
    const pair = await createSquad(session, 2);
    const trio = await createSquad(session, 3);
    const runs = [await runTask(session, pair.id), await runTask(session, trio.id)];

    const usage = await waitForMeteredExecutions(session, 2);

    const executions = runs.map((run) => run.execution);
    expect(usage.executions).toBe(2);
    expect(usage.llmCalls).toBe(5);
    expect(usage.llmCalls).toBe(executions.reduce((sum, execution) => sum + execution.usage.llmCalls, 0));
    expect(usage.tokens).toBe(executions.reduce((sum, execution) => sum + execution.usage.promptTokens + execution.usage.completionTokens, 0));
  });

  it('answers 402 to tasks and re-runs once the month quota of executions is used', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const submitted: SubmittedTask[] = [];
    for (let i = 0; i < FREE_EXECUTIONS; i += 1) submitted.push(await submitTask(session, squad.id, `task ${i}`));
    await Promise.all(submitted.map((entry) => finished(session, entry.execution.id)));
    await waitForMeteredExecutions(session, FREE_EXECUTIONS);

    expectProblem(await session.api.post(`/v1/squads/${squad.id}/tasks`, { title: 'one more', description: 'over quota' }), 402);
    expectProblem(await session.api.post(`/v1/tasks/${submitted[0]!.task.id}/executions`), 402);

    const tasks = await session.api.get<Page<Task>>(`/v1/squads/${squad.id}/tasks?limit=100`);
    expect(tasks.body.data).toHaveLength(FREE_EXECUTIONS);
    const first = tasks.body.data.find((task) => task.id === submitted[0]!.task.id);
    expect(first?.latestExecutionId).toBe(submitted[0]!.execution.id);
    expect((await getUsage(session)).executions).toBe(FREE_EXECUTIONS);
  });
});

import { type Page, type SubmittedTask, type Task } from '@agent-squad/contracts';
import { finished, getTask, listMessages, rerun, runTask, submitTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { anIsoDate, anUuid, UNKNOWN_ID } from '../support/matchers';
import { readAllPages } from '../support/pagination';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';

describe('tasks and executions', () => {
  it('answers a submitted task at once with a queued execution', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);

    const response = await session.api.post<SubmittedTask>(`/v1/squads/${squad.id}/tasks`, { title: 'Add search', description: 'A search box' });

    expectStatus(response, 202);
    const { task, execution } = response.body;
    expect(task).toEqual({
      id: anUuid(), squadId: squad.id, title: 'Add search', description: 'A search box', status: 'queued', createdAt: anIsoDate(), latestExecutionId: execution.id,
    });
    expect(execution).toEqual(expect.objectContaining({ id: anUuid(), taskId: task.id, squadId: squad.id, status: 'queued', result: null, error: null }));
    expect(execution.usage).toEqual({ llmCalls: 0, promptTokens: 0, completionTokens: 0 });
    await finished(session, execution.id);
  });

  it('runs the members in order and completes with the last agent output as result', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 3);
    const roles = squad.members.map((member) => member.role);

    const { task, execution } = await runTask(session, squad.id, 'Add a search box');

    expect(execution).toEqual(expect.objectContaining({ status: 'completed', error: null, startedAt: anIsoDate(), finishedAt: anIsoDate() }));
    expect(execution.usage.llmCalls).toBe(3);
    expect(execution.usage.promptTokens).toBeGreaterThan(0);
    expect(execution.usage.completionTokens).toBeGreaterThan(0);
    expect(execution.steps).toEqual(
      squad.members.map((member) => ({ memberId: member.id, role: member.role, status: 'completed', startedAt: anIsoDate(), finishedAt: anIsoDate() })),
    );
    const messages = await listMessages(session, execution.id);
    expect(messages.map((message) => [message.seq, message.kind, message.memberId, message.role])).toEqual(
      squad.members.map((member, index) => [index + 1, 'output', member.id, member.role]),
    );
    messages.forEach((message, index) => {
      expect(message.content).toContain('[offline]');
      expect(message.content).toContain(roles[index]);
      expect(message.content).toContain('Add a search box');
      for (const earlier of roles.slice(0, index)) expect(message.content).toContain(earlier);
    });
    expect(execution.result).toBe(messages[2]?.content);
    expect(await getTask(session, task.id)).toEqual({ ...task, status: 'completed', latestExecutionId: execution.id });
  });

  it('re-runs a task as a new execution and points the task at it', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const first = await runTask(session, squad.id);

    const again = await rerun(session, first.task.id);

    expect(again).toEqual(expect.objectContaining({ id: anUuid(), taskId: first.task.id, squadId: squad.id, status: 'queued' }));
    expect(again.id).not.toBe(first.execution.id);
    expect((await getTask(session, first.task.id)).latestExecutionId).toBe(again.id);
    const done = await finished(session, again.id);
    expect(done.status).toBe('completed');
    expect(await getTask(session, first.task.id)).toEqual(expect.objectContaining({ status: 'completed', latestExecutionId: again.id }));
    expect((await finished(session, first.execution.id)).status).toBe('completed');
  });

  it('lists a squad tasks newest first, paged without duplicates or gaps', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const submitted: SubmittedTask[] = [];
    for (const title of ['one', 'two', 'three']) submitted.push(await submitTask(session, squad.id, title));
    const newestFirst = submitted.map((entry) => entry.task.id).reverse();

    const whole = await session.api.get<Page<Task>>(`/v1/squads/${squad.id}/tasks`);
    const paged = await readAllPages<Task>(session.api, `/v1/squads/${squad.id}/tasks`, 2);

    expect(whole.body.data.map((task) => task.id)).toEqual(newestFirst);
    expect(whole.body.nextCursor).toBeNull();
    expect(paged.pages.map((page) => page.data.length)).toEqual([2, 1]);
    expect(paged.items.map((task) => task.id)).toEqual(newestFirst);
    await Promise.all(submitted.map((entry) => finished(session, entry.execution.id)));
  });

  it('pages through an execution messages in seq order', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 3);
    const { execution } = await runTask(session, squad.id);

    const paged = await readAllPages<{ seq: number }>(session.api, `/v1/executions/${execution.id}/messages`, 1);

    expect(paged.items.map((message) => message.seq)).toEqual([1, 2, 3]);
    expect(paged.pages[paged.pages.length - 1]?.nextCursor).toBeNull();
  });

  it('answers 409 to a task for a paused, archived or memberless squad and writes no task', async () => {
    const session = await signUp();
    const paused = await createSquad(session, 1);
    const archived = await createSquad(session, 1);
    const empty = await createSquad(session, 0);
    expectStatus(await session.api.patch(`/v1/squads/${paused.id}`, { status: 'paused' }), 200);
    expectStatus(await session.api.patch(`/v1/squads/${archived.id}`, { status: 'archived' }), 200);

    for (const squad of [paused, archived, empty]) {
      expectProblem(await session.api.post(`/v1/squads/${squad.id}/tasks`, { title: 'Nope', description: 'Should not run' }), 409);
      const tasks = await session.api.get<Page<Task>>(`/v1/squads/${squad.id}/tasks`);
      expect(tasks.body).toEqual({ data: [], nextCursor: null });
    }
  });

  it('answers 404 to unknown tasks and executions', async () => {
    const session = await signUp();

    expectProblem(await session.api.post(`/v1/squads/${UNKNOWN_ID}/tasks`, { title: 't', description: 'd' }), 404);
    expectProblem(await session.api.get(`/v1/squads/${UNKNOWN_ID}/tasks`), 404);
    expectProblem(await session.api.get(`/v1/tasks/${UNKNOWN_ID}`), 404);
    expectProblem(await session.api.post(`/v1/tasks/${UNKNOWN_ID}/executions`), 404);
    expectProblem(await session.api.get(`/v1/executions/${UNKNOWN_ID}`), 404);
    expectProblem(await session.api.get(`/v1/executions/${UNKNOWN_ID}/messages`), 404);
    expectProblem(await session.api.get(`/v1/executions/${UNKNOWN_ID}/events`), 404);
    expectProblem(await session.api.post(`/v1/executions/${UNKNOWN_ID}/cancel`), 404);
  });
});

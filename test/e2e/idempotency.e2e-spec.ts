import { randomUUID } from 'node:crypto';
import { type Execution, type Page, type SubmittedTask, type Task } from '@agent-squad/contracts';
import { waitForMeteredExecutions } from '../support/billing';
import { finished, getTask, runTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { type Session, signUp } from '../support/session';
import { createSquad } from '../support/squads';

const task = { title: 'Write the README', description: 'For the API' };

function submitWithKey(session: Session, squadId: string, key: string) {
  return session.api.post<SubmittedTask>(`/v1/squads/${squadId}/tasks`, task, { headers: { 'idempotency-key': key } });
}

async function listTasks(session: Session, squadId: string): Promise<Task[]> {
  const response = await session.api.get<Page<Task>>(`/v1/squads/${squadId}/tasks`);
  expectStatus(response, 200);
  return response.body.data;
}

describe('Idempotency-Key', () => {
  it('answers a repeated task submission with the first answer and creates nothing new', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const key = randomUUID();

    const first = await submitWithKey(session, squad.id, key);
    const second = await submitWithKey(session, squad.id, key);

    expectStatus(first, 202);
    expectStatus(second, 202);
    expect(second.body.task.id).toBe(first.body.task.id);
    expect(second.body.execution.id).toBe(first.body.execution.id);
    expect(second.body.execution.status).toBe(first.body.execution.status);
    expect((await listTasks(session, squad.id)).map((entry) => entry.id)).toEqual([first.body.task.id]);
    await finished(session, first.body.execution.id);
    expect((await waitForMeteredExecutions(session, 1)).executions).toBe(1);
  });

  it('treats a different key as a new submission', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);

    const first = await submitWithKey(session, squad.id, randomUUID());
    const second = await submitWithKey(session, squad.id, randomUUID());

    expectStatus(second, 202);
    expect(second.body.task.id).not.toBe(first.body.task.id);
    expect(await listTasks(session, squad.id)).toHaveLength(2);
    await Promise.all([first, second].map((answer) => finished(session, answer.body.execution.id)));
  });

  it('keeps the same key of two users independent', async () => {
    const alice = await signUp('Alice');
    const bob = await signUp('Bob');
    const aliceSquad = await createSquad(alice, 1);
    const bobSquad = await createSquad(bob, 1);
    const key = randomUUID();

    const forAlice = await submitWithKey(alice, aliceSquad.id, key);
    const forBob = await submitWithKey(bob, bobSquad.id, key);

    expectStatus(forAlice, 202);
    expectStatus(forBob, 202);
    expect(forBob.body.task.id).not.toBe(forAlice.body.task.id);
    expect(forBob.body.task.squadId).toBe(bobSquad.id);
    expect(await listTasks(bob, bobSquad.id)).toHaveLength(1);
    expect(await listTasks(alice, aliceSquad.id)).toHaveLength(1);
    await finished(alice, forAlice.body.execution.id);
    await finished(bob, forBob.body.execution.id);
  });

  it('answers a repeated re-run with the first execution and starts no other', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const { task: original } = await runTask(session, squad.id);
    const key = randomUUID();
    const rerun = () => session.api.post<Execution>(`/v1/tasks/${original.id}/executions`, undefined, { headers: { 'idempotency-key': key } });

    const first = await rerun();
    const second = await rerun();

    expectStatus(first, 202);
    expectStatus(second, 202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.status).toBe(first.body.status);
    expect((await getTask(session, original.id)).latestExecutionId).toBe(first.body.id);
    await finished(session, first.body.id);
    const usage = await waitForMeteredExecutions(session, 2);
    expect(usage.executions).toBe(2);
  });
});

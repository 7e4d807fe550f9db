import { finished, getTask, listMessages, runTask, submitTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { awaitDone, readEvents } from '../support/sse';
import { createSquad } from '../support/squads';

const SLOW = 'offline:400ms';

describe('cancelling an execution', () => {
  it('stops a running execution at the next step boundary', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 3, { model: SLOW });
    const { task, execution } = await submitTask(session, squad.id);
    const firstOutput = await readEvents(session.api, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect(firstOutput.end).toBe('stopped');

    expectStatus(await session.api.post(`/v1/executions/${execution.id}/cancel`), 202);

    const events = await awaitDone(session.api, execution.id);
    expect(events[events.length - 1]?.data['status']).toBe('cancelled');
    const cancelled = await finished(session, execution.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.finishedAt).toEqual(expect.any(String));
    const messages = await listMessages(session, execution.id);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages.length).toBeLessThan(squad.members.length);
    expect((await getTask(session, task.id)).status).toBe('cancelled');
  });

  it('cancels an execution right after it is submitted', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2, { model: SLOW });
    const { execution } = await submitTask(session, squad.id);

    expectStatus(await session.api.post(`/v1/executions/${execution.id}/cancel`), 202);

    expect((await finished(session, execution.id)).status).toBe('cancelled');
    expect((await listMessages(session, execution.id)).length).toBeLessThan(squad.members.length);
  });

  it('answers 409 to cancelling a finished execution and leaves it as it was', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const { execution } = await runTask(session, squad.id);

    expectProblem(await session.api.post(`/v1/executions/${execution.id}/cancel`), 409);

    expect(await finished(session, execution.id)).toEqual(execution);
  });

  it('answers 409 to cancelling an execution twice', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2, { model: SLOW });
    const { execution } = await submitTask(session, squad.id);
    expectStatus(await session.api.post(`/v1/executions/${execution.id}/cancel`), 202);
    const cancelled = await finished(session, execution.id);

    expectProblem(await session.api.post(`/v1/executions/${execution.id}/cancel`), 409);

    expect(await finished(session, execution.id)).toEqual(cancelled);
  });
});

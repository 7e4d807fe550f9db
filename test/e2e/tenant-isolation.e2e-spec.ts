import { type ApiKeySummary, type CreatedApiKey, type Execution, type Page, type Squad, type Task } from '@agent-squad/contracts';
import { finished, listMessages, runTask, submitTask } from '../support/executions';
import { Api, expectStatus, type HttpResponse } from '../support/http';
import { expectProblem } from '../support/problem';
import { type Session, signUp } from '../support/session';
import { createSquad } from '../support/squads';

/** Alice's data: a squad with two members, a finished execution and an API key. */
interface World {
  alice: Session;
  squad: Squad;
  task: Task;
  execution: Execution;
  key: CreatedApiKey;
}

async function aliceWorld(): Promise<World> {
  const alice = await signUp('Alice');
  const squad = await createSquad(alice, 2);
  const { task, execution } = await runTask(alice, squad.id);
  const key = await alice.api.post<CreatedApiKey>('/v1/api-keys', { name: 'alice key' });
  expectStatus(key, 201);
  return { alice, squad, task, execution, key: key.body };
}

/** Everything Alice can read about her data, to compare before and after Bob's attempts. */
async function snapshot({ alice, squad, task, execution }: World) {
  const read = async <T>(path: string) => {
    const response = await alice.api.get<T>(path);
    expectStatus(response, 200);
    return response.body;
  };
  return {
    squad: await read<Squad>(`/v1/squads/${squad.id}`),
    tasks: await read<Page<Task>>(`/v1/squads/${squad.id}/tasks`),
    task: await read<Task>(`/v1/tasks/${task.id}`),
    execution: await read<Execution>(`/v1/executions/${execution.id}`),
    messages: await listMessages(alice, execution.id),
    keys: (await read<Page<ApiKeySummary>>('/v1/api-keys')).data.map((key) => key.id),
  };
}

type Attempt = (bob: Api, world: World) => Promise<HttpResponse>;

const attempts: [string, Attempt][] = [
  ['GET /v1/squads/:id', (bob, w) => bob.get(`/v1/squads/${w.squad.id}`)],
  ['PATCH /v1/squads/:id', (bob, w) => bob.patch(`/v1/squads/${w.squad.id}`, { name: 'hijacked', status: 'paused' })],
  ['DELETE /v1/squads/:id', (bob, w) => bob.delete(`/v1/squads/${w.squad.id}`)],
  ['POST /v1/squads/:id/members', (bob, w) => bob.post(`/v1/squads/${w.squad.id}/members`, { role: 'designer' })],
  ['PATCH /v1/squads/:id/members/:memberId', (bob, w) => bob.patch(`/v1/squads/${w.squad.id}/members/${w.squad.members[0]!.id}`, { name: 'hijacked' })],
  ['DELETE /v1/squads/:id/members/:memberId', (bob, w) => bob.delete(`/v1/squads/${w.squad.id}/members/${w.squad.members[0]!.id}`)],
  ['GET /v1/squads/:id/tasks', (bob, w) => bob.get(`/v1/squads/${w.squad.id}/tasks`)],
  ['POST /v1/squads/:id/tasks', (bob, w) => bob.post(`/v1/squads/${w.squad.id}/tasks`, { title: 'hijack', description: 'run on Alice' })],
  ['GET /v1/tasks/:id', (bob, w) => bob.get(`/v1/tasks/${w.task.id}`)],
  ['POST /v1/tasks/:id/executions', (bob, w) => bob.post(`/v1/tasks/${w.task.id}/executions`)],
  ['GET /v1/executions/:id', (bob, w) => bob.get(`/v1/executions/${w.execution.id}`)],
  ['GET /v1/executions/:id/messages', (bob, w) => bob.get(`/v1/executions/${w.execution.id}/messages`)],
  ['GET /v1/executions/:id/events', (bob, w) => bob.get(`/v1/executions/${w.execution.id}/events`, { headers: { accept: 'text/event-stream' } })],
  ['POST /v1/executions/:id/cancel', (bob, w) => bob.post(`/v1/executions/${w.execution.id}/cancel`)],
  ['DELETE /v1/api-keys/:id', (bob, w) => bob.delete(`/v1/api-keys/${w.key.id}`)],
  ['POST /v1/squads/:id/integrations', (bob, w) => bob.post(`/v1/squads/${w.squad.id}/integrations`, { kind: 'github', target: `bob/hijack-${w.squad.id}`, secret: 'a-webhook-secret-of-length' })],
];

describe('tenant isolation', () => {
  it.each(attempts)("answers 404 to another user's %s and changes nothing", async (_name, attempt) => {
    const world = await aliceWorld();
    const before = await snapshot(world);
    const bob = await signUp('Bob');

    expectProblem(await attempt(bob.api, world), 404);

    expect(await snapshot(world)).toEqual(before);
    expectStatus(await new Api(world.key.key).get('/v1/me'), 200);
    const bobSquads = await bob.api.get<Page<Squad>>('/v1/squads');
    expect(bobSquads.body).toEqual({ data: [], nextCursor: null });
  });

  it("lists show no other user's squads, tasks or keys", async () => {
    const world = await aliceWorld();
    const bob = await signUp('Bob');
    const bobSquad = await createSquad(bob, 1);

    const squads = await bob.api.get<Page<Squad>>('/v1/squads');
    const keys = await bob.api.get<Page<ApiKeySummary>>('/v1/api-keys');

    expect(squads.body.data.map((squad) => squad.id)).toEqual([bobSquad.id]);
    expect(keys.body).toEqual({ data: [], nextCursor: null });
    const aliceSquads = await world.alice.api.get<Page<Squad>>('/v1/squads');
    expect(aliceSquads.body.data.map((squad) => squad.id)).toEqual([world.squad.id]);
  });

  it("cannot cancel another user's running execution", async () => {
    const alice = await signUp('Alice');
    const bob = await signUp('Bob');
    const squad = await createSquad(alice, 2, { model: 'offline:300ms' });
    const { execution } = await submitTask(alice, squad.id);

    expectProblem(await bob.api.post(`/v1/executions/${execution.id}/cancel`), 404);

    expect((await finished(alice, execution.id)).status).toBe('completed');
  });
});

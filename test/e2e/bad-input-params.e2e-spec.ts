import { type Squad } from '@agent-squad/contracts';
import { finished, submitTask } from '../support/executions';
import { type Api, expectStatus, type HttpResponse, type Method } from '../support/http';
import { expectProblem } from '../support/problem';
import { type Session, signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { readState } from '../support/state';

const BAD = 'not-a-uuid';

type Call = (api: Api, squad: Squad) => Promise<HttpResponse>;

const malformedIds: [string, Call][] = [
  ['GET /v1/squads/:id', (api) => api.get(`/v1/squads/${BAD}`)],
  ['PATCH /v1/squads/:id', (api) => api.patch(`/v1/squads/${BAD}`, { name: 'x' })],
  ['DELETE /v1/squads/:id', (api) => api.delete(`/v1/squads/${BAD}`)],
  ['POST /v1/squads/:id/members', (api) => api.post(`/v1/squads/${BAD}/members`, { role: 'designer' })],
  ['PATCH /v1/squads/:id/members/:memberId (bad squad id)', (api, s) => api.patch(`/v1/squads/${BAD}/members/${s.members[0]!.id}`, { name: 'x' })],
  ['PATCH /v1/squads/:id/members/:memberId (bad member id)', (api, s) => api.patch(`/v1/squads/${s.id}/members/${BAD}`, { name: 'x' })],
  ['DELETE /v1/squads/:id/members/:memberId (bad member id)', (api, s) => api.delete(`/v1/squads/${s.id}/members/${BAD}`)],
  ['GET /v1/squads/:id/tasks', (api) => api.get(`/v1/squads/${BAD}/tasks`)],
  ['POST /v1/squads/:id/tasks', (api) => api.post(`/v1/squads/${BAD}/tasks`, { title: 't', description: 'd' })],
  ['GET /v1/tasks/:id', (api) => api.get(`/v1/tasks/${BAD}`)],
  ['POST /v1/tasks/:id/executions', (api) => api.post(`/v1/tasks/${BAD}/executions`)],
  ['GET /v1/executions/:id', (api) => api.get(`/v1/executions/${BAD}`)],
  ['GET /v1/executions/:id/messages', (api) => api.get(`/v1/executions/${BAD}/messages`)],
  ['GET /v1/executions/:id/events', (api) => api.get(`/v1/executions/${BAD}/events`)],
  ['POST /v1/executions/:id/cancel', (api) => api.post(`/v1/executions/${BAD}/cancel`)],
  ['DELETE /v1/api-keys/:id', (api) => api.delete(`/v1/api-keys/${BAD}`)],
];

const invalidFields: [string, (s: Squad) => [Method, string, unknown], string][] = [
  ['an unknown role in a new squad', () => ['POST', '/v1/squads', { name: 'x', members: [{ role: 'wizard' }] }], 'members.0.role'],
  ['an unknown role in a new member', (s) => ['POST', `/v1/squads/${s.id}/members`, { role: 'wizard' }], 'role'],
  ['an unknown role in a member patch', (s) => ['PATCH', `/v1/squads/${s.id}/members/${s.members[0]!.id}`, { role: 'wizard' }], 'role'],
  ['an unknown squad status', (s) => ['PATCH', `/v1/squads/${s.id}`, { status: 'deleted' }], 'status'],
  ['a blank squad name', () => ['POST', '/v1/squads', { name: '   ' }], 'name'],
  ['a squad name over 200 characters', () => ['POST', '/v1/squads', { name: 'n'.repeat(201) }], 'name'],
  ['more than 20 members', () => ['POST', '/v1/squads', { name: 'x', members: Array.from({ length: 21 }, () => ({ role: 'designer' })) }], 'members'],
  ['a blank task title', (s) => ['POST', `/v1/squads/${s.id}/tasks`, { title: ' ', description: 'd' }], 'title'],
  ['a task title over 500 characters', (s) => ['POST', `/v1/squads/${s.id}/tasks`, { title: 't'.repeat(501), description: 'd' }], 'title'],
  ['a malformed model name', (s) => ['POST', `/v1/squads/${s.id}/members`, { role: 'designer', model: 'no spaces allowed' }], 'model'],
];

async function fixture(): Promise<{ session: Session; squad: Squad }> {
  const session = await signUp();
  return { session, squad: await createSquad(session, 2) };
}

describe('malformed ids in the path', () => {
  it.each(malformedIds)('%s answers 400 and writes nothing', async (_name, call) => {
    const { session, squad } = await fixture();
    const before = await readState(session);

    expectProblem(await call(session.api, squad), 400);

    expect(await readState(session)).toEqual(before);
  });
});

describe('invalid field values', () => {
  it.each(invalidFields)('%s answers 400 naming the field and writes nothing', async (_name, build, field) => {
    const { session, squad } = await fixture();
    const before = await readState(session);
    const [method, path, body] = build(squad);

    expectProblem(await session.api.send(method, path, { json: body }), 400, field);

    expect(await readState(session)).toEqual(before);
  });
});

describe('list limits', () => {
  const lists: [string, (squadId: string, executionId: string) => string][] = [
    ['GET /v1/squads', () => '/v1/squads'],
    ['GET /v1/squads/:id/tasks', (squadId) => `/v1/squads/${squadId}/tasks`],
    ['GET /v1/executions/:id/messages', (_squadId, executionId) => `/v1/executions/${executionId}/messages`],
    ['GET /v1/api-keys', () => '/v1/api-keys'],
  ];

  it.each(lists)('%s accepts limit 1..100 and answers 400 otherwise', async (_name, pathOf) => {
    const { session, squad } = await fixture();
    const { execution } = await submitTask(session, squad.id);
    await finished(session, execution.id);
    const path = pathOf(squad.id, execution.id);

    for (const limit of ['1', '100']) expectStatus(await session.api.get(`${path}?limit=${limit}`), 200);
    for (const limit of ['0', '101', '-1', 'abc', '1.5']) expectProblem(await session.api.get(`${path}?limit=${limit}`), 400, 'limit');
  });
});

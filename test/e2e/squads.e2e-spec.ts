import { type Page, type Squad } from '@agent-squad/contracts';
import { expectStatus } from '../support/http';
import { anIsoDate, anUuid, UNKNOWN_ID } from '../support/matchers';
import { readAllPages } from '../support/pagination';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';

describe('squads', () => {
  it('creates a squad with its members in order, with defaults filled in', async () => {
    const session = await signUp();
    const body = {
      name: 'Checkout team',
      description: 'Builds checkout',
      members: [
        { role: 'project_manager' },
        { role: 'backend_developer', name: 'Bea', systemPrompt: 'Write Go.', model: 'offline', tools: ['search_docs'] },
      ],
    };

    const response = await session.api.post<Squad>('/v1/squads', body);

    expectStatus(response, 201);
    expect(response.body).toEqual({
      id: anUuid(),
      name: 'Checkout team',
      description: 'Builds checkout',
      status: 'active',
      members: [
        { id: anUuid(), role: 'project_manager', name: expect.any(String), model: 'offline', systemPrompt: null, tools: [] },
        { id: anUuid(), role: 'backend_developer', name: 'Bea', model: 'offline', systemPrompt: 'Write Go.', tools: ['search_docs'] },
      ],
      createdAt: anIsoDate(),
      updatedAt: anIsoDate(),
    });
    const fetched = await session.api.get<Squad>(`/v1/squads/${response.body.id}`);
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(response.body);
  });

  it('creates a squad without a description or members', async () => {
    const session = await signUp();

    const response = await session.api.post<Squad>('/v1/squads', { name: 'Empty' });

    expectStatus(response, 201);
    expect(response.body).toEqual(expect.objectContaining({ name: 'Empty', description: null, status: 'active', members: [] }));
  });

  it('lists a new user no squads', async () => {
    const session = await signUp();

    const response = await session.api.get<Page<Squad>>('/v1/squads');

    expectStatus(response, 200);
    expect(response.body).toEqual({ data: [], nextCursor: null });
  });

  it('lists squads newest first and pages through all of them without duplicates or gaps', async () => {
    const session = await signUp();
    const created: Squad[] = [];
    for (let i = 0; i < 5; i += 1) created.push(await createSquad(session, 1, { name: `squad ${i}` }));
    const newestFirst = created.map((squad) => squad.id).reverse();

    const whole = await session.api.get<Page<Squad>>('/v1/squads');
    const paged = await readAllPages<Squad>(session.api, '/v1/squads', 2);

    expectStatus(whole, 200);
    expect(whole.body.data.map((squad) => squad.id)).toEqual(newestFirst);
    expect(whole.body.nextCursor).toBeNull();
    expect(paged.pages.map((page) => page.data.length)).toEqual([2, 2, 1]);
    expect(paged.items.map((squad) => squad.id)).toEqual(newestFirst);
    expect(paged.pages[2]?.nextCursor).toBeNull();
  });

  it('patches name, description and status, and the next read shows the change', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);

    const patched = await session.api.patch<Squad>(`/v1/squads/${squad.id}`, { name: 'Renamed', description: 'New goal', status: 'paused' });

    expectStatus(patched, 200);
    expect(patched.body).toEqual({ ...squad, name: 'Renamed', description: 'New goal', status: 'paused', updatedAt: anIsoDate() });
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(squad.updatedAt));
    const fetched = await session.api.get<Squad>(`/v1/squads/${squad.id}`);
    expect(fetched.body).toEqual(patched.body);

    const archived = await session.api.patch<Squad>(`/v1/squads/${squad.id}`, { status: 'archived' });
    expectStatus(archived, 200);
    expect((await session.api.get<Squad>(`/v1/squads/${squad.id}`)).body.status).toBe('archived');
  });

  it('deletes a squad: 204, then 404 and gone from the list', async () => {
    const session = await signUp();
    const kept = await createSquad(session, 1);
    const doomed = await createSquad(session, 1);

    expectStatus(await session.api.delete(`/v1/squads/${doomed.id}`), 204);

    expectProblem(await session.api.get(`/v1/squads/${doomed.id}`), 404);
    expectProblem(await session.api.delete(`/v1/squads/${doomed.id}`), 404);
    const list = await session.api.get<Page<Squad>>('/v1/squads');
    expect(list.body.data.map((squad) => squad.id)).toEqual([kept.id]);
  });

  it('answers 404 to an unknown squad id', async () => {
    const session = await signUp();

    expectProblem(await session.api.get(`/v1/squads/${UNKNOWN_ID}`), 404);
    expectProblem(await session.api.patch(`/v1/squads/${UNKNOWN_ID}`, { name: 'x' }), 404);
    expectProblem(await session.api.delete(`/v1/squads/${UNKNOWN_ID}`), 404);
  });
});

import { type ApiKeySummary, type CreatedApiKey, type Page, type Squad, type User } from '@agent-squad/contracts';
import { Api, expectStatus } from '../support/http';
import { anUuid, UNKNOWN_ID } from '../support/matchers';
import { expectProblem } from '../support/problem';
import { type Session, signUp } from '../support/session';

async function createKey(session: Session, name = 'ci'): Promise<CreatedApiKey> {
  const response = await session.api.post<CreatedApiKey>('/v1/api-keys', { name });
  expectStatus(response, 201);
  return response.body;
}

async function listKeys(session: Session): Promise<ApiKeySummary[]> {
  const response = await session.api.get<Page<ApiKeySummary>>('/v1/api-keys');
  expectStatus(response, 200);
  return response.body.data;
}

describe('api keys', () => {
  it('creates a key shown once, which authenticates as its user', async () => {
    const session = await signUp();

    const created = await createKey(session, 'deploy bot');

    expect(created).toEqual(expect.objectContaining({ id: anUuid(), name: 'deploy bot', key: expect.stringMatching(/^asq_/) }));
    const viaKey = new Api(created.key);
    const me = await viaKey.get<User>('/v1/me');
    expectStatus(me, 200);
    expect(me.body).toEqual(session.user);
    const squad = await viaKey.post<Squad>('/v1/squads', { name: 'made with a key', members: [{ role: 'tech_lead' }] });
    expectStatus(squad, 201);
    expectStatus(await session.api.get(`/v1/squads/${squad.body.id}`), 200);
  });

  it('lists keys without their secrets', async () => {
    const session = await signUp();
    const first = await createKey(session, 'first');
    const second = await createKey(session, 'second');

    const listed = await listKeys(session);

    expect(listed.map((key) => key.id).sort()).toEqual([first.id, second.id].sort());
    for (const key of listed) {
      expect(key).not.toHaveProperty('key');
      expect(JSON.stringify(key)).not.toContain(first.key);
      expect(JSON.stringify(key)).not.toContain(second.key);
    }
    expect(listed.find((key) => key.id === first.id)?.name).toBe('first');
  });

  it('revokes a key at once: 204, then the key answers 401 and leaves the list', async () => {
    const session = await signUp();
    const kept = await createKey(session, 'kept');
    const revoked = await createKey(session, 'revoked');
    expectStatus(await new Api(revoked.key).get('/v1/me'), 200);

    const deletion = await session.api.delete(`/v1/api-keys/${revoked.id}`);

    expectStatus(deletion, 204);
    expectProblem(await new Api(revoked.key).get('/v1/me'), 401);
    expectStatus(await new Api(kept.key).get('/v1/me'), 200);
    expectStatus(await session.api.get('/v1/me'), 200);
    expect((await listKeys(session)).map((key) => key.id)).toEqual([kept.id]);
  });

  it('answers 404 to deleting an unknown or already deleted key', async () => {
    const session = await signUp();
    const key = await createKey(session);
    expectStatus(await session.api.delete(`/v1/api-keys/${key.id}`), 204);

    expectProblem(await session.api.delete(`/v1/api-keys/${key.id}`), 404);
    expectProblem(await session.api.delete(`/v1/api-keys/${UNKNOWN_ID}`), 404);
  });
});

import { type Member, type Squad } from '@agent-squad/contracts';
import { expectStatus } from '../support/http';
import { anUuid, UNKNOWN_ID } from '../support/matchers';
import { expectProblem } from '../support/problem';
import { type Session, signUp } from '../support/session';
import { createSquad } from '../support/squads';

async function getSquad(session: Session, id: string): Promise<Squad> {
  const response = await session.api.get<Squad>(`/v1/squads/${id}`);
  expectStatus(response, 200);
  return response.body;
}

describe('squad members', () => {
  it('adds a member at the end of the working order', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);

    const added = await session.api.post<Member>(`/v1/squads/${squad.id}/members`, { role: 'qa_tester', name: 'Quinn', tools: ['run_tests'] });

    expectStatus(added, 201);
    expect(added.body).toEqual({ id: anUuid(), role: 'qa_tester', name: 'Quinn', model: 'offline', systemPrompt: null, tools: ['run_tests'] });
    const after = await getSquad(session, squad.id);
    expect(after.members).toEqual([...squad.members, added.body]);
  });

  it('patches any member field and the squad shows it', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const target = squad.members[1]!;
    const patch = { role: 'devops_engineer', name: 'Dev', systemPrompt: 'Ship it.', model: 'offline:10ms', tools: ['deploy'] };

    const patched = await session.api.patch<Member>(`/v1/squads/${squad.id}/members/${target.id}`, patch);

    expectStatus(patched, 200);
    expect(patched.body).toEqual({ id: target.id, ...patch });
    expect((await getSquad(session, squad.id)).members).toEqual([squad.members[0], patched.body]);
  });

  it('deletes a member and keeps the order of the others', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 3);
    const [first, middle, last] = squad.members;

    expectStatus(await session.api.delete(`/v1/squads/${squad.id}/members/${middle!.id}`), 204);

    expect((await getSquad(session, squad.id)).members).toEqual([first, last]);
    expectProblem(await session.api.delete(`/v1/squads/${squad.id}/members/${middle!.id}`), 404);
  });

  it('answers 404 to an unknown member, or a member of another squad, and changes nothing', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const other = await createSquad(session, 1);
    const foreign = other.members[0]!.id;

    for (const memberId of [UNKNOWN_ID, foreign]) {
      expectProblem(await session.api.patch(`/v1/squads/${squad.id}/members/${memberId}`, { name: 'x' }), 404);
      expectProblem(await session.api.delete(`/v1/squads/${squad.id}/members/${memberId}`), 404);
    }
    expectProblem(await session.api.post(`/v1/squads/${UNKNOWN_ID}/members`, { role: 'designer' }), 404);

    expect(await getSquad(session, squad.id)).toEqual(squad);
    expect(await getSquad(session, other.id)).toEqual(other);
  });
});

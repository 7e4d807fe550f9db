import { randomUUID } from 'node:crypto';
import { type AuthResult } from '@agent-squad/contracts';
import { Api, expectStatus } from '../test/support/http';
import { type Session } from '../test/support/session';
import { createSquad } from '../test/support/squads';
import { mapLimit } from '../test/support/pool';

/** A squad the bench loads, with its owner's token. */
export interface SeededSquad {
  token: string;
  squadId: string;
  session: Session;
}

/**
 * Signs up `users` users with `squadsPerUser` squads of `members` members each, so load spreads over
 * many owners and squads (no single row or user is a hotspot). test/support's signUp reads the base
 * URL from the environment; here the base is explicit.
 */
export async function seedSquads(baseUrl: string, users: number, squadsPerUser: number, members: number): Promise<SeededSquad[]> {
  const anonymous = new Api(undefined, baseUrl);
  const sessions = await mapLimit(Array.from({ length: users }), 8, async (_, index) => {
    const email = `bench-${index}-${randomUUID()}@example.com`;
    const password = `pw-${randomUUID()}`;
    const response = await anonymous.post<AuthResult>('/v1/auth/signup', { email, password, name: `Bench ${index}` });
    expectStatus(response, 201);
    const { user, accessToken } = response.body;
    return { user, token: accessToken, email, password, api: new Api(accessToken, baseUrl) } satisfies Session;
  });
  const slots = sessions.flatMap((session) => Array.from({ length: squadsPerUser }, (_, index) => ({ session, index })));
  return mapLimit(slots, 8, async ({ session, index }) => {
    const squad = await createSquad(session, members, { name: `Bench squad ${index}` });
    return { token: session.token, squadId: squad.id, session };
  });
}

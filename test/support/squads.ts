import { AGENT_ROLES, type CreateMemberInput, type Squad } from '@agent-squad/contracts';
import { expectStatus } from './http';
import { type Session } from './session';

export interface SquadOptions {
  name?: string;
  description?: string;
  /** The model of every generated member, e.g. `offline:400ms` for slow steps. */
  model?: string;
}

/** `n` members with the first `n` roles, in order: the order they work in. */
export function members(n: number, model?: string): CreateMemberInput[] {
  if (n > AGENT_ROLES.length) throw new Error(`at most ${AGENT_ROLES.length} distinct roles`);
  return AGENT_ROLES.slice(0, n).map((role) => (model === undefined ? { role } : { role, model }));
}

export async function createSquad(session: Session, memberSpec: number | CreateMemberInput[], options: SquadOptions = {}): Promise<Squad> {
  const body = {
    name: options.name ?? 'E2E squad',
    ...(options.description === undefined ? {} : { description: options.description }),
    members: typeof memberSpec === 'number' ? members(memberSpec, options.model) : memberSpec,
  };
  const response = await session.api.post<Squad>('/v1/squads', body);
  expectStatus(response, 201);
  return response.body;
}

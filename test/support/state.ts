import { type ApiKeySummary, type Page, type Squad, type Task, type User } from '@agent-squad/contracts';
import { expectStatus } from './http';
import { type Session } from './session';

/** What a user can read of their own data: compared before and after a refused request. */
export interface UserState {
  me: User;
  squads: Squad[];
  tasks: Record<string, Task[]>;
  keys: ApiKeySummary[];
}

export async function readState(session: Session): Promise<UserState> {
  const read = async <T>(path: string): Promise<T> => {
    const response = await session.api.get<T>(path);
    expectStatus(response, 200);
    return response.body;
  };
  const squads = (await read<Page<Squad>>('/v1/squads?limit=100')).data;
  const tasks: Record<string, Task[]> = {};
  for (const squad of squads) tasks[squad.id] = (await read<Page<Task>>(`/v1/squads/${squad.id}/tasks?limit=100`)).data;
  return {
    me: await read<User>('/v1/me'),
    squads: await Promise.all(squads.map((squad) => read<Squad>(`/v1/squads/${squad.id}`))),
    tasks,
    keys: (await read<Page<ApiKeySummary>>('/v1/api-keys?limit=100')).data,
  };
}

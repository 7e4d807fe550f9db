import { randomUUID } from 'node:crypto';
import { type AuthResult, type User } from '@agent-squad/contracts';
import { Api, expectStatus } from './http';

/** A signed-up user with an authenticated client. */
export interface Session {
  user: User;
  token: string;
  email: string;
  password: string;
  api: Api;
}

export const anonymous = new Api();

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID()}@example.com`;
}

/** Signs up a fresh user (random email), so every test owns its data. */
export async function signUp(name = 'E2E User'): Promise<Session> {
  const email = uniqueEmail();
  const password = `pw-${randomUUID()}`;
  const response = await anonymous.post<AuthResult>('/v1/auth/signup', { email, password, name });
  expectStatus(response, 201);
  const { user, accessToken } = response.body;
  return { user, token: accessToken, email, password, api: new Api(accessToken) };
}

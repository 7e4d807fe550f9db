import { type AuthResult, type User } from '@agent-squad/contracts';
import { Api, expectStatus } from '../support/http';
import { anIsoDate, anUuid } from '../support/matchers';
import { expectProblem } from '../support/problem';
import { anonymous, signUp, uniqueEmail } from '../support/session';

describe('auth', () => {
  it('signs up a user on the free plan and answers a token that works', async () => {
    const email = uniqueEmail();
    const response = await anonymous.post<AuthResult>('/v1/auth/signup', { email, password: 'correct horse', name: 'Ada' });

    expectStatus(response, 201);
    expect(response.body.user).toEqual({ id: anUuid(), email, name: 'Ada', plan: 'free', createdAt: anIsoDate() });
    expect(response.body.accessToken).toEqual(expect.any(String));
    expect(response.text).not.toContain('correct horse');

    const me = await new Api(response.body.accessToken).get<User>('/v1/me');
    expectStatus(me, 200);
    expect(me.body).toEqual(response.body.user);
  });

  it('logs in with the right password and the token reads /v1/me', async () => {
    const session = await signUp('Grace');

    const login = await anonymous.post<AuthResult>('/v1/auth/login', { email: session.email, password: session.password });

    expectStatus(login, 200);
    expect(login.body.user).toEqual(session.user);
    const me = await new Api(login.body.accessToken).get<User>('/v1/me');
    expectStatus(me, 200);
    expect(me.body.id).toBe(session.user.id);
  });

  it('answers 401 to a wrong password and to an unknown email', async () => {
    const session = await signUp();

    expectProblem(await anonymous.post('/v1/auth/login', { email: session.email, password: 'wrong password' }), 401);
    expectProblem(await anonymous.post('/v1/auth/login', { email: uniqueEmail('nobody'), password: session.password }), 401);
  });

  it('answers 409 to a taken email and keeps the first account as it was', async () => {
    const session = await signUp('First');

    const again = await anonymous.post('/v1/auth/signup', { email: session.email, password: 'another password', name: 'Second' });

    expectProblem(again, 409);
    expectProblem(await anonymous.post('/v1/auth/login', { email: session.email, password: 'another password' }), 401);
    const login = await anonymous.post<AuthResult>('/v1/auth/login', { email: session.email, password: session.password });
    expectStatus(login, 200);
    expect(login.body.user).toEqual(session.user);
  });

  it('answers 401 without a token, with a garbage token, a tampered JWT or another scheme', async () => {
    const session = await signUp();
    const tampered = session.token.slice(0, -4) + (session.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');

    expectProblem(await anonymous.get('/v1/me'), 401);
    expectProblem(await anonymous.get('/v1/me', { token: 'not-a-token' }), 401);
    expectProblem(await anonymous.get('/v1/me', { token: tampered }), 401);
    expectProblem(await anonymous.get('/v1/me', { token: 'asq_notARealKey' }), 401);
    expectProblem(await anonymous.get('/v1/me', { headers: { authorization: `Basic ${session.token}` } }), 401);
  });

  it('does not create a user when signup is refused', async () => {
    const email = uniqueEmail();

    expectProblem(await anonymous.post('/v1/auth/signup', { email, password: 'short', name: 'Shorty' }), 400, 'password');

    expectProblem(await anonymous.post('/v1/auth/login', { email, password: 'short' }), 401);
    const signup = await anonymous.post('/v1/auth/signup', { email, password: 'long enough now', name: 'Shorty' });
    expectStatus(signup, 201);
  });
});

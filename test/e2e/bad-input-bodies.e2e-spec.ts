import { randomUUID } from 'node:crypto';
import { type Squad } from '@agent-squad/contracts';
import { type Method, type SendOptions } from '../support/http';
import { expectProblem } from '../support/problem';
import { anonymous, type Session, signUp, uniqueEmail } from '../support/session';
import { createSquad } from '../support/squads';
import { readState } from '../support/state';

interface Fixture {
  session: Session;
  squad: Squad;
}

interface JsonEndpoint {
  name: string;
  method: Method;
  path: (f: Fixture) => string;
  anonymous?: boolean;
  /** Checks beyond the user's own data that the refused request wrote nothing. */
  wroteNothing?: () => Promise<void>;
  valid: Record<string, unknown>;
  /** A body without a required field (or with none at all), and the field `errors` must name. */
  missing: [Record<string, unknown>, string | undefined];
  /** A body with a wrongly typed field, and that field. */
  wrongType: [Record<string, unknown>, string];
}

const signupEmail = uniqueEmail('refused');
const refusedRepo = `acme/refused-${randomUUID()}`;
const password = 'a fine password';

const endpoints: JsonEndpoint[] = [
  {
    name: 'POST /v1/auth/signup', method: 'POST', path: () => '/v1/auth/signup', anonymous: true,
    valid: { email: signupEmail, password, name: 'Refused' },
    wroteNothing: async () => {
      expectProblem(await anonymous.post('/v1/auth/login', { email: signupEmail, password }), 401);
    },
    missing: [{ email: signupEmail, password }, 'name'],
    wrongType: [{ email: signupEmail, password: 12345678, name: 'Refused' }, 'password'],
  },
  {
    name: 'POST /v1/auth/login', method: 'POST', path: () => '/v1/auth/login', anonymous: true,
    valid: { email: signupEmail, password },
    missing: [{ email: signupEmail }, 'password'],
    wrongType: [{ email: 42, password }, 'email'],
  },
  {
    name: 'POST /v1/api-keys', method: 'POST', path: () => '/v1/api-keys',
    valid: { name: 'key' }, missing: [{}, 'name'], wrongType: [{ name: 5 }, 'name'],
  },
  {
    name: 'POST /v1/squads', method: 'POST', path: () => '/v1/squads',
    valid: { name: 'New', members: [{ role: 'designer' }] },
    missing: [{ members: [{ role: 'designer' }] }, 'name'],
    wrongType: [{ name: 'New', members: 'everyone' }, 'members'],
  },
  {
    name: 'PATCH /v1/squads/:id', method: 'PATCH', path: (f) => `/v1/squads/${f.squad.id}`,
    valid: { name: 'Renamed' }, missing: [{}, undefined], wrongType: [{ status: 5 }, 'status'],
  },
  {
    name: 'POST /v1/squads/:id/members', method: 'POST', path: (f) => `/v1/squads/${f.squad.id}/members`,
    valid: { role: 'designer' }, missing: [{ name: 'Nameless' }, 'role'], wrongType: [{ role: 'designer', tools: 'hammer' }, 'tools'],
  },
  {
    name: 'PATCH /v1/squads/:id/members/:memberId', method: 'PATCH', path: (f) => `/v1/squads/${f.squad.id}/members/${f.squad.members[0]!.id}`,
    valid: { name: 'Renamed' }, missing: [{}, undefined], wrongType: [{ name: 7 }, 'name'],
  },
  {
    name: 'POST /v1/squads/:id/tasks', method: 'POST', path: (f) => `/v1/squads/${f.squad.id}/tasks`,
    valid: { title: 'Task', description: 'Do it' }, missing: [{ title: 'Task' }, 'description'], wrongType: [{ title: 1, description: 'Do it' }, 'title'],
  },
  {
    name: 'POST /v1/squads/:id/integrations', method: 'POST', path: (f) => `/v1/squads/${f.squad.id}/integrations`,
    valid: { kind: 'github', target: refusedRepo, secret: 'a-webhook-secret-of-length' },
    missing: [{ kind: 'github', target: refusedRepo }, 'secret'],
    wrongType: [{ kind: 'github', target: 42, secret: 'a-webhook-secret-of-length' }, 'target'],
  },
];

interface BadCase {
  name: string;
  status: number;
  request: (endpoint: JsonEndpoint) => SendOptions;
  field?: (endpoint: JsonEndpoint) => string | undefined;
}

const badCases: BadCase[] = [
  { name: 'malformed JSON', status: 400, request: () => ({ raw: '{"name": "x",', contentType: 'application/json' }) },
  { name: 'no body', status: 400, request: () => ({}) },
  { name: 'a JSON array', status: 400, request: () => ({ json: [] }) },
  { name: 'a missing field', status: 400, request: (e) => ({ json: e.missing[0] }), field: (e) => e.missing[1] },
  { name: 'a wrongly typed field', status: 400, request: (e) => ({ json: e.wrongType[0] }), field: (e) => e.wrongType[1] },
  { name: 'an unknown extra field', status: 400, request: (e) => ({ json: { ...e.valid, isAdmin: true } }) },
  { name: 'a body over 1 MiB', status: 413, request: (e) => ({ json: { ...e.valid, padding: 'x'.repeat(1_100_000) } }) },
  { name: 'content-type text/plain', status: 415, request: (e) => ({ raw: JSON.stringify(e.valid), contentType: 'text/plain' }) },
];

describe.each(endpoints)('bad bodies to $name', (endpoint) => {
  it.each(badCases)('answers $status to $name and writes nothing', async (badCase) => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const before = await readState(session);
    const options: SendOptions = { ...badCase.request(endpoint), ...(endpoint.anonymous ? { token: null } : {}) };

    const response = await session.api.send(endpoint.method, endpoint.path({ session, squad }), options);

    expectProblem(response, badCase.status, badCase.field?.(endpoint));
    expect(await readState(session)).toEqual(before);
    await endpoint.wroteNothing?.();
  });
});

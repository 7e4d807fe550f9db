import { randomUUID } from 'node:crypto';
import { expectStatus } from '../support/http';
import { expectProblem } from '../support/problem';
import { anonymous, signUp } from '../support/session';

/** Every operation of API.md's Auth, Squads, Tasks and Billing (usage) tables. */
const CONTRACT = `
  POST /v1/auth/signup
  POST /v1/auth/login
  GET /v1/me
  POST /v1/api-keys
  GET /v1/api-keys
  DELETE /v1/api-keys/:id
  POST /v1/squads
  GET /v1/squads
  GET /v1/squads/:id
  PATCH /v1/squads/:id
  DELETE /v1/squads/:id
  POST /v1/squads/:id/members
  PATCH /v1/squads/:id/members/:memberId
  DELETE /v1/squads/:id/members/:memberId
  POST /v1/squads/:id/tasks
  GET /v1/squads/:id/tasks
  GET /v1/tasks/:id
  POST /v1/tasks/:id/executions
  GET /v1/executions/:id
  GET /v1/executions/:id/messages
  GET /v1/executions/:id/events
  POST /v1/executions/:id/cancel
  GET /v1/billing/usage
  POST /v1/notification-hooks
  GET /v1/notification-hooks
  DELETE /v1/notification-hooks/:id
  GET /v1/notification-hooks/:id/deliveries
`
  .trim()
  .split('\n')
  .map((line) => line.trim());

/** `/v1/squads/{squadId}` and `/v1/squads/:id` both become `/v1/squads/{}`. */
const shape = (path: string) => path.replace(/\{[^}]+\}|:[A-Za-z]+/g, '{}');

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

describe('ops endpoints', () => {
  it('answers liveness and readiness', async () => {
    expectStatus(await anonymous.get('/health/live'), 200);
    expectStatus(await anonymous.get('/health/ready'), 200);
  });

  it('serves Prometheus metrics with the HTTP duration histogram', async () => {
    const response = await anonymous.get<string>('/metrics');

    expectStatus(response, 200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.body).toContain('http_request_duration_seconds');
  });

  it('serves the API docs UI', async () => {
    const response = await anonymous.get<string>('/docs');

    expectStatus(response, 200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it("serves the docs UI's static assets with immutable cache headers, and the API document revalidated", async () => {
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']) {
      const response = await anonymous.get<string>(asset);
      expectStatus(response, 200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await anonymous.get<string>('/docs/swagger-ui-init.js')).headers.get('cache-control') ?? '').not.toContain('immutable');
  });

  it('serves an OpenAPI document covering every operation of the contract', async () => {
    const response = await anonymous.get<OpenApiDocument>('/docs/openapi.json');

    expectStatus(response, 200);
    expect(response.body.openapi).toMatch(/^3\./);
    const operations = new Set(
      Object.entries(response.body.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${shape(path)}`)),
    );
    const missing = CONTRACT.filter((operation) => {
      const [method, path] = operation.split(' ');
      return !operations.has(`${method} ${shape(path!)}`);
    });
    expect(missing).toEqual([]);
  });

  it('gives every answer an x-request-id, and echoes the one the client sent', async () => {
    const session = await signUp();
    const answers = [
      await anonymous.get('/health/live'),
      await session.api.get('/v1/me'),
      await anonymous.get('/v1/me'),
      await session.api.post('/v1/squads', { name: 1 }),
    ];
    for (const answer of answers) expect(answer.headers.get('x-request-id')).toEqual(expect.any(String));

    const id = `e2e-${randomUUID()}`;
    const echoed = await session.api.get('/v1/me', { headers: { 'x-request-id': id } });
    expect(echoed.headers.get('x-request-id')).toBe(id);
    const echoedError = await anonymous.get('/v1/me', { headers: { 'x-request-id': id } });
    expect(echoedError.headers.get('x-request-id')).toBe(id);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const session = await signUp();

    expectProblem(await session.api.get('/v1/no-such-thing'), 404);
  });
});

import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type NotificationDeliveryInfo, type NotificationHook } from '@agent-squad/contracts';
import { runTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { waitUntil } from '../support/wait';

describe('user notifications', () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs a signed notification to the registered webhook when an execution finishes, and lists the delivery', async () => {
    const session = await signUp();
    const created = await session.api.post<NotificationHook>('/v1/notification-hooks', { url });
    expectStatus(created, 201);
    const hook = created.body;
    expect(hook).toEqual({ id: expect.any(String), url, secret: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: expect.any(String) });

    const { execution } = await runTask(session, (await createSquad(session, 1)).id);
    const mine = (candidate: { body: string }) => candidate.body.includes(execution.id);
    await waitUntil('the notification to arrive', async () => received.filter(mine), (found) => found.length > 0, { timeoutMs: 30_000, intervalMs: 100 });
    const [call] = received.filter(mine);
    expect(call!.headers['x-agent-squad-signature']).toBe(`sha256=${createHmac('sha256', hook.secret!).update(call!.body).digest('hex')}`);
    expect(JSON.parse(call!.body)).toMatchObject({ event: 'execution.finished', data: { executionId: execution.id, status: 'completed' } });

    const deliveries = await waitUntil(
      'the delivery to be marked delivered',
      async () => (await session.api.get<NotificationDeliveryInfo[]>(`/v1/notification-hooks/${hook.id}/deliveries`)).body,
      (rows) => rows[0]?.status === 'delivered',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(deliveries).toEqual([expect.objectContaining({ event: 'execution.finished', status: 'delivered', attempts: 1, error: null })]);
    const listed = await session.api.get<NotificationHook[]>('/v1/notification-hooks');
    expect(listed.body).toEqual([{ id: hook.id, url, createdAt: hook.createdAt }]);
  });

  it('refuses a URL that is not http(s), changing nothing, and answers 404 for a hook of another user', async () => {
    const session = await signUp();
    expectProblem(await session.api.post('/v1/notification-hooks', { url: 'ftp://example.com/x' }), 400);
    expectProblem(await session.api.post('/v1/notification-hooks', { url: 'https://example.com/x', extra: 1 }), 400);
    expect((await session.api.get<NotificationHook[]>('/v1/notification-hooks')).body).toEqual([]);

    const other = await signUp();
    const theirs = (await other.api.post<NotificationHook>('/v1/notification-hooks', { url: 'https://example.com/theirs' })).body;
    expectProblem(await session.api.get(`/v1/notification-hooks/${theirs.id}/deliveries`), 404);
    expectProblem(await session.api.delete(`/v1/notification-hooks/${theirs.id}`), 404);
    expectStatus(await other.api.delete(`/v1/notification-hooks/${theirs.id}`), 204);
    expect((await other.api.get<NotificationHook[]>('/v1/notification-hooks')).body).toEqual([]);
  });
});

import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuthResult, type CreatedApiKey, type IntegrationLink } from '@agent-squad/contracts';
import { runTask } from '../support/executions';
import { Api, expectStatus } from '../support/http';
import { OtlpReceiver } from '../support/otlp-receiver';
import { anonymous, signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';

/** Every JSON log line the stack's processes wrote so far. */
function logLines(stack: Stack): { raw: string; line: Record<string, unknown> }[] {
  return readdirSync(stack.logDir).flatMap((file) =>
    readFileSync(join(stack.logDir, file), 'utf8')
      .split('\n')
      .filter((raw) => raw !== '')
      .map((raw) => ({ raw, line: JSON.parse(raw) as Record<string, unknown> })),
  );
}

/** Security: credentials never reach the logs, even at debug level where every request is logged with its headers and body. */
describe('logs at debug level', () => {
  let receiver: OtlpReceiver;
  let stack: Stack;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    stack = await Stack.start('services', { gateways: 1, env: { LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  it('are JSON lines with request and trace ids, and hold no password, token, API key or webhook secret', async () => {
    // Sign up and log in: passwords in bodies, tokens in answers and Authorization headers.
    const session = await signUp();
    const login = await anonymous.post<AuthResult>('/v1/auth/login', { email: session.email, password: session.password });
    expectStatus(login, 200);
    const loggedIn = new Api(login.body.accessToken);
    expectStatus(await loggedIn.get('/v1/me'), 200);

    // An API key, shown once and then used as a bearer token.
    const created = await session.api.post<CreatedApiKey>('/v1/api-keys', { name: 'log check' });
    expectStatus(created, 201);
    const viaKey = new Api(created.body.key);
    const squad = await createSquad({ ...session, api: viaKey }, 1);
    const { execution } = await runTask(session, squad.id, 'Log me');

    // A tracker integration's webhook secret, and a delivery signed with it.
    const webhookSecret = `whsec-${randomUUID()}`;
    const link = await session.api.post<IntegrationLink>(`/v1/squads/${squad.id}/integrations`, { kind: 'github', target: `acme/logs-${randomUUID()}`, secret: webhookSecret });
    expectStatus(link, 201);
    const payload = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'Log check', body: 'b', html_url: 'https://github.com/acme/logs/issues/1' } });
    const signature = `sha256=${createHmac('sha256', webhookSecret).update(payload).digest('hex')}`;
    const delivered = await anonymous.send('POST', `/v1/webhooks/${link.body.id}`, {
      raw: payload,
      contentType: 'application/json',
      headers: { 'x-github-delivery': randomUUID(), 'x-github-event': 'issues', 'x-hub-signature-256': signature },
    });
    expectStatus(delivered, 202);

    // A request is logged when its answer is sent: the last one's line is there once the
    // gateway logged it, which the next request's answer follows.
    expectStatus(await session.api.get(`/v1/executions/${execution.id}`), 200);
    const lines = logLines(stack);

    // API requests (probes and scrapes are logged too, but are no part of a trace).
    const requests = lines.filter(({ line }) => line['msg'] === 'request' && String((line['req'] as { url: string }).url).startsWith('/v1/'));
    expect(requests.length).toBeGreaterThan(8);
    for (const { line } of requests) expect(line).toEqual(expect.objectContaining({ level: 'debug', requestId: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) }));
    // Redaction is visible: the credentials were there, and were replaced.
    expect(requests.some(({ raw }) => raw.includes('"authorization":"[redacted]"'))).toBe(true);
    expect(requests.some(({ raw }) => raw.includes('"password":"[redacted]"'))).toBe(true);

    const secrets = { password: session.password, signupToken: session.token, loginToken: login.body.accessToken, apiKey: created.body.key, webhookSecret, webhookSignature: signature };
    const leaks = Object.entries(secrets).filter(([, secret]) => lines.some(({ raw }) => raw.includes(secret)));
    expect(leaks.map(([name]) => name)).toEqual([]);
  });
});

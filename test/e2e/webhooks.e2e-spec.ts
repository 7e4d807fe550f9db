import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { type IntegrationLink, type Page, type Task, type WebhookReceipt } from '@agent-squad/contracts';
import { finished } from '../support/executions';
import { expectStatus, type HttpResponse } from '../support/http';
import { expectProblem } from '../support/problem';
import { anonymous as api, signUp, type Session } from '../support/session';
import { createSquad } from '../support/squads';
import { waitUntil } from '../support/wait';

const SECRET = `secret-${randomUUID()}`;

async function link(session: Session, squadId: string, kind: 'github' | 'jira'): Promise<IntegrationLink> {
  const target = kind === 'github' ? `acme/shop-${randomUUID()}` : `S${randomBytes(6).toString('hex').toUpperCase()}`;
  const response = await session.api.post<IntegrationLink>(`/v1/squads/${squadId}/integrations`, { kind, target, secret: SECRET });
  expectStatus(response, 201);
  return response.body;
}

/** Posts `payload` as the tracker would: the exact bytes signed, plus its headers. */
function deliver(integrationId: string, payload: object, headers: (signature: string) => Record<string, string>, secret = SECRET): Promise<HttpResponse<WebhookReceipt>> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return api.send<WebhookReceipt>('POST', `/v1/webhooks/${integrationId}`, { raw: body, contentType: 'application/json', headers: headers(signature) });
}

const github = (delivery: string, event = 'issues') => (signature: string) => ({ 'x-github-delivery': delivery, 'x-github-event': event, 'x-hub-signature-256': signature });
const jira = (delivery: string) => (signature: string) => ({ 'x-atlassian-webhook-identifier': delivery, 'x-hub-signature': signature });
const openedIssue = { action: 'opened', issue: { number: 7, title: 'Discount codes expire', body: 'Codes older than 30 days are refused.', html_url: 'https://github.com/acme/shop/issues/7' } };

async function tasksOf(session: Session, squadId: string): Promise<Task[]> {
  const response = await session.api.get<Page<Task>>(`/v1/squads/${squadId}/tasks?limit=100`);
  expectStatus(response, 200);
  return response.body.data;
}

describe('inbound webhooks', () => {
  it('turns a signed GitHub "issue opened" into a task the squad runs, once however often it is resent', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const integration = await link(session, squad.id, 'github');
    const delivery = randomUUID();

    const accepted = await deliver(integration.id, openedIssue, github(delivery));
    expectStatus(accepted, 202);
    expect(accepted.body).toEqual({ status: 'accepted' });

    // The work is queued: the task appears once the webhook job has run.
    const [task] = await waitUntil('the webhook task', () => tasksOf(session, squad.id), (tasks) => tasks.length > 0);
    expect(task).toMatchObject({ title: '#7 Discount codes expire', description: 'Codes older than 30 days are refused.\n\nhttps://github.com/acme/shop/issues/7' });
    expect((await finished(session, task!.latestExecutionId!)).status).toBe('completed');

    const resent = await deliver(integration.id, openedIssue, github(delivery));
    expectStatus(resent, 202);
    expect(resent.body).toEqual({ status: 'duplicate' });
    expect(await tasksOf(session, squad.id)).toHaveLength(1);
  });

  it('turns a signed Jira "issue created" into a task', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const integration = await link(session, squad.id, 'jira');
    const created = { webhookEvent: 'jira:issue_created', issue: { key: 'SHOP-12', fields: { summary: 'Single-use codes', description: 'A code works once.' } } };

    expectStatus(await deliver(integration.id, created, jira(randomUUID())), 202);
    const [task] = await waitUntil('the webhook task', () => tasksOf(session, squad.id), (tasks) => tasks.length > 0);
    expect(task).toMatchObject({ title: 'SHOP-12 Single-use codes', description: 'A code works once.\n\nJira issue SHOP-12' });
  });

  it('refuses what is not signed with the secret, names no unknown integration, and wants JSON', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const integration = await link(session, squad.id, 'github');

    expectProblem(await deliver(integration.id, openedIssue, github(randomUUID()), `${SECRET}-forged`), 401);
    expectProblem(await deliver(integration.id, openedIssue, (signature) => ({ 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `${signature}0` })), 401);
    expectProblem(await deliver(randomUUID(), openedIssue, github(randomUUID())), 404);
    expectProblem(await deliver('not-a-uuid', openedIssue, github(randomUUID())), 400);
    expectProblem(await api.send('POST', `/v1/webhooks/${integration.id}`, { raw: 'action=opened', contentType: 'application/x-www-form-urlencoded' }), 415);
    expect(await tasksOf(session, squad.id)).toEqual([]);
  });
});

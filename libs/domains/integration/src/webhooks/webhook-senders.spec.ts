import { createHmac } from 'node:crypto';
import { WEBHOOK_SENDERS } from './webhook-senders';

const SECRET = 'webhook-secret-0123';
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('GitHub webhooks', () => {
  const github = WEBHOOK_SENDERS.github;
  const opened = { action: 'opened', issue: { number: 42, title: 'Checkout fails with a discount', body: 'Steps: add a code', html_url: 'https://github.com/acme/shop/issues/42' } };

  it('checks X-Hub-Signature-256 against the secret, over the exact body', () => {
    const body = JSON.stringify(opened);
    expect(github.signedWith(SECRET, { 'x-hub-signature-256': sign(body) }, body)).toBe(true);
    expect(github.signedWith(SECRET, { 'x-hub-signature-256': sign(body, 'other-secret-0123') }, body)).toBe(false);
    expect(github.signedWith(SECRET, { 'x-hub-signature-256': sign(body) }, `${body} `)).toBe(false);
    expect(github.signedWith(SECRET, { 'x-hub-signature-256': 'sha256=short' }, body)).toBe(false);
    expect(github.signedWith(SECRET, {}, body)).toBe(false);
  });

  it('names the delivery and the event from its headers', () => {
    const headers = { 'x-github-delivery': 'd-1', 'x-github-event': 'issues' };
    expect([github.deliveryId(headers), github.event(headers, opened)]).toEqual(['d-1', 'issues']);
  });

  it('makes a task of an opened issue, and nothing of other events', () => {
    expect(github.task('issues', opened)).toEqual({ title: '#42 Checkout fails with a discount', description: 'Steps: add a code\n\nhttps://github.com/acme/shop/issues/42' });
    expect(github.task('issues', { ...opened, issue: { ...opened.issue, body: null } })).toMatchObject({ description: 'https://github.com/acme/shop/issues/42' });
    expect(github.task('issues', { ...opened, action: 'closed' })).toBeNull();
    expect(github.task('ping', { zen: 'Design for failure.' })).toBeNull();
    expect(github.task('issues', { action: 'opened' })).toBeNull();
  });
});

describe('Jira webhooks', () => {
  const jira = WEBHOOK_SENDERS.jira;
  const created = { webhookEvent: 'jira:issue_created', issue: { key: 'SHOP-7', fields: { summary: 'Expire codes', description: 'After 30 days' } } };

  it('checks X-Hub-Signature, names the delivery from its header and the event from the body', () => {
    const body = JSON.stringify(created);
    const headers = { 'x-hub-signature': sign(body), 'x-atlassian-webhook-identifier': 'j-1' };
    expect(jira.signedWith(SECRET, headers, body)).toBe(true);
    expect(jira.signedWith(SECRET, { 'x-hub-signature-256': sign(body) }, body)).toBe(false);
    expect([jira.deliveryId(headers), jira.event(headers, created), jira.event(headers, [])]).toEqual(['j-1', 'jira:issue_created', 'unknown']);
  });

  it('makes a task of a created issue, leaving out a description that is not text', () => {
    expect(jira.task('jira:issue_created', created)).toEqual({ title: 'SHOP-7 Expire codes', description: 'After 30 days\n\nJira issue SHOP-7' });
    expect(jira.task('jira:issue_created', { ...created, issue: { ...created.issue, fields: { summary: 'Expire codes', description: { type: 'doc' } } } })).toEqual({
      title: 'SHOP-7 Expire codes',
      description: 'Jira issue SHOP-7',
    });
    expect(jira.task('jira:issue_updated', { ...created, webhookEvent: 'jira:issue_updated' })).toBeNull();
  });

  it('bounds a long title as the API does', () => {
    const long = { ...created, issue: { ...created.issue, fields: { summary: 'x'.repeat(600) } } };
    expect(jira.task('jira:issue_created', long)!.title).toHaveLength(500);
  });
});

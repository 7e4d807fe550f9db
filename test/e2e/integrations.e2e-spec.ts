import { randomUUID } from 'node:crypto';
import { type IntegrationLink } from '@agent-squad/contracts';
import { expectStatus } from '../support/http';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';

describe('integrations', () => {
  it('links a squad to a GitHub repository and a Jira project, each target once', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const repo = `acme/shop-${randomUUID().slice(0, 8)}`;

    const github = await session.api.post<IntegrationLink>(`/v1/squads/${squad.id}/integrations`, { kind: 'github', target: repo, secret: 'a-webhook-secret-of-length' });
    expectStatus(github, 201);
    expect(github.body).toEqual({ id: expect.any(String), kind: 'github', target: repo });
    expect(JSON.stringify(github.body)).not.toContain('a-webhook-secret');

    const jira = await session.api.post<IntegrationLink>(`/v1/squads/${squad.id}/integrations`, { kind: 'jira', target: `SHOP${randomUUID().slice(0, 4).toUpperCase().replace(/[^A-Z0-9]/g, 'X')}`, secret: 'another-secret-of-length' });
    expectStatus(jira, 201);

    const other = await signUp();
    const otherSquad = await createSquad(other, 1);
    expectProblem(await other.api.post(`/v1/squads/${otherSquad.id}/integrations`, { kind: 'github', target: repo, secret: 'a-webhook-secret-of-length' }), 409);
  });

  it('refuses a target that does not fit its kind', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    expectProblem(await session.api.post(`/v1/squads/${squad.id}/integrations`, { kind: 'github', target: 'not a repo', secret: 'a-webhook-secret-of-length' }), 400, 'target');
    expectProblem(await session.api.post(`/v1/squads/${squad.id}/integrations`, { kind: 'jira', target: 'acme/shop', secret: 'a-webhook-secret-of-length' }), 400, 'target');
    expectProblem(await session.api.post(`/v1/squads/${squad.id}/integrations`, { kind: 'gitlab', target: 'acme/shop', secret: 'a-webhook-secret-of-length' }), 400, 'kind');
  });

  it('lists the configured MCP servers (none by default)', async () => {
    const session = await signUp();
    const servers = await session.api.get<unknown[]>('/v1/mcp/servers');
    expectStatus(servers, 200);
    expect(servers.body).toEqual([]);
  });
});

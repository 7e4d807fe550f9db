import { type CreatedApiKey, type Squad } from '@agent-squad/contracts';
import { finished, submitTask } from '../support/executions';
import { Api, expectStatus, gatewayUrls } from '../support/http';
import { expectProblem } from '../support/problem';
import { signUp } from '../support/session';
import { awaitDone } from '../support/sse';
import { createSquad } from '../support/squads';

/**
 * Whatever the stack runs (one process, or several gateway replicas), a change answered by one
 * gateway is seen by the next request on every gateway.
 */
describe('every gateway serves the same state', () => {
  it('shows a squad change on every gateway as soon as the PATCH has answered', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    for (const url of gatewayUrls()) expectStatus(await new Api(session.token, url).get(`/v1/squads/${squad.id}`), 200);

    expectStatus(await session.api.patch(`/v1/squads/${squad.id}`, { name: 'Renamed everywhere' }), 200);

    for (const url of gatewayUrls()) {
      const seen = await new Api(session.token, url).get<Squad>(`/v1/squads/${squad.id}`);
      expect({ url, name: seen.body.name }).toEqual({ url, name: 'Renamed everywhere' });
    }
  });

  it('stops a revoked API key on every gateway at once', async () => {
    const session = await signUp();
    const created = await session.api.post<CreatedApiKey>('/v1/api-keys', { name: 'everywhere' });
    expectStatus(created, 201);
    for (const url of gatewayUrls()) expectStatus(await new Api(created.body.key, url).get('/v1/me'), 200);

    expectStatus(await session.api.delete(`/v1/api-keys/${created.body.id}`), 204);

    for (const url of gatewayUrls()) expectProblem(await new Api(created.body.key, url).get('/v1/me'), 401);
  });

  it('streams an execution from every gateway', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const { execution } = await submitTask(session, squad.id);

    const streams = await Promise.all(gatewayUrls().map((url) => awaitDone(new Api(session.token, url), execution.id)));

    for (const events of streams) expect(events).toEqual(streams[0]);
    expect((await finished(session, execution.id)).status).toBe('completed');
  });
});

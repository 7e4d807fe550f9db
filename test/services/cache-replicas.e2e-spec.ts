import { type CreatedApiKey, type Execution, type Member, type Squad } from '@agent-squad/contracts';
import { RedisServerProcess } from '@agent-squad/testing';
import { submitTask } from '../support/executions';
import { Api, expectStatus } from '../support/http';
import { metricValue, scrape } from '../support/metrics';
import { expectProblem } from '../support/problem';
import { signUp, type Session } from '../support/session';
import { awaitDone, readEvents } from '../support/sse';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

const series = {
  l1Hits: (policy: string) => `cache_hits_total{layer="l1",policy="${policy}"}`,
  l2Hits: (policy: string) => `cache_hits_total{layer="l2",policy="${policy}"}`,
  l2Misses: (policy: string) => `cache_misses_total{layer="l2",policy="${policy}"}`,
  loads: (policy: string) => `cache_load_duration_seconds_count{policy="${policy}"}`,
};

const metric = async (url: string, name: string): Promise<number> => metricValue(await scrape(url), name);

/**
 * DESIGN §4 on the phase-1 shape: two identical replicas of the serving process (every role, each
 * answering its own HTTP port) sharing PostgreSQL, NATS and a Redis of their own for the cache
 * (started here, so it can be stopped), so "replica 1" and "replica 2" are unambiguous.
 */
describe('the cache across two replicas', () => {
  let redis: RedisServerProcess;
  let stack: Stack;
  let session: Session;
  let one: string;
  let two: string;
  const on = (url: string, token = session.token) => new Api(token, url);

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    stack = await Stack.start('services', { replicas: 2, env: { CACHE_REDIS_URL: redis.url, CACHE_REDIS_RETRY_MS: '100' } });
    [one, two] = stack.gatewayUrls as [string, string];
    process.env.E2E_BASE_URL = one;
    session = await signUp();
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.dispose();
  });

  /** Replica 2 reads the squad twice: the second answer comes from its memory (checked), so a later read there shows whether it was invalidated. */
  async function cachedOnTwo(path: string): Promise<void> {
    expectStatus(await on(two).get(path), 200);
    const hits = await metric(two, series.l1Hits('squad'));
    expectStatus(await on(two).get(path), 200);
    expect(await metric(two, series.l1Hits('squad'))).toBe(hits + 1);
  }

  it('shows a change answered on replica 1 in the next read on replica 2, for the squad, its members and its deletion', async () => {
    const squad = await createSquad(session, 2);
    const path = `/v1/squads/${squad.id}`;

    await cachedOnTwo(path);
    expectStatus(await on(one).patch(path, { name: 'Renamed on one' }), 200);
    expect((await on(two).get<Squad>(path)).body.name).toBe('Renamed on one');

    await cachedOnTwo(path);
    const added = await on(one).post<Member>(`${path}/members`, { role: 'qa_tester', name: 'Quinn' });
    expectStatus(added, 201);
    expect((await on(two).get<Squad>(path)).body.members.map((member) => member.name)).toContain('Quinn');

    await cachedOnTwo(path);
    expectStatus(await on(one).patch(`${path}/members/${added.body.id}`, { name: 'Quinn II' }), 200);
    expect((await on(two).get<Squad>(path)).body.members.at(-1)!.name).toBe('Quinn II');

    await cachedOnTwo(path);
    expectStatus(await on(one).delete(`${path}/members/${added.body.id}`), 204);
    expect((await on(two).get<Squad>(path)).body.members).toHaveLength(2);

    await cachedOnTwo(path);
    expectStatus(await on(one).delete(path), 204);
    expectProblem(await on(two).get(path), 404);
  });

  it('stops an API key revoked on replica 1 on replica 2 at once, though replica 2 had its principal cached', async () => {
    const created = await on(one).post<CreatedApiKey>('/v1/api-keys', { name: 'two replicas' });
    expectStatus(created, 201);
    expectStatus(await on(two, created.body.key).get('/v1/me'), 200);
    const hits = await metric(two, series.l1Hits('api_key'));
    expectStatus(await on(two, created.body.key).get('/v1/me'), 200);
    expect(await metric(two, series.l1Hits('api_key'))).toBe(hits + 1);

    expectStatus(await on(one).delete(`/v1/api-keys/${created.body.id}`), 204);
    expectProblem(await on(two, created.body.key).get('/v1/me'), 401);
  });

  it('loads a cold squad once for 100 concurrent reads on one replica; the other then reads it from Redis', async () => {
    const squad = await createSquad(session, 3);
    const path = `/v1/squads/${squad.id}`;
    const [loadsOne, loadsTwo, l2HitsOne] = [await metric(one, series.loads('squad')), await metric(two, series.loads('squad')), await metric(one, series.l2Hits('squad'))];

    const answers = await Promise.all(Array.from({ length: 100 }, () => on(two).get<Squad>(path)));
    for (const answer of answers) expect(answer.body).toEqual(squad);
    expect(await metric(two, series.loads('squad'))).toBe(loadsTwo + 1);

    expect((await on(one).get<Squad>(path)).body).toEqual(squad);
    expect(await metric(one, series.loads('squad'))).toBe(loadsOne);
    expect(await metric(one, series.l2Hits('squad'))).toBe(l2HitsOne + 1);
  });

  it("never serves a running execution's status from a cache, on either replica", async () => {
    const squad = await createSquad(session, 2, { model: 'offline:300ms' });
    const { execution } = await submitTask(session, squad.id, 'Watch me on both');
    const status = async (url: string) => (await on(url).get<Execution>(`/v1/executions/${execution.id}`)).body.status;

    await readEvents(on(two), execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect([await status(one), await status(two)]).toEqual(['running', 'running']);
    await awaitDone(on(one), execution.id);
    expect([await status(one), await status(two)]).toEqual(['completed', 'completed']);
  });

  it('keeps answering while the cache Redis is stopped, reports it, and serves nothing invalidated meanwhile once it is back', async () => {
    const [changed, cold] = [await createSquad(session, 1, { name: 'Before the outage' }), await createSquad(session, 1, { name: 'Cold' })];
    const path = `/v1/squads/${changed.id}`;
    for (const url of [one, two]) expectStatus(await on(url).get(path), 200); // in memory on both, and in Redis

    await redis.stop();
    for (const url of [one, two]) expect((await on(url).get<Squad>(path)).body.name).toBe('Before the outage');
    expect((await on(two).get<Squad>(`/v1/squads/${cold.id}`)).body.name).toBe('Cold'); // from the database
    const ready = await on(one).get<{ status: string; failing: string[] }>('/health/ready');
    expectStatus(ready, 503);
    expect(ready.body).toMatchObject({ status: 'degraded', failing: ['cache-redis'] });

    expectStatus(await on(one).patch(path, { name: 'Changed during the outage' }), 200);
    expect((await on(two).get<Squad>(path)).body.name).toBe('Changed during the outage');

    await redis.restart(); // with what it held: the copy of "Before the outage" included
    for (const url of [one, two]) await waitUntil(`${url} ready again`, async () => (await on(url).get('/health/ready')).status, (code) => code === 200);

    // A replica with nothing in memory reads Redis first: the copy from before the outage must be void.
    const three = (await stack.startService('replica-3', 'monolith')).url;
    expect((await on(three).get<Squad>(path)).body.name).toBe('Changed during the outage');
    expect([await metric(three, series.l2Hits('squad')), await metric(three, series.loads('squad'))]).toEqual([0, 1]);

    // Redis is in use again without a restart: replica 1 stores a new squad there, replica 3 reads it from there.
    const fresh = await createSquad(session, 1, { name: 'After the outage' });
    expectStatus(await on(one).get(`/v1/squads/${fresh.id}`), 200);
    expect((await on(three).get<Squad>(`/v1/squads/${fresh.id}`)).body.name).toBe('After the outage');
    expect([await metric(three, series.l2Hits('squad')), await metric(three, series.l2Misses('squad'))]).toEqual([1, 1]);
  });
});

import { type Execution, type Member, type Squad } from '@agent-squad/contracts';
import { submitTask } from '../support/executions';
import { Api, expectStatus, gatewayUrls } from '../support/http';
import { scrape, stackMetric } from '../support/metrics';
import { expectProblem } from '../support/problem';
import { signUp, type Session } from '../support/session';
import { awaitDone, readEvents } from '../support/sse';
import { createSquad } from '../support/squads';

/** GET /v1/squads/:id on every gateway, each asked twice so the second answer can come from a cache. */
async function readEverywhere(session: Session, path: string): Promise<Squad[]> {
  const seen: Squad[] = [];
  for (const url of gatewayUrls()) {
    const api = new Api(session.token, url);
    expectStatus(await api.get(path), 200);
    const again = await api.get<Squad>(path);
    expectStatus(again, 200);
    seen.push(again.body);
  }
  return seen;
}

/** The seed's caching (DESIGN §4) as the API shows it, in whichever shape runs. */
describe('caching', () => {
  it('serves a squad from the cache and shows each change to it, or its members, as soon as the change has answered', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const path = `/v1/squads/${squad.id}`;
    await readEverywhere(session, path);

    expectStatus(await session.api.patch(path, { name: 'Renamed' }), 200);
    for (const seen of await readEverywhere(session, path)) expect(seen.name).toBe('Renamed');

    const added = await session.api.post<Member>(`${path}/members`, { role: 'qa_tester', name: 'Quinn' });
    expectStatus(added, 201);
    for (const seen of await readEverywhere(session, path)) expect(seen.members.map((member) => member.name)).toContain('Quinn');

    expectStatus(await session.api.patch(`${path}/members/${added.body.id}`, { name: 'Quinn II' }), 200);
    for (const seen of await readEverywhere(session, path)) expect(seen.members.at(-1)!.name).toBe('Quinn II');

    expectStatus(await session.api.delete(`${path}/members/${added.body.id}`), 204);
    for (const seen of await readEverywhere(session, path)) expect(seen.members).toHaveLength(2);

    expectStatus(await session.api.delete(path), 204);
    for (const url of gatewayUrls()) expectProblem(await new Api(session.token, url).get(path), 404);
  });

  it('keeps one copy per squad whatever the case of its id, so a change is seen through either', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const upper = `/v1/squads/${squad.id.toUpperCase()}`;
    expectStatus(await session.api.get(upper), 200);
    expectStatus(await session.api.patch(`/v1/squads/${squad.id}`, { name: 'Lower-case write' }), 200);
    expect((await session.api.get<Squad>(upper)).body.name).toBe('Lower-case write');
  });

  it('still checks the owner on a cached squad', async () => {
    const [owner, stranger] = [await signUp(), await signUp()];
    const squad = await createSquad(owner, 1);
    expectStatus(await owner.api.get(`/v1/squads/${squad.id}`), 200);
    expectProblem(await stranger.api.get(`/v1/squads/${squad.id}`), 404);
  });

  it('loads a cold squad once for 100 concurrent reads', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 3);
    const loads = 'cache_load_duration_seconds_count{policy="squad"}';
    const before = await stackMetric(loads);
    const answers = await Promise.all(Array.from({ length: 100 }, () => session.api.get<Squad>(`/v1/squads/${squad.id}`)));
    for (const answer of answers) expectStatus(answer, 200);
    expect((await stackMetric(loads)) - before).toBe(1);
  });

  it("never serves a running execution's status from a cache", async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2, { model: 'offline:300ms' });
    const { execution } = await submitTask(session, squad.id, 'Watch me run');
    const read = (url: string) => new Api(session.token, url).get<Execution>(`/v1/executions/${execution.id}`);

    await readEvents(session.api, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    for (const url of gatewayUrls()) expect((await read(url)).body.status).toBe('running');

    await awaitDone(session.api, execution.id);
    for (const url of gatewayUrls()) expect((await read(url)).body.status).toBe('completed');
  });

  it('exposes hits and misses per layer, evictions, L1 bytes and load latency on /metrics', async () => {
    const page = await scrape(gatewayUrls()[0]!);
    for (const series of ['cache_hits_total', 'cache_misses_total', 'cache_l1_evictions_total', 'cache_load_duration_seconds']) {
      expect(page).toContain(`# TYPE ${series} `);
    }
    expect(page).toMatch(/^cache_l1_bytes \d+$/m);
    expect(page).toMatch(/^cache_l1_max_bytes 104857600$/m);
  });
});

import { randomBytes } from 'node:crypto';
import { type User } from '@agent-squad/contracts';
import { LocalCompose } from '../support/compose/local-compose';
import { LocalNginx } from '../support/compose/local-nginx';
import { finished, submitTask } from '../support/executions';
import { Api, expectStatus } from '../support/http';
import { metricValue, scrape } from '../support/metrics';
import { OtlpReceiver } from '../support/otlp-receiver';
import { signUp, type Session } from '../support/session';
import { createSquad } from '../support/squads';

/** The upstreams of deploy/nginx/nginx.conf: the two API replicas of every phase. */
const UPSTREAMS = { 'api-1:3001': 'api-1', 'api-2:3002': 'api-2' } as const;
const ME = 'http_requests_total{method="GET",route="/v1/me",status="200"}';
/** NGINX's fail_timeout: after it the dead replica is tried again (and the request passed on). */
const FAIL_TIMEOUT_MS = 10_000;

const PHASES = [
  { phase: 1, file: 'deploy/compose/phase-1.yml', apps: ['monolith-1', 'monolith-2'] },
  { phase: 2, file: 'deploy/compose/phase-2.yml', apps: ['core-1', 'core-2', 'integration', 'intelligence'] },
  { phase: 3, file: 'docker-compose.yml', apps: ['billing', 'core', 'gateway-1', 'gateway-2', 'integration', 'intelligence', 'worker'] },
];
const INFRASTRUCTURE = ['nginx', 'postgres', 'postgres-replica', 'redis', 'nats'];

const requestsServed = async (url: string) => metricValue(await scrape(url), ME);

/** GET /v1/me through NGINX from `parallel` clients until `until` resolves; answers every status seen (or the error). */
async function traffic(api: Api, parallel: number, until: Promise<void>): Promise<string[]> {
  let stop = false;
  void until.then(() => (stop = true));
  const outcomes: string[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (!stop) outcomes.push(await api.get<User>('/v1/me').then((response) => String(response.status), (error: Error) => error.message));
    }),
  );
  return outcomes;
}

/** Deploy: each phase's compose file, run as local processes behind the shipped NGINX config. */
describe.each(PHASES)('phase $phase ($file)', ({ phase, file, apps }) => {
  const run = `phase${phase}${randomBytes(3).toString('hex')}`;
  const compose = LocalCompose.read(file, run);
  let nginx: LocalNginx;
  let receiver: OtlpReceiver;
  let session: Session;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    // Traces go to this test's receiver instead of the compose file's Jaeger.
    await compose.start(compose.apps.some((app) => app.environment['OTEL_EXPORTER_OTLP_ENDPOINT']) ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' } : {});
    const upstreams = Object.fromEntries(Object.entries(UPSTREAMS).map(([upstream, alias]) => [upstream, compose.service(alias).port]));
    nginx = await LocalNginx.start(upstreams);
    process.env.E2E_BASE_URL = nginx.url;
  });
  afterAll(async () => {
    await nginx?.stop();
    await compose.stop();
    await receiver?.stop();
  });

  it('declares its services and the shared infrastructure', () => {
    expect(compose.apps.map((service) => service.name).sort()).toEqual(apps);
    expect(compose.declared.map((service) => service.name)).toEqual(expect.arrayContaining(INFRASTRUCTURE));
    expect(Object.values(UPSTREAMS).map((alias) => compose.service(alias).compose.name)).toHaveLength(2);
    if (phase === 3) expect(compose.declared.map((service) => service.name)).toEqual(expect.arrayContaining(['prometheus', 'grafana', 'jaeger']));
  });

  it('runs a task through NGINX', async () => {
    session = await signUp();
    const squad = await createSquad(session, 2);
    const { execution } = await submitTask(session, squad.id, `Phase ${phase} smoke`);
    const done = await finished(session, execution.id);
    expect(done.status).toBe('completed');
    expect(done.usage.llmCalls).toBe(2);
    if (phase === 3) await receiver.waitFor('spans of the gateway and the LLM call', (spans) => spans.some((span) => span.name === 'llm offline') && spans.some((span) => span.service === 'agent-squad-gateway'));
  });

  it('serves static docs assets with immutable cache headers', async () => {
    const asset = await new Api().get<string>('/docs/swagger-ui-bundle.js');
    expectStatus(asset, 200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await new Api().get<string>('/docs/swagger-ui-init.js')).headers.get('cache-control') ?? '').not.toContain('immutable');
  });

  it('spreads requests over both replicas, and fails none when one is killed', async () => {
    const api = new Api(session.token);
    const [first, second] = Object.values(UPSTREAMS).map((alias) => compose.service(alias).process);
    const before = await Promise.all([first!.url, second!.url].map(requestsServed));
    for (let request = 0; request < 20; request++) expectStatus(await api.get('/v1/me'), 200);
    const after = await Promise.all([first!.url, second!.url].map(requestsServed));
    expect(after[0]! - before[0]!).toBeGreaterThanOrEqual(5);
    expect(after[1]! - before[1]!).toBeGreaterThanOrEqual(5);

    // Traffic throughout: the kill, NGINX taking the replica out, and retrying it after fail_timeout.
    let killedAt = 0;
    const killed = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      killedAt = Date.now();
      await first!.stop('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, FAIL_TIMEOUT_MS + 1500));
    })();
    const servedBefore = await requestsServed(second!.url);
    const outcomes = await traffic(api, 4, killed);
    expect(killedAt).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome !== '200')).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(50);
    // The survivor served (at least) what came after the kill.
    expect((await requestsServed(second!.url)) - servedBefore).toBeGreaterThan(outcomes.length / 2);
  });
});

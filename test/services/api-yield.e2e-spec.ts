import { finished, runTask, submitTask } from '../support/executions';
import { metricValue, scrape } from '../support/metrics';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

// Below the per-user limit of running executions (10), so one user's backlog can use all of it.
const MAX = 8;

/** WORKER_YIELD_LATENCY_MS: workers run fewer executions at once while the gateways answer slowly, and as many as they may once the API is quiet. */
describe('workers yielding to the API', () => {
  let stack: Stack;
  // A target no real request meets: every window with API traffic counts as slow.
  beforeAll(async () => {
    // Steps of 200 ms: a backlog lasts long enough to be seen running at full concurrency.
    stack = await Stack.start('services', { gateways: 1, env: { WORKER_YIELD_LATENCY_MS: '1', WORKER_CONCURRENCY: String(MAX), OFFLINE_LLM_LATENCY_MS: '200' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  const workerConcurrency = async () => metricValue(await scrape(stack.service('worker').url), 'queue_worker_concurrency{queue="executions"}');

  it('drops to one execution at a time under API traffic and still finishes executions; once the traffic stops, a backlog runs at the maximum', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    let busy = true;
    const traffic = (async () => {
      while (busy) await session.api.get(`/v1/squads/${squad.id}`);
    })();
    const backlog: string[] = [];
    try {
      await waitUntil('the worker runs one execution at a time', workerConcurrency, (value) => value === 1);
      const { execution } = await runTask(session, squad.id, 'Runs while the API is busy');
      expect(execution.status).toBe('completed');
      for (let index = 0; index < 3 * MAX; index++) backlog.push((await submitTask(session, squad.id, `Backlog ${index}`)).execution.id);
    } finally {
      busy = false;
      await traffic;
    }
    // Each doubling waits for a running execution to end (a worker takes new jobs only then).
    await waitUntil('the worker runs its maximum', workerConcurrency, (value) => value === MAX, { timeoutMs: 30_000 });
    for (const id of backlog) expect((await finished(session, id)).status).toBe('completed');
  });
});

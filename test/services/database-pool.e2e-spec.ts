import { type Page, type Squad } from '@agent-squad/contracts';
import { Client } from 'pg';
import { expectStatus } from '../support/http';
import { metricValue, scrape } from '../support/metrics';
import { expectProblem } from '../support/problem';
import { signUp, type Session } from '../support/session';
import { LOCAL } from '../support/stack/local-services';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

const ACQUIRE_TIMEOUT_MS = 1000;

/**
 * DESIGN §5 pools over HTTP: the core process gets one connection (no overflow) and a 1 s acquire
 * timeout, no replica. A lock held from outside blocks the request holding that connection; the
 * requests behind it queue for the pool, then answer 503 problem+json, not hang.
 */
describe('an exhausted database pool, over HTTP', () => {
  let stack: Stack;
  let session: Session;
  let core: string;
  let locker: Client;

  const poolSeries = (state: string) => `db_pool_connections{pool="127.0.0.1:5432/${stack.database}",state="${state}"}`;
  const poolState = async (state: string) => metricValue(await scrape(core), poolSeries(state));
  const listSquads = () => session.api.get<Page<Squad>>('/v1/squads');

  beforeAll(async () => {
    stack = await Stack.start('services', {
      gateways: 1,
      serviceEnv: (name): Record<string, string> => (name === 'core' ? { DATABASE_POOL_SIZE: '1', DATABASE_POOL_OVERFLOW: '0', DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS), DATABASE_REPLICA_URLS: '' } : {}),
    });
    core = stack.service('core').url;
    process.env.E2E_BASE_URL = stack.baseUrl;
    session = await signUp();
    expectStatus(await listSquads(), 200);
    locker = new Client({ connectionString: `${LOCAL.postgres}/${stack.database}` });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await stack?.stop();
  });

  it('queues requests for the busy connection, then answers them 503 problem+json; the blocked one answers once freed', async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE core.squads IN ACCESS EXCLUSIVE MODE');
    let blocked: ReturnType<typeof listSquads> | undefined;
    try {
      blocked = listSquads();
      await waitUntil('the core connection busy on the lock', () => poolState('in_use'), (inUse) => inUse === 1);
      const started = Date.now();
      const queued = [listSquads(), listSquads(), listSquads()];
      await waitUntil('requests waiting for the pool', () => poolState('waiting'), (waiting) => waiting >= 3);
      for (const response of await Promise.all(queued)) {
        const problem = expectProblem(response, 503);
        expect(problem.detail).toMatch(/retry shortly/);
      }
      expect(Date.now() - started).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 100);
    } finally {
      await locker.query('COMMIT');
    }
    expectStatus(await blocked!, 200);
    expectStatus(await listSquads(), 200);
  });
});

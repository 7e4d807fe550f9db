import { execFileSync } from 'node:child_process';
import { type Page, type Squad } from '@agent-squad/contracts';
import { Client } from 'pg';
import { Api, expectStatus } from '../support/http';
import { metricValue, scrape } from '../support/metrics';
import { signUp, type Session } from '../support/session';
import { createSquad } from '../support/squads';
import { LOCAL } from '../support/stack/local-services';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

/**
 * DESIGN §5 on the split shape, over HTTP, against the streaming replica of scripts/ci/ensure-replica.sh
 * (cluster `replica`, port 5433): read-your-writes while its replay is paused, and reads that keep
 * answering while it is stopped. Pausing or stopping it affects whatever else reads it: this suite
 * runs one file at a time, after the e2e suites.
 */
const REPLICA_CLUSTER = (process.env.TEST_POSTGRES_REPLICA_CLUSTER ?? '15/replica').split('/') as [string, string];
const replicaReads = `db_operations_total{domain="core",target="replica-0",kind="read"}`;

async function onReplica(sql: string): Promise<void> {
  const client = new Client({ connectionString: `${LOCAL.postgresReplica}/postgres` });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

describe('reads on the streaming replica, over HTTP', () => {
  let stack: Stack;
  let core: string;
  let writer: Session;
  let reader: Session;
  let readerSquad: Squad;

  const replicaReadCount = async () => metricValue(await scrape(core), replicaReads);
  const listAs = async (session: Session) => {
    const page = await session.api.get<Page<Squad>>('/v1/squads');
    expectStatus(page, 200);
    return page.body.data;
  };
  /** Lists the reader's squads until one such read is served by the replica. */
  const readerReachesReplica = async () => {
    const before = await replicaReadCount();
    await waitUntil('a read served by the replica', async () => (expect(await listAs(reader)).toEqual([readerSquad]), replicaReadCount()), (reads) => reads > before, { timeoutMs: 30_000, intervalMs: 100 });
  };

  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1, env: { DATABASE_REPLICA_CHECK_EVERY_MS: '200', DATABASE_REPLICA_MAX_LAG_MS: '60000' } });
    core = stack.service('core').url;
    process.env.E2E_BASE_URL = stack.baseUrl;
    [writer, reader] = [await signUp(), await signUp()];
    readerSquad = await createSquad(reader, 1);
    await readerReachesReplica();
  });
  afterAll(async () => {
    await onReplica('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await stack?.stop();
  });

  it('with replay paused, a user reads back the squad they create and rename; another user reads from the replica', async () => {
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const squad = await createSquad(writer, 1, { name: 'Written while the replica is paused' });
      expectStatus(await writer.api.get(`/v1/squads/${squad.id}`), 200);
      expect((await listAs(writer)).map((seen) => seen.name)).toEqual(['Written while the replica is paused']);

      expectStatus(await writer.api.patch(`/v1/squads/${squad.id}`, { name: 'Renamed while paused' }), 200);
      expect((await writer.api.get<Squad>(`/v1/squads/${squad.id}`)).body.name).toBe('Renamed while paused');
      expect((await listAs(writer)).map((seen) => seen.name)).toEqual(['Renamed while paused']);

      const before = await replicaReadCount();
      expect(await listAs(reader)).toEqual([readerSquad]);
      expect(await replicaReadCount()).toBeGreaterThan(before);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
  });

  it('keeps answering from the primary while the replica is stopped, reports it degraded, and reads from it again once it is back', async () => {
    const ready = () => new Api(undefined, core).get<{ status: string; degraded: string[] }>('/health/ready');
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...REPLICA_CLUSTER, 'stop'], { stdio: 'pipe' });
      const stopped = Date.now();
      expect(await listAs(reader)).toEqual([readerSquad]);
      const report = await waitUntil('readiness reporting the replica', ready, (answer) => answer.body.degraded?.includes('core-database-replica-0') === true, { timeoutMs: 10_000 });
      expect(report.status).toBe(200);
      expect(Date.now() - stopped).toBeLessThan(10_000);
      expect(await listAs(reader)).toEqual([readerSquad]);
    } finally {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...REPLICA_CLUSTER, 'start'], { stdio: 'pipe' });
    }
    await readerReachesReplica();
    expect((await ready()).body.degraded).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppConfig, ROLES, envSchema, type DatabaseTarget } from '@agent-squad/config';
import { HealthRegistry, Metrics } from '@agent-squad/observability';
import { databaseUrl, ScratchDatabase } from '@agent-squad/testing';
import { Client } from 'pg';
import { DatabaseConnections } from '../database-connections';
import { findPrismaDir } from '../migrations/migration-files';
import { type PrismaClientClass, type PrismaClientLike } from '../prisma-client';
import { runAsUser } from './user-scope';

/**
 * Against the streaming replica that scripts/ci/ensure-replica.sh runs (PostgreSQL cluster
 * `replica` on 5433, `.ci/run` starts it). Pausing its replay or stopping it affects every user
 * of it: only this file does so, and the other suites using it run after the integration tests.
 */
const REPLICA = process.env.TEST_POSTGRES_REPLICA_URL ?? 'postgresql://postgres@127.0.0.1:5433/postgres';
const REPLICA_CLUSTER = (process.env.TEST_POSTGRES_REPLICA_CLUSTER ?? '15/replica').split('/') as [string, string];
const MAX_LAG_MS = 1500;

interface SquadRow {
  id: string;
  name: string;
}
interface CoreClient extends PrismaClientLike {
  squad: {
    create(args: { data: { ownerId: string; name: string } }): Promise<SquadRow>;
    update(args: { where: { id: string }; data: { name: string } }): Promise<SquadRow>;
    findMany(args: { where: { ownerId: string } }): Promise<SquadRow[]>;
  };
}
const CoreClientClass = jest.requireActual<{ PrismaClient: PrismaClientClass<CoreClient> }>(join(findPrismaDir('core'), '..', 'libs', 'domains', 'core', 'src', 'generated', 'prisma', 'client')).PrismaClient;

async function sql(server: string, text: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

function replicaCluster(action: 'start' | 'stop'): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...REPLICA_CLUSTER, action], { stdio: 'pipe' });
}

/** Polls `condition` (a health state the checker updates every 100 ms) until it holds; fails after `ms`. */
async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('reads on a streaming replica', () => {
  const database = new ScratchDatabase();
  const metrics = new Metrics();
  const health = new HealthRegistry();
  let connections: DatabaseConnections;
  let db: CoreClient;

  /** Reads so far by target (primary, replica-0). */
  const reads = async (): Promise<Record<string, number>> => {
    const metric = await metrics.registry.getSingleMetric('db_operations_total')!.get();
    const counts: Record<string, number> = { primary: 0, 'replica-0': 0 };
    for (const value of metric.values) if (value.labels['kind'] === 'read' && value.labels['domain'] === 'core') counts[String(value.labels['target'])] = value.value;
    return counts;
  };
  /** Where `read` went: the target whose read count it raised. */
  const targetOf = async <T>(read: () => Promise<T>): Promise<{ target: string; result: T }> => {
    const before = await reads();
    const result = await read();
    const after = await reads();
    const moved = Object.keys(after).filter((target) => after[target] !== before[target]);
    expect(moved).toHaveLength(1);
    return { target: moved[0]!, result };
  };
  const replicaCheck = async () => (await health.readiness()).checks['core-database-replica-0'];
  const replicaHealthy = async () => (await replicaCheck())?.ok === true;
  const listAs = (userId: string) => runAsUser(userId, () => db.squad.findMany({ where: { ownerId: userId } }));

  beforeAll(async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: database.url, replicas: [databaseUrl(REPLICA, database.name)] };
    const env = envSchema.parse({ DATABASE_POOL_SIZE: '4', DATABASE_REPLICA_CHECK_EVERY_MS: '100', DATABASE_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS) });
    const config = new AppConfig([...ROLES], env, { core: target, intelligence: target, integration: target, billing: target }, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32));
    connections = new DatabaseConnections(config, metrics, health);
    db = await connections.client('core', CoreClientClass);
    // The new database reaches the replica by streaming, like everything else.
    await until(replicaHealthy, 'the replica has the new database');
  });
  afterAll(async () => {
    await sql(REPLICA, 'SELECT pg_wal_replay_resume()').catch(() => undefined);
    await connections.onApplicationShutdown();
    await database.drop();
  });

  it("sends a user's reads to the replica, and reads made for no user to the primary", async () => {
    const user = randomUUID();
    expect((await targetOf(() => listAs(user))).target).toBe('replica-0');
    expect((await targetOf(() => db.squad.findMany({ where: { ownerId: user } }))).target).toBe('primary');
  });

  describe('with replay paused', () => {
    beforeEach(() => sql(REPLICA, 'SELECT pg_wal_replay_pause()'));
    afterEach(() => sql(REPLICA, 'SELECT pg_wal_replay_resume()'));

    it('a user reads back the squad they just created and renamed; another user still reads the replica', async () => {
      const writer = randomUUID();
      const other = randomUUID();
      const created = await runAsUser(writer, () => db.squad.create({ data: { ownerId: writer, name: 'Fresh' } }));
      const seen = await targetOf(() => listAs(writer));
      expect(seen).toEqual({ target: 'primary', result: [expect.objectContaining({ id: created.id, name: 'Fresh' })] });

      await runAsUser(writer, () => db.squad.update({ where: { id: created.id }, data: { name: 'Renamed' } }));
      expect((await listAs(writer)).map((squad) => squad.name)).toEqual(['Renamed']);

      expect((await targetOf(() => listAs(other))).target).toBe('replica-0');
      // The replica really is behind: the writer's squad is not there yet.
      const onReplica = new Client({ connectionString: databaseUrl(REPLICA, database.name) });
      await onReplica.connect();
      const rows = await onReplica.query('SELECT name FROM core.squads WHERE id = $1', [created.id]).finally(() => onReplica.end());
      expect(rows.rows).toEqual([]);
    });

    it('skips the replica once its replay lags past the bound, and takes it back once it catches up', async () => {
      const writer = randomUUID();
      const other = randomUUID();
      await runAsUser(writer, () => db.squad.create({ data: { ownerId: writer, name: 'Lagging' } }));
      await until(async () => (await replicaCheck())?.error?.includes('lags') === true, 'the replica is reported lagging');
      expect((await targetOf(() => listAs(other))).target).toBe('primary');
      expect((await health.readiness()).ready).toBe(true);

      await sql(REPLICA, 'SELECT pg_wal_replay_resume()');
      await until(replicaHealthy, 'the replica has caught up');
      expect((await targetOf(() => listAs(other))).target).toBe('replica-0');
      // Caught up, it serves the writer too.
      expect(await targetOf(() => listAs(writer))).toEqual({ target: 'replica-0', result: [expect.objectContaining({ name: 'Lagging' })] });
    });
  });

  it('answers from the primary within seconds of the replica stopping, reports it degraded, and uses it again once it is back', async () => {
    const user = randomUUID();
    // A transaction the replica replays again when it restarts, older than the lag bound by the
    // time it is checked: caught up nonetheless.
    await runAsUser(user, () => db.squad.create({ data: { ownerId: user, name: 'Before the restart' } }));
    await until(async () => (await targetOf(() => listAs(user))).target === 'replica-0', 'the replica has the squad');
    try {
      replicaCluster('stop');
      const stopped = Date.now();
      // Even before the health check notices, a read that fails on the replica is answered by the primary.
      expect(await listAs(user)).toEqual([expect.objectContaining({ name: 'Before the restart' })]);
      await until(async () => (await replicaCheck())?.ok === false, 'readiness reports the replica down', 5000);
      expect(Date.now() - stopped).toBeLessThan(5000);
      const report = await health.readiness();
      expect(report).toMatchObject({ ready: true, checks: { 'core-database-replica-0': { ok: false, critical: false } } });
      expect((await targetOf(() => listAs(user))).target).toBe('primary');
    } finally {
      replicaCluster('start');
    }
    // Within seconds of accepting connections, not at the next WAL the primary happens to send.
    await until(replicaHealthy, 'the restarted replica is healthy', 5000);
    expect(await targetOf(() => listAs(user))).toEqual({ target: 'replica-0', result: [expect.objectContaining({ name: 'Before the restart' })] });
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { AppConfig, ROLES, envSchema, type DatabaseTarget } from '@agent-squad/config';
import { CoreDb } from '@agent-squad/core';
import { DatabaseConnections, runAsUser } from '@agent-squad/database';
import { Metrics } from '@agent-squad/observability';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client, Pool } from 'pg';
import { LOCAL } from '../test/support/stack/local-services';
import { percentile } from './stats';

interface Percentiles {
  p50: number;
  p99: number;
}

export interface LatencyPair {
  samples: number;
  routed: Percentiles;
  raw: Percentiles;
  /** The same read through a bare Prisma client (no routing lib): what Prisma itself costs. */
  prisma: Percentiles;
}

export interface Throughput {
  readsPerSecond: number;
  /** Reads per target, from the routing's own metrics: proof of where they went. */
  byTarget: Record<string, number>;
}

export interface DbResults {
  /** A primary-key read of one user: routing lib + Prisma on the primary vs raw `pg` on the same row. */
  primaryKey: LatencyPair;
  /** The same read made for a user (read-your-writes check, replica chosen) vs raw `pg` on the replica. */
  replicaKey: LatencyPair;
  concurrency: number;
  seconds: number;
  primaryOnly: Throughput;
  withReplica: Throughput;
}

const WARMUP = 300;
const SQUADS_PER_USER = 5;
const USERS = 200;

const onDatabase = (server: string, name: string) => `${server}/${name}`;

/** A connection set on `name`, with or without the local replica, metrics in their own registry. */
function connectionsFor(name: string, withReplica: boolean, metrics: Metrics): DatabaseConnections {
  const target: DatabaseTarget = { kind: 'postgres', url: onDatabase(LOCAL.postgres, name), replicas: withReplica ? [onDatabase(LOCAL.postgresReplica, name)] : [] };
  const env = envSchema.parse({ LOG_LEVEL: 'warn', DATABASE_REPLICA_CHECK_EVERY_MS: '200' });
  return new DatabaseConnections(new AppConfig([...ROLES], env, { core: target, intelligence: target, integration: target, billing: target }, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32)), metrics);
}

async function readsByTarget(metrics: Metrics): Promise<Record<string, number>> {
  const metric = await metrics.registry.getSingleMetric('db_operations_total')!.get();
  const counts: Record<string, number> = {};
  for (const value of metric.values) if (value.labels['kind'] === 'read') counts[String(value.labels['target'])] = value.value;
  return counts;
}

/** Takes turns: one routed read, one raw read, one bare-Prisma read, one at a time, so all see the same machine. */
async function alternate(samples: number, reads: Record<'routed' | 'raw' | 'prisma', () => Promise<unknown>>): Promise<LatencyPair> {
  const timings = { routed: [] as number[], raw: [] as number[], prisma: [] as number[] };
  for (let index = 0; index < WARMUP + samples; index++) {
    for (const kind of ['routed', 'raw', 'prisma'] as const) {
      const started = process.hrtime.bigint();
      await reads[kind]();
      if (index >= WARMUP) timings[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  const summary = (values: number[]): Percentiles => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
  return { samples, routed: summary(timings.routed), raw: summary(timings.raw), prisma: summary(timings.prisma) };
}

/** A Prisma client of its own on `url`, outside the routing lib; `close` ends it and its pool. */
function barePrisma(url: string): { client: CoreDb; close: () => Promise<void> } {
  const pool = new Pool({ connectionString: url, max: 2 });
  const client = new CoreDb({ adapter: new PrismaPg(pool) });
  return { client, close: () => client.$disconnect().then(() => pool.end()) };
}

/** `concurrency` loops of user-scoped squad list reads for `seconds`. */
async function throughput(db: CoreDb, users: readonly string[], concurrency: number, seconds: number, metrics: Metrics): Promise<Throughput> {
  const before = await readsByTarget(metrics);
  const deadline = performance.now() + seconds * 1000;
  let reads = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let index = loop; performance.now() < deadline; index += concurrency) {
        const user = users[index % users.length]!;
        await runAsUser(user, () => db.squad.findMany({ where: { ownerId: user }, orderBy: { id: 'desc' }, take: 20 }));
        reads++;
      }
    }),
  );
  const after = await readsByTarget(metrics);
  const byTarget = Object.fromEntries(Object.keys(after).map((target) => [target, after[target]! - (before[target] ?? 0)]));
  return { readsPerSecond: reads / seconds, byTarget };
}

/** Waits until the replica has streamed the bench's rows (the database itself included). */
async function untilReplicaHas(name: string, userId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = new Client({ connectionString: onDatabase(LOCAL.postgresReplica, name) });
    try {
      await client.connect();
      const { rows } = await client.query('SELECT 1 FROM core.users WHERE id = $1', [userId]);
      if (rows.length > 0) return;
    } catch (error) {
      if (attempt > 200) throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The database routing's figures on the local PostgreSQL and its streaming replica
 * (scripts/ci/ensure-replica.sh): per-read overhead of the routing lib + Prisma against raw `pg`,
 * and read throughput with one replica against the primary alone.
 */
export async function benchDatabase(options: { samples: number; concurrency: number; seconds: number }, log: (line: string) => void): Promise<DbResults> {
  const name = `asq_bench_${randomBytes(4).toString('hex')}`;
  const setupMetrics = new Metrics();
  const setup = connectionsFor(name, false, setupMetrics);
  const users = Array.from({ length: USERS }, () => randomUUID());
  try {
    const db = await setup.client('core', CoreDb);
    for (const id of users) {
      await db.user.create({ data: { id, email: `${id}@example.com`, name: 'Bench', passwordHash: 'hash' } });
      await db.squad.createMany({ data: Array.from({ length: SQUADS_PER_USER }, (_, index) => ({ ownerId: id, name: `squad ${index}` })) });
    }
    await untilReplicaHas(name, users.at(-1)!);
    const key = users[0]!;
    // The raw ceiling at its best: a named statement, parsed and planned once per connection, as the routing lib's are.
    const rawRead = (pool: Pool) => pool.query({ name: 'bench-user-by-id', text: 'SELECT id, email, name, "passwordHash", plan, "createdAt" FROM core.users WHERE id = $1 LIMIT 1', values: [key] });

    log('db: primary-key read, routing lib + Prisma vs raw pg (primary)');
    const primaryPool = new Pool({ connectionString: onDatabase(LOCAL.postgres, name), max: 2 });
    const primaryPrisma = barePrisma(onDatabase(LOCAL.postgres, name));
    const primaryKey = await alternate(options.samples, {
      routed: () => db.user.findUnique({ where: { id: key } }),
      raw: () => rawRead(primaryPool),
      prisma: () => primaryPrisma.client.user.findUnique({ where: { id: key } }),
    }).finally(() => Promise.all([primaryPool.end(), primaryPrisma.close()]));

    const replicaMetrics = new Metrics();
    const routed = connectionsFor(name, true, replicaMetrics);
    try {
      const replicaDb = await routed.client('core', CoreDb);
      log('db: primary-key read made for a user, routed to the replica, vs raw pg (replica)');
      const replicaPool = new Pool({ connectionString: onDatabase(LOCAL.postgresReplica, name), max: 2 });
      const replicaPrisma = barePrisma(onDatabase(LOCAL.postgresReplica, name));
      const replicaKey = await alternate(options.samples, {
        routed: () => runAsUser(key, () => replicaDb.user.findUnique({ where: { id: key } })),
        raw: () => rawRead(replicaPool),
        prisma: () => replicaPrisma.client.user.findUnique({ where: { id: key } }),
      }).finally(() => Promise.all([replicaPool.end(), replicaPrisma.close()]));

      log(`db: read throughput, ${options.concurrency} concurrent readers for ${options.seconds} s each, primary only then one replica`);
      const primaryOnly = await throughput(db, users, options.concurrency, options.seconds, setupMetrics);
      const withReplica = await throughput(replicaDb, users, options.concurrency, options.seconds, replicaMetrics);
      return { primaryKey, replicaKey, concurrency: options.concurrency, seconds: options.seconds, primaryOnly, withReplica };
    } finally {
      await routed.onApplicationShutdown();
    }
  } finally {
    await setup.onApplicationShutdown();
    const admin = new Client({ connectionString: `${LOCAL.postgres}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
  }
}

const TARGET_RATIO = 1.5;

export function renderDbReport(results: DbResults): string {
  const ratio = (pair: LatencyPair) => pair.routed.p50 / pair.raw.p50;
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  const targets = (counts: Record<string, number>) => Object.entries(counts).map(([target, count]) => `${target} ${count}`).join(', ');
  const { primaryKey: pk, replicaKey: rk, primaryOnly, withReplica } = results;
  return [
    '## Database routing',
    '',
    '| Figure | Value | Target | Verdict |',
    '| --- | --- | --- | --- |',
    `| Primary-key read p50: routing lib + Prisma ÷ raw \`pg\` (primary, same row) | ${ms(pk.routed.p50)} ÷ ${ms(pk.raw.p50)} = **${ratio(pk).toFixed(2)}** | ≤ ${TARGET_RATIO} | **${ratio(pk) <= TARGET_RATIO ? 'PASS' : 'FAIL'}** |`,
    `| Same read through a bare Prisma client (no routing lib) ÷ raw \`pg\` (primary) | ${ms(pk.prisma.p50)} ÷ ${ms(pk.raw.p50)} = **${(pk.prisma.p50 / pk.raw.p50).toFixed(2)}** | — | — |`,
    `| Same read made for a user, routed to the replica ÷ raw \`pg\` on the replica | ${ms(rk.routed.p50)} ÷ ${ms(rk.raw.p50)} = **${ratio(rk).toFixed(2)}** (bare Prisma on the replica ${ms(rk.prisma.p50)}) | — | — |`,
    `| Read throughput, primary only | **${primaryOnly.readsPerSecond.toFixed(0)} reads/s** (${targets(primaryOnly.byTarget)}) | — | — |`,
    `| Read throughput, one replica | **${withReplica.readsPerSecond.toFixed(0)} reads/s** (${targets(withReplica.byTarget)}) | — | — |`,
    '',
    'Notes:',
    '',
    `- Latency rows: ${pk.samples} reads of each after ${WARMUP} untimed ones, taking turns (routed, raw, bare Prisma), one at a time. Routed − bare Prisma: ${ms(pk.routed.p50 - pk.prisma.p50)} on the primary, ${ms(rk.routed.p50 - rk.prisma.p50)} for a user's read on the replica. p99: routed ${ms(pk.routed.p99)}, raw ${ms(pk.raw.p99)} (primary); routed ${ms(rk.routed.p99)}, raw ${ms(rk.raw.p99)} (replica). The routed read is Prisma's \`findUnique\` as domain code calls it, which the routing lib serves as one prepared SELECT on the driver (libs/shared/database/src/raw/direct-unique-reads.ts; bare Prisma compiles, interprets and maps it in JS), plus the routing (Proxies and the metrics; for a user, an AsyncLocalStorage scope and the write-position lookup); the raw read is the same SELECT as a named statement through a \`pg\` pool.`,
    `- Throughput rows: ${results.concurrency} concurrent readers for ${results.seconds} s each, listing one of ${USERS} users' ${SQUADS_PER_USER} squads (\`findMany\`, newest 20) as that user. The primary and the replica are two PostgreSQL clusters on this one machine, sharing its CPUs with the bench itself: a replica adds capacity on hardware of its own, which this run cannot show. Here the two rows show where the reads went (the counts come from the routing's own metrics) and what the replica path costs on shared CPUs.`,
    '',
  ].join('\n');
}

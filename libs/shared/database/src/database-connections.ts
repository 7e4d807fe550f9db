import { Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { type PGlite } from '@electric-sql/pglite';
import { AppConfig, type Domain } from '@agent-squad/config';
import { HealthRegistry, Metrics } from '@agent-squad/observability';
import { PrismaPg } from '@prisma/adapter-pg';
import { Redis } from 'ioredis';
import { type Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { Registry } from 'prom-client';
import { openPglite } from './drivers/pglite';
import { gated } from './drivers/pglite-gate';
import { PgliteStatements } from './drivers/pglite-statements';
import { connectCreatingDatabase, createPool } from './drivers/postgres';
import { StatementNames } from './drivers/statement-names';
import { loadMigrations } from './migrations/migration-files';
import { runMigrations } from './migrations/migration-runner';
import { pgliteSession, postgresSession, type SqlSession } from './migrations/sql-session';
import { type PrismaClientClass, type PrismaClientLike } from './prisma-client';
import { DatabaseMetrics } from './routing/database-metrics';
import { DomainRouter, NO_WRITE_POSITIONS, WritePositionRecorder } from './routing/domain-router';
import { measuredClient, measurer } from './routing/measured-client';
import { withDirectRawSql } from './raw/direct-raw-sql';
import { pgliteRawDriver, pgRawDriver, type RawDriver } from './raw/raw-drivers';
import { Replica, ReplicaSet } from './routing/replica-set';
import { routedClient } from './routing/routed-client';
import { ShardRouter } from './routing/shard-router';
import { settledOnce } from './settled-once';
import { MemoryWritePositions, RedisWritePositions, type WritePositions } from './routing/write-positions';

export interface ClientOptions {
  /** Models (delegate names, e.g. `execution`) whose reads always go to the primary: rows other processes change and users watch live. */
  primaryReads?: readonly string[];
}

/** One database as a client sees it: Prisma's adapter, and the driver its raw SQL runs on. */
interface PhysicalDatabase {
  adapter: PrismaPg | PrismaPGlite;
  raw: RawDriver;
}

/** The pool's label in metrics: the server and database, never the credentials. */
const poolName = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
};

/**
 * The process's database connections: one Prisma client per domain, bound to that domain's
 * target and routed between its primary, replicas and shards (see routing/domain-router.ts); one
 * pg pool per distinct PostgreSQL URL (domains sharing a database share it); one PGlite instance
 * per data folder (the embedded shape keeps every domain in one).
 */
@Injectable()
export class DatabaseConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseConnections.name);
  private readonly clients = new Map<Domain, Promise<PrismaClientLike>>();
  private readonly migrations = new Map<Domain, Promise<void>>();
  private readonly pools = new Map<string, Pool>();
  private readonly statementNames = new WeakMap<Pool, StatementNames>();
  private readonly statementsOnPglite = new WeakMap<PGlite, PgliteStatements>();
  private readonly pglites = new Map<string, Promise<PGlite>>();
  private readonly replicaSets: ReplicaSet[] = [];
  /** Every Prisma client made (primaries, shards, replicas), to disconnect at shutdown. */
  private readonly physicalClients: PrismaClientLike[] = [];
  private positions: WritePositions | undefined;
  private readonly metrics: DatabaseMetrics;

  constructor(
    private readonly config: AppConfig,
    @Optional() metrics?: Metrics,
    @Optional() private readonly health?: HealthRegistry,
  ) {
    this.metrics = new DatabaseMetrics(metrics?.registry ?? new Registry(), config.env.DATABASE_SLOW_QUERY_MS, this.logger);
  }

  /**
   * The domain's Prisma client, created on first call (after applying the domain's migrations
   * when DATABASE_MIGRATE_ON_START) and shared afterwards: later calls return the first client,
   * whatever class they pass.
   */
  client<T extends PrismaClientLike>(domain: Domain, Client: PrismaClientClass<T>, options: ClientOptions = {}): Promise<T> {
    return settledOnce(this.clients, domain, () => this.createClient(domain, Client, options)) as Promise<T>;
  }

  /**
   * Runs `work` on a session of its own on the domain's database (a dedicated pooled connection,
   * or the PGlite instance), once the domain's migrations are applied: raw SQL beyond Prisma, such
   * as backups' cursors.
   */
  async session<T>(domain: Domain, work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.migrated(domain);
    const target = this.config.databases[domain];
    if (target.kind === 'pglite') return work(pgliteSession(await this.pglite(target.dataDir)));
    const connection = await this.pool(target.url).connect();
    try {
      return await work(postgresSession(connection));
    } finally {
      connection.release();
    }
  }

  /** Readiness: resolves when the domain's database answers a trivial query. */
  async ping(domain: Domain): Promise<void> {
    const target = this.config.databases[domain];
    if (target.kind === 'pglite') await (await this.pglite(target.dataDir)).query('SELECT 1');
    else await this.pool(target.url).query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.clients.values());
    await Promise.allSettled(this.replicaSets.map((set) => set.close()));
    await Promise.allSettled(this.physicalClients.map((client) => client.$disconnect()));
    const pglites = await Promise.allSettled(this.pglites.values());
    await Promise.allSettled([
      ...[...this.pools.values()].map((pool) => pool.end()),
      ...pglites.map((db) => (db.status === 'fulfilled' ? db.value.close() : undefined)),
      this.positions?.close(),
    ]);
    for (const url of this.pools.keys()) this.metrics.untrackPool(poolName(url));
    this.clients.clear();
    this.replicaSets.length = 0;
    this.physicalClients.length = 0;
    this.positions = undefined;
    this.migrations.clear();
    this.pools.clear();
    this.pglites.clear();
  }

  private async createClient<T extends PrismaClientLike>(domain: Domain, Client: PrismaClientClass<T>, options: ClientOptions): Promise<T> {
    await this.migrated(domain);
    const target = this.config.databases[domain];
    if (target.kind === 'pglite') {
      const db = await this.pglite(target.dataDir);
      return this.physical(Client, { adapter: new PrismaPGlite(db), raw: pgliteRawDriver(this.pgliteStatements(db)) }, domain, 'primary');
    }
    const shardUrls = target.shards ?? [target.url];
    // Shards hold per-user data on primaries only; replicas serve an unsharded domain.
    const replicaUrls = shardUrls.length > 1 ? [] : (target.replicas ?? []);
    const replicas = replicaUrls.map((url, index) => {
      const replica = new Replica(`replica-${index}`, url, this.config.env.DATABASE_REPLICA_MAX_LAG_MS, Math.max(1000, this.config.env.DATABASE_REPLICA_CHECK_EVERY_MS));
      return [replica, this.physical(Client, this.pgDatabase(url), domain, replica.name)] as const;
    });
    const positions = replicas.length > 0 ? this.writePositions() : undefined;
    const writes = positions ? new WritePositionRecorder(domain, this.pool(target.url), positions, this.logger) : NO_WRITE_POSITIONS;
    const primaries = shardUrls.map((url, index) => this.physical(Client, this.pgDatabase(url), domain, index === 0 ? 'primary' : `shard-${index}`, writes));
    let replicaRouting;
    if (positions) {
      const set = new ReplicaSet(replicas.map(([replica]) => replica), this.config.env.DATABASE_REPLICA_CHECK_EVERY_MS);
      this.replicaSets.push(set);
      await set.start();
      for (const [replica] of replicas) {
        // A replica away degrades the process (reads fall back to the primary) without making it unready.
        this.health?.register(`${domain}-database-${replica.name}`, async () => {
          if (!replica.state.healthy) throw new Error(replica.state.reason);
        }, { critical: false });
      }
      replicaRouting = { set, clients: new Map(replicas), positions };
    }
    const shards = shardUrls.length > 1 ? new ShardRouter(shardUrls.map((_, index) => `shard-${index}`)) : undefined;
    const router = new DomainRouter({ domain, primaries, replicas: replicaRouting, writes, shards });
    return routedClient<T>(router, { primaryReads: new Set(options.primaryReads) });
  }

  /** One Prisma client on one database, measured under `target`, its raw SQL run on the driver itself. */
  private physical<T extends PrismaClientLike>(Client: PrismaClientClass<T>, { adapter, raw }: PhysicalDatabase, domain: Domain, target: string, writes = NO_WRITE_POSITIONS): T {
    // Waiting for a pooled connection may take as long as the pool's own acquire timeout (seed:
    // 30 s) rather than Prisma's 2 s default, which fails transactions under a busy worker.
    const client = new Client({ adapter, transactionOptions: { maxWait: this.config.env.DATABASE_POOL_ACQUIRE_TIMEOUT_MS, timeout: 15_000 } });
    this.physicalClients.push(client);
    const measure = measurer({ domain, target }, this.metrics, writes);
    return withDirectRawSql(measuredClient(client, measure), raw, measure);
  }

  /** Shared through Redis when the process has it (its replicas then read back each other's writes), else in memory. */
  private writePositions(): WritePositions {
    if (!this.positions) {
      const { queue } = this.config;
      if (queue.kind === 'bullmq') {
        const redis = new Redis(queue.url, { commandTimeout: 250, maxRetriesPerRequest: 1, enableOfflineQueue: false });
        // Redis away only sends reads to the primary (see RedisWritePositions); it reconnects by itself.
        redis.on('error', () => undefined);
        this.positions = new RedisWritePositions(redis, this.config.env.NAMESPACE);
      } else {
        this.positions = new MemoryWritePositions();
      }
    }
    return this.positions;
  }

  /** Applies the domain's pending migrations when DATABASE_MIGRATE_ON_START, once per process (a failure may be retried). */
  private migrated(domain: Domain): Promise<void> {
    if (!this.config.env.DATABASE_MIGRATE_ON_START) return Promise.resolve();
    return settledOnce(this.migrations, domain, () => this.migrate(domain));
  }

  private async migrate(domain: Domain): Promise<void> {
    const target = this.config.databases[domain];
    const migrations = loadMigrations(domain);
    if (target.kind === 'pglite') {
      this.logApplied(domain, await runMigrations(pgliteSession(await this.pglite(target.dataDir)), domain, migrations));
      return;
    }
    // Every shard holds the domain's whole schema; replicas follow their primary.
    for (const url of target.shards ?? [target.url]) {
      const connection = await connectCreatingDatabase(url);
      try {
        this.logApplied(domain, await runMigrations(postgresSession(connection), domain, migrations));
      } finally {
        await connection.end();
      }
    }
  }

  private logApplied(domain: Domain, applied: string[]): void {
    if (applied.length > 0) this.logger.log(`${domain}: applied migrations ${applied.join(', ')}`);
  }

  /** Prisma's adapter and the raw driver on the URL's pool, naming statements alike (one set of names per pool, as each connection keeps what it prepared). */
  private pgDatabase(url: string): PhysicalDatabase {
    const pool = this.pool(url);
    let names = this.statementNames.get(pool);
    if (!names) {
      names = new StatementNames(this.config.env.DATABASE_PREPARED_STATEMENTS);
      this.statementNames.set(pool, names);
    }
    const named = names;
    // The adapter's type wants a string, but it passes the name straight to pg, where undefined means an unnamed statement.
    return {
      adapter: new PrismaPg(pool, { statementNameGenerator: (query) => named.nameFor(query.sql) as string }),
      raw: pgRawDriver(pool, named),
    };
  }

  private pool(url: string): Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      const { env } = this.config;
      pool = createPool(url, {
        size: env.DATABASE_POOL_SIZE,
        overflow: env.DATABASE_POOL_OVERFLOW,
        acquireTimeoutMs: env.DATABASE_POOL_ACQUIRE_TIMEOUT_MS,
        recycleSeconds: env.DATABASE_POOL_RECYCLE_SECONDS,
      });
      this.metrics.trackPool(poolName(url), pool);
      // An idle connection that breaks (e.g. server restart) is dropped by the pool; without a
      // listener the 'error' event would crash the process.
      pool.on('error', (error) => this.logger.warn(`idle PostgreSQL connection failed: ${error.message}`));
      this.pools.set(url, pool);
    }
    return pool;
  }

  /** The prepared statements of a PGlite instance: every domain on it shares its one connection, so they share one set of names. */
  private pgliteStatements(db: PGlite): PgliteStatements {
    let statements = this.statementsOnPglite.get(db);
    if (!statements) {
      statements = new PgliteStatements(db, new StatementNames(this.config.env.DATABASE_PREPARED_STATEMENTS));
      this.statementsOnPglite.set(db, statements);
    }
    return statements;
  }

  /** Opened once per folder (PGlite is single-connection and a folder can be open only once), a request's statements before background ones. */
  private pglite(dataDir: string): Promise<PGlite> {
    let db = this.pglites.get(dataDir);
    if (!db) {
      db = openPglite(dataDir).then(gated);
      this.pglites.set(dataDir, db);
    }
    return db;
  }
}

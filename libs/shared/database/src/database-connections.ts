import { Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { type PGlite } from '@electric-sql/pglite';
import { AppConfig, type DatabaseTarget, type Domain } from '@agent-squad/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { type Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DatabaseMetrics, type QueryEvents } from './database-metrics';
import { openPglite } from './drivers/pglite';
import { connectCreatingDatabase, createPool, POOL_ACQUIRE_TIMEOUT_MS } from './drivers/postgres';
import { loadMigrations } from './migrations/migration-files';
import { runMigrations } from './migrations/migration-runner';
import { pgliteSession, postgresSession, type SqlSession } from './migrations/sql-session';
import { type DatabaseAdapter, type PrismaClientClass, type PrismaClientLike } from './prisma-client';

/**
 * The process's database connections: one Prisma client per domain, bound to that domain's
 * target; one pg pool per distinct PostgreSQL URL (domains sharing a database share it); one
 * PGlite instance per data folder (the embedded shape keeps every domain in one).
 */
@Injectable()
export class DatabaseConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseConnections.name);
  private readonly clients = new Map<Domain, Promise<PrismaClientLike>>();
  private readonly migrations = new Map<Domain, Promise<void>>();
  private readonly pools = new Map<string, Pool>();
  private readonly pglites = new Map<string, Promise<PGlite>>();

  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: DatabaseMetrics,
  ) {}

  /**
   * The domain's Prisma client, created on first call (after applying the domain's migrations
   * when DATABASE_MIGRATE_ON_START) and shared afterwards: later calls return the first client,
   * whatever class they pass.
   */
  client<T extends PrismaClientLike>(domain: Domain, Client: PrismaClientClass<T>): Promise<T> {
    let client = this.clients.get(domain);
    if (!client) {
      client = this.createClient(domain, Client);
      this.clients.set(domain, client);
      // A failed start may be retried (e.g. the database was not up yet).
      client.catch(() => this.clients.delete(domain));
    }
    return client as Promise<T>;
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
    const clients = await Promise.allSettled(this.clients.values());
    await Promise.allSettled(clients.map((client) => (client.status === 'fulfilled' ? client.value.$disconnect() : undefined)));
    const pglites = await Promise.allSettled(this.pglites.values());
    await Promise.allSettled([
      ...[...this.pools.values()].map((pool) => pool.end()),
      ...pglites.map((db) => (db.status === 'fulfilled' ? db.value.close() : undefined)),
    ]);
    this.clients.clear();
    this.migrations.clear();
    this.pools.clear();
    this.pglites.clear();
  }

  private async createClient<T extends PrismaClientLike>(domain: Domain, Client: PrismaClientClass<T>): Promise<T> {
    await this.migrated(domain);
    // Waiting for a pooled connection may take as long as the pool's own acquire timeout (seed:
    // 30 s) rather than Prisma's 2 s default, which fails transactions under a busy worker.
    const client = new Client({
      adapter: await this.adapter(this.config.databases[domain]),
      transactionOptions: { maxWait: POOL_ACQUIRE_TIMEOUT_MS, timeout: 15_000 },
      ...(this.metrics ? { log: [{ emit: 'event', level: 'query' }] } : {}),
    });
    this.metrics?.watchQueries(domain, client as unknown as QueryEvents);
    return client;
  }

  /** Applies the domain's pending migrations when DATABASE_MIGRATE_ON_START, once per process (a failure may be retried). */
  private migrated(domain: Domain): Promise<void> {
    if (!this.config.env.DATABASE_MIGRATE_ON_START) return Promise.resolve();
    let migrated = this.migrations.get(domain);
    if (!migrated) {
      migrated = this.migrate(domain);
      this.migrations.set(domain, migrated);
      migrated.catch(() => this.migrations.delete(domain));
    }
    return migrated;
  }

  private async migrate(domain: Domain): Promise<void> {
    const target = this.config.databases[domain];
    const migrations = loadMigrations(domain);
    let applied: string[];
    if (target.kind === 'pglite') {
      applied = await runMigrations(pgliteSession(await this.pglite(target.dataDir)), domain, migrations);
    } else {
      const connection = await connectCreatingDatabase(target.url);
      try {
        applied = await runMigrations(postgresSession(connection), domain, migrations);
      } finally {
        await connection.end();
      }
    }
    if (applied.length > 0) this.logger.log(`${domain}: applied migrations ${applied.join(', ')}`);
  }

  private async adapter(target: DatabaseTarget): Promise<DatabaseAdapter> {
    return target.kind === 'pglite' ? new PrismaPGlite(await this.pglite(target.dataDir)) : new PrismaPg(this.pool(target.url));
  }

  private pool(url: string): Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      pool = createPool(url, this.config.env.DATABASE_POOL_SIZE);
      // An idle connection that breaks (e.g. server restart) is dropped by the pool; without a
      // listener the 'error' event would crash the process.
      pool.on('error', (error) => this.logger.warn(`idle PostgreSQL connection failed: ${error.message}`));
      this.pools.set(url, pool);
      this.metrics?.watchPool(new URL(url).pathname.slice(1) || 'postgres', pool);
    }
    return pool;
  }

  /** Opened once per folder: PGlite is single-connection and a folder can be open only once. */
  private pglite(dataDir: string): Promise<PGlite> {
    let db = this.pglites.get(dataDir);
    if (!db) {
      db = openPglite(dataDir);
      this.pglites.set(dataDir, db);
    }
    return db;
  }
}

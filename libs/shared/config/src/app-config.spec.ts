import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { ROLES } from './roles';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'asq-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is embedded with no infrastructure configured: local bus, inline queue, PGlite in DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: dataDir }, ROLES);
    expect(config.embedded).toBe(true);
    expect(config.queue).toEqual({ kind: 'inline' });
    expect(config.databases.core).toEqual({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    expect(config.env.PORT).toBe(3000);
  });

  it('runs few executions at once on PGlite, many on PostgreSQL, unless told', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, ROLES).workerConcurrency).toBe(8);
    expect(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://127.0.0.1:5432/x' }, ROLES).workerConcurrency).toBe(100);
    expect(loadConfig({ DATA_DIR: dataDir, WORKER_CONCURRENCY: '3' }, ROLES).workerConcurrency).toBe(3);
  });

  it('keeps one generated JWT secret in the data folder across restarts', () => {
    const first = loadConfig({ DATA_DIR: dataDir }, ROLES).jwtSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dataDir }, ROLES).jwtSecret).toBe(first);
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8')).toBe(first);
  });

  it('refuses a split process without NATS', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir }, ['gateway'])).toThrow(/NATS_URL is required/);
  });

  it('requires Redis and a shared JWT secret when split over NATS', () => {
    expect(() => loadConfig({ NATS_URL: 'nats://127.0.0.1:4222', JWT_SECRET: 'x'.repeat(32) }, ['core'])).toThrow(/REDIS_URL is required/);
    // Every domain runs scheduled jobs on the queue; only a gateway needs none.
    expect(() => loadConfig({ NATS_URL: 'nats://127.0.0.1:4222', JWT_SECRET: 'x'.repeat(32) }, ['billing'])).toThrow(/REDIS_URL is required/);
    expect(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222', JWT_SECRET: 'x'.repeat(32) }, ['gateway']).queue).toEqual({ kind: 'inline' });
    expect(() => loadConfig({ NATS_URL: 'nats://127.0.0.1:4222', REDIS_URL: 'redis://127.0.0.1:6379' }, ['gateway'])).toThrow(/JWT_SECRET/);
  });

  it('gives each domain its own database URL, falling back to DATABASE_URL', () => {
    const config = loadConfig(
      { NATS_URL: 'nats://n:4222', REDIS_URL: 'redis://r:6379', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgresql://db/shared', BILLING_DATABASE_URL: 'postgresql://db/billing' },
      ['core', 'billing'],
    );
    expect(config.databases.core).toEqual({ kind: 'postgres', url: 'postgresql://db/shared', replicas: [] });
    expect(config.databases.billing).toEqual({ kind: 'postgres', url: 'postgresql://db/billing', replicas: [] });
  });

  it('gives each domain the replicas of DATABASE_REPLICA_URLS unless its own list overrides them', () => {
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        DATABASE_URL: 'postgresql://db/shared',
        DATABASE_REPLICA_URLS: 'postgresql://r1/shared, postgresql://r2/shared',
        BILLING_DATABASE_REPLICA_URLS: 'postgresql://r3/billing',
      },
      ROLES,
    );
    expect(config.databases.core).toEqual({ kind: 'postgres', url: 'postgresql://db/shared', replicas: ['postgresql://r1/shared', 'postgresql://r2/shared'] });
    expect(config.databases.billing).toEqual({ kind: 'postgres', url: 'postgresql://db/shared', replicas: ['postgresql://r3/billing'] });
    expect(() => loadConfig({ DATA_DIR: dataDir, DATABASE_REPLICA_URLS: 'not a url' }, ROLES)).toThrow(/DATABASE_REPLICA_URLS/);
  });

  it('shards the core domain only when two or more shard URLs are given, the first being its database', () => {
    const base = { DATA_DIR: dataDir, DATABASE_URL: 'postgresql://db/s0' };
    expect(loadConfig(base, ROLES).databases.core).not.toHaveProperty('shards');
    expect(loadConfig({ ...base, CORE_DATABASE_SHARD_URLS: 'postgresql://db/s0,postgresql://db/s1' }, ROLES).databases.core).toMatchObject({ shards: ['postgresql://db/s0', 'postgresql://db/s1'] });
    expect(() => loadConfig({ ...base, CORE_DATABASE_SHARD_URLS: 'postgresql://db/s1,postgresql://db/s0' }, ROLES)).toThrow(/must start with the core database URL/);
  });

  it('has the seed pool sizing by default', () => {
    const { env } = loadConfig({ DATA_DIR: dataDir }, ROLES);
    expect([env.DATABASE_POOL_SIZE, env.DATABASE_POOL_OVERFLOW, env.DATABASE_POOL_ACQUIRE_TIMEOUT_MS, env.DATABASE_POOL_RECYCLE_SECONDS]).toEqual([20, 10, 30_000, 3600]);
  });

  it('lets ROLES override the app defaults and rejects unknown roles', () => {
    const base = { NATS_URL: 'nats://n:4222', REDIS_URL: 'redis://r:6379', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ ...base, ROLES: 'worker, billing' }, ['core']).roles).toEqual(['worker', 'billing']);
    expect(() => loadConfig({ ...base, ROLES: 'cook' }, ['core'])).toThrow(/unknown role/);
  });

  it('keeps backups under the data folder unless BACKUP_DIR says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, ROLES).backupDir).toBe(join(dataDir, 'backups'));
    expect(loadConfig({ DATA_DIR: dataDir, BACKUP_DIR: '/srv/backups' }, ROLES).backupDir).toBe('/srv/backups');
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', WORKER_CONCURRENCY: '0', DATA_DIR: dataDir }, ROLES)).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir }, ROLES)).toThrow(/PORT/);
  });
});

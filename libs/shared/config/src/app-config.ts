import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { envSchema, type Env } from './env.schema';
import { DOMAINS, parseRoles, type Domain, type Role } from './roles';

/**
 * Where a domain's tables live. On PostgreSQL: the primary `url`, its read `replicas`, and — core
 * only, when sharding is on — the `shards` that hold per-user data (the first is `url`).
 */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; replicas?: readonly string[]; shards?: readonly string[] }
  | { kind: 'pglite'; dataDir: string };
export type BusTarget = { kind: 'local' } | { kind: 'nats'; url: string };
export type QueueTarget = { kind: 'inline' } | { kind: 'bullmq'; url: string };
export type PlanName = 'free' | 'pro';
export interface PlanQuota {
  executions: number;
  tokens: number;
}

/** The validated configuration of one process. Built once at boot by `loadConfig`. */
export class AppConfig {
  constructor(
    readonly roles: readonly Role[],
    readonly env: Env,
    readonly databases: Readonly<Record<Domain, DatabaseTarget>>,
    readonly bus: BusTarget,
    readonly queue: QueueTarget,
    readonly jwtSecret: string,
  ) {}

  hosts(role: Role): boolean {
    return this.roles.includes(role);
  }

  get embedded(): boolean {
    return this.bus.kind === 'local';
  }

  /**
   * PGlite runs every query of the process one at a time on the event loop's thread: a hundred
   * executions at once would queue ahead of every HTTP request's query (measured: POST task p99 in
   * seconds at 200/s). A few at once keep it as busy with far shorter queues.
   */
  get workerConcurrency(): number {
    return this.env.WORKER_CONCURRENCY ?? (this.databases.core.kind === 'pglite' ? 8 : 100);
  }

  /** Where each domain writes its backups. */
  get backupDir(): string {
    return resolve(this.env.BACKUP_DIR ?? join(this.env.DATA_DIR, 'backups'));
  }

  get plans(): Readonly<Record<PlanName, PlanQuota>> {
    return {
      free: { executions: this.env.PLAN_FREE_EXECUTIONS, tokens: this.env.PLAN_FREE_TOKENS },
      pro: { executions: this.env.PLAN_PRO_EXECUTIONS, tokens: this.env.PLAN_PRO_TOKENS },
    };
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the environment and derives the shape of this process: with no NATS the platform is
 * embedded (every role in one process, in-process bus and queue, PGlite unless a database URL is
 * given); with NATS any subset of roles may run here.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv, defaultRoles: readonly Role[]): AppConfig {
  const parsed = envSchema.safeParse(rawEnv);
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n${z.prettifyError(parsed.error)}`);
  const env = parsed.data;
  const roles = env.ROLES ? parseRoles(env.ROLES) : [...defaultRoles];
  const bus: BusTarget = env.NATS_URL ? { kind: 'nats', url: env.NATS_URL } : { kind: 'local' };
  if (bus.kind === 'local') {
    const missing = [...DOMAINS, 'worker' as const].filter((role) => !roles.includes(role));
    if (missing.length > 0) throw new ConfigError(`NATS_URL is required when this process does not host every domain (missing: ${missing.join(', ')})`);
  }
  const queue: QueueTarget = env.REDIS_URL ? { kind: 'bullmq', url: env.REDIS_URL } : { kind: 'inline' };
  // Workers take executions from the queue, and every domain runs its scheduled jobs on it: an
  // in-process queue would run them once per replica instead of once per period.
  if (queue.kind === 'inline' && bus.kind === 'nats' && roles.some((role) => role !== 'gateway')) {
    throw new ConfigError('REDIS_URL is required for the job queue when services are split over NATS');
  }
  const dataDir = resolve(env.DATA_DIR);
  const databases = Object.fromEntries(
    DOMAINS.map((domain) => {
      const upper = domain.toUpperCase() as Uppercase<Domain>;
      const url = env[`${upper}_DATABASE_URL`] ?? env.DATABASE_URL;
      if (!url) return [domain, { kind: 'pglite', dataDir: join(dataDir, 'pglite') }];
      const domainReplicas = env[`${upper}_DATABASE_REPLICA_URLS`];
      const replicas = domainReplicas.length > 0 ? domainReplicas : env.DATABASE_REPLICA_URLS;
      const shards = domain === 'core' && env.CORE_DATABASE_SHARD_URLS.length > 1 ? { shards: env.CORE_DATABASE_SHARD_URLS } : {};
      return [domain, { kind: 'postgres', url, replicas, ...shards }];
    }),
  ) as Record<Domain, DatabaseTarget>;
  const core = databases.core;
  if (core.kind === 'postgres' && core.shards && core.shards[0] !== core.url) {
    throw new ConfigError('CORE_DATABASE_SHARD_URLS must start with the core database URL (shard 0 also holds what is not per user)');
  }
  return new AppConfig(roles, env, databases, bus, queue, resolveJwtSecret(env, bus, dataDir));
}

/** Split shapes must share one secret; the embedded shape keeps a generated one in its data folder. */
function resolveJwtSecret(env: Env, bus: BusTarget, dataDir: string): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (bus.kind === 'nats') throw new ConfigError('JWT_SECRET (at least 32 characters) is required when services are split over NATS');
  const file = join(dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

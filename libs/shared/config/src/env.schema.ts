import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url().optional())
  .optional();
const urlList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((url) => url.trim()).filter((url) => url !== ''))
  .pipe(z.array(z.url()));
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** Every environment variable the platform reads, with its default. Nothing else reads `process.env`. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ROLES: z.string().optional(),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The process's scheduling niceness (-20..19; unset: as started). A background process (worker) set above the API's yields the CPU to requests on a shared host. */
  PROCESS_NICENESS: z.coerce.number().int().min(-20).max(19).optional(),

  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalUrl,
  CORE_DATABASE_URL: optionalUrl,
  INTELLIGENCE_DATABASE_URL: optionalUrl,
  INTEGRATION_DATABASE_URL: optionalUrl,
  BILLING_DATABASE_URL: optionalUrl,
  /** Read replicas (comma-separated URLs) of DATABASE_URL; `<DOMAIN>_DATABASE_REPLICA_URLS` override per domain (empty: none). */
  DATABASE_REPLICA_URLS: urlList,
  CORE_DATABASE_REPLICA_URLS: urlList,
  INTELLIGENCE_DATABASE_REPLICA_URLS: urlList,
  INTEGRATION_DATABASE_REPLICA_URLS: urlList,
  BILLING_DATABASE_REPLICA_URLS: urlList,
  /** Shards of the core domain's per-user data (comma-separated primary URLs); unset or one URL: no sharding. */
  CORE_DATABASE_SHARD_URLS: urlList,
  // Pools (seed: pool_size 20, max_overflow 10, pool_timeout 30 s, pool_recycle 3600 s), one per database URL.
  DATABASE_POOL_SIZE: int(20, 1),
  /** Connections beyond DATABASE_POOL_SIZE under load; closed again once idle. */
  DATABASE_POOL_OVERFLOW: int(10, 0),
  /** A query waits this long for a pooled connection, then fails with 503. */
  DATABASE_POOL_ACQUIRE_TIMEOUT_MS: int(30_000, 1),
  /** Connections are replaced after this long. */
  DATABASE_POOL_RECYCLE_SECONDS: int(3600, 1),
  /** A replica whose replay is further behind than this is skipped until it catches up. */
  DATABASE_REPLICA_MAX_LAG_MS: int(5000, 1),
  /** How often each replica's health and replay position are checked. */
  DATABASE_REPLICA_CHECK_EVERY_MS: int(1000, 50),
  /** Queries slower than this are counted (`db_slow_queries_total`) and logged. */
  DATABASE_SLOW_QUERY_MS: int(500, 1),
  /** Distinct SQL texts each pool runs as named prepared statements (parsed once per connection); 0 for none, e.g. behind PgBouncer in transaction mode. */
  DATABASE_PREPARED_STATEMENTS: int(500, 0),
  DATABASE_MIGRATE_ON_START: bool(true),

  NATS_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  /** Namespace of NATS subjects, JetStream streams and BullMQ queues: lets stacks share servers. */
  NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/i)
    .default('asq'),
  RPC_TIMEOUT_MS: int(10_000, 1),

  /** Cache (DESIGN §4): L1 in each process's memory; L2 Redis (CACHE_REDIS_URL, else REDIS_URL) when split over NATS. */
  CACHE_L1_MAX_BYTES: int(104_857_600, 1024),
  /** How long a replica keeps its memory copy of an item shared through Redis: the bound on a missed invalidation. */
  CACHE_L1_TTL_SECONDS: int(60, 1).pipe(z.number().max(60)),
  CACHE_REDIS_URL: optionalUrl,
  CACHE_REDIS_TIMEOUT_MS: int(250, 10),
  CACHE_REDIS_RETRY_MS: int(1000, 50),

  JWT_SECRET: z.string().min(32).optional(),
  JWT_TTL_SECONDS: int(3600, 60),
  BODY_LIMIT_BYTES: int(1_048_576, 1024),

  /** Jobs one worker process runs at once; unset: 100, or 8 on the embedded PGlite (see AppConfig.workerConcurrency). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  /**
   * API-first on a shared host: above this 90th-percentile API latency (ms, as the gateways report
   * it every 100 ms) workers halve how many executions they run at once, and win it back while the
   * API is fast or idle. 0: off. Set it on gateways and workers alike.
   */
  WORKER_YIELD_LATENCY_MS: int(0, 0),
  /** How long a worker's claim on a job lasts without renewal: the bound on noticing a dead worker. */
  JOB_LOCK_MS: int(10_000, 1000),
  OUTBOX_POLL_MS: int(1000, 10),

  // Executions (DESIGN §3). A worker holds a lease on each execution it runs and renews it every
  // third of EXECUTION_LEASE_MS; once a lease has passed, the execution is claimed again within
  // EXECUTION_RECONCILE_EVERY_MS (the reconciler re-adds its job) plus the time to take the job.
  EXECUTION_LEASE_MS: int(15_000, 300),
  EXECUTION_RECONCILE_EVERY_MS: int(5_000, 100),
  /** A queued execution whose job was added this long ago gets it added again (the queue's store may have lost it). */
  EXECUTION_REDISPATCH_AFTER_MS: int(30_000, 100),
  /** An agent step (one LLM call) taking longer fails the execution. */
  EXECUTION_STEP_TIMEOUT_MS: int(600_000, 100),
  /** An execution running longer than this since it started ends `failed` (timed out). */
  EXECUTION_TIMEOUT_MS: int(3_600_000, 100),
  /** Executions of one user waiting for a worker or running at once; the rest wait in the database, oldest first. */
  USER_MAX_ACTIVE_EXECUTIONS: int(10, 1),
  /** On SIGTERM a worker finishes its running steps for at most this long, then hands the rest over unfinished; the process then exits 0. */
  SHUTDOWN_GRACE_MS: int(10_000, 0),

  /** A member without its own `model` uses this one: `provider:model` (`openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`, `ollama:llama3.1`) or `offline`. */
  DEFAULT_MODEL: z.string().default('offline'),
  OFFLINE_LLM_LATENCY_MS: int(0),
  // LLM providers (DESIGN §6): each is on when its key (or, for Ollama, its URL) is set.
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** Any OpenAI-compatible server (vLLM, LM Studio, a proxy); default api.openai.com. */
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: optionalUrl,
  /** A local Ollama's OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1: enables `ollama:<model>`. */
  OLLAMA_BASE_URL: optionalUrl,
  /** One provider call (a whole streamed answer included) taking longer is abandoned and counts as a failure. */
  LLM_TIMEOUT_MS: int(120_000, 10),
  /** Further tries after a 429, a 5xx, a timeout or a dropped connection, with exponential backoff (or the provider's `retry-after`). */
  LLM_MAX_RETRIES: int(2, 0),
  LLM_RETRY_BASE_MS: int(500, 1),
  /** Consecutive failed calls that open a provider's circuit breaker: calls then fail at once until a probe succeeds. */
  LLM_BREAKER_FAILURES: int(5, 1),
  /** How long an open breaker waits before letting one probe call through. */
  LLM_BREAKER_HALF_OPEN_MS: int(30_000, 10),
  /** Sampling temperature of agent steps; at 0 a call is deterministic and its answer is cached (same model and prompt). */
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.2),
  /** Embeddings for hybrid retrieval (OpenAI-compatible `/embeddings`); unset, retrieval is full-text only. */
  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  EMBEDDINGS_MODEL: z.string().default('text-embedding-3-small'),

  PLAN_FREE_EXECUTIONS: int(100, 0),
  PLAN_FREE_TOKENS: int(1_000_000, 0),
  PLAN_PRO_EXECUTIONS: int(10_000, 0),
  PLAN_PRO_TOKENS: int(100_000_000, 0),
  /** Far from a plan's limits, billing lets each submitting process accept up to this many more tasks without asking again (0: ask for every one). */
  QUOTA_ALLOWANCE_MAX: int(20, 0),
  /** How long such an allowance lasts: a plan change reaches submissions at most this late. */
  QUOTA_ALLOWANCE_MS: int(5000, 0),

  // Scheduled jobs run once per period across all replicas, at multiples of their interval (UTC):
  // hourly ones at :00, daily ones at midnight.
  /** Finished executions (with their steps, messages and events) and raw LLM call records are kept this long (at least 3 days: the usage roll-up re-reads the last two). */
  RETENTION_DAYS: int(30, 3),
  EXECUTION_CLEANUP_EVERY_MS: int(3_600_000, 1000),
  LLM_USAGE_ROLLUP_EVERY_MS: int(3_600_000, 1000),
  BACKUP_EVERY_MS: int(86_400_000, 1000),
  /** Where each domain writes its backups (`<dir>/<domain>/<time>/`); default `<DATA_DIR>/backups`. Share it (a volume) between replicas. */
  BACKUP_DIR: z.string().optional(),
  /** Backups kept per domain; older ones are deleted after each new one. */
  BACKUP_KEEP: int(7, 1),
  /** How often each process runs its readiness checks and exports them as `dependency_up`. */
  HEALTH_CHECK_EVERY_MS: int(15_000, 100),
  /** Bearer token of the ops endpoints that show job data (`GET /ops/queues`); unset, they answer 403. */
  OPS_TOKEN: z.string().min(32).optional(),

  /** OTLP/HTTP collector (e.g. `http://jaeger:4318`): set, this process exports its trace spans there; unset, it traces nothing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  /** The `service.name` of this process's spans; default `agent-squad-<roles>`. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** How long finished spans wait to be sent in one batch (the OpenTelemetry variable of the same name). */
  OTEL_BSP_SCHEDULE_DELAY: int(5000, 1),
});
export type Env = z.infer<typeof envSchema>;

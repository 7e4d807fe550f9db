import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port';
import { clearNamespace, dropDatabase, LOCAL } from './local-services';
import { ServiceProcess } from './service-process';

export type Shape = 'embedded' | 'services';

/** The apps of the split shape, by the role each hosts (see apps/<name>/src/main.ts). */
export const SPLIT_APPS = ['core', 'worker', 'intelligence', 'integration', 'billing'] as const;
export type AppName = (typeof SPLIT_APPS)[number] | 'gateway' | 'monolith';

/** The repo root, from the TypeScript sources (Jest) or from their build under dist/ (bench). */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repo root (nx.json) above ${from}`);
  }
}

const entryOf = (app: AppName): string => join('dist', 'apps', app, 'src', 'main.js');

/** The admin token of every stack's ops endpoints (`GET /ops/queues`). */
export const OPS_TOKEN = 'e2e-ops-token-0123456789abcdef0123456789';

/** How long a process may take to stop gracefully before it is killed: a stop never hangs. */
const STOP_GRACE_MS = 10_000;

export interface StackOptions {
  /** Extra environment for every process (e.g. a short JOB_LOCK_MS, NODE_ENV=production). */
  env?: Record<string, string>;
  /** Extra environment for one process, by its name (e.g. a profiler per process). */
  serviceEnv?: (name: string) => Record<string, string>;
  /** Gateway replicas in the split shape. */
  gateways?: number;
  /** The split shape as phase 1 instead: this many identical monolith replicas (every role) on the shared servers. */
  replicas?: number;
}

/**
 * A running platform for tests and benchmarks, built from `dist/` (run `npm run build` first): one
 * embedded process, or the split shape — gateways, core, worker, intelligence, integration and
 * billing as separate processes on the local PostgreSQL, Redis and NATS, isolated by a fresh
 * database and a fresh namespace.
 */
export class Stack {
  readonly services = new Map<string, ServiceProcess>();
  readonly gatewayUrls: string[] = [];
  readonly namespace = `e2e${randomBytes(4).toString('hex')}`;
  readonly logDir = join(REPO_ROOT, 'tmp', 'logs', this.namespace);
  readonly database = `asq_${this.namespace}`;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'asq-stack-'));

  private constructor(
    readonly shape: Shape,
    private readonly options: StackOptions,
  ) {
    mkdirSync(this.logDir, { recursive: true });
  }

  static async start(shape: Shape, options: StackOptions = {}): Promise<Stack> {
    const stack = new Stack(shape, options);
    try {
      if (shape === 'embedded') {
        await stack.startGateway('monolith');
      } else if (options.replicas) {
        for (let index = 0; index < options.replicas; index++) await stack.startGateway('monolith', `replica-${index + 1}`);
      } else {
        await Promise.all(SPLIT_APPS.map((app) => stack.startService(app, app)));
        for (let index = 0; index < (options.gateways ?? 2); index++) await stack.startGateway('gateway', `gateway-${index + 1}`);
      }
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  get baseUrl(): string {
    return this.gatewayUrls[0]!;
  }

  /** The environment every process of this stack shares. */
  get env(): Record<string, string> {
    const shared = { NODE_ENV: 'test', LOG_LEVEL: 'info', PLAN_FREE_EXECUTIONS: '10', HOST: '127.0.0.1', DATA_DIR: this.dataDir, OPS_TOKEN };
    const split: Record<string, string> =
      this.shape === 'services'
        ? {
            DATABASE_URL: `${LOCAL.postgres}/${this.database}`,
            // Reads go to the replica, as in production: the suites prove they still see every write they must.
            DATABASE_REPLICA_URLS: `${LOCAL.postgresReplica}/${this.database}`,
            REDIS_URL: LOCAL.redis,
            NATS_URL: LOCAL.nats,
            NAMESPACE: this.namespace,
            JWT_SECRET: `e2e-secret-${this.namespace}-0123456789abcdef`,
            // Several stacks share one PostgreSQL (max_connections 100 by default): keep fewer idle connections per pool than the seed's 20.
            DATABASE_POOL_SIZE: '4',
          }
        : {};
    return { ...shared, ...split, ...this.options.env };
  }

  /** The running processes that host the worker role. */
  get workers(): ServiceProcess[] {
    const names = this.shape === 'embedded' ? ['monolith'] : [...this.services.keys()].filter((name) => name === 'worker' || name.startsWith('worker-'));
    return names.map((name) => this.services.get(name)!).filter((service) => service.running);
  }

  /** Starts a process of `app` under `name`; resolves when it is ready. */
  async startService(name: string, app: AppName, env: Record<string, string> = {}): Promise<ServiceProcess> {
    // A free port can be taken by another process before the service binds it (the machine runs
    // other stacks too): then the service is started again on another port.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const serviceEnv = { ...this.env, PORT: String(port), ...this.options.serviceEnv?.(name), ...env };
      const service = new ServiceProcess({ name, entry: entryOf(app), port, env: serviceEnv, logFile: join(this.logDir, `${name}.log`) }, REPO_ROOT);
      this.services.set(name, service);
      try {
        await service.started;
        return service;
      } catch (error) {
        if (!service.portTaken || attempt === 3) throw error;
      }
    }
  }

  private async startGateway(app: 'gateway' | 'monolith', name: string = app): Promise<void> {
    const service = await this.startService(name, app);
    this.gatewayUrls.push(service.url);
  }

  service(name: string): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service ${name} in this stack`);
    return service;
  }

  /** Stops every process (killing any that outlives the grace period), then removes the stack's data. */
  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((service) => service.stopWithin(STOP_GRACE_MS)));
    if (this.shape === 'services') {
      await dropDatabase(this.database);
      await clearNamespace(this.namespace);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';
import { clearNamespace, dropDatabase, LOCAL } from './local-services';
import { ServiceProcess } from './service-process';

export type Shape = 'embedded' | 'services';

/** The apps of the split shape, by the role each hosts (see apps/<name>/src/main.ts). */
export const SPLIT_APPS = ['core', 'worker', 'intelligence', 'integration', 'billing'] as const;
export type AppName = (typeof SPLIT_APPS)[number] | 'gateway' | 'monolith';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const entryOf = (app: AppName): string => join('dist', 'apps', app, 'src', 'main.js');

export interface StackOptions {
  /** Extra environment for every process (e.g. a short JOB_LOCK_MS). */
  env?: Record<string, string>;
  /** Gateway replicas in the split shape. */
  gateways?: number;
  /** The split shape as phase 1 instead: this many identical monolith replicas (every role) on the shared servers. */
  replicas?: number;
}

/**
 * A running platform for tests, built from `dist/` (run `npm run build` first): one embedded
 * process, or the split shape — gateways, core, worker, intelligence, integration and billing as
 * separate processes on the local PostgreSQL, Redis and NATS, isolated by a fresh database and a
 * fresh namespace.
 */
export class Stack {
  readonly services = new Map<string, ServiceProcess>();
  readonly gatewayUrls: string[] = [];
  private readonly logDir: string;
  private readonly namespace = `e2e${randomBytes(4).toString('hex')}`;
  private readonly database = `asq_${this.namespace}`;
  private readonly dataDir: string;

  private constructor(
    readonly shape: Shape,
    private readonly options: StackOptions,
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'asq-stack-'));
    this.logDir = join(REPO_ROOT, 'tmp', 'logs', this.namespace);
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
    const shared = { NODE_ENV: 'test', LOG_LEVEL: 'info', PLAN_FREE_EXECUTIONS: '10', HOST: '127.0.0.1', DATA_DIR: this.dataDir };
    const split: Record<string, string> =
      this.shape === 'services'
        ? {
            DATABASE_URL: `${LOCAL.postgres}/${this.database}`,
            REDIS_URL: LOCAL.redis,
            NATS_URL: LOCAL.nats,
            NAMESPACE: this.namespace,
            JWT_SECRET: `e2e-secret-${this.namespace}-0123456789abcdef`,
          }
        : {};
    return { ...shared, ...split, ...this.options.env };
  }

  /** Starts a process of `app` under `name`; resolves when it is ready. */
  async startService(name: string, app: AppName, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const service = new ServiceProcess({ name, entry: entryOf(app), port, env: { ...this.env, PORT: String(port), ...env }, logFile: join(this.logDir, `${name}.log`) }, REPO_ROOT);
    this.services.set(name, service);
    await service.started;
    return service;
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

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((service) => service.stop()));
    if (this.shape === 'services') {
      await dropDatabase(this.database);
      await clearNamespace(this.namespace);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../stack/free-port';
import { clearNamespace, dropDatabase } from '../stack/local-services';
import { ServiceProcess } from '../stack/service-process';
import { REPO_ROOT } from '../stack/stack';
import { type ComposeService, readComposeFile } from './compose-file';

/** Hosts of the compose network that this machine provides itself (PostgreSQL serves as its own replica here). */
const INFRASTRUCTURE_HOSTS = ['postgres-replica', 'postgres', 'redis', 'nats'];

/** An application service of a compose file, run as a local process. */
export interface LocalService {
  compose: ComposeService;
  process: ServiceProcess;
  /** The port the compose file gives it, and the free one it got here. */
  composePort: number;
  port: number;
}

/**
 * A compose file's application services (those whose command is `node ...`) run as local
 * processes with their own environment. Only what a container network would provide is changed:
 * service hostnames resolve to 127.0.0.1, ports are free ones (several runs may share the machine),
 * and database names and the namespace are made unique so the run touches nothing else.
 */
export class LocalCompose {
  readonly services: LocalService[] = [];
  readonly databases = new Set<string>();
  readonly logDir: string;

  private constructor(
    readonly run: string,
    readonly declared: ComposeService[],
  ) {
    this.logDir = join(REPO_ROOT, 'tmp', 'logs', run);
    mkdirSync(this.logDir, { recursive: true });
  }

  static read(file: string, run: string): LocalCompose {
    return new LocalCompose(run, readComposeFile(join(REPO_ROOT, file)));
  }

  get apps(): ComposeService[] {
    return this.declared.filter((service) => service.command?.[0] === 'node');
  }

  /** Starts every application service; resolves when all are ready. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    for (const compose of this.apps) {
      const env = Object.fromEntries(Object.entries(compose.environment).map(([key, value]) => [key, this.toLocal(value)]));
      const port = await freePort();
      const [, entry] = compose.command!;
      const spec = { name: compose.name, entry: entry!, port, env: { ...env, ...extraEnv, PORT: String(port), NAMESPACE: this.run }, logFile: join(this.logDir, `${compose.name}.log`) };
      this.services.push({ compose, process: new ServiceProcess(spec, REPO_ROOT), composePort: Number(compose.environment['PORT']), port });
    }
    await Promise.all(this.services.map((service) => service.process.started));
  }

  /** The service the compose network knows as `name` (its name or an alias). */
  service(name: string): LocalService {
    const found = this.services.find((service) => service.compose.name === name || service.compose.aliases.includes(name));
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => service.process.stopWithin(10_000)));
    for (const database of this.databases) await dropDatabase(database);
    await clearNamespace(this.run);
  }

  /** A container-network address as this machine's: `redis://redis:6379` → `redis://127.0.0.1:6379`; databases get the run's suffix. */
  private toLocal(value: string): string {
    let local = value;
    for (const host of INFRASTRUCTURE_HOSTS) local = local.replace(new RegExp(`(//(?:[^@/]*@)?)${host}(?=:)`, 'g'), '$1127.0.0.1');
    if (!/^postgres(ql)?:\/\//.test(local)) return local;
    return local.replace(/\/(\w+)$/, (_, name: string) => {
      this.databases.add(`${name}_${this.run}`);
      return `/${name}_${this.run}`;
    });
  }
}

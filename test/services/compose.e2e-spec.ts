import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ComposeService, readComposeFile } from '../support/compose/compose-file';
import { finished, submitTask } from '../support/executions';
import { Api, expectStatus } from '../support/http';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { clearNamespace, dropDatabase } from '../support/stack/local-services';
import { REPO_ROOT } from '../support/stack/stack';
import { ServiceProcess } from '../support/stack/service-process';

/**
 * docker-compose.yml proven by running it: every application service's command, with that
 * service's environment, as a local process. Only what a container network would provide is
 * changed: service hostnames resolve to 127.0.0.1, and the database name and namespace are made
 * unique so the run cannot touch anything else on this machine.
 */
const INFRASTRUCTURE_HOSTS = ['postgres', 'redis', 'nats'];

describe('docker-compose.yml', () => {
  const run = `compose${randomBytes(3).toString('hex')}`;
  const services = readComposeFile(join(REPO_ROOT, 'docker-compose.yml'));
  const apps = services.filter((service) => service.command?.[0] === 'node');
  const started: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    await dropDatabase(`agent_squad_${run}`);
    await clearNamespace(run);
  });

  it('declares the split shape: two gateways, every domain service, a worker, and its infrastructure', () => {
    expect(apps.map((service) => service.name).sort()).toEqual(['billing', 'core', 'gateway-1', 'gateway-2', 'integration', 'intelligence', 'worker']);
    expect(services.map((service) => service.name)).toEqual(expect.arrayContaining(['postgres', 'redis', 'nats', 'nginx']));
  });

  it('runs the end-to-end smoke through its services', async () => {
    for (const service of apps) started.push(startAsLocalProcess(service, run));
    await Promise.all(started.map((service) => service.started));

    const gateways = apps.filter((service) => service.name.startsWith('gateway')).map((service) => `http://127.0.0.1:${service.environment['PORT']}`);
    process.env.E2E_BASE_URL = gateways[0];
    const session = await signUp();
    const squad = await createSquad(session, 3);
    const { execution } = await submitTask(session, squad.id, 'Compose smoke');
    const done = await finished(session, execution.id);
    expect(done.status).toBe('completed');
    expect(done.usage.llmCalls).toBe(3);
    expectStatus(await new Api(session.token, gateways[1]).get(`/v1/executions/${execution.id}`), 200);
  });
});

function startAsLocalProcess(service: ComposeService, run: string): ServiceProcess {
  const env = Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, toLocal(value, run)]));
  const [, entry] = service.command!;
  const logDir = join(REPO_ROOT, 'tmp', 'logs', run);
  mkdirSync(logDir, { recursive: true });
  return new ServiceProcess({ name: service.name, entry: entry!, port: Number(env['PORT']), env: { ...env, NAMESPACE: run }, logFile: join(logDir, `${service.name}.log`) }, REPO_ROOT);
}

/** A container-network address as this machine's: `redis://redis:6379` → `redis://127.0.0.1:6379`. */
function toLocal(value: string, run: string): string {
  let local = value;
  for (const host of INFRASTRUCTURE_HOSTS) local = local.replace(new RegExp(`(//(?:[^@/]*@)?)${host}(?=:)`), '$1127.0.0.1');
  return local.replace(/\/agent_squad$/, `/agent_squad_${run}`);
}

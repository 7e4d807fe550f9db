import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DOMAINS, loadConfig, type AppConfig, type Domain } from '@agent-squad/config';
import { AUTH_SERVICE, INTEGRATION_SERVICE, SQUADS_SERVICE, TASKS_SERVICE } from '@agent-squad/contracts';
import { completedBackups, DatabaseConnections, readManifest, restoreDomain } from '@agent-squad/database';
import { Bus } from '@agent-squad/messaging';
import { Metrics } from '@agent-squad/observability';
import { Clock, InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';
import { JobRecorder, ManualClock } from '@agent-squad/testing';
import { PlatformModule } from './platform.module';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/**
 * Every scheduled job of the embedded platform, wired as `npm start` wires it, run by making time
 * pass on a manual clock. The data is created now (real time); the clock starts 40 days later, at
 * 23:10 UTC, so that it is past the 30-day retention: backups (every 20 minutes here) run at
 * 23:20, the hourly clean-up and usage roll-up at midnight.
 */
// Each job works on a real (embedded) database: seconds on a busy machine, not milliseconds.
jest.setTimeout(30_000);

describe('scheduled jobs (embedded platform)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'asq-scheduled-'));
  const clock = new ManualClock(Math.floor((Date.now() + 40 * DAY) / DAY) * DAY + 23 * 60 * MINUTE + 10 * MINUTE);
  const recorder = new JobRecorder();
  let config: AppConfig;
  let moduleRef: TestingModule;
  let sql: <R>(domain: Domain, query: string) => Promise<R[]>;

  beforeAll(async () => {
    config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(32), BACKUP_EVERY_MS: String(20 * MINUTE), RETENTION_DAYS: '30' }, [...DOMAINS, 'worker']);
    moduleRef = await Test.createTestingModule({ imports: [PlatformModule.for(config)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(JobQueue)
      .useValue(new InlineQueue({ concurrency: 10, observer: recorder, clock }))
      .compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    const connections = moduleRef.get(DatabaseConnections);
    sql = (domain, query) => connections.session(domain, (session) => session.query(query));
  }, 180_000);

  afterAll(async () => {
    await moduleRef?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds a user, a squad with a linked repository, and a finished execution', async () => {
    const bus = moduleRef.get(Bus);
    const user = await bus.client(AUTH_SERVICE).signup({ email: 'ada@example.com', password: 'correct-horse', name: 'Ada' });
    const squad = await bus.client(SQUADS_SERVICE).create({ ownerId: user.id, input: { name: 'Checkout', members: [{ role: 'project_manager' }, { role: 'qa_tester' }] } });
    await bus.client(INTEGRATION_SERVICE).createIntegration({ ownerId: user.id, squadId: squad.id, input: { kind: 'github', target: 'acme/shop', secret: 'webhook-secret-0123' } });
    await sql('billing', `INSERT INTO billing.accounts ("userId", plan) VALUES ('${user.id}', 'pro')`);
    const finished = recorder.next(QUEUES.executions.name);
    await bus.client(TASKS_SERVICE).submit({ ownerId: user.id, squadId: squad.id, input: { title: 'Discounts', description: 'Codes expire' }, idempotencyKey: 'first' });
    expect(await finished).toBe('completed');
  });

  it('backs up each domain into its own folder: the files hold the rows', async () => {
    const backups = DOMAINS.map((domain) => recorder.next(QUEUES.backup[domain].name));
    await clock.advance(10 * MINUTE);
    expect(await Promise.all(backups)).toEqual(DOMAINS.map(() => 'completed'));

    const rows = (domain: Domain) => {
      const [folder] = completedBackups(config.backupDir, domain);
      return Object.fromEntries(readManifest(folder!).tables.map((table) => [table.name, table.rows]));
    };
    expect(rows('core')).toMatchObject({ users: 1, squads: 1, members: 2, tasks: 1, executions: 1, execution_steps: 2, messages: 2, idempotency_records: 1 });
    expect(rows('intelligence')).toMatchObject({ llm_calls: 2, llm_usage_daily: 0 });
    expect(rows('integration')).toMatchObject({ integrations: 1, webhook_deliveries: 0 });
    expect(rows('billing')).toMatchObject({ accounts: 1 });
    const [coreBackup] = completedBackups(config.backupDir, 'core');
    expect(readFileSync(join(coreBackup!, 'users.jsonl'), 'utf8')).toContain('"email": "ada@example.com"');
  });

  it('restores a backup into the emptied tables', async () => {
    const [folder] = completedBackups(config.backupDir, 'integration');
    const before = await sql('integration', 'SELECT to_jsonb(t)::text AS row FROM integration.integrations t');
    await sql('integration', 'DELETE FROM integration.integrations');
    await moduleRef.get(DatabaseConnections).session('integration', (session) => restoreDomain(session, 'integration', folder!));
    expect(await sql('integration', 'SELECT to_jsonb(t)::text AS row FROM integration.integrations t')).toEqual(before);
  });

  it('at midnight, deletes executions past retention with everything they own, and rolls LLM usage up before dropping raw calls', async () => {
    const cleanup = recorder.next(QUEUES.executionCleanup.name);
    const rollup = recorder.next(QUEUES.llmUsageRollup.name);
    await clock.advance(50 * MINUTE);
    expect([await cleanup, await rollup]).toEqual(['completed', 'completed']);

    const count = async (domain: Domain, table: string) => (await sql<{ n: number }>(domain, `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
    for (const table of ['executions', 'execution_steps', 'messages', 'execution_events', 'idempotency_records']) expect(await count('core', `core.${table}`)).toBe(0);
    expect([await count('core', 'core.users'), await count('core', 'core.tasks')]).toEqual([1, 1]);
    expect(await count('intelligence', 'intelligence.llm_calls')).toBe(0);
    expect(await sql('intelligence', 'SELECT provider, calls FROM intelligence.llm_usage_daily')).toEqual([{ provider: 'offline', calls: 2 }]);
  });

  it('checks its dependencies on its own schedule and exports them', async () => {
    const metrics = await moduleRef.get(Metrics).registry.metrics();
    expect(metrics).toMatch(/dependency_up\{dependency="core-database"\} 1/);
  });
});

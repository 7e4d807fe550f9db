import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { Clock, InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';
import { JobRecorder, ManualClock, ScratchDatabase } from '@agent-squad/testing';
import { CoreDb } from '../core-db';
import { ExecutionCleanup } from './execution-cleanup';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 9, 30);
const ago = (days: number) => new Date(NOW - days * DAY);

describe('ExecutionCleanup on PostgreSQL', () => {
  const database = new ScratchDatabase();
  const clock = new ManualClock(NOW);
  const recorder = new JobRecorder();
  let moduleRef: TestingModule;
  let db: CoreDb;

  beforeAll(async () => {
    const url = database.url;
    const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(32), RETENTION_DAYS: '30', EXECUTION_CLEANUP_EVERY_MS: String(3_600_000) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [
        { provide: CoreDb, useFactory: (connections: DatabaseConnections) => connections.client('core', CoreDb), inject: [DatabaseConnections] },
        { provide: Clock, useValue: clock },
        { provide: JobQueue, useValue: new InlineQueue({ concurrency: 1, observer: recorder, clock }) },
        ExecutionCleanup,
      ],
    }).compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    db = moduleRef.get(CoreDb);
  });

  afterAll(async () => {
    await moduleRef.get(JobQueue).close();
    await moduleRef.close();
    await database.drop();
  });

  /** An execution with one step, one message and one stream event. */
  async function execution(taskId: string, ownerId: string, squadId: string, status: string, createdDaysAgo: number, finishedDaysAgo?: number): Promise<string> {
    const { id } = await db.execution.create({
      data: { taskId, ownerId, squadId, status, createdAt: ago(createdDaysAgo), finishedAt: finishedDaysAgo === undefined ? null : ago(finishedDaysAgo) },
    });
    const memberId = randomUUID();
    await db.executionStep.create({ data: { executionId: id, index: 0, memberId, role: 'qa_tester', agentName: 'Q', model: 'offline' } });
    await db.message.create({ data: { executionId: id, seq: 1, stepIndex: 0, memberId, role: 'qa_tester', kind: 'output', content: 'done' } });
    await db.executionEvent.create({ data: { executionId: id, seq: 1, type: 'status', data: { status } } });
    return id;
  }

  it('runs every hour and deletes what is past retention, with its steps, messages and events, and nothing else', async () => {
    const user = await db.user.create({ data: { email: 'ada@example.com', name: 'Ada', passwordHash: 'hash' } });
    const squad = await db.squad.create({ data: { ownerId: user.id, name: 'Checkout' } });
    const task = await db.task.create({ data: { ownerId: user.id, squadId: squad.id, title: 'Discounts', description: 'Codes' } });
    const exec = (status: string, created: number, finished?: number) => execution(task.id, user.id, squad.id, status, created, finished);
    const expired = [await exec('completed', 40, 40), await exec('failed', 31, 31), await exec('cancelled', 45, 44)];
    const kept = [
      await exec('completed', 29, 29), // within retention
      await exec('completed', 35, 20), // created long ago, finished recently: a long run is kept from its end
      await exec('running', 60), // never finished: not the cleanup's to touch
      await exec('queued', 60),
    ];
    await db.idempotencyRecord.createMany({
      data: [
        { ownerId: user.id, scope: 'submit', key: 'old', response: {}, createdAt: new Date(NOW - 25 * 3_600_000) },
        { ownerId: user.id, scope: 'submit', key: 'fresh', response: {}, createdAt: new Date(NOW - 23 * 3_600_000) },
      ],
    });

    const ran = recorder.next(QUEUES.executionCleanup.name);
    await clock.advance(30 * 60_000);
    expect(await ran).toBe('completed');

    expect((await db.execution.findMany({ select: { id: true } })).map((row) => row.id).sort()).toEqual([...kept].sort());
    const children = async (ids: string[]) => {
      const where = { executionId: { in: ids } };
      return [await db.executionStep.count({ where }), await db.message.count({ where }), await db.executionEvent.count({ where })];
    };
    expect(await children(expired)).toEqual([0, 0, 0]);
    expect(await children(kept)).toEqual([kept.length, kept.length, kept.length]);
    expect((await db.idempotencyRecord.findMany()).map((record) => record.key)).toEqual(['fresh']);
    expect(await db.task.count()).toBe(1);
  });

  it('deletes a backlog larger than one batch', async () => {
    const ownerId = randomUUID();
    const squad = await db.squad.create({ data: { ownerId, name: 'Backlog' } });
    const task = await db.task.create({ data: { ownerId, squadId: squad.id, title: 'Old', description: 'Old' } });
    await db.execution.createMany({
      data: Array.from({ length: 1203 }, () => ({ taskId: task.id, ownerId, squadId: squad.id, status: 'completed', createdAt: ago(100), finishedAt: ago(100) })),
    });

    expect(await moduleRef.get(ExecutionCleanup).run()).toEqual({ executions: 1203, idempotencyRecords: 0 });
    expect(await db.execution.count({ where: { squadId: squad.id } })).toBe(0);
  });
});

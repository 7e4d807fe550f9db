import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { Clock, InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';
import { JobRecorder, ManualClock, ScratchDatabase } from '@agent-squad/testing';
import { IntelligenceDb } from '../intelligence-db';
import { LlmUsageRollup } from './llm-usage-rollup';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 10:15 UTC: the hourly roll-up next runs at 11:00. */
const NOW = Date.UTC(2026, 5, 10, 10, 15);
const at = (day: number, hour: number) => new Date(Date.UTC(2026, 5, day, hour));

describe('LlmUsageRollup on PostgreSQL', () => {
  const database = new ScratchDatabase();
  const clock = new ManualClock(NOW);
  const recorder = new JobRecorder();
  let moduleRef: TestingModule;
  let db: IntelligenceDb;

  beforeAll(async () => {
    const url = database.url;
    const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(32), RETENTION_DAYS: '5', LLM_USAGE_ROLLUP_EVERY_MS: String(HOUR) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [
        { provide: IntelligenceDb, useFactory: (connections: DatabaseConnections) => connections.client('intelligence', IntelligenceDb), inject: [DatabaseConnections] },
        { provide: Clock, useValue: clock },
        { provide: JobQueue, useValue: new InlineQueue({ concurrency: 1, observer: recorder, clock }) },
        LlmUsageRollup,
      ],
    }).compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    db = moduleRef.get(IntelligenceDb);
  });

  afterAll(async () => {
    await moduleRef.get(JobQueue).close();
    await moduleRef.close();
    await database.drop();
  });

  const call = (createdAt: Date, model: string, tokens: number, latencyMs: number) => ({ provider: 'offline', model, offline: true, promptTokens: tokens, completionTokens: 2 * tokens, latencyMs, costUsd: tokens / 1024, createdAt });
  const rollup = () => db.llmUsageDaily.findMany({ orderBy: [{ day: 'asc' }, { model: 'asc' }] });
  async function nextHour(): Promise<void> {
    const ran = recorder.next(QUEUES.llmUsageRollup.name);
    await clock.advance(HOUR);
    expect(await ran).toBe('completed');
  }

  it('rolls complete days up per provider and model, then drops raw calls past retention', async () => {
    await db.llmCall.createMany({
      data: [
        call(at(1, 8), 'a', 10, 100), // June 1st: past the 5-day retention on June 10th
        call(at(8, 0), 'a', 10, 100),
        call(at(8, 23), 'a', 20, 300),
        call(at(8, 12), 'b', 5, 50),
        call(at(9, 9), 'a', 1, 10),
        call(at(10, 9), 'a', 7, 70), // today: not a complete day yet
      ],
    });

    await nextHour();

    expect(await rollup()).toEqual([
      { day: at(1, 0), provider: 'offline', model: 'a', calls: 1, promptTokens: 10n, completionTokens: 20n, latencyMsTotal: 100n, latencyMsMax: 100, costUsd: 10 / 1024 },
      { day: at(8, 0), provider: 'offline', model: 'a', calls: 2, promptTokens: 30n, completionTokens: 60n, latencyMsTotal: 400n, latencyMsMax: 300, costUsd: 30 / 1024 },
      { day: at(8, 0), provider: 'offline', model: 'b', calls: 1, promptTokens: 5n, completionTokens: 10n, latencyMsTotal: 50n, latencyMsMax: 50, costUsd: 5 / 1024 },
      { day: at(9, 0), provider: 'offline', model: 'a', calls: 1, promptTokens: 1n, completionTokens: 2n, latencyMsTotal: 10n, latencyMsMax: 10, costUsd: 1 / 1024 },
    ]);
    expect(await db.llmCall.count()).toBe(5);
  });

  it('counts a late call in its day on a later run, and the same day twice only once', async () => {
    await db.llmCall.create({ data: call(at(9, 23), 'a', 4, 40) });
    await nextHour();
    await nextHour();

    const june9 = (await rollup()).filter((row) => row.day.getTime() === at(9, 0).getTime());
    expect(june9).toEqual([expect.objectContaining({ calls: 2, promptTokens: 5n, latencyMsMax: 40 })]);
  });

  it('keeps the roll-up of days whose raw calls are gone', async () => {
    // June 14th: June 8th is now past retention.
    await clock.advance(4 * DAY);
    await nextHour();

    expect((await db.llmCall.findMany({ orderBy: { createdAt: 'asc' } })).map((row) => row.createdAt)).toEqual([at(9, 9), at(9, 23), at(10, 9)]);
    expect((await rollup()).map((row) => `${row.day.toISOString().slice(0, 10)} ${row.model} ${row.calls}`)).toEqual([
      '2026-06-01 a 1',
      '2026-06-08 a 2',
      '2026-06-08 b 1',
      '2026-06-09 a 2',
      '2026-06-10 a 1',
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import { EXECUTION_FINISHED, type DurableEvent, type ExecutionFinishedPayload } from '@agent-squad/contracts';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { MessagingModule } from '@agent-squad/messaging';
import { ScratchDatabase } from '@agent-squad/testing';
import { BillingDb } from '../billing-db';
import { UsageMeter } from './usage-meter';

function finished(ownerId: string, finishedAt: string, usage: { started?: boolean; llmCalls: number; tokens: number }): DurableEvent<ExecutionFinishedPayload> {
  return {
    id: randomUUID(),
    subject: EXECUTION_FINISHED.subject,
    occurredAt: finishedAt,
    payload: {
      executionId: randomUUID(),
      ownerId,
      squadId: randomUUID(),
      status: 'completed',
      started: usage.started ?? true,
      llmCalls: usage.llmCalls,
      promptTokens: usage.tokens,
      completionTokens: 1,
      finishedAt,
    },
  };
}

describe('UsageMeter on PostgreSQL', () => {
  const database = new ScratchDatabase();
  let moduleRef: TestingModule;
  let meter: UsageMeter;
  let db: BillingDb;

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: database.url, JWT_SECRET: 'x'.repeat(32) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), MessagingModule.forRoot()],
      providers: [{ provide: BillingDb, useFactory: (connections: DatabaseConnections) => connections.client('billing', BillingDb), inject: [DatabaseConnections] }, UsageMeter],
    }).compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    meter = moduleRef.get(UsageMeter);
    db = moduleRef.get(BillingDb);
  });

  afterAll(async () => {
    await moduleRef.close();
    await database.drop();
  });

  async function counters(userId: string) {
    const rows = await db.usageCounter.findMany({ where: { userId }, orderBy: { period: 'asc' } });
    return rows.map((row) => ({ period: row.period, executions: row.executions, llmCalls: row.llmCalls, tokens: Number(row.promptTokens + row.completionTokens) }));
  }

  it('counts each event once when events metered at once share statements, whatever is delivered twice', async () => {
    const [ada, bob] = [randomUUID(), randomUUID()];
    const june = '2026-06-10T10:00:00.000Z';
    const july = '2026-07-01T00:00:01.000Z';
    const events = [
      finished(ada, june, { llmCalls: 3, tokens: 10 }),
      finished(ada, june, { llmCalls: 2, tokens: 20 }),
      finished(ada, july, { llmCalls: 1, tokens: 40 }),
      finished(bob, june, { llmCalls: 3, tokens: 80 }),
      finished(bob, june, { started: false, llmCalls: 0, tokens: 0 }),
    ];
    // The first is written alone; the rest, added while it is written, go together with a duplicate among them.
    await Promise.all([...events, events[1]!, events[3]!].map((event) => meter.meter(event)));
    // Redelivered later, alone and in a group.
    await meter.meter(events[0]!);
    await Promise.all([events[2]!, events[4]!, events[1]!].map((event) => meter.meter(event)));

    expect(await counters(ada)).toEqual([
      { period: '2026-06', executions: 2, llmCalls: 5, tokens: 32 },
      { period: '2026-07', executions: 1, llmCalls: 1, tokens: 41 },
    ]);
    expect(await counters(bob)).toEqual([{ period: '2026-06', executions: 1, llmCalls: 3, tokens: 82 }]);
    expect(await db.processedEvent.count()).toBe(events.length);
  });
});

import { createHmac, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import { AppError, ErrorCode, TasksApi } from '@agent-squad/contracts';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { Clock, InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';
import { JobRecorder, ManualClock, ScratchDatabase } from '@agent-squad/testing';
import { IntegrationDb } from '../integration-db';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookIntake } from './webhook-intake';
import { WebhookWorker } from './webhook-worker';

const SECRET = 'webhook-secret-0123';

/** TasksApi as the worker uses it: records submissions, or refuses them with `refusal`. */
class FakeTasks {
  readonly submitted: Parameters<TasksApi['submit']>[0][] = [];
  refusal?: Error;

  async submit(request: Parameters<TasksApi['submit']>[0]): Promise<{ task: { id: string } }> {
    if (this.refusal) throw this.refusal;
    this.submitted.push(request);
    return { task: { id: randomUUID() } };
  }
}

describe('inbound webhooks on PostgreSQL', () => {
  const database = new ScratchDatabase();
  const clock = new ManualClock(Date.now());
  const recorder = new JobRecorder();
  const tasks = new FakeTasks();
  let moduleRef: TestingModule;
  let db: IntegrationDb;
  let intake: WebhookIntake;
  let integration: { id: string; ownerId: string; squadId: string };

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: database.url, JWT_SECRET: 'x'.repeat(32) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [
        { provide: IntegrationDb, useFactory: (connections: DatabaseConnections) => connections.client('integration', IntegrationDb), inject: [DatabaseConnections] },
        { provide: Clock, useValue: clock },
        { provide: JobQueue, useValue: new InlineQueue({ concurrency: 4, retry: { attempts: 5, backoffMs: 5 }, observer: recorder, clock }) },
        { provide: TasksApi, useValue: tasks },
        WebhookDispatcher,
        WebhookIntake,
        WebhookWorker,
      ],
    }).compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    db = moduleRef.get(IntegrationDb);
    intake = moduleRef.get(WebhookIntake);
    integration = await db.integration.create({ data: { ownerId: randomUUID(), squadId: randomUUID(), kind: 'github', target: 'acme/shop', secret: SECRET } });
  });

  afterEach(() => (tasks.refusal = undefined));

  afterAll(async () => {
    await moduleRef.get(JobQueue).close();
    await moduleRef.close();
    await database.drop();
  });

  /** A GitHub delivery of `event`, signed with `secret`. */
  function delivery(event: string, payload: object, secret = SECRET, id = randomUUID()) {
    const body = JSON.stringify(payload);
    const headers = { 'x-github-delivery': id, 'x-github-event': event, 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
    return { integrationId: integration.id, headers, body, id };
  }
  const issue = (number: number) => ({ action: 'opened', issue: { number, title: `Issue ${number}`, body: 'Please fix', html_url: `https://github.com/acme/shop/issues/${number}` } });
  const stored = (id: string) => db.webhookDelivery.findFirstOrThrow({ where: { deliveryId: id } });

  it('stores and answers at once, then submits the task as the integration owner, once however often it is resent', async () => {
    const request = delivery('issues', issue(1));
    const done = recorder.next(QUEUES.webhooks.name);
    expect(await intake.receive(request)).toEqual({ status: 'accepted' });
    expect(await done).toBe('completed');

    expect(await intake.receive(request)).toEqual({ status: 'duplicate' });
    expect(tasks.submitted).toEqual([
      {
        ownerId: integration.ownerId,
        squadId: integration.squadId,
        input: { title: '#1 Issue 1', description: 'Please fix\n\nhttps://github.com/acme/shop/issues/1' },
        idempotencyKey: `webhook-${(await stored(request.id)).id}`,
      },
    ]);
    expect(await stored(request.id)).toMatchObject({ event: 'issues', status: 'processed', taskId: expect.any(String), processedAt: expect.any(Date) });
  });

  it('refuses a bad signature, an unknown integration and a delivery without an id, storing nothing', async () => {
    const forged = delivery('issues', issue(2), 'not-the-secret-0123');
    await expect(intake.receive(forged)).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    await expect(intake.receive({ ...delivery('issues', issue(2)), integrationId: randomUUID() })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    const anonymous = delivery('issues', issue(2));
    await expect(intake.receive({ ...anonymous, headers: { ...anonymous.headers, 'x-github-delivery': '' } })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    expect(await db.webhookDelivery.count({ where: { deliveryId: { in: [forged.id, anonymous.id] } } })).toBe(0);
  });

  it('ignores events that start no work', async () => {
    const ping = delivery('ping', { zen: 'Keep it logically awesome.' });
    const done = recorder.next(QUEUES.webhooks.name);
    await intake.receive(ping);
    await done;
    expect(await stored(ping.id)).toMatchObject({ status: 'ignored', taskId: null });
  });

  it('ends a delivery whose task is refused (e.g. quota) rejected, without retrying it', async () => {
    tasks.refusal = new AppError(ErrorCode.QuotaExceeded, 'The free plan allows 100 executions per month; all are used');
    const request = delivery('issues', issue(3));
    const done = recorder.next(QUEUES.webhooks.name);
    await intake.receive(request);
    expect(await done).toBe('completed');
    expect(await stored(request.id)).toMatchObject({ status: 'rejected', error: 'The free plan allows 100 executions per month; all are used' });
  });

  it('retries a failing submission with backoff, then ends the delivery failed with the error', async () => {
    tasks.refusal = new AppError(ErrorCode.Unavailable, 'core is not answering');
    const request = delivery('issues', issue(4));
    const failed = recorder.next(QUEUES.webhooks.name, 'failed');
    await intake.receive(request);
    await failed;
    expect(await stored(request.id)).toMatchObject({ status: 'failed', error: 'core is not answering' });
  });

  it('queues again, within a minute, a delivery whose job was lost', async () => {
    const lost = await db.webhookDelivery.create({ data: { integrationId: integration.id, deliveryId: randomUUID(), event: 'issues', payload: issue(5) } });
    const done = recorder.next(QUEUES.webhooks.name);
    await clock.advance(2 * 60_000);
    expect(await done).toBe('completed');
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ status: 'processed' });
    expect(tasks.submitted.at(-1)).toMatchObject({ input: { title: '#5 Issue 5' }, idempotencyKey: `webhook-${lost.id}` });
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import { EXECUTION_FINISHED, ErrorCode, type DurableEvent, type ExecutionFinishedPayload } from '@agent-squad/contracts';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { Bus, LocalBus } from '@agent-squad/messaging';
import { Clock, InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';
import { JobRecorder, ManualClock, ScratchDatabase } from '@agent-squad/testing';
import { IntegrationDb } from '../integration-db';
import { NotificationFanout } from './notification-fanout';
import { NotificationHooksService } from './notification-hooks.service';
import { notificationSignature, NotificationSender } from './notification-sender';


interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on a free port: answers each path with the status it is told, and records every call. */
async function receiver(statusOf: (path: string) => number): Promise<{ url: string; calls: Received[]; server: Server }> {
  const calls: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      calls.push({ path: request.url ?? '', headers: request.headers, body });
      response.writeHead(statusOf(request.url ?? '')).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

describe('user notifications on PostgreSQL', () => {
  const database = new ScratchDatabase();
  const clock = new ManualClock(Date.now());
  const recorder = new JobRecorder();
  const ownerId = randomUUID();
  let moduleRef: TestingModule;
  let db: IntegrationDb;
  let hooks: NotificationHooksService;
  let fanout: NotificationFanout;
  let http: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    http = await receiver((path) => (path === '/broken' ? 500 : 204));
    const config = loadConfig({ DATABASE_URL: database.url, JWT_SECRET: 'x'.repeat(32) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [
        { provide: IntegrationDb, useFactory: (connections: DatabaseConnections) => connections.client('integration', IntegrationDb), inject: [DatabaseConnections] },
        { provide: Clock, useValue: clock },
        { provide: Bus, useValue: new LocalBus() },
        { provide: JobQueue, useValue: new InlineQueue({ concurrency: 4, retry: { attempts: 5, backoffMs: 5 }, observer: recorder, clock }) },
        NotificationFanout,
        NotificationHooksService,
        NotificationSender,
      ],
    }).compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    db = moduleRef.get(IntegrationDb);
    hooks = moduleRef.get(NotificationHooksService);
    fanout = moduleRef.get(NotificationFanout);
  });

  afterAll(async () => {
    await moduleRef.get(JobQueue).close();
    await moduleRef.close();
    http.server.close();
    await database.drop();
  });

  const finished = (owner: string): DurableEvent<ExecutionFinishedPayload> => ({
    id: randomUUID(),
    subject: EXECUTION_FINISHED.subject,
    occurredAt: new Date().toISOString(),
    payload: { executionId: randomUUID(), ownerId: owner, squadId: randomUUID(), status: 'completed', started: true, llmCalls: 3, promptTokens: 30, completionTokens: 60, finishedAt: new Date().toISOString() },
  });

  it("POSTs a signed notification to each of the owner's hooks once, however often the event is redelivered", async () => {
    const hook = await hooks.create({ ownerId, input: { url: `${http.url}/ok` } });
    await hooks.create({ ownerId: randomUUID(), input: { url: `${http.url}/not-mine` } });
    const event = finished(ownerId);
    const sent = recorder.next(QUEUES.notifications.name);
    await fanout.fanOut(event);
    expect(await sent).toBe('completed');
    await fanout.fanOut(event);

    const calls = http.calls.filter((call) => call.path === '/ok');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.headers['x-agent-squad-signature']).toBe(notificationSignature(hook.secret!, call!.body));
    expect(JSON.parse(call!.body)).toMatchObject({ event: 'execution.finished', data: { executionId: event.payload.executionId, status: 'completed' } });
    expect(http.calls.some((candidate) => candidate.path === '/not-mine')).toBe(false);
    expect(await hooks.deliveries({ ownerId, hookId: hook.id })).toEqual([
      { id: expect.any(String), event: 'execution.finished', status: 'delivered', attempts: 1, error: null, createdAt: expect.any(String), deliveredAt: expect.any(String) },
    ]);
    await hooks.delete({ ownerId, hookId: hook.id });
  });

  it("stores each of events fanned out at once for its own owner's hooks only, once each", async () => {
    const other = randomUUID();
    const mine = await hooks.create({ ownerId, input: { url: `${http.url}/group-mine` } });
    const theirs = await hooks.create({ ownerId: other, input: { url: `${http.url}/group-theirs` } });
    const events = [finished(ownerId), finished(other), finished(ownerId), finished(randomUUID())];
    // The first is stored alone; the rest, added meanwhile, share a statement, one of them twice.
    await Promise.all([...events, events[1]!].map((event) => fanout.fanOut(event)));

    const stored = await db.notificationDelivery.findMany({ where: { eventId: { in: events.map((event) => event.id) } } });
    const pairs = stored.map((row) => `${row.hookId}:${row.eventId}`).sort();
    expect(pairs).toEqual([`${mine.id}:${events[0]!.id}`, `${theirs.id}:${events[1]!.id}`, `${mine.id}:${events[2]!.id}`].sort());
    for (const row of stored) expect(row.payload).toMatchObject({ executionId: events.find((event) => event.id === row.eventId)!.payload.executionId });
    await hooks.delete({ ownerId, hookId: mine.id });
    await hooks.delete({ ownerId: other, hookId: theirs.id });
  });

  it('retries a receiver that keeps failing with backoff, then shows the delivery and the job failed with the error', async () => {
    const hook = await hooks.create({ ownerId, input: { url: `${http.url}/broken` } });
    const failed = recorder.next(QUEUES.notifications.name, 'failed');
    await fanout.fanOut(finished(ownerId));
    expect(await failed).toBe('failed');

    expect(http.calls.filter((call) => call.path === '/broken')).toHaveLength(5);
    expect(await hooks.deliveries({ ownerId, hookId: hook.id })).toEqual([expect.objectContaining({ status: 'failed', attempts: 5, error: `${http.url}/broken answered 500` })]);
    const [job] = await moduleRef.get(JobQueue).failedJobs(QUEUES.notifications, 10);
    expect(job).toMatchObject({ error: `${http.url}/broken answered 500`, attempts: 5 });
  });

  it("lists only the caller's hooks, without secrets, and refuses another user's hook as not found", async () => {
    const owner = randomUUID();
    const hook = await hooks.create({ ownerId: owner, input: { url: 'https://example.com/hook' } });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(await hooks.list({ ownerId: owner })).toEqual([{ id: hook.id, url: 'https://example.com/hook', createdAt: hook.createdAt }]);
    await expect(hooks.deliveries({ ownerId: randomUUID(), hookId: hook.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(hooks.delete({ ownerId: randomUUID(), hookId: hook.id })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await db.notificationHook.count({ where: { id: hook.id } })).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { ConfigModule, loadConfig, ROLES } from '@agent-squad/config';
import type { CompletionResult } from '@agent-squad/contracts';
import { DatabaseConnections, DatabaseModule } from '@agent-squad/database';
import { Metrics } from '@agent-squad/observability';
import { ScratchDatabase } from '@agent-squad/testing';
import { CoreDb } from '../core-db';
import type { OutboxRelay } from '../outbox/outbox-relay';
import { ExecutionAdmission } from './execution-admission';
import { ExecutionClaims, type Claim } from './execution-claims';
import { ExecutionFactory } from './execution-factory';
import type { ExecutionEventLog } from './execution-event-log';
import { ExecutionFinisher } from './execution-finisher';
import { ExecutionLeases, Lease } from './execution-leases';
import type { ExecutionDispatcher } from './execution-queue';
import type { ClaimedRun } from './execution-run';
import { StepRecorder } from './step-recorder';

const LEASE_MS = 60_000;
const LIMIT = 3;

const completion = (content: string): CompletionResult => ({
  content,
  provider: 'offline',
  model: 'offline',
  offline: true,
  usage: { promptTokens: 10, completionTokens: 5 },
  latencyMs: 1,
  citations: [],
  toolCalls: [],
  costUsd: 0,
});

/**
 * The execution store's guarantees on a real PostgreSQL, two "workers" in one test: claims are
 * compare-and-sets, every write of a run is fenced by its claim number, an ending is final, and
 * the per-user limit holds under concurrent admissions. Time is made to pass by moving a lease's
 * expiry, not by waiting.
 */
describe('execution claims, fencing and admission on PostgreSQL', () => {
  const database = new ScratchDatabase();
  let moduleRef: TestingModule;
  let db: CoreDb;
  let claims: ExecutionClaims;
  let steps: StepRecorder;
  let finisher: ExecutionFinisher;
  let admission: ExecutionAdmission;
  let factory: ExecutionFactory;
  let leases: ExecutionLeases;
  const dispatched: string[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const url = database.url;
    const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(32), USER_MAX_ACTIVE_EXECUTIONS: String(LIMIT), EXECUTION_LEASE_MS: String(LEASE_MS) }, ROLES);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [{ provide: CoreDb, useFactory: (connections: DatabaseConnections) => connections.client('core', CoreDb), inject: [DatabaseConnections] }],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(CoreDb);
    const metrics = new Metrics();
    const dispatcher = { dispatchNew: async (id: string) => void dispatched.push(id) } as unknown as ExecutionDispatcher;
    admission = new ExecutionAdmission(db, config, dispatcher);
    claims = new ExecutionClaims(db);
    factory = new ExecutionFactory(db, config);
    steps = new StepRecorder(db);
    leases = new ExecutionLeases(db, config, metrics);
    finisher = new ExecutionFinisher(db, { publish: () => undefined } as unknown as ExecutionEventLog, { kick: () => undefined } as unknown as OutboxRelay, admission, metrics);
  });

  afterAll(async () => {
    leases.onApplicationShutdown();
    await moduleRef.close();
    await database.drop();
  });

  /** Queued executions of one new user, each with `members` steps, created oldest first. */
  async function queued(count: number, members = 2): Promise<{ ownerId: string; ids: string[] }> {
    const ownerId = randomUUID();
    const squad = await db.squad.create({ data: { ownerId, name: 'Squad' } });
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const task = await db.task.create({ data: { ownerId, squadId: squad.id, title: `Task ${index}`, description: 'Do it' } });
      const execution = await db.execution.create({
        data: {
          ownerId,
          taskId: task.id,
          squadId: squad.id,
          eventSeq: 1,
          createdAt: new Date(Date.now() - (count - index) * 1000),
          steps: { create: Array.from({ length: members }, (_, step) => ({ index: step, memberId: randomUUID(), role: 'qa_tester', agentName: `Agent ${step}`, model: 'offline' })) },
          events: { create: { seq: 1, type: 'status', data: { status: 'queued' } } },
        },
      });
      await db.task.update({ where: { id: task.id }, data: { latestExecutionId: execution.id } });
      ids.push(execution.id);
    }
    return { ownerId, ids };
  }

  const claimed = (claim: Claim): ClaimedRun => {
    if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
    return claim.run;
  };
  const lapse = (executionId: string) => db.execution.update({ where: { id: executionId }, data: { leaseExpiresAt: new Date(Date.now() - 1) } });
  const ending = (run: ClaimedRun) => ({ from: 'running' as const, executionId: run.executionId, ownerId: run.ownerId, squadId: run.squadId, fence: run.fence, usage: run.usage });

  it('admits at most the limit of a user, oldest first; a freed place goes to the next oldest', async () => {
    const { ownerId, ids } = await queued(5);
    await admission.admit(ownerId);
    expect(dispatched.filter((id) => ids.includes(id))).toEqual(ids.slice(0, LIMIT));
    // Not admitted: a stray job for it claims nothing.
    expect(await claims.claim(ids[4]!, 'w1', LEASE_MS)).toEqual({ kind: 'none' });

    const run = claimed(await claims.claim(ids[0]!, 'w1', LEASE_MS));
    expect(await finisher.finish(ending(run), { status: 'cancelled' })).toBe(true);
    expect(dispatched.filter((id) => ids.includes(id))).toEqual(ids.slice(0, LIMIT + 1));
    expect(await db.executionSlot.count({ where: { ownerId } })).toBe(LIMIT);
  });

  it('places a new execution in the statement that stores it when a place is free and none of its owner\'s waits', async () => {
    const { ownerId, ids } = await queued(LIMIT - 1);
    await admission.admit(ownerId);
    const squad = await db.squad.create({ data: { ownerId, name: 'Squad' } });
    const member = { id: randomUUID(), role: 'qa_tester' as const, name: 'QA', model: 'offline', systemPrompt: null, tools: [] };
    const submit = () => factory.createQueued({ ownerId, squadId: squad.id, task: { title: 'New', description: 'Do it' }, members: [member], priority: 2 });

    const last = await submit();
    expect(last.placement).toEqual({ kind: 'placed', executionId: last.created.execution.id, priority: 2 });
    // Every place taken: the next one waits, and so does one after it, even once a place frees up.
    expect((await submit()).placement).toEqual({ kind: 'waiting' });
    await db.executionSlot.delete({ where: { executionId: ids[0]! } });
    expect((await submit()).placement).toEqual({ kind: 'admit' });
    expect(await db.executionSlot.count({ where: { ownerId } })).toBe(LIMIT - 1);
  });

  it('places an owner\'s new executions stored together in submission order; a refused one fails alone', async () => {
    const ownerId = randomUUID();
    const squad = await db.squad.create({ data: { ownerId, name: 'Squad' } });
    const member = { id: randomUUID(), role: 'qa_tester' as const, name: 'QA', model: 'offline', systemPrompt: null, tools: [] };
    const submit = (title: string, squadId = squad.id) => factory.createQueued({ ownerId, squadId, task: { title, description: 'Do it' }, members: [member], priority: 1 });
    // The first is stored at once, the others together while it is written.
    const titles = Array.from({ length: LIMIT + 2 }, (_, index) => `Task ${index}`);
    const submitted = await Promise.all(titles.map((title) => submit(title)));
    expect(submitted.map((queued) => queued.placement.kind)).toEqual([...Array<string>(LIMIT).fill('placed'), 'waiting', 'waiting']);
    const places = await db.executionSlot.findMany({ where: { ownerId }, select: { executionId: true } });
    expect(places.map((place) => place.executionId).sort()).toEqual(submitted.slice(0, LIMIT).map((queued) => queued.created.execution.id).sort());

    // A group with a submission the database refuses (its squad does not exist): the others are stored.
    const [alone, refused, grouped] = await Promise.allSettled([submit('Alone'), submit('Nowhere', randomUUID()), submit('Grouped')]);
    expect([alone.status, refused.status, grouped.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const tasks = await db.task.findMany({ where: { ownerId }, include: { executions: { include: { steps: true, events: true } } } });
    expect(tasks.map((task) => task.title).sort()).toEqual([...titles, 'Alone', 'Grouped'].sort());
    for (const task of tasks) {
      expect(task.executions.map((execution) => execution.id)).toEqual([task.latestExecutionId]);
      expect(task.executions[0]!.steps).toHaveLength(1);
      expect(task.executions[0]!.events.map((event) => event.seq)).toEqual([1]);
    }
  });

  it('hands each freed place to one waiting execution when executions of one owner end at once', async () => {
    const { ownerId, ids } = await queued(LIMIT + 1, 1);
    await admission.admit(ownerId);
    const runs = await Promise.all(ids.slice(0, LIMIT).map(async (id) => claimed(await claims.claim(id, 'w1', LEASE_MS))));
    const before = dispatched.length;
    const ended = await Promise.all(runs.map((run) => finisher.finish(ending(run), { status: 'cancelled' })));
    expect(ended).toEqual(runs.map(() => true));
    expect(dispatched.slice(before)).toEqual([ids[LIMIT]]);
    expect(await db.executionSlot.findMany({ where: { ownerId }, select: { executionId: true } })).toEqual([{ executionId: ids[LIMIT] }]);
  });

  it('hands the places of an owner\'s executions ending together to as many waiting ones, oldest first; a refused ending frees none', async () => {
    const { ownerId, ids } = await queued(2 * LIMIT + 1, 1);
    await admission.admit(ownerId);
    const runs = await Promise.all(ids.slice(0, LIMIT).map(async (id) => claimed(await claims.claim(id, 'w1', LEASE_MS))));
    // The first run's lease lapses and a rescuer takes it over: the first run's ending is refused.
    await lapse(runs[0]!.executionId);
    const rescuer = claimed(await claims.claim(runs[0]!.executionId, 'w2', LEASE_MS));
    const before = dispatched.length;
    // One ending is written while the others wait for it: those go together in one statement.
    const ended = await Promise.all([runs[1]!, runs[0]!, runs[2]!, rescuer].map((run) => finisher.finish(ending(run), { status: 'completed', result: 'done' })));
    expect(ended).toEqual([true, false, true, true]);
    expect(dispatched.slice(before).sort()).toEqual(ids.slice(LIMIT, 2 * LIMIT).sort());
    const places = await db.executionSlot.findMany({ where: { ownerId }, select: { executionId: true } });
    expect(places.map((place) => place.executionId).sort()).toEqual(ids.slice(LIMIT, 2 * LIMIT).sort());
    const rows = await db.execution.findMany({ where: { id: { in: ids.slice(0, LIMIT) } }, include: { events: { orderBy: { seq: 'asc' } } } });
    for (const row of rows) {
      expect(row.status).toBe('completed');
      // queued, running, completed, done: each once.
      expect(row.events.map((event) => `${event.seq}:${event.type}`)).toEqual(['1:status', '2:status', '3:status', '4:done']);
    }
    expect(await db.outboxEvent.count({ where: { payload: { path: ['ownerId'], equals: ownerId } } })).toBe(LIMIT);
  });

  it('ends an execution whose waiting successor a racing admission placed meanwhile: the freed place is owed, the limit holds', async () => {
    const { ownerId, ids } = await queued(LIMIT + 1, 1);
    await admission.admit(ownerId);
    const run = claimed(await claims.claim(ids[0]!, 'w1', LEASE_MS));
    // Another session ends a second execution and gives its place to the waiting one, and has not committed.
    const racing = new Client({ connectionString: database.url });
    await racing.connect();
    await racing.query('BEGIN');
    const { slot } = await db.executionSlot.findUniqueOrThrow({ where: { executionId: ids[1]! } });
    await racing.query(`UPDATE core.executions SET status = 'cancelled' WHERE id = $1`, [ids[1]]);
    await racing.query('DELETE FROM core.execution_slots WHERE "executionId" = $1', [ids[1]]);
    await racing.query('INSERT INTO core.execution_slots ("ownerId", slot, "executionId") VALUES ($1, $2, $3)', [ownerId, slot, ids[LIMIT]]);
    const ending$ = finisher.finish(ending(run), { status: 'cancelled' });
    // The ending's handover waits on the racing session's place for the same execution.
    while ((await racing.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rowCount === 0) await new Promise((resolve) => setImmediate(resolve));
    await racing.query('COMMIT');
    await racing.end();

    expect(await ending$).toBe(true);
    const places = await db.executionSlot.findMany({ where: { ownerId }, select: { executionId: true } });
    expect(places.map((place) => place.executionId).sort()).toEqual([ids[2], ids[LIMIT]].sort());
    expect((await db.execution.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe('cancelled');
  });

  it('never lets concurrent admissions exceed the limit', async () => {
    const { ownerId, ids } = await queued(12, 1);
    await Promise.all(Array.from({ length: 12 }, () => admission.admit(ownerId)));
    expect(await db.executionSlot.count({ where: { ownerId } })).toBe(LIMIT);
    const admitted = await db.executionSlot.findMany({ where: { ownerId }, select: { executionId: true } });
    expect(admitted.map((slot) => slot.executionId).sort()).toEqual(ids.slice(0, LIMIT).sort());
  });

  it('claims once: a live lease is held (retry when it lapses), a lapsed one is taken over with a new fence', async () => {
    const { ownerId, ids } = await queued(1);
    await admission.admit(ownerId);
    const first = await claims.claim(ids[0]!, 'w1', LEASE_MS);
    expect(first).toMatchObject({ kind: 'claimed', run: { fence: 1 }, started: { seq: 2, type: 'status', data: { status: 'running' } } });

    const again = await claims.claim(ids[0]!, 'w2', LEASE_MS);
    expect(again.kind).toBe('held');
    expect(again.kind === 'held' && again.retryInMs).toBeGreaterThan(LEASE_MS - 5000);

    await lapse(ids[0]!);
    const takeover = await claims.claim(ids[0]!, 'w2', LEASE_MS);
    expect(takeover).toMatchObject({ kind: 'claimed', run: { fence: 2 } });
    expect(takeover.kind === 'claimed' && takeover.started).toBeUndefined();
  });

  it('fences a worker whose lease was taken over: it stores no step and cannot end the execution', async () => {
    const { ownerId, ids } = await queued(1, 2);
    await admission.admit(ownerId);
    const frozen = claimed(await claims.claim(ids[0]!, 'frozen', LEASE_MS));
    await lapse(ids[0]!);
    const rescuer = claimed(await claims.claim(ids[0]!, 'rescuer', LEASE_MS));

    // The rescuer stores the first step, then ends the execution with the last step's output (as the runner does).
    const recorded = await steps.record(rescuer, rescuer.steps[0]!, completion('by rescuer 0'), 1);
    expect(recorded).not.toBeNull();
    rescuer.usage = recorded!.usage;
    expect(await finisher.finish(ending(rescuer), { status: 'completed', result: 'by rescuer 1' }, { step: rescuer.steps[1]!, completion: completion('by rescuer 1') })).toBe(true);

    // The frozen worker wakes up: every write it tries is refused.
    expect(await steps.record(frozen, frozen.steps[0]!, completion('late'), 1)).toBeNull();
    expect(await finisher.finish(ending(frozen), { status: 'completed', result: 'late' }, { step: frozen.steps[1]!, completion: completion('late') })).toBe(false);
    expect(await finisher.finish(ending(frozen), { status: 'failed', error: 'late' })).toBe(false);
    expect(await finisher.finish(ending(rescuer), { status: 'failed', error: 'twice' })).toBe(false);
    // Its heartbeat (a fast one here) finds the lease gone and tells the run to stop.
    const heartbeat = new ExecutionLeases(db, loadConfig({ JWT_SECRET: 'x'.repeat(32), EXECUTION_LEASE_MS: '300' }, ROLES), new Metrics());
    const lease = heartbeat.hold(ids[0]!, frozen.fence);
    await new Promise((resolve) => lease.signal.addEventListener('abort', resolve));
    expect(lease.ended).toBe('lost');
    heartbeat.drop(lease);

    const execution = await db.execution.findUniqueOrThrow({ where: { id: ids[0]! }, include: { steps: { orderBy: { index: 'asc' } } } });
    expect(execution).toMatchObject({ status: 'completed', result: 'by rescuer 1', llmCalls: 2, promptTokens: 20, completionTokens: 10, leaseExpiresAt: null });
    expect(execution.steps.map((step) => step.status)).toEqual(['completed', 'completed']);
    const outputs = await db.message.findMany({ where: { executionId: ids[0]! }, orderBy: { seq: 'asc' } });
    expect(outputs.map((message) => [message.seq, message.stepIndex, message.content])).toEqual([
      [1, 0, 'by rescuer 0'],
      [2, 1, 'by rescuer 1'],
    ]);
    const events = await db.executionEvent.findMany({ where: { executionId: ids[0]! }, orderBy: { seq: 'asc' } });
    expect(events.map((event) => [event.seq, event.type])).toEqual([
      [1, 'status'],
      [2, 'status'],
      [3, 'message'],
      [4, 'message'],
      [5, 'status'],
      [6, 'done'],
    ]);
    const outbox = await db.outboxEvent.findMany({ where: { payload: { path: ['executionId'], equals: ids[0]! } } });
    expect(outbox.map((event) => event.payload)).toEqual([expect.objectContaining({ status: 'completed', llmCalls: 2, promptTokens: 20, completionTokens: 10 })]);
    // A finished execution is claimed by nobody.
    expect(await claims.claim(ids[0]!, 'w3', LEASE_MS)).toEqual({ kind: 'none' });
  });

  it('stores the checkpoints of runs finishing a step at once together, each fenced on its own', async () => {
    const { ownerId, ids } = await queued(LIMIT, 2);
    await admission.admit(ownerId);
    const [first, second, third] = await Promise.all(ids.map(async (id) => claimed(await claims.claim(id, 'w1', LEASE_MS))));
    await lapse(third!.executionId);
    const rescuer = claimed(await claims.claim(third!.executionId, 'w2', LEASE_MS));

    // The first goes at once; the other three wait for it and share the next statement, the
    // frozen run and the run that took its execution over among them.
    const recorded = await Promise.all([
      steps.record(first!, first!.steps[0]!, completion('first 0'), 1),
      steps.record(third!, third!.steps[0]!, completion('late'), 1),
      steps.record(rescuer, rescuer.steps[0]!, completion('rescuer 0'), 1),
      steps.record(second!, second!.steps[0]!, completion('second 0'), 1),
    ]);
    expect(recorded.map((step) => step && [step.event.seq, step.event.data])).toEqual([
      [3, expect.objectContaining({ seq: 1, content: 'first 0' })],
      null,
      [3, expect.objectContaining({ seq: 1, content: 'rescuer 0' })],
      [3, expect.objectContaining({ seq: 1, content: 'second 0' })],
    ]);
    for (const [id, content] of [[first!.executionId, 'first 0'], [second!.executionId, 'second 0'], [third!.executionId, 'rescuer 0']]) {
      const execution = await db.execution.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { index: 'asc' } }, messages: true, events: { orderBy: { seq: 'asc' } } } });
      expect(execution).toMatchObject({ llmCalls: 1, promptTokens: 10, completionTokens: 5, messageSeq: 1 });
      expect(execution.steps.map((step) => step.status)).toEqual(['completed', 'running']);
      expect(execution.messages.map((message) => [message.seq, message.stepIndex, message.content])).toEqual([[1, 0, content]]);
      expect(execution.events.at(-1)).toMatchObject({ type: 'message', data: expect.objectContaining({ seq: 1, content }) });
    }
  });

  it('claims an execution asked for twice at once only once', async () => {
    const { ownerId, ids } = await queued(2, 1);
    await admission.admit(ownerId);
    // The first claim goes at once; the other three share the next statement.
    const [alone, first, twice, again] = await Promise.all([
      claims.claim(ids[0]!, 'w1', LEASE_MS),
      claims.claim(ids[1]!, 'w1', LEASE_MS),
      claims.claim(ids[1]!, 'w2', LEASE_MS),
      claims.claim(ids[0]!, 'w2', LEASE_MS),
    ]);
    expect(alone).toMatchObject({ kind: 'claimed', run: { fence: 1 } });
    expect(first).toMatchObject({ kind: 'claimed', run: { fence: 1 } });
    expect(twice).toEqual({ kind: 'held', retryInMs: LEASE_MS });
    expect(again).toMatchObject({ kind: 'held' });
    const rows = await db.execution.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((row) => [row.attempts, row.leaseOwner])).toEqual([
      [1, 'w1'],
      [1, 'w1'],
    ]);
  });

  it('stores one output per step even when a write slips past the fence', async () => {
    const { ownerId, ids } = await queued(1, 1);
    await admission.admit(ownerId);
    const run = claimed(await claims.claim(ids[0]!, 'w1', LEASE_MS));
    await steps.record(run, run.steps[0]!, completion('first'), null);
    await expect(
      db.message.create({ data: { executionId: ids[0]!, seq: 99, stepIndex: 0, memberId: run.steps[0]!.memberId, role: 'qa_tester', kind: 'output', content: 'second' } }),
    ).rejects.toThrow(/Unique constraint/);
  });

  it('refuses a checkpoint whose step already has an output alone: the others of its group are stored', async () => {
    const { ownerId, ids } = await queued(3, 2);
    await admission.admit(ownerId);
    const runs = await Promise.all(ids.map(async (id) => claimed(await claims.claim(id, 'w1', LEASE_MS))));
    // A stray output for the second run's first step, as a write that slipped past the fence would leave.
    await db.message.create({ data: { executionId: ids[1]!, seq: 99, stepIndex: 0, memberId: runs[1]!.steps[0]!.memberId, role: 'qa_tester', kind: 'output', content: 'stray' } });
    const results = await Promise.allSettled(runs.map((run, index) => steps.record(run, run.steps[0]!, completion(`run ${index}`), 1)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const outputs = await db.message.findMany({ where: { executionId: { in: ids }, kind: 'output' }, select: { executionId: true, content: true } });
    expect(outputs.map((output) => `${ids.indexOf(output.executionId)}:${output.content}`).sort()).toEqual(['0:run 0', '1:stray', '2:run 2']);
  });

  it('resumes after the last finished step with the earlier outputs', async () => {
    const { ownerId, ids } = await queued(1, 3);
    await admission.admit(ownerId);
    const first = claimed(await claims.claim(ids[0]!, 'w1', LEASE_MS));
    await steps.record(first, first.steps[0]!, completion('step zero'), 1);
    await leases.release(new Lease(ids[0]!, first.fence));

    const resumed = claimed(await claims.claim(ids[0]!, 'w2', LEASE_MS));
    expect(resumed.steps.map((step) => step.status)).toEqual(['completed', 'running', 'pending']);
    expect(resumed.outputs).toEqual([{ role: 'qa_tester', name: 'Agent 0', content: 'step zero' }]);
    expect(resumed.usage).toEqual({ llmCalls: 1, promptTokens: 10, completionTokens: 5 });
  });
});

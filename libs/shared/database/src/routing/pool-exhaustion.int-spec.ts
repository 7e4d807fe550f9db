import { join } from 'node:path';
import { AppConfig, ROLES, envSchema, type DatabaseTarget } from '@agent-squad/config';
import { ErrorCode, isDependencyError } from '@agent-squad/contracts';
import { problemFromAppError, toAppError } from '@agent-squad/http';
import { Metrics } from '@agent-squad/observability';
import { ScratchDatabase } from '@agent-squad/testing';
import { DatabaseConnections } from '../database-connections';
import { findPrismaDir } from '../migrations/migration-files';
import { type PrismaClientClass, type PrismaClientLike } from '../prisma-client';

const ACQUIRE_TIMEOUT_MS = 1000;

interface CoreClient extends PrismaClientLike {
  user: { count(): Promise<number> };
  $transaction<R>(work: (tx: CoreClient) => Promise<R>): Promise<R>;
}
const CoreClientClass = jest.requireActual<{ PrismaClient: PrismaClientClass<CoreClient> }>(join(findPrismaDir('core'), '..', 'libs', 'domains', 'core', 'src', 'generated', 'prisma', 'client')).PrismaClient;

describe('an exhausted pool', () => {
  const database = new ScratchDatabase();
  const url = database.url;
  const metrics = new Metrics();
  let connections: DatabaseConnections;

  beforeAll(() => {
    const target: DatabaseTarget = { kind: 'postgres', url, replicas: [] };
    const env = envSchema.parse({ DATABASE_POOL_SIZE: '1', DATABASE_POOL_OVERFLOW: '1', DATABASE_POOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS) });
    connections = new DatabaseConnections(new AppConfig([...ROLES], env, { core: target, intelligence: target, integration: target, billing: target }, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32)), metrics);
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await database.drop();
  });

  const poolState = async (state: string) => {
    const metric = await metrics.registry.getSingleMetric('db_pool_connections')!.get();
    return metric.values.find((value) => value.labels['state'] === state && String(value.labels['pool']).endsWith(`/${database.name}`))?.value ?? 0;
  };

  it('queues requests beyond size + overflow, then fails them with a 503 after the acquire timeout, not a hang', async () => {
    const db = await connections.client('core', CoreClientClass);
    // Two transactions hold both connections (size 1 + overflow 1) until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    let bothIn!: () => void;
    const bothHeld = new Promise<void>((resolve) => (bothIn = resolve));
    const holders = [1, 2].map(() =>
      db.$transaction(async (tx) => {
        await tx.user.count();
        if (++entered === 2) bothIn();
        await held;
      }),
    );
    await bothHeld;
    expect(await poolState('in_use')).toBe(2);

    const started = Date.now();
    const queued = [1, 2, 3].map(() => db.user.count().then(() => 'answered', (error: unknown) => error));
    // The waiting gauge counts them while they queue.
    for (let waited = 0; (await poolState('waiting')) < 3; waited += 20) {
      if (waited > 5000) throw new Error('the requests never queued');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const outcomes = await Promise.all(queued);
    const elapsed = Date.now() - started;
    release();
    await Promise.all(holders);

    expect(elapsed).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(ACQUIRE_TIMEOUT_MS + 3000);
    for (const outcome of outcomes) {
      expect(isDependencyError(outcome)).toBe(true);
      // The problem+json every HTTP answer renders from it.
      expect(problemFromAppError(toAppError(outcome))).toMatchObject({ type: `/problems/${ErrorCode.Unavailable}`, status: 503, detail: expect.stringMatching(/retry shortly/) });
    }
    // Freed, the pool answers again.
    expect(await db.user.count()).toBe(0);
  });
});

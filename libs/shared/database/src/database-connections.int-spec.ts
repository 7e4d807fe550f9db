import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfig, ConfigModule, DOMAINS, ROLES, envSchema, type DatabaseTarget, type Domain } from '@agent-squad/config';
import { databaseUrl, TEST_POSTGRES_URL as SERVER } from '@agent-squad/testing';
import { Client } from 'pg';
import { DatabaseConnections } from './database-connections';
import { DatabaseModule } from './database.module';
import { openPglite } from './drivers/pglite';
import { findPrismaDir } from './migrations/migration-files';
import { type PrismaClientClass, type PrismaClientLike } from './prisma-client';
import { isUniqueViolation } from './prisma-errors';


/** The slice of a generated client these tests use; the real clients are typed per domain. */
interface AnyClient extends PrismaClientLike {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  $transaction<R>(work: (tx: AnyClient) => Promise<R>): Promise<R>;
}
type Delegate = { create(args: { data: object }): Promise<object>; findMany(): Promise<object[]> };
const delegate = (client: AnyClient, model: string) => (client as unknown as Record<string, Delegate>)[model]!;

// Loaded by path: a shared lib may not depend on domain libs, but must work with their clients.
const clientClass = (domain: Domain) =>
  jest.requireActual<{ PrismaClient: PrismaClientClass<AnyClient> }>(join(findPrismaDir(domain), '..', 'libs', 'domains', domain, 'src', 'generated', 'prisma', 'client')).PrismaClient;

const SAMPLES: Record<Domain, { model: string; data: object }> = {
  core: { model: 'user', data: { email: 'ada@example.com', name: 'Ada', passwordHash: 'hash' } },
  intelligence: { model: 'llmCall', data: { provider: 'offline', model: 'offline', offline: true, promptTokens: 1, completionTokens: 2, latencyMs: 3 } },
  integration: { model: 'integration', data: { ownerId: randomUUID(), squadId: randomUUID(), kind: 'github', target: 'acme/app', secret: 'secret' } },
  billing: { model: 'account', data: { userId: randomUUID(), plan: 'pro' } },
};

const config = (databases: Record<Domain, DatabaseTarget>, env: Record<string, string> = {}) =>
  new AppConfig([...ROLES], envSchema.parse({ DATABASE_POOL_SIZE: '4', ...env }), databases, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32));

/** A Nest module wired as the domain libs wire theirs: one token per domain, bound by a factory. */
async function startModule(appConfig: AppConfig): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(appConfig), DatabaseModule.forRoot()],
    providers: DOMAINS.map((domain) => ({ provide: `${domain}Db`, useFactory: (db: DatabaseConnections) => db.client(domain, clientClass(domain)), inject: [DatabaseConnections] })),
  }).compile();
  return moduleRef.init();
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(sql).finally(() => admin.end());
}

describe.each([
  ['PGlite', () => mkdtempSync(join(tmpdir(), 'asq-db-'))],
  ['PostgreSQL', () => `asq_test_${randomBytes(6).toString('hex')}`],
])('DatabaseConnections on %s', (shape, makeName) => {
  let first: string;
  let second: string;
  let moduleRef: TestingModule | undefined;
  const target = (name: string): DatabaseTarget =>
    shape === 'PGlite' ? { kind: 'pglite', dataDir: name } : { kind: 'postgres', url: databaseUrl(SERVER, name) };

  beforeAll(async () => {
    first = makeName();
    // Billing on a second database on PostgreSQL: one pool per URL, each database created when missing.
    second = shape === 'PGlite' ? first : makeName();
    const started = Date.now();
    moduleRef = await startModule(config({ core: target(first), intelligence: target(first), integration: target(first), billing: target(second) }));
    console.info(`${shape}: created, migrated and connected four domains in ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await moduleRef?.close();
    if (shape === 'PGlite') rmSync(first, { recursive: true, force: true });
    else for (const name of [first, second]) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it("binds every domain's generated client; each creates and reads a row", async () => {
    for (const domain of DOMAINS) {
      const { model, data } = SAMPLES[domain];
      const client = moduleRef!.get<AnyClient>(`${domain}Db`);
      await delegate(client, model).create({ data });
      expect(await delegate(client, model).findMany()).toEqual([expect.objectContaining(data)]);
    }
  });

  it('hands out one client per domain', async () => {
    const connections = moduleRef!.get(DatabaseConnections);
    expect(await connections.client('core', clientClass('core'))).toBe(moduleRef!.get('coreDb'));
  });

  it('answers readiness pings', async () => {
    const connections = moduleRef!.get(DatabaseConnections);
    await Promise.all(DOMAINS.map((domain) => connections.ping(domain)));
  });

  it('runs raw SQL Prisma cannot express, such as FOR UPDATE SKIP LOCKED, with bound parameters', async () => {
    const core = moduleRef!.get<AnyClient>('coreDb');
    const rows = await core.$transaction((tx) => tx.$queryRaw<{ email: string }[]>`SELECT email FROM core.users WHERE name = ${'Ada'} LIMIT ${1} FOR UPDATE SKIP LOCKED`);
    expect(rows).toEqual([{ email: 'ada@example.com' }]);
  });

  it('answers raw SQL run on the driver exactly as Prisma does (raw SQL inside a transaction stays Prisma\'s)', async () => {
    const core = moduleRef!.get<AnyClient>('coreDb');
    const at = new Date('2026-03-04T05:06:07.089Z');
    const ids = [randomUUID(), randomUUID()];
    const select = (db: AnyClient) => db.$queryRaw<Record<string, unknown>[]>`
      SELECT ${41}::int + 1 AS int4, ${9007199254740993n}::bigint AS int8, ${'1.10'}::numeric AS numeric, 2.5::float8 AS float8,
             ${true}::boolean AS bool, ${null}::text AS nothing, ${ids[0]}::uuid AS uuid, ${ids}::uuid[] AS uuids, ARRAY['a', 'b'] AS texts,
             ${at}::timestamptz AS timestamptz, ${at}::timestamp AS timestamp, ${at}::date AS date,
             ${JSON.stringify({ a: [1, 'x'] })}::jsonb AS jsonb, '[1, 2]'::json AS json, count(*) AS count
      FROM generate_series(1, 3)`;
    const direct = await select(core);
    const viaPrisma = await core.$transaction((tx) => select(tx));
    expect(direct).toEqual(viaPrisma);
    expect(direct[0]).toMatchObject({ int4: 42, int8: 9007199254740993n, bool: true, nothing: null, uuids: ids, timestamptz: at, count: 3n, jsonb: { a: [1, 'x'] } });
    expect(String(direct[0]!['numeric'])).toBe('1.1');
  });

  it("answers findUnique reads on the driver exactly as Prisma does (Prisma's own inside a transaction)", async () => {
    type Reader = { findUnique(args: object): Promise<unknown>; create(args: { data: object }): Promise<{ id?: string }> };
    const model = (client: AnyClient, name: string) => (client as unknown as Record<string, Reader>)[name]!;
    const core = moduleRef!.get<AnyClient>('coreDb');
    const billing = moduleRef!.get<AnyClient>('billingDb');
    const ownerId = randomUUID();
    const user = await model(core, 'user').create({ data: { email: 'unique-reads@example.com', name: 'Ada', passwordHash: 'hash' } });
    const squad = await model(core, 'squad').create({ data: { ownerId, name: 'Reads', members: { create: [{ position: 0, role: 'developer', name: 'Dev', model: 'offline', tools: ['document_search', 'x'] }] } } });
    await model(core, 'apiKey').create({ data: { userId: user.id, name: 'ci', prefix: 'asq_ab', keyHash: 'hash-1' } });
    await model(core, 'idempotencyRecord').create({ data: { ownerId, scope: 'tasks', key: 'k1', response: { status: 202, body: { ids: [1, 2] } } } });
    await model(billing, 'usageCounter').create({ data: { userId: ownerId, period: '2026-12', executions: 3, promptTokens: 9007199254740993n } });
    const reads: [AnyClient, string, object][] = [
      [core, 'user', { where: { id: user.id } }],
      [core, 'user', { where: { email: 'unique-reads@example.com' }, select: { id: true, createdAt: true } }],
      [core, 'user', { where: { id: user.id, name: 'someone else' } }],
      [core, 'user', { where: { id: randomUUID() } }],
      [core, 'apiKey', { where: { keyHash: 'hash-1' } }],
      [core, 'member', { where: { squadId_position: { squadId: squad.id, position: 0 } } }],
      [core, 'squad', { where: { id: squad.id }, include: { members: true } }],
      [core, 'idempotencyRecord', { where: { ownerId_scope_key: { ownerId, scope: 'tasks', key: 'k1' } } }],
      [billing, 'usageCounter', { where: { userId_period: { userId: ownerId, period: '2026-12' } } }],
    ];
    for (const [client, name, args] of reads) {
      const direct = await model(client, name).findUnique(args);
      const viaPrisma = await client.$transaction((tx) => model(tx, name).findUnique(args));
      expect([name, args, direct]).toEqual([name, args, viaPrisma]);
    }
    // A malformed id is a data error: Prisma reports it, the same way either path.
    const malformed = (db: AnyClient) => model(db, 'user').findUnique({ where: { id: 'not-a-uuid' } }).catch((error: { code?: string }) => [error.constructor.name, error.code]);
    expect(await malformed(core)).toEqual(await core.$transaction((tx) => malformed(tx)));
  });

  it('reports a unique violation of raw SQL run on the driver like one through Prisma', async () => {
    const core = moduleRef!.get<AnyClient>('coreDb');
    const insert = (db: AnyClient) => db.$executeRaw`INSERT INTO core.users (id, email, name, "passwordHash") VALUES (${randomUUID()}::uuid, 'ada@example.com', 'Ada', 'hash')`;
    const direct = await insert(core).catch((error: unknown) => error);
    const viaPrisma = await core.$transaction((tx) => insert(tx)).catch((error: unknown) => error);
    expect(isUniqueViolation(direct)).toBe(true);
    expect(isUniqueViolation(viaPrisma)).toBe(true);
    expect(await core.$executeRaw`UPDATE core.users SET name = 'Ada' WHERE email = 'ada@example.com'`).toBe(1);
  });

  it('closes every connection at shutdown, leaving the data behind', async () => {
    await moduleRef!.close();
    moduleRef = undefined;
    if (shape === 'PGlite') {
      const db = await openPglite(first);
      const rows = await db.query('SELECT plan FROM billing.accounts').finally(() => db.close());
      expect(rows.rows).toEqual([{ plan: 'pro' }]);
    } else {
      const admin = new Client({ connectionString: SERVER });
      await admin.connect();
      const rows = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1)', [[first, second]]).finally(() => admin.end());
      expect(rows.rows).toEqual([{ n: 0 }]);
    }
  });
});

describe('DatabaseConnections specifics', () => {
  it('on PostgreSQL, SKIP LOCKED passes over a row another transaction holds', async () => {
    const name = `asq_test_${randomBytes(6).toString('hex')}`;
    const url = databaseUrl(SERVER, name);
    const connections = new DatabaseConnections(config({ core: { kind: 'postgres', url }, intelligence: { kind: 'postgres', url }, integration: { kind: 'postgres', url }, billing: { kind: 'postgres', url } }));
    try {
      const core = await connections.client('core', clientClass('core'));
      await delegate(core, 'user').create({ data: SAMPLES.core.data });
      const claim = () => core.$queryRaw<{ email: string }[]>`SELECT email FROM core.users FOR UPDATE SKIP LOCKED`;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const holder = core.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT email FROM core.users FOR UPDATE`;
        await held;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await claim()).toEqual([]);
      release();
      await holder;
      expect(await claim()).toEqual([{ email: 'ada@example.com' }]);
    } finally {
      await connections.onApplicationShutdown();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it.each([
    ['names each statement once per connection', '500', 1],
    ['prepares nothing with DATABASE_PREPARED_STATEMENTS=0', '0', 0],
  ])('on PostgreSQL, %s', async (_, prepared, expected) => {
    const name = `asq_test_${randomBytes(6).toString('hex')}`;
    const url = databaseUrl(SERVER, name);
    const target: DatabaseTarget = { kind: 'postgres', url };
    // One connection, so the session that lists prepared statements is the one that ran them.
    const env = { DATABASE_POOL_SIZE: '1', DATABASE_POOL_OVERFLOW: '0', DATABASE_PREPARED_STATEMENTS: prepared };
    const connections = new DatabaseConnections(config({ core: target, intelligence: target, integration: target, billing: target }, env));
    try {
      const core = await connections.client('core', clientClass('core'));
      for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) await delegate(core, 'user').create({ data: { ...SAMPLES.core.data, email } });
      const statements = await core.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO "core"."users"%'`;
      expect(statements).toEqual([{ n: expected }]);
      expect(await delegate(core, 'user').findMany()).toHaveLength(3);
    } finally {
      await connections.onApplicationShutdown();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('does not migrate when DATABASE_MIGRATE_ON_START is false', async () => {
    const name = `asq_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const url = databaseUrl(SERVER, name);
    const target: DatabaseTarget = { kind: 'postgres', url };
    const connections = new DatabaseConnections(config({ core: target, intelligence: target, integration: target, billing: target }, { DATABASE_MIGRATE_ON_START: 'false' }));
    try {
      const core = await connections.client('core', clientClass('core'));
      expect(await core.$queryRaw`SELECT to_regclass('core._migrations')::text AS t`).toEqual([{ t: null }]);
    } finally {
      await connections.onApplicationShutdown();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});

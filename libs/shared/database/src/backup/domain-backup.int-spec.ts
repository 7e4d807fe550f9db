import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig, DOMAINS, ROLES, envSchema, type DatabaseTarget, type Domain } from '@agent-squad/config';
import { ScratchDatabase } from '@agent-squad/testing';
import { DatabaseConnections } from '../database-connections';
import { loadMigrations } from '../migrations/migration-files';
import { type SqlExecutor } from '../migrations/sql-session';
import { readManifest } from './backup-manifest';
import { exportDomain } from './export-domain';
import { restoreDomain } from './restore-domain';


/** Connections whose every domain lives in a fresh database of its own name (created on first use). */
function connectionsTo(database: ScratchDatabase): DatabaseConnections {
  const target: DatabaseTarget = { kind: 'postgres', url: database.url };
  const databases = Object.fromEntries(DOMAINS.map((domain) => [domain, target])) as Record<Domain, DatabaseTarget>;
  return new DatabaseConnections(new AppConfig([...ROLES], envSchema.parse({ DATABASE_POOL_SIZE: '2' }), databases, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32)));
}

/** Every row of every table of the schema, as PostgreSQL renders it, in a stable order. */
async function contents(sql: SqlExecutor, schema: string): Promise<Record<string, string[]>> {
  const tables = await sql.query<{ name: string }>(`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> '_migrations' ORDER BY 1`, [schema]);
  const result: Record<string, string[]> = {};
  for (const { name } of tables) result[name] = (await sql.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${schema}"."${name}" t ORDER BY 1`)).map((row) => row.row);
  return result;
}

async function seedCore(sql: SqlExecutor): Promise<void> {
  const [user, squad, member, task, execution] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await sql.query(`INSERT INTO core.users (id, email, name, "passwordHash") VALUES ($1, 'ada@example.com', 'Ada "the first"', 'hash')`, [user]);
  await sql.query(`INSERT INTO core.api_keys (id, "userId", name, prefix, "keyHash") VALUES ($1, $2, 'ci', 'asq_ab', 'h1')`, [randomUUID(), user]);
  await sql.query(`INSERT INTO core.squads (id, "ownerId", name, description) VALUES ($1, $2, 'Checkout', E'multi\\nline')`, [squad, user]);
  await sql.query(`INSERT INTO core.members (id, "squadId", position, role, name, model, tools) VALUES ($1, $2, 0, 'qa_tester', 'Q', 'offline', ARRAY['search', 'a,b'])`, [member, squad]);
  await sql.query(`INSERT INTO core.tasks (id, "ownerId", "squadId", title, description) VALUES ($1, $2, $3, 'Discounts', 'Codes expire')`, [task, user, squad]);
  await sql.query(`INSERT INTO core.executions (id, "ownerId", "taskId", "squadId", status, "finishedAt") VALUES ($1, $2, $3, $4, 'completed', now())`, [execution, user, task, squad]);
  await sql.query(`INSERT INTO core.execution_steps ("executionId", index, "memberId", role, "agentName", model, tools) VALUES ($1, 0, $2, 'qa_tester', 'Q', 'offline', '{}')`, [execution, member]);
  await sql.query(`INSERT INTO core.messages (id, "executionId", seq, "stepIndex", "memberId", role, kind, content, citations) VALUES ($1, $2, 1, 0, $3, 'qa_tester', 'output', 'ünïcode ✓', '[{"chunk": 1}]')`, [randomUUID(), execution, member]);
  await sql.query(`INSERT INTO core.execution_events ("executionId", seq, type, data) VALUES ($1, 1, 'status', '{"status": "queued", "n": 1.5}')`, [execution]);
  await sql.query(`INSERT INTO core.idempotency_records ("ownerId", scope, key, response) VALUES ($1, 'submit', 'k1', '{"id": "x"}')`, [user]);
}

describe('domain backups on PostgreSQL', () => {
  const source = new ScratchDatabase();
  const target = new ScratchDatabase();
  const from = connectionsTo(source);
  const into = connectionsTo(target);
  let dir: string;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await from.session('core', seedCore);
    await from.session('billing', (sql) => sql.query(`INSERT INTO billing.usage_counters ("userId", period, executions, "promptTokens") VALUES ($1, '2026-03', 3, 9007199254740993)`, [randomUUID()]));
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'asq-backup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(async () => {
    await Promise.all([from.onApplicationShutdown(), into.onApplicationShutdown()]);
    await Promise.all([source.drop(), target.drop()]);
  });

  it('writes every table of the domain, parents first, with a manifest that describes the files', async () => {
    const manifest = await from.session('core', (sql) => exportDomain(sql, 'core', join(dir, 'core'), new Date('2026-03-01T00:00:00Z')));

    const order = manifest.tables.map((table) => table.name);
    const tables = Object.keys(await from.session('core', (sql) => contents(sql, 'core')));
    expect([...order].sort()).toEqual(tables);
    expect(tables).toEqual(expect.arrayContaining(['users', 'api_keys', 'squads', 'members', 'tasks', 'executions', 'execution_steps', 'messages', 'execution_events']));
    for (const [parent, child] of [['users', 'api_keys'], ['squads', 'members'], ['squads', 'tasks'], ['tasks', 'executions'], ['executions', 'messages']]) {
      expect(order.indexOf(parent!)).toBeLessThan(order.indexOf(child!));
    }
    expect(readManifest(join(dir, 'core'))).toEqual(manifest);
    expect(manifest).toMatchObject({ domain: 'core', createdAt: '2026-03-01T00:00:00.000Z', migrations: loadMigrations('core').map((migration) => migration.name) });
    const users = manifest.tables.find((table) => table.name === 'users')!;
    expect(users).toMatchObject({ file: 'users.jsonl', rows: 1, columns: expect.arrayContaining(['id', 'email', 'passwordHash']) });
    const [line] = readFileSync(join(dir, 'core', users.file), 'utf8').trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ email: 'ada@example.com', name: 'Ada "the first"' });
    expect(manifest.tables.find((table) => table.name === 'outbox_events')).toMatchObject({ rows: 0 });
  });

  it('restores into an empty database row for row, every type intact', async () => {
    for (const domain of ['core', 'billing'] as const) {
      await from.session(domain, (sql) => exportDomain(sql, domain, join(dir, domain), new Date()));
      await into.session(domain, (sql) => restoreDomain(sql, domain, join(dir, domain)));
      const [before, after] = [await from.session(domain, (sql) => contents(sql, domain)), await into.session(domain, (sql) => contents(sql, domain))];
      expect(after).toEqual(before);
    }
    const [counter] = await into.session('billing', (sql) => sql.query<{ tokens: string }>(`SELECT "promptTokens"::text AS tokens FROM billing.usage_counters`));
    expect(counter).toEqual({ tokens: '9007199254740993' });
  });

  it('refuses a database that already holds rows, a damaged file, and a schema behind the backup', async () => {
    const folder = join(dir, 'core');
    await from.session('core', (sql) => exportDomain(sql, 'core', folder, new Date()));
    await expect(from.session('core', (sql) => restoreDomain(sql, 'core', folder))).rejects.toThrow(/^core\.\w+ already holds rows: restore into an empty database$/);
    await expect(from.session('billing', (sql) => restoreDomain(sql, 'billing', folder))).rejects.toThrow('is a backup of core, not of billing');

    const manifest = readManifest(folder);
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...manifest, migrations: [...manifest.migrations, '29990101000000_from_the_future'] }));
    await expect(into.session('core', (sql) => restoreDomain(sql, 'core', folder))).rejects.toThrow("Apply core's migrations first (missing: 29990101000000_from_the_future)");

    writeFileSync(join(folder, 'users.jsonl'), '{"id": "tampered"}\n');
    await expect(into.session('core', (sql) => restoreDomain(sql, 'core', folder))).rejects.toThrow('users.jsonl does not match its checksum');
  });
});

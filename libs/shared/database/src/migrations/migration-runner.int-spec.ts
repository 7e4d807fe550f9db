import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMAINS } from '@agent-squad/config';
import { ScratchDatabase } from '@agent-squad/testing';
import { type PGlite } from '@electric-sql/pglite';
import { type Client } from 'pg';
import { openPglite } from '../drivers/pglite';
import { connectCreatingDatabase } from '../drivers/postgres';
import { checksum, loadMigrations, type Migration } from './migration-files';
import { MigrationChecksumError, runMigrations } from './migration-runner';
import { pgliteSession, postgresSession } from './sql-session';

const edited = (migration: Migration): Migration => ({ ...migration, sql: `${migration.sql}\n-- edited`, checksum: checksum(`${migration.sql}\n-- edited`) });

describe('runMigrations on PGlite', () => {
  let dir: string;
  let db: PGlite;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'asq-pglite-'));
    const started = Date.now();
    db = await openPglite(dir);
    console.info(`PGlite cold open: ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every domain, then nothing, and keeps them across a reopen', async () => {
    const started = Date.now();
    for (const domain of DOMAINS) expect(await runMigrations(pgliteSession(db), domain, loadMigrations(domain))).toEqual(loadMigrations(domain).map((m) => m.name));
    console.info(`PGlite: four domains migrated in ${Date.now() - started} ms`);
    expect((await db.query('SELECT count(*)::int AS n FROM core.users')).rows).toEqual([{ n: 0 }]);
    await db.close();
    const reopened = Date.now();
    db = await openPglite(dir);
    console.info(`PGlite warm open: ${Date.now() - reopened} ms`);
    for (const domain of DOMAINS) expect(await runMigrations(pgliteSession(db), domain, loadMigrations(domain))).toEqual([]);
  });

  it('refuses an applied migration whose file changed', async () => {
    const [init] = loadMigrations('billing');
    await expect(runMigrations(pgliteSession(db), 'billing', [edited(init!)])).rejects.toThrow(MigrationChecksumError);
  });

  it('rolls back a failing migration and leaves it unrecorded', async () => {
    const broken: Migration = { name: '29990101000000_broken', sql: 'CREATE TABLE billing.half_done (id int); SELECT 1/0;', checksum: 'x' };
    await expect(runMigrations(pgliteSession(db), 'billing', [...loadMigrations('billing'), broken])).rejects.toThrow('29990101000000_broken failed: division by zero');
    expect((await db.query("SELECT to_regclass('billing.half_done') AS t")).rows).toEqual([{ t: null }]);
    expect((await db.query('SELECT count(*)::int AS n FROM billing._migrations')).rows).toEqual([{ n: loadMigrations('billing').length }]);
  });
});

describe('runMigrations on PostgreSQL', () => {
  const database = new ScratchDatabase();
  const url = database.url;
  const connections: Client[] = [];
  const connect = async () => {
    const client = await connectCreatingDatabase(url);
    connections.push(client);
    return client;
  };

  afterAll(async () => {
    await Promise.all(connections.map((client) => client.end()));
    await database.drop();
  });

  it('creates the missing database, applies every domain, then nothing', async () => {
    const session = postgresSession(await connect());
    const started = Date.now();
    for (const domain of DOMAINS) expect(await runMigrations(session, domain, loadMigrations(domain))).toEqual(loadMigrations(domain).map((m) => m.name));
    console.info(`PostgreSQL: four domains migrated in ${Date.now() - started} ms`);
    for (const domain of DOMAINS) expect(await runMigrations(session, domain, loadMigrations(domain))).toEqual([]);
  });

  it('applies each migration once when replicas start together', async () => {
    const migrations = [...loadMigrations('core'), { name: '29990101000000_slow', sql: 'SELECT pg_sleep(0.3); CREATE TABLE core.once (id int);', checksum: 'slow' }];
    const sessions = await Promise.all([1, 2, 3, 4, 5].map(async () => postgresSession(await connect())));
    const results = await Promise.all(sessions.map((session) => runMigrations(session, 'core', migrations)));
    expect(results.flat()).toEqual(['29990101000000_slow']);
    const [{ n }] = await sessions[0]!.query<{ n: number }>("SELECT count(*)::int AS n FROM core._migrations WHERE name = '29990101000000_slow'");
    expect(n).toBe(1);
  });

  it('refuses an applied migration whose file changed', async () => {
    const session = postgresSession(await connect());
    const [init, ...rest] = loadMigrations('integration');
    await expect(runMigrations(session, 'integration', [edited(init!), ...rest])).rejects.toThrow(/Applied migration\(s\) changed since they ran: prisma\/integration\/migrations\/\d+_init/);
  });
});

import { checksum, type Migration } from './migration-files';
import { MigrationChecksumError, runMigrations } from './migration-runner';
import { type SqlExecutor, type SqlSession } from './sql-session';

const migration = (name: string, sql = `-- ${name}`): Migration => ({ name, sql, checksum: checksum(sql) });

/** Records what the runner does; `_migrations` is a map, scripts are logged, `fail` makes one throw. */
class FakeSession implements SqlSession {
  readonly applied = new Map<string, string>();
  readonly log: string[] = [];
  locked = false;
  fail?: string;

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (sql.startsWith('SELECT name, checksum')) return [...this.applied].map(([name, sum]) => ({ name, checksum: sum })) as R[];
    if (sql.startsWith('INSERT')) this.applied.set(params[0] as string, params[1] as string);
    return [];
  }

  async exec(script: string): Promise<void> {
    if (!this.locked) throw new Error('ran without the lock');
    if (script === this.fail) throw new Error('boom');
    this.log.push(script);
  }

  async transaction(work: (tx: SqlExecutor) => Promise<void>): Promise<void> {
    const before = new Map(this.applied);
    await work(this).catch((error: unknown) => {
      this.applied.clear();
      before.forEach((sum, name) => this.applied.set(name, sum));
      throw error;
    });
  }

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    expect(key).toBe('agent-squad:migrate:core');
    this.locked = true;
    try {
      return await work();
    } finally {
      this.locked = false;
    }
  }
}

describe('runMigrations', () => {
  it('applies pending migrations in order, under the lock, and records them', async () => {
    const session = new FakeSession();
    const applied = await runMigrations(session, 'core', [migration('1_a'), migration('2_b')]);
    expect(applied).toEqual(['1_a', '2_b']);
    expect(session.log.slice(1)).toEqual(['-- 1_a', '-- 2_b']);
    expect(session.log[0]).toContain('CREATE TABLE IF NOT EXISTS "core"._migrations');
    expect([...session.applied.keys()]).toEqual(['1_a', '2_b']);
  });

  it('skips applied migrations', async () => {
    const session = new FakeSession();
    await runMigrations(session, 'core', [migration('1_a')]);
    expect(await runMigrations(session, 'core', [migration('1_a'), migration('2_b')])).toEqual(['2_b']);
    expect(await runMigrations(session, 'core', [migration('1_a'), migration('2_b')])).toEqual([]);
  });

  it('refuses to run when an applied migration changed, naming it', async () => {
    const session = new FakeSession();
    await runMigrations(session, 'core', [migration('1_a')]);
    const run = runMigrations(session, 'core', [migration('1_a', '-- edited'), migration('2_b')]);
    await expect(run).rejects.toThrow(MigrationChecksumError);
    await expect(run).rejects.toThrow('prisma/core/migrations/1_a');
    expect(session.applied.has('2_b')).toBe(false);
  });

  it('stops at a failing migration, naming it, and keeps the ones before', async () => {
    const session = new FakeSession();
    session.fail = '-- 2_b';
    await expect(runMigrations(session, 'core', [migration('1_a'), migration('2_b'), migration('3_c')])).rejects.toThrow('prisma/core/migrations/2_b failed: boom');
    expect([...session.applied.keys()]).toEqual(['1_a']);
  });

  it('tolerates applied migrations it does not know (a newer release migrated)', async () => {
    const session = new FakeSession();
    await runMigrations(session, 'core', [migration('1_a'), migration('2_b')]);
    expect(await runMigrations(session, 'core', [migration('1_a')])).toEqual([]);
  });
});

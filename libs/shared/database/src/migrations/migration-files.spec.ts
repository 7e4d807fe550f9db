import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksum, findPrismaDir, loadMigrations } from './migration-files';

describe('migration files', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'asq-migrations-'));
    mkdirSync(join(root, 'prisma', 'core', 'migrations'), { recursive: true });
    writeFileSync(join(root, 'prisma', 'core', 'schema.prisma'), '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds prisma/ above the running code, as from a build in dist/', () => {
    const built = join(root, 'dist', 'libs', 'shared', 'database', 'src');
    mkdirSync(built, { recursive: true });
    expect(findPrismaDir('core', built)).toBe(join(root, 'prisma'));
  });

  it('finds the repository prisma/ from the sources', () => {
    expect(findPrismaDir('billing')).toMatch(/prisma$/);
  });

  it('fails clearly when no prisma/ is found', () => {
    expect(() => findPrismaDir('billing', root)).toThrow('No prisma/billing/schema.prisma above');
  });

  it('lists migrations in name order with their checksums', () => {
    for (const name of ['20260102000000_second', '20260101000000_first']) {
      mkdirSync(join(root, 'prisma', 'core', 'migrations', name));
      writeFileSync(join(root, 'prisma', 'core', 'migrations', name, 'migration.sql'), `-- ${name}\n`);
    }
    writeFileSync(join(root, 'prisma', 'core', 'migrations', 'migration_lock.toml'), '');
    const migrations = loadMigrations('core', join(root, 'prisma'));
    expect(migrations.map((migration) => migration.name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(migrations[0]?.checksum).toBe(checksum('-- 20260101000000_first\n'));
  });

  it('has no migrations for a domain without a migrations folder', () => {
    expect(loadMigrations('billing', join(root, 'prisma'))).toEqual([]);
  });

  it('ignores line endings in checksums', () => {
    expect(checksum('SELECT 1;\r\nSELECT 2;\r\n')).toBe(checksum('SELECT 1;\nSELECT 2;\n'));
    expect(checksum('SELECT 1;')).not.toBe(checksum('SELECT 2;'));
  });

  it('ships an init migration for every domain', () => {
    for (const domain of ['core', 'intelligence', 'integration', 'billing'] as const) {
      expect(loadMigrations(domain)[0]?.name).toMatch(/^\d{14}_init$/);
    }
  });
});

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Domain } from '@agent-squad/config';

/** One `prisma/<domain>/migrations/<name>/migration.sql`. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * The `prisma/` folder holding `<domain>/schema.prisma`, found by walking up from `from`: the same
 * code runs from TypeScript sources (Jest) and from the build in `dist/`.
 */
export function findPrismaDir(domain: Domain, from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'prisma', domain, 'schema.prisma'))) return join(dir, 'prisma');
    if (dirname(dir) === dir) throw new Error(`No prisma/${domain}/schema.prisma above ${from}: the prisma/ folder must ship with the app`);
  }
}

/** SHA-256 of the script; line endings are normalised so a Windows checkout does not look edited. */
export function checksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** The domain's migrations in name (= timestamp) order. */
export function loadMigrations(domain: Domain, prismaDir: string = findPrismaDir(domain)): Migration[] {
  const dir = join(prismaDir, domain, 'migrations');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksum(sql) };
    });
}

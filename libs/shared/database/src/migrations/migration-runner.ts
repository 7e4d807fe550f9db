import { type Domain } from '@agent-squad/config';
import { quoteIdentifier as quote } from '../quote-identifier';
import { type Migration } from './migration-files';
import { type SqlSession } from './sql-session';

/** A migration already applied to the database no longer matches its file. */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
}

interface AppliedRow {
  name: string;
  checksum: string;
}

// Duck-typed: driver errors need not be `instanceof Error` here (another realm, e.g. under Jest).
const messageOf = (error: unknown) => String((error as { message?: unknown } | null)?.message ?? error);

/**
 * Applies the domain's pending migrations in the given order (`loadMigrations` sorts by name), each in its own transaction with its
 * bookkeeping row in `"<domain>"._migrations`, and returns their names. Replicas starting together
 * take turns on a lock keyed by the domain; the later ones find nothing left to do.
 *
 * Refuses to run (MigrationChecksumError) when an applied migration's file has changed since: its
 * effect on the database would silently differ from the code's. Applied migrations missing from
 * `migrations` are tolerated, so an older release can still start on a database a newer one migrated.
 */
export async function runMigrations(session: SqlSession, domain: Domain, migrations: readonly Migration[]): Promise<string[]> {
  const table = `${quote(domain)}._migrations`;
  return session.withLock(`agent-squad:migrate:${domain}`, async () => {
    await session.exec(
      `CREATE SCHEMA IF NOT EXISTS ${quote(domain)};
       CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());`,
    );
    const applied = new Map((await session.query<AppliedRow>(`SELECT name, checksum FROM ${table}`)).map((row) => [row.name, row.checksum]));
    const edited = migrations.filter((migration) => applied.has(migration.name) && applied.get(migration.name) !== migration.checksum);
    if (edited.length > 0) {
      const names = edited.map((migration) => `prisma/${domain}/migrations/${migration.name}`).join(', ');
      throw new MigrationChecksumError(`Applied migration(s) changed since they ran: ${names}. Restore them and add a new migration instead (npm run db:migration).`);
    }
    const pending = migrations.filter((migration) => !applied.has(migration.name));
    for (const migration of pending) {
      await session
        .transaction(async (tx) => {
          await tx.exec(migration.sql);
          await tx.query(`INSERT INTO ${table} (name, checksum) VALUES ($1, $2)`, [migration.name, migration.checksum]);
        })
        .catch((error: unknown) => {
          throw new Error(`Migration prisma/${domain}/migrations/${migration.name} failed: ${messageOf(error)}`, { cause: error });
        });
    }
    return pending.map((migration) => migration.name);
  });
}

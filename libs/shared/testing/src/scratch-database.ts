import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server the integration tests use, at its `postgres` database. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** `server`'s URL with `database` in place of the one it names. */
export const databaseUrl = (server: string, database: string): string => Object.assign(new URL(server), { pathname: `/${database}` }).toString();

/**
 * A database of a test's own, named at random on a PostgreSQL server: `url` points at it (the
 * platform creates a database it is given when it first connects), `drop()` removes it with
 * whatever connections are left on it.
 */
export class ScratchDatabase {
  readonly name = `asq_test_${randomBytes(6).toString('hex')}`;

  constructor(readonly server = TEST_POSTGRES_URL) {}

  get url(): string {
    return databaseUrl(this.server, this.name);
  }

  async drop(): Promise<void> {
    const admin = new Client({ connectionString: this.server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`).finally(() => admin.end());
  }
}

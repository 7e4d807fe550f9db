import { type PGlite } from '@electric-sql/pglite';
import { type ClientBase } from 'pg';

/** Runs SQL on one connection. */
export interface SqlExecutor {
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of one or more statements (no parameters). */
  exec(script: string): Promise<void>;
}

/** What the migration runner needs from a database: one connection, transactions and a lock. */
export interface SqlSession extends SqlExecutor {
  transaction(work: (tx: SqlExecutor) => Promise<void>): Promise<void>;
  /** Runs `work` holding a lock named `key` that other processes sharing the database respect. */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** A session on one dedicated PostgreSQL connection (advisory locks belong to the connection). */
export function postgresSession(client: ClientBase): SqlSession {
  const executor: SqlExecutor = {
    query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
    // Without parameters pg uses the simple protocol, which accepts several statements.
    exec: async (script) => void (await client.query(script)),
  };
  return {
    ...executor,
    async transaction(work) {
      await client.query('BEGIN');
      try {
        await work(executor);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    async withLock(key, work) {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
    },
  };
}

/** A session on PGlite, which one process owns: `transaction` serialises it with other users. */
export function pgliteSession(db: PGlite): SqlSession {
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): SqlExecutor => ({
    query: async <R>(sql: string, params: unknown[] = []) => (await target.query<R>(sql, params)).rows,
    exec: async (script) => void (await target.exec(script)),
  });
  return {
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    // No other process can open the same PGlite folder, and transactions already serialise.
    withLock: (_key, work) => work(),
  };
}

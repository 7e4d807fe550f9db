import { Client, DatabaseError, Pool, type ClientConfig, type QueryConfig } from 'pg';

export interface PoolSizing {
  /** Connections kept open while idle (seed: 20). */
  size: number;
  /** Extra connections opened under load, closed after 10 s idle (seed: 10). */
  overflow: number;
  /** How long a query waits for a connection before failing (seed: 30 s). */
  acquireTimeoutMs: number;
  /** A connection's lifetime (seed: recycled hourly). */
  recycleSeconds: number;
}

/**
 * pg-pool's `query` closes the connection whenever a statement fails, even when the server only
 * refused that statement (a unique violation, a failed check) and the connection is fine. Under
 * load that is a reconnect per refused statement: a new backend process, every prepared statement
 * parsed and planned again (measured: a worker opened ~7 connections a second that way). Here a
 * connection the server answered with an error goes back to the pool; one that broke (network,
 * timeout) is closed, as pg-pool closes any client no longer queryable.
 */
function keepingConnections(pool: Pool): Pool['query'] {
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const keeping = async (config: string | QueryConfig, values?: unknown[]) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client that breaks emits 'error': without a listener the process would exit.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      return await client.query(config as QueryConfig, values);
    } catch (error) {
      // ERROR ends the statement only; FATAL and PANIC (e.g. the backend terminated) end the session.
      if (!(error instanceof DatabaseError && error.severity === 'ERROR')) broken ??= error as Error;
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };
  // Calls with a callback keep pg-pool's own query.
  return ((config: string | QueryConfig, values?: unknown, callback?: unknown) =>
    typeof values === 'function' || typeof callback === 'function' ? poolQuery(config, values, callback) : keeping(config, values as unknown[] | undefined)) as Pool['query'];
}

/**
 * A pool with the seed's SQLAlchemy-style sizing (DESIGN §5) mapped onto `pg`: `min` keeps up to
 * `size` idle connections, `max` allows `overflow` more, and idle ones above `min` close after
 * `idleTimeoutMillis`. A request beyond `max` queues, and fails after `acquireTimeoutMs`.
 */
export function createPool(url: string, sizing: PoolSizing): Pool {
  const pool = new Pool({
    connectionString: url,
    min: sizing.size,
    max: sizing.size + sizing.overflow,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: sizing.acquireTimeoutMs,
    maxLifetimeSeconds: sizing.recycleSeconds,
  });
  pool.query = keepingConnections(pool);
  return pool;
}

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

const errorCode = (error: unknown) => (error as { code?: unknown } | null)?.code;

/**
 * Connects a dedicated client to `url`, first creating the database if it does not exist (through
 * the server's `postgres` maintenance database), so a fresh server or compose stack needs no setup.
 */
export async function connectCreatingDatabase(url: string): Promise<Client> {
  try {
    return await connect({ connectionString: url });
  } catch (error) {
    if (errorCode(error) !== INVALID_CATALOG_NAME) throw error;
  }
  await createDatabase(url);
  return connect({ connectionString: url });
}

async function connect(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

async function createDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = await connect({ connectionString: maintenance.toString() });
  try {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    // Another replica created it first: CREATE DATABASE reports that as either code.
    if (errorCode(error) !== DUPLICATE_DATABASE && errorCode(error) !== UNIQUE_VIOLATION) throw error;
  } finally {
    await admin.end();
  }
}

import { Client, Pool, type ClientConfig } from 'pg';

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
 * A pool with the seed's SQLAlchemy-style sizing (DESIGN §5) mapped onto `pg`: `min` keeps up to
 * `size` idle connections, `max` allows `overflow` more, and idle ones above `min` close after
 * `idleTimeoutMillis`. A request beyond `max` queues, and fails after `acquireTimeoutMs`.
 */
export function createPool(url: string, sizing: PoolSizing): Pool {
  return new Pool({
    connectionString: url,
    min: sizing.size,
    max: sizing.size + sizing.overflow,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: sizing.acquireTimeoutMs,
    maxLifetimeSeconds: sizing.recycleSeconds,
  });
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

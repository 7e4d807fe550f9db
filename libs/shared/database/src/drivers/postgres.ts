import { Client, Pool, type ClientConfig } from 'pg';

/** Seed: a request waits at most 30 s for a pooled connection. */
export const POOL_ACQUIRE_TIMEOUT_MS = 30_000;

/** Pool settings from the seed's sizing (DESIGN §5): 30 s wait for a connection, recycled hourly. */
export function createPool(url: string, size: number): Pool {
  return new Pool({ connectionString: url, max: size, connectionTimeoutMillis: POOL_ACQUIRE_TIMEOUT_MS, maxLifetimeSeconds: 3600 });
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

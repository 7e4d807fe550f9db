import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/** The machine's own PostgreSQL, Redis and NATS, as the split shape's tests use them. */
export const LOCAL = {
  postgres: 'postgresql://postgres@127.0.0.1:5432',
  /** The streaming replica of `postgres` (scripts/ci/ensure-replica.sh). */
  postgresReplica: 'postgresql://postgres@127.0.0.1:5433',
  redis: 'redis://127.0.0.1:6379',
  nats: 'nats://127.0.0.1:4222',
};

export async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: `${LOCAL.postgres}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Removes what a stack with this namespace left in Redis and NATS. */
export async function clearNamespace(namespace: string): Promise<void> {
  const redis = new Redis(LOCAL.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const keys = await redis.keys(`${namespace}:*`);
    for (let index = 0; index < keys.length; index += 500) await redis.del(...keys.slice(index, index + 500));
  } finally {
    redis.disconnect();
  }
  const nats = await connect({ servers: LOCAL.nats });
  try {
    const manager = await jetstreamManager(nats);
    for await (const stream of manager.streams.list()) {
      if (stream.config.name.startsWith(`${namespace}_`)) await manager.streams.delete(stream.config.name);
    }
  } finally {
    await nats.close();
  }
}

import { randomBytes } from 'node:crypto';
import type { Msg } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { LOCAL } from '../test/support/stack/local-services';
import { percentile, timeSequential } from './stats';

/** One round trip to an infrastructure server, without the product: the floor under every product latency. */
export interface RawCeiling {
  name: string;
  samples: number;
  p50: number;
  p99: number;
  /** Sequential round trips per second (one at a time: 1 / mean latency). */
  perSecond: number;
}

function summarize(name: string, samples: number[]): RawCeiling {
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return { name, samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: 1000 / mean };
}

/** A primary-key read from a one-row temporary table (gone when the session ends: nothing left behind). */
export async function pgPrimaryKeyRead(count: number): Promise<RawCeiling> {
  const client = new Client({ connectionString: `${LOCAL.postgres}/postgres` });
  await client.connect();
  try {
    await client.query('CREATE TEMP TABLE bench_rows (id uuid PRIMARY KEY, name text NOT NULL)');
    const id = '00000000-0000-4000-8000-000000000001';
    await client.query('INSERT INTO bench_rows (id, name) VALUES ($1, $2)', [id, 'row']);
    return summarize('PostgreSQL PK read (pg, sequential)', await timeSequential(() => client.query('SELECT id, name FROM bench_rows WHERE id = $1', [id]), count));
  } finally {
    await client.end();
  }
}

export async function redisGet(count: number): Promise<RawCeiling> {
  const redis = new Redis(LOCAL.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const key = `bench:${randomBytes(6).toString('hex')}`;
  try {
    await redis.set(key, 'value', 'EX', 60);
    return summarize('Redis GET (ioredis, sequential)', await timeSequential(() => redis.get(key), count));
  } finally {
    await redis.del(key);
    redis.disconnect();
  }
}

/** Request/reply over the local NATS server: requester and responder on separate connections, as gateway and core are. */
export async function natsRequestReply(count: number): Promise<RawCeiling> {
  const responder = await connect({ servers: LOCAL.nats });
  const requester = await connect({ servers: LOCAL.nats });
  const subject = `bench.${randomBytes(6).toString('hex')}.echo`;
  try {
    responder.subscribe(subject, { callback: (_error: Error | null, msg: Msg) => void msg.respond(msg.data) });
    await responder.flush();
    const payload = JSON.stringify({ ownerId: '00000000-0000-4000-8000-000000000001', squadId: '00000000-0000-4000-8000-000000000002' });
    return summarize('NATS request/reply (sequential)', await timeSequential(() => requester.request(subject, payload, { timeout: 5_000 }), count));
  } finally {
    await requester.close();
    await responder.close();
  }
}

/** All three, one after the other (they would disturb each other if run together). */
export async function rawCeilings(count: number): Promise<RawCeiling[]> {
  return [await pgPrimaryKeyRead(count), await redisGet(count), await natsRequestReply(count)];
}

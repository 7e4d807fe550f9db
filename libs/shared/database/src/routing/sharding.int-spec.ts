import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppConfig, ROLES, envSchema, type DatabaseTarget } from '@agent-squad/config';
import { ScratchDatabase } from '@agent-squad/testing';
import { Client } from 'pg';
import { DatabaseConnections } from '../database-connections';
import { findPrismaDir } from '../migrations/migration-files';
import { type PrismaClientClass, type PrismaClientLike } from '../prisma-client';
import { ShardRouter } from './shard-router';
import { runAsUser } from './user-scope';


interface CoreClient extends PrismaClientLike {
  user: { create(args: { data: { id: string; email: string; name: string; passwordHash: string } }): Promise<{ id: string }> };
  squad: {
    create(args: { data: { ownerId: string; name: string } }): Promise<{ id: string }>;
    findMany(args: { where: { ownerId: string } }): Promise<{ id: string; name: string }[]>;
  };
  $transaction<R>(work: (tx: CoreClient) => Promise<R>): Promise<R>;
}
const CoreClientClass = jest.requireActual<{ PrismaClient: PrismaClientClass<CoreClient> }>(join(findPrismaDir('core'), '..', 'libs', 'domains', 'core', 'src', 'generated', 'prisma', 'client')).PrismaClient;

async function query(shard: ScratchDatabase, text: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new Client({ connectionString: shard.url });
  await client.connect();
  return (await client.query(text, values).finally(() => client.end())).rows;
}

describe('the core domain over two shards', () => {
  const shards = [0, 1].map(() => new ScratchDatabase());
  let connections: DatabaseConnections;
  let db: CoreClient;

  beforeAll(async () => {
    const urls = shards.map((shard) => shard.url);
    const core: DatabaseTarget = { kind: 'postgres', url: urls[0]!, replicas: [], shards: urls };
    const other: DatabaseTarget = { kind: 'postgres', url: urls[0]!, replicas: [] };
    const config = new AppConfig([...ROLES], envSchema.parse({ DATABASE_POOL_SIZE: '2' }), { core, intelligence: other, integration: other, billing: other }, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32));
    connections = new DatabaseConnections(config);
    db = await connections.client('core', CoreClientClass);
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await Promise.all(shards.map((shard) => shard.drop()));
  });

  it("stores each user's rows on the user's shard only, and finds them there", async () => {
    const router = new ShardRouter(['shard-0', 'shard-1']);
    const users = Array.from({ length: 12 }, () => randomUUID());
    for (const user of users) {
      await runAsUser(user, () =>
        db.$transaction(async (tx) => {
          await tx.user.create({ data: { id: user, email: `${user}@example.com`, name: 'Sharded', passwordHash: 'hash' } });
          await tx.squad.create({ data: { ownerId: user, name: `squad of ${user}` } });
        }),
      );
      await runAsUser(user, () => db.squad.create({ data: { ownerId: user, name: `second squad of ${user}` } }));
    }
    // Both shards are in use, and each user's rows are on the shard the router names.
    expect(new Set(users.map((user) => router.shardOf(user)))).toEqual(new Set([0, 1]));
    for (const user of users) {
      const home = router.shardOf(user);
      for (const [index, shard] of shards.entries()) {
        const squads = await query(shard, 'SELECT name FROM core.squads WHERE "ownerId" = $1', [user]);
        const userRows = await query(shard, 'SELECT id FROM core.users WHERE id = $1', [user]);
        expect({ user, index, squads: squads.length, users: userRows.length }).toEqual({ user, index, squads: index === home ? 2 : 0, users: index === home ? 1 : 0 });
      }
      expect((await runAsUser(user, () => db.squad.findMany({ where: { ownerId: user } }))).map((squad) => squad.name).sort()).toEqual([`second squad of ${user}`, `squad of ${user}`]);
    }
  });
});

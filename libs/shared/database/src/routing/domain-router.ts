import { type Logger } from '@nestjs/common';
import { isDependencyError } from '@agent-squad/contracts';
import { type Pool } from 'pg';
import { GroupedWrites } from '../grouped-writes';
import { type PrismaClientLike } from '../prisma-client';
import { parseLsn } from './lsn';
import { type Replica, type ReplicaSet } from './replica-set';
import { type ShardRouter } from './shard-router';
import { currentScope, type UserScope, type WriteRecorder } from './user-scope';
import { type WritePositions } from './write-positions';

type Delegate = Record<string, (args: unknown) => Promise<unknown>>;
const delegateOf = (client: PrismaClientLike, model: string) => (client as unknown as Record<string, Delegate>)[model]!;

export interface DomainRouterOptions {
  domain: string;
  /** The domain's primary, or its shards' primaries (index 0 also holds what is not per user). */
  primaries: readonly PrismaClientLike[];
  replicas?: { set: ReplicaSet; clients: ReadonlyMap<Replica, PrismaClientLike>; positions: WritePositions };
  /** What the primaries' measured clients mark a scope with when it writes. */
  writes: WriteRecorder;
  shards?: ShardRouter;
}

/**
 * Remembers, after a user's call wrote to the domain's primary, the primary's WAL position for the
 * user's next reads. Calls that finish while a position is being read wait for the next read,
 * which starts after their writes committed: one round trip serves them all.
 */
export class WritePositionRecorder implements WriteRecorder {
  private readonly reads = new GroupedWrites<string>((userIds) => this.recordPosition(userIds));

  constructor(
    private readonly domain: string,
    private readonly primaryPool: Pool,
    private readonly positions: WritePositions,
    private readonly logger: Logger,
  ) {}

  async recordWrite(userId: string): Promise<void> {
    try {
      await this.reads.add(userId);
    } catch (error) {
      this.logger.warn(`${this.domain}: could not record a write position: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async recordPosition(userIds: readonly string[]): Promise<void> {
    const { rows } = await this.primaryPool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const lsn = parseLsn(rows[0]!.lsn);
    await Promise.all([...new Set(userIds)].map((userId) => this.positions.record(this.domain, userId, lsn)));
  }
}

/** For a domain without replicas: nothing to remember. */
export const NO_WRITE_POSITIONS: WriteRecorder = { recordWrite: async () => undefined };

/**
 * Chooses the database of each operation of one domain:
 * - writes, transactions and raw SQL go to the primary (when sharded: the current user's shard);
 * - a model read made for a user (see `userScoped`) goes to a healthy replica, in turn, that has
 *   replayed the user's last write; the primary when none has, when the user wrote in this very
 *   call, or when the read is made for no user (background work acts on what was just written);
 * - a read a replica fails is retried on the primary (and a replica that cannot be reached is
 *   skipped until its next health check passes).
 */
export class DomainRouter {
  constructor(private readonly options: DomainRouterOptions) {}

  get routesReads(): boolean {
    return this.options.replicas !== undefined;
  }

  get sharded(): boolean {
    return this.options.shards !== undefined;
  }

  get home(): PrismaClientLike {
    return this.options.primaries[0]!;
  }

  /** The primary the current user's data lives on. */
  writer(): PrismaClientLike {
    const { shards, primaries } = this.options;
    const userId = shards ? currentScope()?.userId : undefined;
    return userId === undefined ? this.home : primaries[shards!.shardOf(userId)]!;
  }

  async read(model: string, operation: string, args: unknown): Promise<unknown> {
    const replica = await this.replicaFor(currentScope());
    const primary = () => delegateOf(this.home, model)[operation]!(args);
    if (!replica) return primary();
    try {
      return await delegateOf(this.options.replicas!.clients.get(replica)!, model)[operation]!(args);
    } catch (error) {
      if (isDependencyError(error)) replica.markDown(`a read failed: ${error instanceof Error ? error.message : String(error)}`);
      return primary();
    }
  }

  private async replicaFor(scope: UserScope | undefined): Promise<Replica | undefined> {
    const replicas = this.options.replicas!;
    if (!scope?.userId || scope.written.has(this.options.writes)) return undefined;
    const atLeast = await replicas.positions.get(this.options.domain, scope.userId);
    return atLeast === undefined ? undefined : replicas.set.pick(atLeast);
  }
}

import { createHash } from 'node:crypto';

/**
 * Maps a user id to one of N shards by rendezvous (highest-random-weight) hashing: each shard
 * scores the user, the highest score wins. Adding a shard moves only the users it now wins, about
 * 1/(N+1) of them, and never moves a user between two old shards. Hand-written: it is a dozen
 * lines, and the npm packages for it are unmaintained or bring their own hash implementations.
 */
export class ShardRouter {
  constructor(private readonly shardNames: readonly string[]) {
    if (shardNames.length === 0) throw new Error('a shard router needs at least one shard');
  }

  /** The index of the shard holding `userId`'s data. */
  shardOf(userId: string): number {
    let best = 0;
    let bestScore = -1n;
    for (let index = 0; index < this.shardNames.length; index++) {
      const score = createHash('sha256').update(this.shardNames[index]!).update('\0').update(userId).digest().readBigUInt64BE(0);
      if (score > bestScore) [best, bestScore] = [index, score];
    }
    return best;
  }
}

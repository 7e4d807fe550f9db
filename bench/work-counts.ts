import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/**
 * What the servers did in a window, counted rather than timed: on a machine whose speed drifts
 * (this one's doubled within minutes) a rate or a CPU time moves with the host, a count does not,
 * so two versions compare by these even from runs an hour apart.
 */
export interface WorkCounts {
  /** Transactions committed in the stack's database (read-only ones too): PostgreSQL round trips, roughly. */
  transactions: number;
  /** WAL flushes to disk (`pg_stat_wal.wal_sync`, the whole server): what durable commits cost the disk. */
  walFlushes: number;
  /** Bytes of WAL written (the whole server; the replica replays the same). */
  walBytes: number;
  /** Redis commands executed (`INFO commandstats`, the whole server), the sampling's own excluded. */
  redisCommands: number;
  /**
   * Context switches on the whole machine (`ctxt` in /proc/stat): about two per message between
   * processes (the receiver woken, the sender put to sleep), which on this virtual machine cost more
   * than most of the work the messages carry.
   */
  contextSwitches: number;
}

interface Sample {
  lsn: string;
  transactions: number;
  walFlushes: number;
  redisCommands: number;
  contextSwitches: number;
}

/** Samples the counters at the start of a window; `end()` answers what happened since. */
export async function countWork(databaseUrl: string, redisUrl: string): Promise<{ end: () => Promise<WorkCounts> }> {
  const db = new Client({ connectionString: databaseUrl });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  await db.connect();
  const sample = async (): Promise<Sample> => {
    const [row] = (await db.query<{ lsn: string; transactions: string; flushes: string }>(
      `SELECT pg_current_wal_lsn()::text AS lsn,
              (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS transactions,
              (SELECT wal_sync FROM pg_stat_wal) AS flushes`,
    )).rows;
    const redisCommands = commandsIn(await redis.info('commandstats'));
    return { lsn: row!.lsn, transactions: Number(row!.transactions), walFlushes: Number(row!.flushes), redisCommands, contextSwitches: contextSwitchesIn(readFileSync('/proc/stat', 'utf8')) };
  };
  const before = await sample();
  return {
    end: async () => {
      try {
        // Backends report transactions to the statistics up to a second late: as late at the start
        // of a steady window as at its end, so the two lags cancel out.
        const after = await sample();
        const walBytes = (await db.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($1, $2) AS bytes', [after.lsn, before.lsn])).rows[0]!.bytes;
        return {
          transactions: after.transactions - before.transactions,
          walFlushes: after.walFlushes - before.walFlushes,
          walBytes: Number(walBytes),
          // Less the one INFO of the first sample (the second one's is not counted yet when it answers).
          redisCommands: after.redisCommands - before.redisCommands - 1,
          contextSwitches: after.contextSwitches - before.contextSwitches,
        };
      } finally {
        await db.end().catch(() => undefined);
        redis.disconnect();
      }
    },
  };
}

/** The sum of `calls=` over every command in an `INFO commandstats` answer. */
export function commandsIn(info: string): number {
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

/** The machine's context switches since boot, from the `ctxt` line of /proc/stat. */
export function contextSwitchesIn(procStat: string): number {
  const match = /^ctxt (\d+)$/m.exec(procStat);
  return match ? Number(match[1]) : Number.NaN;
}

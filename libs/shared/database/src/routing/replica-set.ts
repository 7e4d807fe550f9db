import { Pool } from 'pg';
import { parseLsn } from './lsn';

// The replica's replayed position, and how far behind the primary it is: zero when it has
// replayed all it received, else the age of the last transaction it replayed. Just after a
// restart the receiver reports the start of its WAL segment, behind what was already replayed:
// that is caught up too (`<=`), however old the last replayed transaction.
const STATUS_SQL = `SELECT pg_is_in_recovery() AS recovery,
  pg_last_wal_replay_lsn()::text AS replayed,
  CASE WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
       ELSE GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000) END AS lag_ms`;

export interface ReplicaState {
  healthy: boolean;
  /** Why it is skipped, when it is. */
  reason?: string;
  replayed: bigint;
  lagMs: number;
}

/** One read replica as the health check last saw it. */
export class Replica {
  state: ReplicaState = { healthy: false, reason: 'not checked yet', replayed: 0n, lagMs: 0 };
  private readonly probe: Pool;

  constructor(
    readonly name: string,
    url: string,
    private readonly maxLagMs: number,
    timeoutMs: number,
  ) {
    // Its own single connection: a check never waits behind the replica's busy pool.
    this.probe = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, idleTimeoutMillis: 0 });
    this.probe.on('error', () => undefined);
  }

  async check(): Promise<void> {
    try {
      const { rows } = await this.probe.query<{ recovery: boolean; replayed: string | null; lag_ms: string | number }>(STATUS_SQL);
      const row = rows[0]!;
      // A server out of recovery was promoted (or was never a replica): its data may have diverged.
      if (!row.recovery || row.replayed === null) return this.skip('not a streaming replica', 0n, 0);
      const lagMs = Number(row.lag_ms);
      const replayed = parseLsn(row.replayed);
      if (lagMs > this.maxLagMs) return this.skip(`replay lags ${Math.round(lagMs)} ms (bound ${this.maxLagMs} ms)`, replayed, lagMs);
      this.state = { healthy: true, replayed, lagMs };
    } catch (error) {
      this.skip(`unreachable: ${error instanceof Error ? error.message : String(error)}`, this.state.replayed, this.state.lagMs);
    }
  }

  /** A read failed on it with a connection error: skipped until the next check finds it well. */
  markDown(reason: string): void {
    this.skip(reason, this.state.replayed, this.state.lagMs);
  }

  close(): Promise<void> {
    return this.probe.end();
  }

  private skip(reason: string, replayed: bigint, lagMs: number): void {
    this.state = { healthy: false, reason, replayed, lagMs };
  }
}

/**
 * A domain's read replicas, checked every `everyMs`; reads take the healthy ones in turn (round
 * robin), only those that have replayed past the position the reader must see.
 */
export class ReplicaSet {
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    readonly replicas: readonly Replica[],
    private readonly everyMs: number,
  ) {}

  /** Checks once now, then every `everyMs`. */
  async start(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.everyMs);
    this.timer.unref();
  }

  /** A healthy replica that has replayed `atLeast`, in turn; undefined when none has. */
  pick(atLeast: bigint): Replica | undefined {
    const count = this.replicas.length;
    for (let tried = 0; tried < count; tried++) {
      const replica = this.replicas[(this.next + tried) % count]!;
      if (replica.state.healthy && replica.state.replayed >= atLeast) {
        this.next = (this.next + tried + 1) % count;
        return replica;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.allSettled(this.replicas.map((replica) => replica.close()));
  }

  private checkAll(): Promise<void> {
    // A slow check is not stacked on by the next tick.
    this.checking ??= Promise.all(this.replicas.map((replica) => replica.check()))
      .then(() => undefined)
      .finally(() => (this.checking = undefined));
    return this.checking;
  }
}

import { isRefusedForItsRows } from './prisma-errors';

export interface GroupingOptions {
  /** Rows a statement takes at most. */
  maxRows?: number;
  /**
   * When the database refuses a group for its rows (a unique or foreign key violation, a deadlock),
   * write each of its rows alone, so a refused row fails its own caller only. A statement is
   * atomic: the refused group left nothing behind. Other errors (connection lost, no connection
   * free) reject the whole group: writing its rows one by one would only add load.
   */
  isolateFailures?: boolean;
}

interface Pending<T, R> {
  row: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Rows written in groups, as PostgreSQL's own group commit does one level down: a row added while
 * no write runs is written at once; rows added while one runs wait for it and go together in the
 * next (at most `maxRows` a statement). Each `add` resolves once its row is stored, so a caller
 * acknowledges nothing unwritten, and rejects with its group's error (or, with `isolateFailures`,
 * its own). Idle, a row costs no extra wait; under load, one statement and one round trip serve
 * many rows. Hand-written: DataLoader, the usual batcher, groups only the calls of one tick, and
 * concurrent callers here (agent steps ending) arrive socket reads apart. A write may answer one
 * result per row, in the rows' order: `add` resolves with its row's.
 */
export class GroupedWrites<T, R = void> {
  private queued: Pending<T, R>[] = [];
  private writing = false;
  private readonly maxRows: number;
  private readonly isolateFailures: boolean;

  constructor(
    private readonly write: (rows: readonly T[]) => Promise<[R] extends [void] ? unknown : readonly R[]>,
    { maxRows = 500, isolateFailures = false }: GroupingOptions = {},
  ) {
    this.maxRows = maxRows;
    this.isolateFailures = isolateFailures;
  }

  add(row: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ row, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queued.length > 0) {
      const group = this.queued.splice(0, this.maxRows);
      try {
        await this.writeGroup(group);
      } catch (error) {
        if (!this.isolateFailures || group.length === 1 || !isRefusedForItsRows(error)) for (const pending of group) pending.reject(error);
        else for (const pending of group) await this.writeGroup([pending]).catch(pending.reject);
      }
    }
    this.writing = false;
  }

  private async writeGroup(group: readonly Pending<T, R>[]): Promise<void> {
    const results = await this.write(group.map((pending) => pending.row));
    group.forEach((pending, index) => pending.resolve((Array.isArray(results) ? results[index] : undefined) as R));
  }
}

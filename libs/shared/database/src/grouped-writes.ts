interface Pending<T, R> {
  row: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Rows written in groups, as PostgreSQL's own group commit does one level down: a row added while
 * no write runs is written at once; rows added while one runs wait for it and go together in the
 * next (at most `maxRows` a statement). Each `add` resolves once its row is stored, so a caller
 * acknowledges nothing unwritten, and rejects with its group's error. Idle, a row costs no extra
 * wait; under load, one statement and one round trip serve many rows. Hand-written: DataLoader,
 * the usual batcher, groups only the calls of one tick, and concurrent callers here (agent steps
 * ending) arrive socket reads apart. A write may answer one result per row, in the rows' order:
 * `add` resolves with its row's.
 */
export class GroupedWrites<T, R = void> {
  private queued: Pending<T, R>[] = [];
  private writing = false;

  constructor(
    private readonly write: (rows: readonly T[]) => Promise<[R] extends [void] ? unknown : readonly R[]>,
    private readonly maxRows = 500,
  ) {}

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
        const results = await this.write(group.map((pending) => pending.row));
        group.forEach((pending, index) => pending.resolve((Array.isArray(results) ? results[index] : undefined) as R));
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
    this.writing = false;
  }
}

interface Pending<T> {
  row: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Rows written in groups, as PostgreSQL's own group commit does one level down: a row added while
 * no write runs is written at once; rows added while one runs wait for it and go together in the
 * next (at most `maxRows` a statement). Each `add` resolves once its row is stored, so a caller
 * acknowledges nothing unwritten, and rejects with its group's error. Idle, a row costs no extra
 * wait; under load, one statement and one round trip serve many rows. Hand-written: DataLoader,
 * the usual batcher, groups only the calls of one tick, and concurrent callers here (agent steps
 * ending) arrive socket reads apart.
 */
export class GroupedWrites<T> {
  private queued: Pending<T>[] = [];
  private writing = false;

  constructor(
    private readonly write: (rows: readonly T[]) => Promise<unknown>,
    private readonly maxRows = 500,
  ) {}

  add(row: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ row, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queued.length > 0) {
      const group = this.queued.splice(0, this.maxRows);
      try {
        await this.write(group.map((pending) => pending.row));
        for (const pending of group) pending.resolve();
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
    this.writing = false;
  }
}

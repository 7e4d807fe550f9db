import { GroupedWrites } from './grouped-writes';

/** A write whose completion the test controls. */
function controlledWrites() {
  const groups: (readonly number[])[] = [];
  const finishers: ((error?: Error) => void)[] = [];
  const write = (rows: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      groups.push(rows);
      finishers.push((error) => (error ? reject(error) : resolve()));
    });
  return { groups, write, finish: (index: number, error?: Error) => finishers[index]!(error) };
}

describe('GroupedWrites', () => {
  it('writes a row at once when no write runs, and groups the rows added meanwhile into the next', async () => {
    const writes = controlledWrites();
    const grouped = new GroupedWrites(writes.write);
    const first = grouped.add(1);
    expect(writes.groups).toEqual([[1]]);
    const later = [grouped.add(2), grouped.add(3), grouped.add(4)];
    expect(writes.groups).toEqual([[1]]);
    writes.finish(0);
    await first;
    await Promise.resolve();
    expect(writes.groups).toEqual([[1], [2, 3, 4]]);
    writes.finish(1);
    await Promise.all(later);
  });

  it('resolves no row before its own group is written', async () => {
    const writes = controlledWrites();
    const grouped = new GroupedWrites(writes.write);
    void grouped.add(1);
    let secondStored = false;
    const second = grouped.add(2).then(() => (secondStored = true));
    writes.finish(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondStored).toBe(false);
    writes.finish(1);
    await second;
    expect(secondStored).toBe(true);
  });

  it("rejects every row of a failed group with its error, and writes the next group", async () => {
    const writes = controlledWrites();
    const grouped = new GroupedWrites(writes.write);
    const first = grouped.add(1);
    const failing = [grouped.add(2), grouped.add(3)];
    writes.finish(0);
    await first;
    await Promise.resolve();
    const after = grouped.add(4);
    writes.finish(1, new Error('connection lost'));
    await Promise.all(failing.map((add) => expect(add).rejects.toThrow('connection lost')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.groups).toEqual([[1], [2, 3], [4]]);
    writes.finish(2);
    await after;
  });

  describe('with isolateFailures', () => {
    /**
     * Row 1 written alone, then rows 2–4 added while it runs, every group holding row 3 failing with
     * `error` (the others answer their rows times ten): what each of rows 2–4 got, and every write.
     */
    async function refusingThree(error: Error) {
      const groups: (readonly number[])[] = [];
      const grouped = new GroupedWrites<number, number>(
        async (rows) => {
          groups.push(rows);
          if (rows.includes(3)) throw error;
          return rows.map((row) => row * 10);
        },
        { isolateFailures: true },
      );
      const first = grouped.add(1);
      const rest = [2, 3, 4].map((row) => grouped.add(row));
      await expect(first).resolves.toBe(10);
      return { groups, settled: await Promise.allSettled(rest) };
    }

    it('writes each row of a group the database refused for its rows alone: only the refused row fails', async () => {
      const { groups, settled } = await refusingThree(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }));
      expect(settled.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([20, 'duplicate key value violates unique constraint', 40]);
      expect(groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    });

    it('rejects the whole group on an error that is not about its rows, without writing them one by one', async () => {
      const { groups, settled } = await refusingThree(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(groups).toEqual([[1], [2, 3, 4]]);
    });
  });

  it('puts at most maxRows in one write', async () => {
    const writes = controlledWrites();
    const grouped = new GroupedWrites(writes.write, { maxRows: 2 });
    const adds = [1, 2, 3, 4, 5].map((row) => grouped.add(row));
    for (let index = 0; index < 3; index++) {
      writes.finish(index);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(adds);
    expect(writes.groups).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("resolves each row with its own result when the write answers one per row", async () => {
    const grouped = new GroupedWrites<number, number>(async (rows) => rows.map((row) => row * 10));
    const first = grouped.add(1);
    const rest = [grouped.add(2), grouped.add(3)];
    await expect(first).resolves.toBe(10);
    await expect(Promise.all(rest)).resolves.toEqual([20, 30]);
  });
});

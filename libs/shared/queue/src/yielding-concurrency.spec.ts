import { YieldingConcurrency } from './yielding-concurrency';

/** `count` windows in which the API answered in `p90Ms` with `running` jobs running. */
function windows(concurrency: YieldingConcurrency, count: number, p90Ms: number, running: number): void {
  for (let window = 0; window < count; window++) {
    concurrency.report(p90Ms);
    concurrency.tick(running);
  }
}

describe('YieldingConcurrency', () => {
  it('starts at the maximum and halves, down to 1, while the API is slower than the target', () => {
    const concurrency = new YieldingConcurrency(100, 50);
    expect(concurrency.limit).toBe(100);
    const limits = Array.from({ length: 8 }, () => {
      concurrency.report(80);
      return concurrency.tick(100);
    });
    expect(limits).toEqual([50, 25, 12, 6, 3, 1, 1, 1]);
  });

  it('judges a window by its slowest gateway', () => {
    const concurrency = new YieldingConcurrency(8, 50);
    concurrency.report(10);
    concurrency.report(60);
    expect(concurrency.tick(8)).toBe(4);
  });

  it('while the limit is in use: one more while the API answers under half the target, held up to the target, doubled while the API is idle', () => {
    const concurrency = new YieldingConcurrency(40, 50);
    windows(concurrency, 6, 90, 40);
    expect(concurrency.limit).toBe(1);
    concurrency.report(10);
    expect(concurrency.tick(1)).toBe(2);
    concurrency.report(40);
    expect(concurrency.tick(2)).toBe(2);
    const idle = [2, 4, 8, 16, 32].map((running) => concurrency.tick(running));
    expect(idle).toEqual([4, 8, 16, 32, 40]);
  });

  it('comes down to what is in use (plus one) once the limit has gone unused for ten windows, holding it until then', () => {
    const concurrency = new YieldingConcurrency(100, 50);
    const held = Array.from({ length: 9 }, () => concurrency.tick(3));
    expect(held).toEqual(Array.from({ length: 9 }, () => 100));
    expect(concurrency.tick(3)).toBe(4);
    // In use again: growth resumes at once.
    expect(concurrency.tick(4)).toBe(8);
  });

  it('when requests come back after an idle spell, goes back at once to the limit that last served them', () => {
    const concurrency = new YieldingConcurrency(64, 50);
    windows(concurrency, 4, 90, 64);
    expect(concurrency.limit).toBe(4);
    const idle = [4, 8, 16, 32].map((running) => concurrency.tick(running));
    expect(idle).toEqual([8, 16, 32, 64]);
    concurrency.report(10);
    expect(concurrency.tick(64)).toBe(5);
    // Idle again: the limit that served the last requests (5) is the one traffic finds.
    concurrency.tick(5);
    concurrency.report(80);
    expect(concurrency.tick(10)).toBe(2);
  });

  it('at 1 and still too slow: pauses before each job, longer while slow, shorter while fast, none when idle; grows only without a pause', () => {
    const concurrency = new YieldingConcurrency(8, 50);
    const slow = () => {
      concurrency.report(90);
      concurrency.tick(concurrency.limit);
      return [concurrency.limit, concurrency.pauseMs];
    };
    const fast = () => {
      concurrency.report(10);
      concurrency.tick(concurrency.limit);
      return [concurrency.limit, concurrency.pauseMs];
    };
    expect([slow(), slow(), slow(), slow(), slow()]).toEqual([[4, 0], [2, 0], [1, 0], [1, 10], [1, 20]]);
    expect(Array.from({ length: 8 }, slow).at(-1)).toEqual([1, 500]);
    expect([fast(), fast()]).toEqual([[1, 250], [1, 125]]);
    concurrency.report(40);
    concurrency.tick(1);
    expect(concurrency.pauseMs).toBe(125);
    expect(Array.from({ length: 5 }, fast)).toEqual([[1, 62], [1, 31], [1, 15], [2, 0], [3, 0]]);
    slow();
    slow();
    expect(concurrency.pauseMs).toBe(10);
    concurrency.tick(1);
    expect([concurrency.limit, concurrency.pauseMs]).toEqual([2, 0]);
  });
});

/** Percentile (0..100) of samples by nearest rank; samples need not be sorted. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Times `count` sequential calls of `op` (after `warmup` untimed ones); answers latencies in ms. */
export async function timeSequential(op: () => Promise<unknown>, count: number, warmup = 200): Promise<number[]> {
  for (let index = 0; index < warmup; index++) await op();
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

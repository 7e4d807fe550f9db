/**
 * Draws ranks 0..n-1 with P(k) ∝ 1 / (k + 1)^s — a few items take most of the traffic, as real
 * reads do — from a seeded generator, so every run draws the same sequence.
 */
export function zipf(n: number, s: number, seed: number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= n; rank++) cumulative.push((total += 1 / rank ** s));
  const random = mulberry32(seed);
  return () => {
    const target = random() * total;
    let [low, high] = [0, n - 1];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** A small seeded PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

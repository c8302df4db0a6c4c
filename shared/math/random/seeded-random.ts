/**
 * A small, fast, reproducible PRNG (mulberry32 over a 32-bit state), the analogue of sklearn's
 * `random_state`. Every seeded algorithm takes one of these; the same seed gives the same stream on
 * every platform, because only 32-bit integer arithmetic (Math.imul) is used.
 */
export interface Rng {
  /** Uniform in [0, 1), 2⁻³² resolution. */
  next(): number;
  /** Uniform integer in [0, n). @throws RangeError if n < 1. */
  int(n: number): number;
  /** Standard normal (Box–Muller, no caching so the stream stays simple). */
  normal(): number;
  /** Fisher–Yates shuffle of `values` in place; returns it. */
  shuffle<T>(values: T[]): T[];
  shuffleInPlace(values: Int32Array | Float64Array | Uint32Array): void;
  /**
   * `count` distinct integers of 0 … n − 1, uniformly, in ascending order: the first `count` steps of a Fisher–Yates
   * shuffle (entry t swapped with t + int(n − t)), then sorted. @throws RangeError unless 0 ≤ count ≤ n.
   */
  sortedSubset(n: number, count: number): Int32Array;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  const int = (n: number): number => {
    if (!(n >= 1)) throw new RangeError(`Rng.int: n must be ≥ 1, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    normal(): number {
      let u = next();
      while (u === 0) u = next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(values: T[]): T[] {
      for (let i = values.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = values[i]!;
        values[i] = values[j]!;
        values[j] = tmp;
      }
      return values;
    },
    shuffleInPlace(values: Int32Array | Float64Array | Uint32Array): void {
      for (let i = values.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = values[i]!;
        values[i] = values[j]!;
        values[j] = tmp;
      }
    },
    sortedSubset(n: number, count: number): Int32Array {
      if (!(count >= 0 && count <= n)) throw new RangeError(`sortedSubset: count must be in 0…${n}, got ${count}`);
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let t = 0; t < count; t++) {
        const s = t + int(n - t);
        const tmp = order[t]!;
        order[t] = order[s]!;
        order[s] = tmp;
      }
      return order.slice(0, count).sort();
    },
  };
}

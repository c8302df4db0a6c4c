/**
 * The Mersenne Twister MT19937 (Matsumoto & Nishimura 1998) seeded like numpy's legacy
 * `np.random.RandomState(seed)` for an integer seed (the reference `init_genrand`), plus numpy's legacy
 * `RandomState.shuffle` of a 1-d array (Fisher–Yates from the end, each index drawn by masked rejection
 * sampling of 32-bit outputs). It exists for one purpose: to reproduce scikit-learn's
 * `StratifiedKFold(shuffle=True, random_state=seed)` fold assignment bit for bit, so cross-validation figures can
 * be compared with published scikit-learn figures on the same folds. Everything else uses {@link createRng}.
 */

const N = 624;
const M = 397;

export interface Mt19937 {
  /** Next 32-bit unsigned output (`genrand_int32`). */
  nextUint32(): number;
  /** Uniform integer in [0, max] (numpy's legacy `random_interval`). */
  interval(max: number): number;
  /** numpy's legacy `RandomState.shuffle` of a 1-d array, in place. */
  shuffle<T>(values: T[]): T[];
}

export function createMt19937(seed: number): Mt19937 {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`MT19937 seed must be an integer in 0…4294967295, got ${seed}.`);
  }
  const mt = new Uint32Array(N);
  mt[0] = seed >>> 0;
  for (let i = 1; i < N; i++) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  let index = N;
  const twist = (): void => {
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      let v = mt[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    index = 0;
  };
  const nextUint32 = (): number => {
    if (index >= N) twist();
    let y = mt[index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const interval = (max: number): number => {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  };
  return {
    nextUint32,
    interval,
    shuffle<T>(values: T[]): T[] {
      for (let i = values.length - 1; i > 0; i--) {
        const j = interval(i);
        const tmp = values[i]!;
        values[i] = values[j]!;
        values[j] = tmp;
      }
      return values;
    },
  };
}

import { describe, expect, it } from 'vitest';
import { createRowSums } from '../../../shared/math/wasm/grouped-row-sums.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';

describe('row sums by group', () => {
  it('give the same bits on the WebAssembly SIMD path and the TypeScript path, summed in row order', () => {
    for (const [n, dims, groups] of [[1, 1, 1], [7, 3, 2], [50, 784, 10], [33, 17, 5]] as const) {
      const rng = createRng(n + dims);
      const Y = Float64Array.from({ length: n * dims }, () => (rng.next() - 0.5) * 10 ** (rng.int(12) - 6));
      const group = Int32Array.from({ length: n }, () => rng.int(groups));
      const simd = createRowSums(Y, n, dims, groups);
      const plain = createRowSums(Y, n, dims, groups, false);
      expect(plain.simd).toBe(false);
      const a = new Float64Array(groups * dims).fill(7);
      const b = new Float64Array(groups * dims);
      const ca = new Int32Array(groups).fill(3);
      const cb = new Int32Array(groups);
      simd.sum(group, groups, a, ca);
      plain.sum(group, groups, b, cb);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(ca)).toEqual(Array.from(cb));
      // The reference: a plain loop in row order.
      const want = new Float64Array(groups * dims);
      for (let i = 0; i < n; i++) for (let f = 0; f < dims; f++) want[group[i]! * dims + f]! += Y[i * dims + f]!;
      expect(Array.from(a)).toEqual(Array.from(want));
      expect(Array.from(ca).reduce((s, v) => s + v, 0)).toBe(n);
    }
  });

  it('sum several groupings in one pass with the bits of one call each, on both paths', () => {
    const [n, dims, groups] = [41, 19, 6];
    const rng = createRng(21);
    const Y = Float64Array.from({ length: n * dims }, () => (rng.next() - 0.5) * 10 ** (rng.int(10) - 5));
    const groupings = [0, 1, 2].map(() => Int32Array.from({ length: n }, () => rng.int(groups)));
    for (const simd of [true, false]) {
      const sums = createRowSums(Y, n, dims, groups, simd, 3);
      expect(sums.simd).toBe(simd);
      const many = groupings.map(() => new Float64Array(groups * dims).fill(5));
      const manyCounts = groupings.map(() => new Int32Array(groups).fill(2));
      sums.sumMany(groupings, groups, many, manyCounts);
      groupings.forEach((group, t) => {
        const one = new Float64Array(groups * dims);
        const oneCounts = new Int32Array(groups);
        sums.sum(group, groups, one, oneCounts);
        expect(Array.from(many[t]!), `grouping ${t}, simd ${simd}`).toEqual(Array.from(one));
        expect(Array.from(manyCounts[t]!)).toEqual(Array.from(oneCounts));
      });
      expect(() => sums.sumMany([...groupings, groupings[0]!], groups, [...many, many[0]!], [...manyCounts, manyCounts[0]!])).toThrow(/at most 3/);
    }
  });

  it('refuse a group outside the range, naming the row', () => {
    const sums = createRowSums(new Float64Array(6), 3, 2, 2);
    expect(() => sums.sum(Int32Array.from([0, 2, 1]), 2, new Float64Array(4), new Int32Array(2))).toThrow(/row 1 has group 2/);
    expect(() => sums.sum(Int32Array.from([0, 0, 0]), 3, new Float64Array(6), new Int32Array(3))).toThrow(/at most 2/);
  });
});

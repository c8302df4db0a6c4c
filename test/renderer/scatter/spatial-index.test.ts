import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { GridIndex } from '../../../src-renderer/src/lib/scatter/spatial-index.ts';

function linearNearest(xs: Float64Array, ys: Float64Array, x: number, y: number, r: number): number {
  let best = -1;
  let bestD2 = r * r;
  for (let i = 0; i < xs.length; i++) {
    const d2 = (xs[i]! - x) ** 2 + (ys[i]! - y) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      best = i;
    }
  }
  return best;
}

describe('GridIndex', () => {
  it('answers nearest-within-radius exactly as a linear scan does, on 10,000 clustered points', () => {
    const rng = createRng(7);
    const n = 10_000;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const cluster = i % 3;
      xs[i] = cluster * 5 + rng.normal() * (cluster + 0.2);
      ys[i] = -cluster * 2 + rng.normal() * 0.5;
    }
    const index = new GridIndex(xs, ys);
    for (let q = 0; q < 500; q++) {
      const x = rng.next() * 20 - 5;
      const y = rng.next() * 10 - 7;
      const r = rng.next() * 0.5;
      expect(index.nearest(x, y, r)).toBe(linearNearest(xs, ys, x, y, r));
    }
  });

  it('returns -1 when no point lies within the radius, and for an empty index', () => {
    const index = new GridIndex([0, 1], [0, 1]);
    expect(index.nearest(0.5, 0.5, 0.1)).toBe(-1);
    expect(index.nearest(0.05, 0, 0.1)).toBe(0);
    expect(new GridIndex([], []).nearest(0, 0, 10)).toBe(-1);
  });

  it('finds the points inside a rectangle, whatever corner order is given', () => {
    const index = new GridIndex([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
    expect(index.withinRect(0.5, 0.5, 3, 3)).toEqual([1, 2, 3]);
    expect(index.withinRect(3, 3, 0.5, 0.5)).toEqual([1, 2, 3]);
  });

  it('handles identical points and skips non-finite coordinates', () => {
    const index = new GridIndex([1, 1, Number.NaN, 1], [1, 1, 0, 1]);
    expect(index.nearest(1, 1, 0)).toBe(0);
    expect(index.withinRect(-10, -10, 10, 10)).toEqual([0, 1, 3]);
  });

  it('rejects arrays of different lengths with a message naming both lengths', () => {
    expect(() => new GridIndex([1, 2], [1])).toThrow('GridIndex: xs has 2 points but ys has 1');
  });
});

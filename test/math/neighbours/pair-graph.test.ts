import { describe, expect, it } from 'vitest';
import { pairGraphFromNeighbours } from '../../../shared/math/neighbours/pair-graph.ts';

describe('pairGraphFromNeighbours', () => {
  it('keeps each unordered pair once, sorted, with a per-row index of the pairs touching it', () => {
    const g = pairGraphFromNeighbours(4, [Int32Array.of(1, 2), Int32Array.of(0), Int32Array.of(3, 2), Int32Array.of()]);
    expect(g.count).toBe(3);
    expect(Array.from(g.a)).toEqual([0, 0, 2]);
    expect(Array.from(g.b)).toEqual([1, 2, 3]);
    const touching = (i: number) => Array.from(g.rowPairs.subarray(g.rowStart[i]!, g.rowStart[i + 1]!)).sort();
    expect(touching(0)).toEqual([0, 1]);
    expect(touching(1)).toEqual([0]);
    expect(touching(2)).toEqual([1, 2]);
    expect(touching(3)).toEqual([2]);
  });
});

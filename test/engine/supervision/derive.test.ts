import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../../shared/domain/constraints.ts';
import { chunkletsFromPairs, impliedComparisons, quadrupletsFromComparisons, quadrupletsFromPairs, restrictTriplesToRows } from '../../../shared/engine/supervision/derive.ts';

const must = (i: number, j: number): PairConstraint => ({ i, j, kind: 'must' });
const cannot = (i: number, j: number): PairConstraint => ({ i, j, kind: 'cannot' });

describe('chunklets from pairs', () => {
  it('numbers the must-link components largest first, −1 for rows in none; cannot-links make no chunklet', () => {
    // {0,1,2} by a chain, {5,7}, row 9 only in a cannot-link.
    const { chunklets, count } = chunkletsFromPairs([must(5, 7), must(0, 1), must(2, 1), cannot(9, 0)], 10);
    expect(count).toBe(2);
    expect(Array.from(chunklets)).toEqual([0, 0, 0, -1, -1, 1, -1, 1, -1, -1]);
  });

  it('gives no chunklet without must-links', () => {
    expect(chunkletsFromPairs([cannot(0, 1)], 3)).toEqual({ chunklets: Int32Array.from([-1, -1, -1]), count: 0 });
  });
});

describe('comparisons implied by pairs', () => {
  it('must(a,b) and cannot(a,c) give (a,b,c), over the must-link closure, sorted', () => {
    // 0 ~ 1 ~ 2 (a chain), 2 ≁ 5: every row of {0,1,2} is closer to the other two than to 5.
    expect(impliedComparisons([must(0, 1), must(1, 2), cannot(2, 5)])).toEqual([
      [0, 1, 5], [0, 2, 5], [1, 0, 5], [1, 2, 5], [2, 0, 5], [2, 1, 5],
    ]);
  });

  it('uses both sides of a cannot-link between two components, and nothing from a contradiction', () => {
    expect(impliedComparisons([must(0, 1), must(3, 4), cannot(1, 3)])).toEqual([
      [0, 1, 3], [0, 1, 4], [1, 0, 3], [1, 0, 4], [3, 4, 0], [3, 4, 1], [4, 3, 0], [4, 3, 1],
    ]);
    expect(impliedComparisons([must(0, 1), cannot(0, 1)])).toEqual([]);
    expect(impliedComparisons([must(0, 1)])).toEqual([]);
  });
});

describe('quadruplets', () => {
  it('(a, b, a, c) from each comparison, in order', () => {
    expect(Array.from(quadrupletsFromComparisons([[3, 4, 9], [0, 2, 1]]))).toEqual([3, 4, 3, 9, 0, 2, 0, 1]);
  });

  it('the k-th must-link beside the k-th cannot-link, the shorter list taken again from its start', () => {
    expect(Array.from(quadrupletsFromPairs([must(0, 1), cannot(0, 5), must(2, 3), must(3, 4), cannot(1, 6)]))).toEqual([
      0, 1, 0, 5, 2, 3, 1, 6, 3, 4, 0, 5,
    ]);
    expect(quadrupletsFromPairs([must(0, 1)]).length).toBe(0);
  });
});

describe('restricting comparisons to a fold', () => {
  it('keeps those with all three rows inside, renumbered to positions in the fold', () => {
    expect(restrictTriplesToRows([[4, 6, 8], [4, 6, 7], [8, 4, 6]], [8, 4, 6])).toEqual([[1, 2, 0], [0, 1, 2]]);
  });
});

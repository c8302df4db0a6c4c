import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import { closeConstraints, impliedKind } from '../../shared/engine/constraint-closure.ts';

const must = (i: number, j: number): PairConstraint => ({ i, j, kind: 'must' });
const cannot = (i: number, j: number): PairConstraint => ({ i, j, kind: 'cannot' });

describe('closeConstraints', () => {
  it('derives the must-link transitive closure of a chain', () => {
    const closure = closeConstraints([must(0, 1), must(1, 2), must(2, 3)]);
    expect(closure.components).toEqual([[0, 1, 2, 3]]);
    expect(closure.derived).toEqual([
      { i: 0, j: 2, kind: 'must' },
      { i: 0, j: 3, kind: 'must' },
      { i: 1, j: 3, kind: 'must' },
    ]);
    expect(closure.derivedTotal).toBe(3);
    expect(closure.contradictions).toEqual([]);
  });

  it('entails cannot-links between every member of two must-link components', () => {
    const closure = closeConstraints([must(0, 1), must(5, 6), cannot(1, 5)]);
    expect(closure.derived.filter((p) => p.kind === 'cannot')).toEqual([
      { i: 0, j: 5, kind: 'cannot' },
      { i: 0, j: 6, kind: 'cannot' },
      { i: 1, j: 6, kind: 'cannot' },
    ]);
  });

  it('flags a cannot-link inside a must-link component, with the must-link path that explains it', () => {
    const closure = closeConstraints([must(0, 1), must(1, 2), cannot(2, 0), cannot(3, 4)]);
    expect(closure.contradictions).toEqual([{ i: 0, j: 2, path: [2, 1, 0] }]);
  });

  it('truncates the derived list but still counts every implied pair', () => {
    const chain = Array.from({ length: 20 }, (_, k) => must(k, k + 1)); // 21 points → 210 pairs, 20 labeled
    const closure = closeConstraints(chain, 50);
    expect(closure.derived).toHaveLength(50);
    expect(closure.derivedTotal).toBe(190);
  });

  it('says which new pairs are already decided', () => {
    const constraints = [must(0, 1), must(1, 2), cannot(2, 7)];
    const closure = closeConstraints(constraints);
    expect(impliedKind(closure, constraints, 0, 2)).toBe('must');
    expect(impliedKind(closure, constraints, 0, 7)).toBe('cannot');
    expect(impliedKind(closure, constraints, 0, 9)).toBeNull();
    expect(impliedKind(closure, constraints, 7, 9)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import { ConstraintError, ValidationError } from '../../shared/errors.ts';
import {
  countAvailablePairs,
  generateConstraintPairs,
  generateSupervisedPairs,
  restrictPairSetToRows,
  restrictPairsToRows,
  validateConstraints,
} from '../../shared/engine/pairs.ts';

const labels = Int32Array.from({ length: 30 }, (_, i) => i % 3); // 10 rows per class

describe('generateConstraintPairs', () => {
  it('draws distinct unordered pairs of the right kinds, deterministically', () => {
    const pairs = generateConstraintPairs(labels, { mustLink: 40, cannotLink: 60, seed: 5 });
    expect(pairs.filter((p) => p.kind === 'must')).toHaveLength(40);
    expect(pairs.filter((p) => p.kind === 'cannot')).toHaveLength(60);
    const keys = new Set(pairs.map((p) => `${p.i},${p.j}`));
    expect(keys.size).toBe(100);
    for (const p of pairs) {
      expect(p.i).toBeLessThan(p.j);
      expect(labels[p.i] === labels[p.j]).toBe(p.kind === 'must');
    }
    expect(generateConstraintPairs(labels, { mustLink: 40, cannotLink: 60, seed: 5 })).toEqual(pairs);
    expect(generateConstraintPairs(labels, { mustLink: 40, cannotLink: 60, seed: 6 })).not.toEqual(pairs);
  });

  it('can take every available pair (dense requests)', () => {
    const available = countAvailablePairs(labels);
    expect(available).toEqual({ mustLink: 135, cannotLink: 300 });
    const pairs = generateConstraintPairs(labels, { mustLink: 135, cannotLink: 300, seed: 0 });
    expect(new Set(pairs.map((p) => `${p.i},${p.j}`)).size).toBe(435);
  });

  it('says clearly when more pairs are requested than the labels allow', () => {
    expect(() => generateConstraintPairs(labels, { mustLink: 136, cannotLink: 0, seed: 0 })).toThrow(
      new ValidationError('Cannot generate 136 must-link pairs: the labels allow only 135 distinct same-class pairs.'),
    );
    expect(() => generateConstraintPairs(Int32Array.from([0, 0, 0]), { mustLink: 0, cannotLink: 1, seed: 0 })).toThrow(
      new ValidationError('Cannot generate 1 cannot-link pairs: the labels allow only 0 distinct different-class pairs.'),
    );
    expect(() => generateConstraintPairs(labels, { mustLink: -1, cannotLink: 0, seed: 0 })).toThrow(
      new ValidationError("generateConstraintPairs: 'mustLink' must be an integer ≥ 0, got -1."),
    );
  });
});

describe('generateSupervisedPairs (metric-learn convention)', () => {
  it('draws 20·C² must-link and 20·C² cannot-link pairs by default, must-links first', () => {
    const big = Int32Array.from({ length: 150 }, (_, i) => i % 3);
    const set = generateSupervisedPairs(big, 3, 0);
    expect(set.left.length).toBe(360);
    expect(Array.from(set.similar.subarray(0, 180)).every((s) => s === 1)).toBe(true);
    expect(Array.from(set.similar.subarray(180)).every((s) => s === 0)).toBe(true);
    for (let p = 0; p < 360; p++) {
      expect(set.left[p]).toBeLessThan(set.right[p]!);
      expect(big[set.left[p]!] === big[set.right[p]!]).toBe(set.similar[p] === 1);
    }
  });

  it('matches the pairs metric-learn 0.7.0 draws with random_state 0', () => {
    // Reference: Constraints(y).positive_negative_pairs(12, random_state=0) for the labels below, each pair
    // written as (min, max), sorted; computed with numpy's legacy RandomState.
    const y = Int32Array.from([0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2, 0, 0, 1, 2, 2, 1, 0, 1]);
    const set = generateSupervisedPairs(y, 3, 0, 12);
    const got = Array.from(set.left, (i, p) => `${i}-${set.right[p]}-${set.similar[p]}`).sort();
    expect(got.join(' ')).toBe(
      '0-1-1 0-12-1 0-15-0 0-2-0 0-5-0 1-15-0 1-18-1 11-19-0 13-15-0 16-19-0 2-18-0 2-19-1 3-15-0 3-19-1 3-7-1 3-7-1 4-14-0 4-16-1 5-15-1 5-19-0 6-12-1 6-12-1 6-17-0 9-18-1',
    );
  });

  it('returns fewer pairs when the labels allow fewer, and skips unlabeled rows', () => {
    const y = Int32Array.from([0, 0, 1, -1, -1]);
    const set = generateSupervisedPairs(y, 2, 0, 5);
    for (let p = 0; p < set.left.length; p++) expect(set.right[p]).toBeLessThan(3);
    expect(Array.from(set.similar).filter((s) => s === 1).length).toBeLessThanOrEqual(2); // (0,1) at most in both orientations
  });
});

describe('constraints and folds', () => {
  const constraints: PairConstraint[] = [
    { i: 0, j: 5, kind: 'must' },
    { i: 2, j: 9, kind: 'cannot' },
    { i: 5, j: 7, kind: 'cannot' },
  ];

  it('restrictPairsToRows keeps pairs inside the rows, renumbered to positions, i < j', () => {
    expect(restrictPairsToRows(constraints, [7, 5, 0, 3])).toEqual([
      { i: 1, j: 2, kind: 'must' },
      { i: 0, j: 1, kind: 'cannot' },
    ]);
    const set = restrictPairSetToRows(
      { left: Int32Array.from([0, 2, 5]), right: Int32Array.from([5, 9, 7]), similar: Uint8Array.from([1, 0, 0]) },
      [7, 5, 0, 3],
    );
    expect(Array.from(set.left)).toEqual([1, 0]);
    expect(Array.from(set.right)).toEqual([2, 1]);
    expect(Array.from(set.similar)).toEqual([1, 0]);
  });

  it('validateConstraints names the bad pair', () => {
    expect(() => validateConstraints(constraints, 9)).toThrow(new ConstraintError('Constraint 1 (2, 9): row 9 is outside 0…8.'));
    expect(() => validateConstraints([{ i: 3, j: 3, kind: 'must' }], 9)).toThrow(
      new ConstraintError('Constraint 0 (3, 3): a row cannot be paired with itself.'),
    );
    expect(() => validateConstraints([...constraints, { i: 5, j: 0, kind: 'cannot' }], 10)).toThrow(
      new ConstraintError('Constraint 3 (5, 0): the pair is listed more than once.'),
    );
    expect(() => validateConstraints(constraints, 10)).not.toThrow();
  });
});

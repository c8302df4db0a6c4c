import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.ts';
import { stratifiedFoldAssignment, stratifiedKFold } from '../../../shared/engine/evaluation/folds.ts';

describe('stratifiedKFold', () => {
  const labels = Int32Array.from([...Array(23).fill(0), ...Array(12).fill(1), ...Array(7).fill(2)]);

  it('tests every row exactly once, with train and test parts disjoint', () => {
    const splits = stratifiedKFold(labels, 5, 0);
    const tested = new Int32Array(labels.length);
    for (const { train, test } of splits) {
      expect(train.length + test.length).toBe(labels.length);
      const inTest = new Set(test);
      for (const r of train) expect(inTest.has(r)).toBe(false);
      for (const r of test) tested[r]!++;
    }
    expect(Array.from(tested).every((t) => t === 1)).toBe(true);
  });

  it('is stratified: every class is split as evenly as possible, fold sizes differ by at most one', () => {
    const splits = stratifiedKFold(labels, 5, 3);
    for (const c of [0, 1, 2]) {
      const perFold = splits.map(({ test }) => Array.from(test).filter((r) => labels[r] === c).length);
      const total = labels.filter((l) => l === c).length;
      expect(perFold.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    const sizes = splits.map((s) => s.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('is shuffled and deterministic from the seed', () => {
    const a = stratifiedFoldAssignment(labels, 5, 0);
    expect(stratifiedFoldAssignment(labels, 5, 0)).toEqual(a);
    expect(stratifiedFoldAssignment(labels, 5, 1)).not.toEqual(a);
    // Not in blocks: the first class's rows are not all in fold order.
    const first = Array.from(a.subarray(0, 23));
    expect(first).not.toEqual([...first].sort((x, y) => x - y));
  });

  it('rejects impossible fold counts', () => {
    expect(() => stratifiedKFold(labels, 1, 0)).toThrow(new ValidationError('folds must be an integer ≥ 2, got 1.'));
    expect(() => stratifiedKFold(Int32Array.from([0, 1, 0]), 4, 0)).toThrow(
      new ValidationError('folds (4) cannot be greater than the number of rows (3).'),
    );
    expect(() => stratifiedKFold(Int32Array.from([0, 1, 0, 1, 2, 2]), 3, 0)).toThrow(
      new ValidationError('folds (3) cannot be greater than the number of rows of every class (the largest class has 2).'),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { applyPreprocessing, checkPreprocessKind, fitPreprocessing } from '../../shared/engine/preprocess.ts';
import { columnMeans } from '../../shared/math/dense/matrix.ts';

// (4, 3): feature 1 is constant.
const X = Float64Array.from([1, 7, 10, 2, 7, 20, 3, 7, 30, 6, 7, 40]);

describe('preprocessing', () => {
  it('zscore uses the mean and the population std and drops constant features', () => {
    const p = fitPreprocessing(X, 4, 3, 'zscore');
    expect(p.kept).toEqual([0, 2]);
    expect(p.dropped).toEqual([1]);
    expect(Array.from(p.center)).toEqual([3, 25]);
    // population std of 1,2,3,6 = √(14/4); of 10…40 = √(500/4)
    expect(p.scale[0]).toBeCloseTo(Math.sqrt(14 / 4), 14);
    expect(p.scale[1]).toBeCloseTo(Math.sqrt(500 / 4), 14);
    const Z = applyPreprocessing(p, X, 4);
    expect(Z.length).toBe(8);
    for (const m of columnMeans(Z, 4, 2)) expect(Math.abs(m)).toBeLessThan(1e-15);
    let sq = 0;
    for (let i = 0; i < 4; i++) sq += Z[i * 2]! ** 2;
    expect(sq / 4).toBeCloseTo(1, 14);
  });

  it('transforms the rows in place (into X itself) with the bits of a copy, constant features dropped', () => {
    for (const kind of ['zscore', 'minmax', 'none'] as const) {
      const p = fitPreprocessing(X, 4, 3, kind);
      const copy = applyPreprocessing(p, X, 4);
      const rows = Float64Array.from(X);
      const inPlace = applyPreprocessing(p, rows, 4, undefined, rows.subarray(0, 4 * p.kept.length));
      expect(inPlace.buffer).toBe(rows.buffer);
      expect(Array.from(inPlace)).toEqual(Array.from(copy));
    }
  });

  it('minmax maps the fitting rows onto [0, 1]', () => {
    const p = fitPreprocessing(X, 4, 3, 'minmax');
    expect(Array.from(applyPreprocessing(p, X, 4))).toEqual([0, 0, 0.2, 1 / 3, 0.4, 2 / 3, 1, 1]);
  });

  it('none keeps every raw feature unchanged', () => {
    const p = fitPreprocessing(X, 4, 3, 'none');
    expect(p.kept).toEqual([0, 1, 2]);
    expect(Array.from(applyPreprocessing(p, X, 4))).toEqual(Array.from(X));
  });

  it('statistics come from the fitting rows only; other rows are mapped with them', () => {
    const p = fitPreprocessing(X.subarray(0, 6), 2, 3, 'zscore'); // rows 1, 2: mean 1.5 / 15, std 0.5 / 5
    expect(Array.from(applyPreprocessing(p, Float64Array.from([6, 0, 40]), 1))).toEqual([9, 5]);
  });

  it('rejects an unknown kind and a wrong width', () => {
    expect(() => checkPreprocessKind('robust')).toThrow(new ValidationError("preprocess must be one of 'zscore', 'minmax', 'none', got \"robust\"."));
    const p = fitPreprocessing(X, 4, 3, 'zscore');
    expect(() => applyPreprocessing(p, new Float64Array(4), 2)).toThrow(
      new RangeError('applyPreprocessing: expected 2 rows × 3 features = 6 entries, got 4.'),
    );
  });

  it('fits and applies on selected rows in place, with the bits of a copy of them', () => {
    const rows = [3, 0, 2];
    const copy = Float64Array.from(rows.flatMap((r) => Array.from(X.subarray(r * 3, r * 3 + 3))));
    for (const kind of ['zscore', 'minmax', 'none'] as const) {
      const inPlace = fitPreprocessing(X, 3, 3, kind, rows);
      const copied = fitPreprocessing(copy, 3, 3, kind);
      expect(inPlace).toEqual(copied);
      expect(Array.from(applyPreprocessing(inPlace, X, 3, rows))).toEqual(Array.from(applyPreprocessing(copied, copy, 3)));
    }
    const p = fitPreprocessing(X, 4, 3, 'zscore');
    expect(() => applyPreprocessing(p, X, 2, [0, 4])).toThrow(new RangeError('applyPreprocessing: row index 4 (entry 1) is outside 0…3.'));
    expect(() => fitPreprocessing(X, 3, 3, 'zscore', [0, 1])).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { applyPreprocessing, fitPreprocessing } from '../../shared/engine/preprocess.ts';
import { matmulTransB } from '../../shared/math/dense/index.ts';
import {
  crossPairwiseSquaredDistances,
  mahalanobisMatrix,
  pairDistance,
  pairScore,
  pairwiseDistances,
  pairwiseSquaredDistances,
  transform,
  transformPreprocessed,
} from '../../shared/metric/index.ts';
import { maxAbsDiff, randomMatrix } from '../engine/fixtures.ts';

/** A metric on 3 raw features, the middle one dropped as constant, z-scored, with L (2, 2). */
function exampleMetric(): { metric: LearnedMetric; X: Float64Array } {
  const X = Float64Array.from([1, 5, 2, 3, 5, 2, 5, 5, 8, 7, 5, 4]); // (4, 3), column 1 constant
  const preprocessing = fitPreprocessing(X, 4, 3, 'zscore');
  const metric: LearnedMetric = {
    method: 'test',
    params: {},
    seed: 0,
    L: Float64Array.from([2, 1, 0, 3]), // (2, 2)
    nComponents: 2,
    nFeatures: 2,
    preprocessing,
    summary: { iterations: 0, converged: true, stopReason: null, objective: null, objectiveTrace: [], fitSeconds: 0 },
  };
  return { metric, X };
}

describe('using a learned metric', () => {
  it('transform = preprocess, then X·Lᵀ', () => {
    const { metric, X } = exampleMetric();
    const p = metric.preprocessing;
    expect(p.kept).toEqual([0, 2]);
    const Y = transform(metric, X, 4);
    for (let i = 0; i < 4; i++) {
      const z0 = (X[i * 3]! - p.center[0]!) / p.scale[0]!;
      const z1 = (X[i * 3 + 2]! - p.center[1]!) / p.scale[1]!;
      expect(Y[i * 2]).toBeCloseTo(2 * z0 + z1, 12);
      expect(Y[i * 2 + 1]).toBeCloseTo(3 * z1, 12);
    }
  });

  it('transform maps many rows in row blocks with the bits of one product over the whole preprocessed matrix, in place and through row indices', () => {
    // 3,000 rows of 784 features span three of transform's row blocks; column 5 is constant (dropped).
    const n = 3000;
    const input = 784;
    const X = randomMatrix(n, input, 7);
    for (let i = 0; i < n; i++) X[i * input + 5] = 1;
    const preprocessing = fitPreprocessing(X, n, input, 'zscore');
    const d = preprocessing.kept.length;
    const k = 5;
    const metric: LearnedMetric = { ...exampleMetric().metric, L: randomMatrix(k, d, 8), nComponents: k, nFeatures: d, preprocessing };
    const whole = matmulTransB(applyPreprocessing(preprocessing, X, n), n, d, metric.L, k);
    expect(transform(metric, X, n)).toEqual(whole);
    const rows = Int32Array.from({ length: 2500 }, (_, i) => (i * 7) % n);
    const picked = matmulTransB(applyPreprocessing(preprocessing, X, rows.length, rows), rows.length, d, metric.L, k);
    expect(transform(metric, X, rows.length, rows)).toEqual(picked);
    expect(() => transform(metric, X, n - 1)).toThrow(RangeError);
    expect(() => transform(metric, X, 10, rows)).toThrow(RangeError);
  });

  it('pairDistance equals √((z − z′)ᵀM(z − z′)) and the Euclidean distance of the mapped rows', () => {
    const { metric, X } = exampleMetric();
    const M = mahalanobisMatrix(metric);
    expect(Array.from(M)).toEqual([4, 2, 2, 10]);
    const Y = transform(metric, X, 4);
    const a = X.subarray(0, 3);
    const b = X.subarray(6, 9);
    const p = metric.preprocessing;
    const dz = [(a[0]! - b[0]!) / p.scale[0]!, (a[2]! - b[2]!) / p.scale[1]!];
    const viaM = Math.sqrt(dz[0]! * (4 * dz[0]! + 2 * dz[1]!) + dz[1]! * (2 * dz[0]! + 10 * dz[1]!));
    expect(pairDistance(metric, a, b)).toBeCloseTo(viaM, 12);
    expect(pairDistance(metric, a, b)).toBeCloseTo(Math.hypot(Y[0]! - Y[4]!, Y[1]! - Y[5]!), 12);
    expect(pairScore(metric, a, b)).toBe(-pairDistance(metric, a, b));
  });

  it('pairwise distances are symmetric with a zero diagonal and agree with pairDistance', () => {
    const { metric, X } = exampleMetric();
    const D = pairwiseDistances(metric, X, 4);
    const D2 = pairwiseSquaredDistances(metric, X, 4);
    for (let i = 0; i < 4; i++) {
      expect(D[i * 4 + i]).toBe(0);
      for (let j = 0; j < 4; j++) {
        expect(D[i * 4 + j]).toBe(D[j * 4 + i]);
        expect(D[i * 4 + j]).toBeCloseTo(pairDistance(metric, X.subarray(i * 3, i * 3 + 3), X.subarray(j * 3, j * 3 + 3)), 12);
        expect(D2[i * 4 + j]).toBeCloseTo(D[i * 4 + j]! ** 2, 12);
      }
    }
    expect(maxAbsDiff(crossPairwiseSquaredDistances(metric, X, 4, X, 4), D2)).toBeLessThan(1e-12);
  });

  it('transformPreprocessed maps already preprocessed rows; shapes are checked', () => {
    const L = randomMatrix(2, 3);
    const Z = randomMatrix(5, 3, 9);
    const Y = transformPreprocessed({ L, nComponents: 2, nFeatures: 3 }, Z, 5);
    expect(Y.length).toBe(10);
    expect(Y[1]).toBeCloseTo(L[3]! * Z[0]! + L[4]! * Z[1]! + L[5]! * Z[2]!, 14);
    expect(() => transformPreprocessed({ L, nComponents: 2, nFeatures: 3 }, new Float64Array(7), 2)).toThrow(
      new RangeError('transform: expected 2 rows × 3 features = 6 entries, got 7.'),
    );
    const { metric } = exampleMetric();
    expect(() => pairDistance(metric, [1, 2], [3, 4])).toThrow(new RangeError('pairDistance: rows must have 3 features, got 2 and 2.'));
  });
});

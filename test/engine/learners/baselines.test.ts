import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.ts';
import { fitMetric, prepareFit } from '../../../shared/engine/fit.ts';
import { covarianceLearner } from '../../../shared/engine/learners/covariance.ts';
import { euclideanLearner } from '../../../shared/engine/learners/euclidean.ts';
import { ldaLearner } from '../../../shared/engine/learners/lda.ts';
import { pcaLearner } from '../../../shared/engine/learners/pca.ts';
import type { TrainingData } from '../../../shared/engine/learner.ts';
import { gram, identity, matmul, matmulTransB } from '../../../shared/math/dense/matrix.ts';
import { covarianceMatrix, classScatter } from '../../../shared/math/statistics/descriptive.ts';
import { mahalanobisMatrix, transform } from '../../../shared/metric/index.ts';
import { blobs, maxAbsDiff, randomMatrix } from '../fixtures.ts';

const context = { seed: 0, hooks: {} };

function training(X: Float64Array, n: number, d: number, labels: Int32Array | null = null, nClasses = 0): TrainingData {
  return { X, n, d, labels, nClasses, pairs: null };
}

describe('euclidean', () => {
  it('is the identity on the preprocessed features', () => {
    const data = blobs();
    const metric = fitMetric(data, { method: 'euclidean' });
    expect(Array.from(metric.L)).toEqual(Array.from(identity(4)));
    const prepared = prepareFit(data, { method: 'euclidean' });
    expect(Array.from(transform(metric, data.features, data.nRows))).toEqual(Array.from(prepared.training.X));
  });
});

describe('covariance', () => {
  it('M = Σ⁻¹ for full-rank data', () => {
    const X = randomMatrix(30, 4, 2);
    const out = covarianceLearner.fit(training(X, 30, 4), { regularization: 0 }, context);
    const M = gram(out.L, 4, 4);
    expect(maxAbsDiff(matmul(M, 4, 4, covarianceMatrix(X, 30, 4), 4), identity(4))).toBeLessThan(1e-10);
  });

  it('M = (Σ + λI)⁻¹ with regularization', () => {
    const X = randomMatrix(30, 3, 4);
    const out = covarianceLearner.fit(training(X, 30, 3), { regularization: 0.5 }, context);
    const S = covarianceMatrix(X, 30, 3);
    for (let f = 0; f < 3; f++) S[f * 4]! += 0.5;
    expect(maxAbsDiff(matmul(gram(out.L, 3, 3), 3, 3, S, 3), identity(3))).toBeLessThan(1e-10);
  });

  it('falls back to the pseudo-inverse when Σ is singular (Σ·M·Σ = Σ, M·Σ·M = M)', () => {
    const base = randomMatrix(10, 2, 6);
    const X = new Float64Array(30); // (10, 3), third feature = first + second
    for (let i = 0; i < 10; i++) {
      X[i * 3] = base[i * 2]!;
      X[i * 3 + 1] = base[i * 2 + 1]!;
      X[i * 3 + 2] = base[i * 2]! + base[i * 2 + 1]!;
    }
    const out = covarianceLearner.fit(training(X, 10, 3), { regularization: 0 }, context);
    for (const v of out.L) expect(Number.isFinite(v)).toBe(true);
    const M = gram(out.L, 3, 3);
    const S = covarianceMatrix(X, 10, 3);
    expect(maxAbsDiff(matmul(matmul(S, 3, 3, M, 3), 3, 3, S, 3), S)).toBeLessThan(1e-9);
    expect(maxAbsDiff(matmul(matmul(M, 3, 3, S, 3), 3, 3, M, 3), M)).toBeLessThan(1e-8);
  });
});

describe('pca', () => {
  // Points spread along (1, 1), a little along (1, −1).
  const X = new Float64Array(40);
  for (let i = 0; i < 20; i++) {
    const t = i - 9.5;
    const s = i % 4 === 0 || i % 4 === 3 ? 0.3 : -0.3; // uncorrelated with t, mean 0
    X[i * 2] = t + s;
    X[i * 2 + 1] = t - s;
  }

  it('rows are orthonormal principal directions, largest variance first, sign fixed', () => {
    const out = pcaLearner.fit(training(X, 20, 2), { components: null, whiten: false }, context);
    expect(out.nComponents).toBe(2);
    expect(maxAbsDiff(matmulTransB(out.L, 2, 2, out.L, 2), identity(2))).toBeLessThan(1e-12);
    expect(out.L[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(out.L[1]).toBeCloseTo(Math.SQRT1_2, 12);
    // Retained variance fraction: the spread along (1, 1) over the total; every row is 0.6/√2 off along (1, −1).
    const along = X.reduce((acc, _, idx) => (idx % 2 ? acc : acc + ((X[idx]! + X[idx + 1]!) / Math.SQRT2) ** 2), 0);
    const across = 20 * (0.6 / Math.SQRT2) ** 2;
    expect(out.objectiveTrace[0]).toBe(1);
    const top = pcaLearner.fit(training(X, 20, 2), { components: 1, whiten: false }, context);
    expect(Array.from(top.L)).toEqual(Array.from(out.L.subarray(0, 2)));
    expect(top.objectiveTrace[0]).toBeCloseTo(along / (along + across), 10);
  });

  it('components keeps the top k; whiten gives unit variance along each component', () => {
    const Z = randomMatrix(50, 3, 8);
    const out = pcaLearner.fit(training(Z, 50, 3), { components: 2, whiten: true }, context);
    expect(out.L.length).toBe(6);
    const Y = matmulTransB(Z, 50, 3, out.L, 2);
    const C = covarianceMatrix(Y, 50, 2);
    expect(maxAbsDiff(C, identity(2))).toBeLessThan(1e-10);
  });

  it('rejects more components than features with an exact message', () => {
    expect(() => fitMetric(blobs(), { method: 'pca', params: { components: 5 } })).toThrow(
      new ValidationError("pca: parameter 'components' (5) cannot be greater than the number of features after preprocessing (4)."),
    );
  });
});

describe('lda', () => {
  it('finds the discriminant direction and whitens the within-class scatter', () => {
    // Two classes separated along feature 0; feature 1 has a large spread shared by both classes.
    const n = 40;
    const X = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    const noise = randomMatrix(n, 2, 12);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      X[i * 2] = (i % 2 ? 2 : -2) + 0.5 * noise[i * 2]!;
      X[i * 2 + 1] = 10 * noise[i * 2 + 1]!;
    }
    const out = ldaLearner.fit(training(X, n, 2, labels, 2), { components: null, regularization: 0 }, context);
    expect(out.nComponents).toBe(1);
    expect(Math.abs(out.L[0]!)).toBeGreaterThan(20 * Math.abs(out.L[1]!));
    const { within } = classScatter(X, n, 2, labels, 2);
    const projected = matmul(matmul(out.L, 1, 2, within, 2), 1, 2, out.L, 1);
    expect(projected[0]).toBeCloseTo(1, 6);
  });

  it('defaults to C − 1 components and rejects more, with an exact message', () => {
    const data = blobs({ classes: 3, features: 4 });
    expect(fitMetric(data, { method: 'lda' }).nComponents).toBe(2);
    expect(() => fitMetric(data, { method: 'lda', params: { components: 3 } })).toThrow(
      new ValidationError("lda: parameter 'components' (3) cannot be greater than min(features, classes − 1) = 2."),
    );
    expect(() => fitMetric(data, { method: 'lda', params: { regularization: -1 } })).toThrow(
      new ValidationError("lda: parameter 'regularization' must be a finite number ≥ 0, got -1."),
    );
  });

  it('separates the classes of the blobs better than chance in its space', () => {
    const data = blobs({ classes: 3, perClass: 20 });
    const metric = fitMetric(data, { method: 'lda' });
    expect(mahalanobisMatrix(metric).length).toBe(16);
    const Y = transform(metric, data.features, data.nRows);
    // class means in the LDA space are far apart relative to the (whitened, ≈ unit) spread
    const means = [0, 1, 2].map((c) => {
      const m = [0, 0];
      for (let i = 0; i < data.nRows; i++) if (data.labels![i] === c) for (const f of [0, 1]) m[f]! += Y[i * 2 + f]! / 20;
      return m;
    });
    expect(Math.hypot(means[0]![0]! - means[1]![0]!, means[0]![1]! - means[1]![1]!)).toBeGreaterThan(0.5);
  });
});

describe('the baselines declare their parameters', () => {
  it('with defaults and rules', () => {
    expect(euclideanLearner.params).toEqual({});
    expect(Object.keys(covarianceLearner.params)).toEqual(['regularization']);
    expect(Object.keys(pcaLearner.params)).toEqual(['components', 'whiten']);
    expect(Object.keys(ldaLearner.params)).toEqual(['components', 'regularization']);
  });
});

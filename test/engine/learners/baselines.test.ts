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
import { blobs, maxAbsDiff, randomMatrix, sampleDataset } from '../fixtures.ts';

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

  it('M = Σ⁻¹ at the size where the eigen-decomposition runs in WebAssembly (70 features)', () => {
    const X = randomMatrix(200, 70, 9);
    const out = covarianceLearner.fit(training(X, 200, 70), { regularization: 0 }, context);
    const M = gram(out.L, 70, 70);
    expect(maxAbsDiff(matmul(M, 70, 70, covarianceMatrix(X, 200, 70), 70), identity(70))).toBeLessThan(1e-10);
    // Rows by decreasing 1/s (increasing row norm), each with its entry of largest magnitude positive.
    for (let r = 0; r < 70; r++) {
      const row = Array.from(out.L.subarray(r * 70, (r + 1) * 70));
      const largest = row.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
      if (r > 0) expect(Math.hypot(...row)).toBeLessThanOrEqual(Math.hypot(...out.L.subarray((r - 1) * 70, r * 70)) * (1 + 1e-12));
    }
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

describe('lda against the generalized eigenproblem', () => {
  /**
   * scikit-learn 1.2.1's LinearDiscriminantAnalysis(solver='eigen').fit(StandardScaler().fit_transform(X), y) on the
   * bundled wine sample (/usr/bin/python3): scalings_[:, :2]ᵀ / √178 (its within-class covariance is S_w / n, so its
   * directions are ours times √n), each row's largest-magnitude entry made positive.
   */
  const WINE_SKLEARN = [
    [0.02468632880655097, -0.013916214923568657, 0.007632521187876453, -0.03896838268054052, 0.0023292574197451648, -0.029157726360698084, 0.12507810381895104, 0.01403275839150471, -0.005785367125375291, -0.06204704417708378, 0.014094584140396533, 0.06195172147660008, 0.06388333552476942],
    [0.053349980380680916, 0.025716258980957845, 0.04851245809948548, -0.036849479854121125, -0.0004982116258393658, -0.0015196980264052934, -0.037044611372244726, -0.015300507033635403, -0.013249157668142473, 0.044252817690807654, -0.02611405372180032, 0.00273932802128669, 0.06772359582071891],
  ];

  it("gives scikit-learn's discriminant directions on wine (no shrinkage)", () => {
    const { training } = prepareFit(sampleDataset('wine'), { method: 'lda' });
    const out = ldaLearner.fit(training, { components: null, regularization: 0 }, context);
    expect(out.nComponents).toBe(2);
    expect(maxAbsDiff(out.L, Float64Array.from(WINE_SKLEARN.flat()))).toBeLessThan(1e-10);
  });

  it('rows are the generalized eigenvectors: L·S̃_w·Lᵀ = I, L·S_b·Lᵀ = diag(ratios), the objective their sum', () => {
    const n = 60;
    const d = 6;
    const X = randomMatrix(n, d, 21);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 4;
      X[i * d + (i % 4)]! += 1.5; // class c shifted along feature c
    }
    const rho = 0.1;
    const out = ldaLearner.fit(training(X, n, d, labels, 4), { components: null, regularization: rho }, context);
    expect(out.nComponents).toBe(3);
    const { within, betweenFactor } = classScatter(X, n, d, labels, 4);
    let trace = 0;
    for (let f = 0; f < d; f++) trace += within[f * d + f]!;
    for (let f = 0; f < d; f++) within[f * d + f]! += rho * (trace / d) + 1e-12 * Math.max(trace / d, 1);
    const between = gram(betweenFactor, 4, d);
    const projectedWithin = matmulTransB(matmul(out.L, 3, d, within, d), 3, d, out.L, 3);
    expect(maxAbsDiff(projectedWithin, identity(3))).toBeLessThan(1e-10);
    const projectedBetween = matmulTransB(matmul(out.L, 3, d, between, d), 3, d, out.L, 3);
    const ratios = [0, 1, 2].map((r) => projectedBetween[r * 3 + r]!);
    expect(ratios[0]!).toBeGreaterThan(ratios[1]!);
    expect(ratios[1]!).toBeGreaterThan(ratios[2]!);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) if (a !== b) expect(Math.abs(projectedBetween[a * 3 + b]!)).toBeLessThan(1e-10 * ratios[0]!);
    expect(out.objective).toBeCloseTo(ratios[0]! + ratios[1]! + ratios[2]!, 10);
  });

  it('completes the rows past the rank of S_b (collinear class means) with whitened-orthonormal null directions', () => {
    // Three classes whose means lie on one line (feature 0): S_b has rank 1, but 2 components are asked for.
    const n = 30;
    const noise = randomMatrix(10, 2, 5);
    const X = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / 10);
      labels[i] = c;
      X[i * 2] = 3 * (c - 1) + noise[(i % 10) * 2]!;
      X[i * 2 + 1] = noise[(i % 10) * 2 + 1]!;
    }
    const out = ldaLearner.fit(training(X, n, 2, labels, 3), { components: 2, regularization: 0 }, context);
    expect(out.nComponents).toBe(2);
    for (const v of out.L) expect(Number.isFinite(v)).toBe(true);
    const { within, betweenFactor } = classScatter(X, n, 2, labels, 3);
    const projectedWithin = matmulTransB(matmul(out.L, 2, 2, within, 2), 2, 2, out.L, 2);
    expect(maxAbsDiff(projectedWithin, identity(2))).toBeLessThan(1e-9);
    const projectedBetween = matmulTransB(matmul(out.L, 2, 2, gram(betweenFactor, 3, 2), 2), 2, 2, out.L, 2);
    expect(projectedBetween[0]!).toBeCloseTo(out.objective!, 8);
    expect(Math.abs(projectedBetween[3]!)).toBeLessThan(1e-12 * projectedBetween[0]!);
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

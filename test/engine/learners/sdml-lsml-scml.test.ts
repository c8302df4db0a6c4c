import { describe, expect, it } from 'vitest';
import type { Triple } from '../../../shared/domain/comparisons.ts';
import { fitMetric, prepareFit } from '../../../shared/engine/fit.ts';
import type { TrainingData } from '../../../shared/engine/learner.ts';
import { fitLsml, lsmlLossAndGradient, quadrupletDifferences } from '../../../shared/engine/learners/lsml.ts';
import { fitScml, scmlBatchLossAndGradient, scmlLearner, scmlObjective } from '../../../shared/engine/learners/scml.ts';
import { fitSdml } from '../../../shared/engine/learners/sdml.ts';
import { symmetricEigen } from '../../../shared/math/decompositions/eigen.ts';
import { metricFromComponents } from '../../../shared/math/decompositions/psd.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { blobs, sampleDataset } from '../fixtures.ts';

const iris = sampleDataset('iris');
/** The z-scored iris rows (population std), as prepareFit gives them. */
const irisTraining: TrainingData = prepareFit(iris, { method: 'lfda' }).training;
const quiet = {};

/** Quadruplets (i, i+1, i, i+50) for i < 40 and (i, i+50, i, i+1) for 40 ≤ i < 50, flattened. */
const QUADRUPLETS = Int32Array.from(
  Array.from({ length: 50 }, (_, i) => (i < 40 ? [i, i + 1, i, i + 50] : [i, i + 50, i, i + 1])).flat(),
);

function randomSymmetric(d: number, seed: number, diagonal: number): Float64Array {
  const rng = createRng(seed);
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = (rng.next() - 0.5) * 0.4 + (i === j ? diagonal : 0);
      A[i * d + j] = v;
      A[j * d + i] = v;
    }
  }
  return A;
}

describe('lsml', () => {
  const { vab, vcd, m } = quadrupletDifferences(irisTraining.X, 4, QUADRUPLETS);
  const I = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

  it("objective equals metric-learn's _total_loss on the same quadruplets and M", () => {
    // metric-learn 0.7.0: LSML(prior='identity') with w_ = 1/50 each, _total_loss(M, vab, vcd, I) on z-scored iris,
    // M = diag(1, 2, 0.5, 1.5) with M[0,1] = M[1,0] = 0.3 → 5.137267826618377.
    const M = Float64Array.from([1, 0.3, 0, 0, 0.3, 2, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1.5]);
    expect(lsmlLossAndGradient(M, vab, vcd, m, I, 4).loss).toBeCloseTo(5.137267826618377, 12);
  });

  it('gradient matches central finite differences along symmetric directions', () => {
    for (let trial = 0; trial < 3; trial++) {
      const M = randomSymmetric(4, 10 + trial, 1.5);
      const E = randomSymmetric(4, 20 + trial, 0);
      const { gradient } = lsmlLossAndGradient(M, vab, vcd, m, I, 4);
      let analytic = 0;
      for (let i = 0; i < 16; i++) analytic += gradient![i]! * E[i]!;
      const h = 1e-6;
      const at = (s: number) => lsmlLossAndGradient(M.map((v, i) => v + s * h * E[i]!), vab, vcd, m, I, 4).loss;
      expect(analytic).toBeCloseTo((at(1) - at(-1)) / (2 * h), 5);
    }
  });

  it('matches the direct Σ w·(√d_ab − √d_cd)² + tr(M) − log det M for an odd dimension and a row count not a multiple of 4', () => {
    // 5 features and 7 quadruplets exercise the blocked kernel's leftover column and leftover rows.
    const d = 5;
    const X = Float64Array.from({ length: 12 * d }, (_, t) => Math.sin(1.7 * t + 0.3) * (1 + (t % 3)));
    const quads = Int32Array.from({ length: 28 }, (_, t) => (t * 5 + Math.floor(t / 4)) % 12);
    const diffs = quadrupletDifferences(X, d, quads);
    const M = randomSymmetric(d, 7, 2);
    const Id = Float64Array.from({ length: d * d }, (_, t) => (t % (d + 1) === 0 ? 1 : 0));
    const form = (V: Float64Array, q: number) => {
      let s = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += V[q * d + a]! * M[a * d + b]! * V[q * d + b]!;
      return s;
    };
    let expected = 0;
    for (let q = 0; q < 7; q++) {
      const dab = form(diffs.vab, q);
      const dcd = form(diffs.vcd, q);
      if (dab > dcd) expected += (Math.sqrt(dab) - Math.sqrt(dcd)) ** 2 / 7;
    }
    let trace = 0;
    for (let a = 0; a < d; a++) trace += M[a * d + a]!;
    // log det M from its eigenvalues.
    const logDet = Array.from(symmetricEigen(M, d).values).reduce((acc, v) => acc + Math.log(v), 0);
    expect(lsmlLossAndGradient(M, diffs.vab, diffs.vcd, 7, Id, d).loss).toBeCloseTo(expected + trace - logDet, 10);
  });

  it('accepts a step only below the largest of the last 10 accepted losses and stops for a stated reason', () => {
    const data = { ...irisTraining, quadruplets: QUADRUPLETS };
    const fit = fitLsml(data, 'identity', 1000, 1e-3, quiet);
    const trace = fit.objectiveTrace;
    for (let t = 1; t < trace.length; t++) expect(trace[t]).toBeLessThan(Math.max(...trace.slice(Math.max(0, t - 10), t)));
    expect(['tolerance', 'stalled']).toContain(fit.stopReason);
    const M = metricFromComponents(fit.L, 4, 4);
    expect(lsmlLossAndGradient(M, vab, vcd, m, I, 4).loss).toBeCloseTo(fit.objective!, 8);
    expect(fit.objective!).toBeLessThan(lsmlLossAndGradient(I, vab, vcd, m, I, 4).loss);
    const budget = fitLsml(data, 'identity', 2, 0, quiet);
    expect([budget.iterations, budget.stopReason, budget.converged]).toEqual([2, 'maxIter', false]);
  });
});

describe('sdml', () => {
  const pairs = {
    left: Int32Array.from({ length: 60 }, (_, p) => p % 30),
    right: Int32Array.from({ length: 60 }, (_, p) => (p < 30 ? p + 1 : (p % 30) + 50)),
    similar: Uint8Array.from({ length: 60 }, (_, p) => (p < 30 ? 1 : 0)),
  };

  it("matches metric-learn's SDML where metric-learn runs", () => {
    // metric-learn 0.7.0: SDML(balance_param=1e-3, sparsity_param=0.05, prior='identity') on z-scored iris with must-link
    // pairs (i, i+1) and cannot-link pairs (i, i+50), i < 30; M = components_ᵀ·components_ (scikit-learn's graphical
    // lasso, tol 1e-4, so agreement to about 1e-3).
    const golden = [1.0631538552566089, 0.0, 0.018086578411291306, 0.00878286988888707, 0.0, 1.0914028522767831, -0.02499068961389502, -0.015636652102772552, 0.018086578411291306, -0.02499068961389502, 1.089900042634586, 0.026570254594955697, 0.00878286988888707, -0.015636652102772552, 0.026570254594955697, 1.0711259713361627];
    const fit = fitSdml({ ...irisTraining, pairs }, { balanceParam: 1e-3, sparsityParam: 0.05, prior: 'identity', maxIter: 100, tol: 1e-8 }, quiet);
    expect(fit.warnings).toEqual([]);
    expect(fit.stopReason).toBe('tolerance');
    const M = metricFromComponents(fit.L, 4, 4);
    for (let i = 0; i < 16; i++) expect(Math.abs(M[i]! - golden[i]!)).toBeLessThan(1e-3);
    expect(M[1]).toBe(0);
  });

  it("with metric-learn's defaults (where metric-learn fails) lowers the balance with a warning and converges to a finite metric", () => {
    const fit = fitSdml({ ...irisTraining, pairs }, { balanceParam: 0.5, sparsityParam: 0.01, prior: 'identity', maxIter: 100, tol: 1e-4 }, quiet);
    expect(fit.warnings).toHaveLength(1);
    expect(fit.warnings![0]).toMatch(/unbounded below/);
    expect(fit.converged).toBe(true);
    for (const v of fit.L) expect(Number.isFinite(v)).toBe(true);
    for (const name of ['iris', 'wine'] as const) {
      const metric = fitMetric(sampleDataset(name), { method: 'sdml' });
      expect(metric.summary.converged).toBe(true);
      expect(metric.summary.warnings?.length).toBe(1);
    }
  });
});

describe('scml', () => {
  const data = blobs({ classes: 3, perClass: 15, features: 4, seed: 2 });
  const prepared = prepareFit(data, { method: 'scml' });
  const params = { basis: 'lda' as const, nBasis: null, gamma: 5e-3, beta: 1e-5, batchSize: 10, maxIter: 2000, outputIter: 200 };

  it('mini-batch gradient matches finite differences of the mini-batch loss', () => {
    const rng = createRng(3);
    const nBasis = 7;
    const { X, n, d } = prepared.training;
    const triplets = prepared.training.triplets!;
    const B = Float64Array.from({ length: nBasis * d }, () => rng.normal());
    const XB = new Float64Array(n * nBasis);
    for (let i = 0; i < n; i++) for (let j = 0; j < nBasis; j++) for (let f = 0; f < d; f++) XB[i * nBasis + j]! += X[i * d + f]! * B[j * d + f]!;
    const batch = Int32Array.from({ length: 12 }, () => rng.int(triplets.length / 3));
    const w = Float64Array.from({ length: nBasis }, () => rng.next() * 0.05);
    const grad = new Float64Array(nBasis);
    const scratch = new Float64Array(nBasis);
    scmlBatchLossAndGradient(XB, nBasis, triplets, batch, w, grad, scratch);
    const g = grad.slice();
    const h = 1e-7;
    for (let j = 0; j < nBasis; j++) {
      const plus = w.slice();
      const minus = w.slice();
      plus[j]! += h;
      minus[j]! -= h;
      const fd = (scmlBatchLossAndGradient(XB, nBasis, triplets, batch, plus, grad, scratch) - scmlBatchLossAndGradient(XB, nBasis, triplets, batch, minus, grad, scratch)) / (2 * h);
      expect(g[j]).toBeCloseTo(fd, 5);
    }
  });

  it('is reproducible from the seed, uses the gamma it is given, and reports the objective of the L it returns', () => {
    const a = fitScml(prepared.training, params, 4, quiet);
    expect(fitScml(prepared.training, params, 4, quiet).L).toEqual(a.L);
    expect(fitScml(prepared.training, { ...params, gamma: 5e-2 }, 4, quiet).L).not.toEqual(a.L);
    const { X, n, d } = prepared.training;
    const M = metricFromComponents(a.L, a.nComponents, d);
    // The objective of the returned metric without the ℓ₁ part is at most the reported one (β·Σw ≥ 0).
    const hinge = scmlObjective(M, X, n, d, prepared.training.triplets!, 0);
    expect(hinge).toBeLessThanOrEqual(a.objective! + 1e-9);
    // w = 0 (the start) scores exactly 1: every triplet's hinge is its margin.
    expect(a.objective!).toBeLessThan(1);
    expect(a.stopReason).toBe('maxIter');
    const diffs = fitScml(prepared.training, { ...params, basis: 'triplet_diffs' }, 4, quiet);
    for (const v of diffs.L) expect(Number.isFinite(v)).toBe(true);
  });

  it("basis 'auto' (the default) is 'lda' when the fit has class labels, 'triplet_diffs' on comparisons alone", () => {
    expect(scmlLearner.params.basis).toMatchObject({ default: 'auto', values: ['auto', 'lda', 'triplet_diffs'] });
    const auto = { ...params, basis: 'auto' as const };
    expect(fitScml(prepared.training, auto, 4, quiet).L).toEqual(fitScml(prepared.training, params, 4, quiet).L);
    const alone = { ...prepared.training, labels: null };
    expect(fitScml(alone, auto, 4, quiet).L).toEqual(fitScml(alone, { ...params, basis: 'triplet_diffs' }, 4, quiet).L);
    expect(() => fitScml(alone, params, 4, quiet)).toThrow("scml: basis 'lda' needs the class labels");
    // The default fits the user's comparisons alone: a labeled fit gets no class labels.
    const comparisons = Array.from({ length: 30 }, (_, t): Triple => {
      const [a, b, c] = prepared.training.triplets!.subarray(3 * t, 3 * t + 3);
      return [a!, b!, c!];
    });
    const labeled = fitMetric(data, { method: 'scml', params: { maxIter: 500, outputIter: 100 }, constraintSource: 'labeled', comparisons });
    for (const v of labeled.L) expect(Number.isFinite(v)).toBe(true);
  });
});

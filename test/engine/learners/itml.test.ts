import { describe, expect, it } from 'vitest';
import type { PairSet } from '../../../shared/domain/constraints.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { prepareFit, fitMetric } from '../../../shared/engine/fit.ts';
import type { FitOutcome, TrainingData } from '../../../shared/engine/learner.ts';
import { itmlLearner, kthSmallest, logDetDivergence, pairwiseDistancePercentiles, smallestPositiveDistance } from '../../../shared/engine/learners/itml.ts';
import { validateParams } from '../../../shared/engine/params.ts';
import { isPsd, metricFromComponents } from '../../../shared/math/decompositions/psd.ts';
import { pairDifferences, quadraticForms } from '../../../shared/math/dense/row-differences.ts';
import { inverseSpd, logDeterminantSpd } from '../../../shared/math/decompositions/cholesky.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { blobs } from '../fixtures.ts';
import { scheduledProducts } from '../scheduled-products.ts';

function fitItml(data: TrainingData, raw: Record<string, unknown> = {}, hooks = {}): FitOutcome {
  return itmlLearner.fit(data, validateParams('itml', itmlLearner.params, raw), { seed: 0, hooks });
}

/** numpy.percentile (linear) of every entry of the full distance matrix between the rows, the naive way. */
function naivePercentile(X: Float64Array, d: number, rows: number[], q: number): number {
  const all: number[] = [];
  for (const a of rows) {
    for (const b of rows) {
      let s = 0;
      for (let f = 0; f < d; f++) s += (X[a * d + f]! - X[b * d + f]!) ** 2;
      all.push(Math.sqrt(s));
    }
  }
  all.sort((x, y) => x - y);
  const position = (q / 100) * (all.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, all.length - 1);
  return all[lo]! + (position - lo) * (all[hi]! - all[lo]!);
}

describe('itml: distance bounds', () => {
  it('takes numpy-style percentiles of the full distance matrix of the paired rows', () => {
    const rng = createRng(5);
    const d = 3;
    const X = Float64Array.from({ length: 20 * d }, () => rng.normal());
    const rows = [0, 2, 3, 7, 8, 11, 19];
    const qs = [0, 5, 37.5, 50, 95, 100];
    const got = pairwiseDistancePercentiles(X, d, Int32Array.from(rows), qs);
    qs.forEach((q, i) => expect(got[i]).toBeCloseTo(naivePercentile(X, d, rows, q), 12));
  });

  it("computes the distances in row blocks with the same bits when a team's simulated threads run them", () => {
    const rng = createRng(7);
    const d = 9;
    const n = 400;
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const rows = Int32Array.from({ length: 230 }, (_, a) => (a * 7) % n); // 230 rows: four blocks of 64
    const qs = [3, 5, 50, 95, 99.5];
    const alone = pairwiseDistancePercentiles(X, d, rows, qs);
    for (const threads of [2, 3]) {
      const products = scheduledProducts(threads);
      expect(pairwiseDistancePercentiles(X, d, rows, qs, products)).toEqual(alone);
      expect(products.runs.itmlDistances).toBe(1);
    }
    qs.forEach((q, i) => expect(alone[i]).toBeCloseTo(naivePercentile(X, d, Array.from(rows), q), 12));
  });

  it('selects the k-th smallest value like a sort would, duplicates included', () => {
    const rng = createRng(6);
    const values = Float64Array.from({ length: 101 }, () => Math.floor(rng.next() * 20));
    const sorted = Array.from(values).sort((a, b) => a - b);
    for (const k of [0, 1, 17, 50, 99, 100]) expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
    expect(() => kthSmallest(values, 101)).toThrow(new RangeError('kthSmallest: k = 101 is outside 0…100.'));
  });
});

/**
 * Two well-separated clusters (20 rows each, 3 features, unit noise, 20 apart along feature 0) times `scale`,
 * and a fixed subset of the pairs: must-link inside a cluster, cannot-link across.
 */
function twoClusters(scale: number): TrainingData {
  const rng = createRng(8);
  const n = 40;
  const d = 3;
  const X = Float64Array.from({ length: n * d }, (_, k) => scale * (rng.normal() + (k % d === 0 && Math.floor(k / d) >= n / 2 ? 20 : 0)));
  const left: number[] = [];
  const right: number[] = [];
  const similar: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if ((i * 7 + j * 3) % 5 !== 0) continue;
      left.push(i);
      right.push(j);
      similar.push(i < n / 2 === j < n / 2 ? 1 : 0);
    }
  }
  const pairs: PairSet = { left: Int32Array.from(left), right: Int32Array.from(right), similar: Uint8Array.from(similar) };
  return { X, n, d, labels: null, nClasses: 0, pairs };
}

describe('itml: the learned metric', () => {
  const data = blobs({ classes: 3, perClass: 10, features: 4, seed: 31 });

  it('stays at the prior when no constraint is violated (u = largest distance, l = 0)', () => {
    // Scaled so every distance is below 1: a squared distance then never exceeds the largest distance.
    const small = twoClusters(0.01);
    const outcome = fitItml(small, { mustLinkPercentile: 100, cannotLinkPercentile: 0 });
    const d = small.d;
    const M = metricFromComponents(outcome.L, d, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(M[i * d + j]).toBeCloseTo(i === j ? 1 : 0, 12);
    expect(outcome.iterations).toBe(1);
    expect(outcome.converged).toBe(true);
    expect(outcome.objectiveTrace[0]).toBeCloseTo(0, 12);
  });

  it('uses the inverse covariance of the paired rows as the covariance prior', () => {
    // Squared distances under M₀ do not depend on the scale; at scale 10 they stay below the largest Euclidean one.
    const large = twoClusters(10);
    const { X, n, d } = large;
    const outcome = fitItml(large, { prior: 'covariance', mustLinkPercentile: 100, cannotLinkPercentile: 0 });
    expect(outcome.iterations).toBe(1);
    // Every row appears in some pair: the population covariance of all rows.
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a]! += X[i * d + a]! / n;
    const C = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) C[a * d + b]! += ((X[i * d + a]! - mean[a]!) * (X[i * d + b]! - mean[b]!)) / n;
    }
    const expected = inverseSpd(C, d);
    const M = metricFromComponents(outcome.L, d, d);
    for (let i = 0; i < d * d; i++) expect(Math.abs(M[i]! - expected[i]!)).toBeLessThan(1e-8 * Math.abs(expected[0]!));
  });

  it('with strict slack (large γ) satisfies every constraint: must-link ≤ u, cannot-link ≥ l', () => {
    const clusters = twoClusters(1);
    const { X, n, d, pairs } = clusters;
    const outcome = fitItml(clusters, { gamma: 1e6, maxIter: 100000, tol: 1e-6, mustLinkPercentile: 30, cannotLinkPercentile: 70 });
    expect(outcome.converged).toBe(true);
    const all = Array.from({ length: n }, (_, i) => i);
    const u = naivePercentile(X, d, all, 30);
    const l = naivePercentile(X, d, all, 70);
    const M = metricFromComponents(outcome.L, d, d);
    const diffs = pairDifferences('test', X, n, d, pairs!);
    const must = quadraticForms(diffs.must, diffs.mustCount, d, M);
    const cannot = quadraticForms(diffs.cannot, diffs.cannotCount, d, M);
    // Before learning, some must-link pairs break the bound.
    const before = quadraticForms(diffs.must, diffs.mustCount, d, Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
    expect(Math.max(...before)).toBeGreaterThan(u);
    for (const q of must) expect(q).toBeLessThanOrEqual(u * (1 + 1e-4));
    for (const q of cannot) expect(q).toBeGreaterThanOrEqual(l * (1 - 1e-4));
    expect(isPsd(M, d)).toBe(true);
  });

  it('reports D_ld(M, M₀) after each sweep, starting from 0 at the prior', () => {
    const progress: number[] = [];
    const prepared = prepareFit(data, { method: 'itml' });
    const outcome = itmlLearner.fit(prepared.training, validateParams(itmlLearner.name, itmlLearner.params, prepared.params), {
      seed: 0,
      hooks: { onIteration: (p) => progress.push(p.objective) },
    });
    expect(progress).toEqual(outcome.objectiveTrace);
    expect(progress.length).toBe(outcome.iterations);
    const d = prepared.training.d;
    const M = metricFromComponents(outcome.L, d, d);
    const I = new Float64Array(d * d);
    for (let i = 0; i < d; i++) I[i * d + i] = 1;
    expect(progress.at(-1)!).toBeCloseTo(logDetDivergence(M, I, 0, d), 6);
    for (const v of progress) expect(v).toBeGreaterThan(0);
  });

  it('computes the LogDet divergence: 0 at M₀, tr − log det − d otherwise', () => {
    const d = 3;
    const M = Float64Array.from([2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 3]);
    const M0 = Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, 0.5]);
    const M0inverse = inverseSpd(M0, d);
    expect(logDetDivergence(M0, M0inverse, logDeterminantSpd(M0, d), d)).toBeCloseTo(0, 12);
    let trace = 0;
    for (let i = 0; i < d * d; i++) trace += M[i]! * M0inverse[i]!;
    const expected = trace - logDeterminantSpd(M, d) + Math.log(1 * 2 * 0.5) - d;
    expect(logDetDivergence(M, M0inverse, Math.log(1), d)).toBeCloseTo(expected, 12);
  });

  it('is deterministic', () => {
    const a = fitMetric(data, { method: 'itml', seed: 4 });
    const b = fitMetric(data, { method: 'itml', seed: 4 });
    expect(Array.from(a.L)).toEqual(Array.from(b.L));
  });

  it('stops after maxIter sweeps without claiming convergence', () => {
    const one = fitMetric(data, { method: 'itml', params: { maxIter: 1, tol: 0 } });
    expect(one.summary.iterations).toBe(1);
    expect(one.summary.converged).toBe(false);
  });

  it('falls back to the smallest positive distance for u when the self-distances fill the low percentiles', () => {
    // Three rows: the 5th percentile of the 3×3 distance matrix is 0, and u = 0 would give NaN (as in metric-learn).
    const X = Float64Array.from([0, 0, 1, 1, 5, 6]);
    const pairs: PairSet = { left: Int32Array.from([0, 0]), right: Int32Array.from([1, 2]), similar: Uint8Array.from([1, 0]) };
    expect(smallestPositiveDistance(X, 2, Int32Array.from([0, 1, 2]))).toBeCloseTo(Math.SQRT2, 15);
    const outcome = fitItml({ X, n: 3, d: 2, labels: null, nClasses: 0, pairs });
    for (const v of outcome.L) expect(Number.isFinite(v)).toBe(true);
    const M = metricFromComponents(outcome.L, 2, 2);
    const mustLink = M[0]! + M[1]! + M[2]! + M[3]!; // δ = (1, 1)
    expect(mustLink).toBeLessThan(2);
  });

  it('rejects a fit without pairs', () => {
    expect(() => fitItml({ X: new Float64Array(4), n: 2, d: 2, labels: null, nClasses: 0, pairs: null })).toThrow(
      new ValidationError('itml learns from must-link / cannot-link pairs, but none were given.'),
    );
  });

  it('rejects a pair that points outside the data', () => {
    const pairs: PairSet = { left: Int32Array.from([0]), right: Int32Array.from([5]), similar: Uint8Array.from([1]) };
    expect(() => fitItml({ X: new Float64Array(6), n: 3, d: 2, labels: null, nClasses: 0, pairs })).toThrow(
      new ValidationError('itml: pair 0 (0, 5) refers to a row outside 0…2.'),
    );
  });
});

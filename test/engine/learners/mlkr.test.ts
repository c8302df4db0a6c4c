import { describe, expect, it } from 'vitest';
import { fitMetric } from '../../../shared/engine/fit.ts';
import { completePairGraph } from '../../../shared/engine/learners/nca.ts';
import { ncaCandidateGraph } from '../../../shared/engine/learners/nca-candidates.ts';
import { fitMlkr, MlkrObjective, mlkrLearner, mlkrLossAndGradient } from '../../../shared/engine/learners/mlkr.ts';
import type { TrainingData } from '../../../shared/engine/learner.ts';
import { validateParams } from '../../../shared/engine/params.ts';
import { embedInto, transposeInto } from '../../../shared/math/dense/row-products.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { loadSample } from '../../../src-main/samples/index.ts';
import { randomL, relativeError, sampleDataset } from '../fixtures.ts';

function numericGradient(loss: (L: Float64Array) => number, L: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(L.length);
  for (let t = 0; t < L.length; t++) {
    const plus = Float64Array.from(L);
    const minus = Float64Array.from(L);
    plus[t]! += h;
    minus[t]! -= h;
    g[t] = (loss(plus) - loss(minus)) / (2 * h);
  }
  return g;
}

/** n rows of d features, target a smooth function of the first two plus noise. */
function regressionData(n: number, d: number, seed: number): TrainingData {
  const rng = createRng(seed);
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  const targets = Float64Array.from({ length: n }, (_, i) => 3 * Math.sin(X[i * d]!) + X[i * d + 1]! ** 2 + 0.1 * rng.normal());
  return { X, n, d, labels: null, nClasses: 0, pairs: null, targets };
}

describe('MLKR loss and gradient', () => {
  it("equals metric-learn 0.7.0's MLKR._loss (value and gradient) at a fixed L", () => {
    // PYTHONPATH=/tmp/metric-learn /usr/bin/python3: X[i, f] = sin(1.3 i + 0.7 f) + 0.1 f (12 × 3), y[i] = 3 cos(0.9 i) + 0.5 i,
    // L = [[0.8, -0.3, 0.5], [0.2, 0.9, -0.4]]; m = MLKR(); m.n_iter_ = 1; m._loss(L.ravel(), X, y)
    const n = 12;
    const d = 3;
    const X = Float64Array.from({ length: n * d }, (_, t) => Math.sin(1.3 * Math.floor(t / d) + 0.7 * (t % d)) + 0.1 * (t % d));
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(0.9 * i) * 3 + i * 0.5);
    const L = Float64Array.from([0.8, -0.3, 0.5, 0.2, 0.9, -0.4]);
    const { loss, gradient } = mlkrLossAndGradient(L, X, n, d, 2, y);
    expect(loss).toBeCloseTo(92.62694567285196, 10);
    const reference = [12.406040513734164, 21.00696357357271, 19.72798342189968, 16.298437415791255, 18.515425150509408, 12.024319125444423];
    gradient.forEach((g, t) => expect(g).toBeCloseTo(reference[t]!, 9));
  });

  it('matches central finite differences (relative error < 1e-6), full and low rank', () => {
    const data = regressionData(30, 5, 3);
    for (const k of [5, 2]) {
      const L = randomL(k, 5, 4);
      const { gradient } = mlkrLossAndGradient(L, data.X, data.n, data.d, k, data.targets!);
      const numeric = numericGradient((M) => mlkrLossAndGradient(M, data.X, data.n, data.d, k, data.targets!).loss, L);
      expect(relativeError(gradient, numeric)).toBeLessThan(1e-6);
    }
  });

  it('with the shrinkage penalty and on a truncated candidate graph: finite differences too', () => {
    const data = regressionData(60, 4, 5);
    const L = randomL(4, 4, 6, 1.5);
    const Z = new Float64Array(60 * 4);
    embedInto(data.X, 60, 4, L, 4, Z);
    const graph = ncaCandidateGraph(Z, 60, 4, { tau: 3, relativeMargin: 0, minCandidates: 5, maxCandidates: 12 }).graph;
    expect(graph.count).toBeLessThan(completePairGraph(60).count);
    const Xt = new Float64Array(60 * 4);
    transposeInto(data.X, 60, 4, Xt);
    const objective = new MlkrObjective(data.X, Xt, 60, 4, 4, data.targets!, graph, 7.5);
    const gradient = new Float64Array(16);
    objective.evaluate(L, gradient);
    const numeric = numericGradient((M) => objective.evaluate(M, new Float64Array(16)), L);
    expect(relativeError(gradient, numeric)).toBeLessThan(1e-6);
  });
});

describe('fitMlkr', () => {
  it('lowers the leave-one-out error and reports a consistent stop', () => {
    const data = regressionData(80, 4, 9);
    const L0 = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const start = mlkrLossAndGradient(L0, data.X, 80, 4, 4, data.targets!).loss;
    const outcome = fitMlkr({ X: data.X, n: 80, d: 4, targets: data.targets!, k: 4 }, L0, { maxIter: 200, tol: 1e-5, shrinkage: 0, hooks: {} });
    const end = mlkrLossAndGradient(outcome.L, data.X, 80, 4, 4, data.targets!).loss;
    expect(end).toBeLessThan(0.8 * start);
    expect(outcome.objective).toBeCloseTo(end, 6);
    expect(outcome.objectiveTrace).toHaveLength(outcome.iterations);
    expect(outcome.converged).toBe(outcome.stopReason === 'tolerance');
    // The irrelevant features (2 and 3) end with smaller weights than the ones the target depends on.
    const column = (f: number) => Math.hypot(...[0, 1, 2, 3].map((r) => outcome.L[r * 4 + f]!));
    expect(Math.min(column(0), column(1))).toBeGreaterThan(Math.max(column(2), column(3)));
  });

  it('shrinkage keeps the kernel wider (a smaller L)', () => {
    const data = regressionData(80, 4, 9);
    const params = (shrinkage: number) => validateParams('mlkr', mlkrLearner.params, { shrinkage });
    const norm = (L: Float64Array) => Math.hypot(...L);
    const free = mlkrLearner.fit(data, params(0), { seed: 0, hooks: {} });
    const shrunk = mlkrLearner.fit(data, params(1), { seed: 0, hooks: {} });
    expect(norm(shrunk.L)).toBeLessThan(norm(free.L));
  });

  it('on more than 200 rows it runs on refreshed candidate graphs and still lowers the exact loss', async () => {
    const { matrix } = await loadSample('diabetes');
    const metric = fitMetric(matrix, { method: 'mlkr', params: { maxIter: 20 } });
    expect(metric.nComponents).toBe(10);
    expect(metric.summary.iterations).toBeGreaterThan(0);
    const trace = metric.summary.objectiveTrace;
    expect(trace[trace.length - 1]!).toBeLessThan(trace[0]!);
  });

  it("init 'auto' is 'pca' below full rank (metric-learn's rule) and 'identity' at full rank", () => {
    const data = regressionData(40, 4, 2);
    const quiet = { seed: 0, hooks: { shouldStop: () => true } };
    const full = mlkrLearner.fit(data, validateParams('mlkr', mlkrLearner.params, {}), quiet);
    expect(Array.from(full.L)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const low = mlkrLearner.fit(data, validateParams('mlkr', mlkrLearner.params, { components: 2 }), quiet);
    const pca = mlkrLearner.fit(data, validateParams('mlkr', mlkrLearner.params, { components: 2, init: 'pca' }), quiet);
    expect(Array.from(low.L)).toEqual(Array.from(pca.L));
  });

  it('refuses a dataset without a regression target', () => {
    expect(() => fitMetric(sampleDataset('iris'), { method: 'mlkr' })).toThrow(
      'mlkr learns from a numeric regression target, but the dataset has none (import it with a target column: workbench import FILE --target NAME).',
    );
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  completePairGraph,
  fitNca,
  ncaLearner,
  ncaLossAndGradient,
  ncaTruncationError,
  NcaScratch,
  TruncatedNcaObjective,
} from '../../../shared/engine/learners/nca.ts';
import { ncaCandidateGraph } from '../../../shared/engine/learners/nca-candidates.ts';
import { evaluateMethod } from '../../../shared/engine/evaluation/evaluate.ts';
import { resolveInit } from '../../../shared/engine/learners/common.ts';
import { validateParams } from '../../../shared/engine/params.ts';
import { embedInto, transposeInto } from '../../../shared/math/dense/row-products.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { gaussianClasses, randomL, relativeError, sampleDataset } from '../fixtures.ts';

/** Central finite differences of the loss, with step h. */
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

const defaults = (raw: Record<string, unknown> = {}) => validateParams('nca', ncaLearner.params, raw);

describe('ncaLossAndGradient (exact)', () => {
  it('matches central finite differences (relative error < 1e-6)', () => {
    const data = gaussianClasses(24, 5, 3, 11);
    const L = randomL(3, 5, 2);
    const { gradient } = ncaLossAndGradient(L, data.X, data.n, data.d, 3, data.labels!);
    const numeric = numericGradient((M) => ncaLossAndGradient(M, data.X, data.n, data.d, 3, data.labels!).loss, L);
    expect(relativeError(gradient, numeric)).toBeLessThan(1e-6);
  });

  it('is minus the expected number of correctly classified points: −Σ p_i, within [−n, 0]', () => {
    const data = gaussianClasses(30, 3, 2, 4);
    const { loss } = ncaLossAndGradient(randomL(3, 3, 1), data.X, data.n, data.d, 3, data.labels!);
    expect(loss).toBeLessThan(0);
    expect(loss).toBeGreaterThan(-30);
  });

  it('has the closed form 2/(1 + e^{3a²}) on two same-class points with a foreign point between them', () => {
    // x = (−1, 0), (0, 0), (1, 0) with classes 0, 1, 0. With L = [[a, b]] the class-0 points are (2a)² apart and
    // a² from the middle one, so p_1 = p_3 = e^{−4a²}/(e^{−4a²} + e^{−a²}) = 1/(1 + e^{3a²}) and p_2 = 0.
    const X = Float64Array.of(-1, 0, 0, 0, 1, 0);
    const labels = Int32Array.of(0, 1, 0);
    for (const a of [0.1, 0.5, 1.3]) {
      const { loss } = ncaLossAndGradient(Float64Array.of(a, 0.7), X, 3, 2, 1, labels);
      expect(-loss).toBeCloseTo(2 / (1 + Math.exp(3 * a * a)), 12);
    }
  });

  it('rejects arrays that do not match their shapes', () => {
    expect(() => ncaLossAndGradient(new Float64Array(5), new Float64Array(6), 3, 2, 2, Int32Array.of(0, 1, 0))).toThrow(
      'ncaLossAndGradient: L must have 2×2 entries, got 5.',
    );
  });
});

describe('TruncatedNcaObjective', () => {
  it('equals the exact objective and gradient on the complete pair graph', () => {
    const data = gaussianClasses(40, 6, 4, 3);
    const k = 4;
    const L = randomL(k, 6, 9);
    const Xt = new Float64Array(data.n * data.d);
    transposeInto(data.X, data.n, data.d, Xt);
    const objective = new TruncatedNcaObjective(new NcaScratch(data.X, Xt, data.n, data.d, k), data.labels!, completePairGraph(data.n));
    const gradient = new Float64Array(k * data.d);
    const loss = objective.evaluate(L, gradient);
    const exact = ncaLossAndGradient(L, data.X, data.n, data.d, k, data.labels!);
    expect(loss).toBeCloseTo(exact.loss, 10);
    expect(relativeError(gradient, exact.gradient)).toBeLessThan(1e-9);
  });

  it('stays exact when row scales differ by far more than exp can span (a far outlier)', () => {
    // One row 40 units away: its nearest squared distance (~1600) exceeds every other row's by > 500, which rules
    // out sharing one exponential per pair between its two rows.
    const data = gaussianClasses(30, 3, 3, 12);
    const X = Float64Array.from(data.X);
    X[0] = 40;
    const L = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const Xt = new Float64Array(30 * 3);
    transposeInto(X, 30, 3, Xt);
    const objective = new TruncatedNcaObjective(new NcaScratch(X, Xt, 30, 3, 3), data.labels!, completePairGraph(30));
    const gradient = new Float64Array(9);
    const loss = objective.evaluate(L, gradient);
    const exact = ncaLossAndGradient(L, X, 30, 3, 3, data.labels!);
    expect(loss).toBeCloseTo(exact.loss, 10);
    expect(relativeError(gradient, exact.gradient)).toBeLessThan(1e-9);
  });

  it('on a candidate graph, stays within the truncation bound Σρ_i of the exact objective, with a consistent gradient', () => {
    const data = gaussianClasses(120, 5, 3, 21, 3);
    const k = 5;
    const L = randomL(k, 5, 5, 1.2);
    const Z = new Float64Array(data.n * k);
    embedInto(data.X, data.n, data.d, L, k, Z);
    const rule = { tau: 6, relativeMargin: 0, minCandidates: 4, maxCandidates: 30 };
    const { graph } = ncaCandidateGraph(Z, data.n, k, rule);
    expect(graph.count).toBeLessThan((data.n * (data.n - 1)) / 2); // really truncated
    const Xt = new Float64Array(data.n * data.d);
    transposeInto(data.X, data.n, data.d, Xt);
    const objective = new TruncatedNcaObjective(new NcaScratch(data.X, Xt, data.n, data.d, k), data.labels!, graph);
    const gradient = new Float64Array(k * data.d);
    const loss = objective.evaluate(L, gradient);
    const exact = ncaLossAndGradient(L, data.X, data.n, data.d, k, data.labels!);
    const bound = ncaTruncationError(L, data.X, data.n, data.d, k, graph);
    expect(bound.sum).toBeGreaterThan(0);
    expect(Math.abs(loss - exact.loss)).toBeLessThanOrEqual(bound.sum + 1e-12);
    expect(Math.abs(loss - exact.loss) / Math.abs(exact.loss)).toBeLessThan(1e-2);
    // The truncated function is smooth on its own: its gradient matches its own finite differences.
    const numeric = numericGradient((M) => objective.evaluate(M, new Float64Array(k * data.d)), L);
    expect(relativeError(gradient, numeric)).toBeLessThan(1e-6);
  });

  it('with the default rule, the candidate graph misses almost no softmax mass', () => {
    const data = gaussianClasses(300, 6, 3, 8);
    const L = randomL(6, 6, 3, 1);
    const Z = new Float64Array(data.n * 6);
    embedInto(data.X, data.n, data.d, L, 6, Z);
    const { graph } = ncaCandidateGraph(Z, data.n, 6);
    const error = ncaTruncationError(L, data.X, data.n, data.d, 6, graph);
    expect(error.sum).toBeLessThan(1e-6);
    expect(graph.count).toBeLessThan((data.n * (data.n - 1)) / 2);
  });

  it('does not cap the candidates of rows with many ties near the front (duplicates)', () => {
    // 300 rows: 250 copies of one point (two classes) and 50 spread out. Each copy has 249 neighbours at distance 0.
    const n = 300;
    const X = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    const rng = createRng(6);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      if (i >= 250) {
        X[2 * i] = 5 + rng.normal();
        X[2 * i + 1] = rng.normal();
      }
    }
    const L = Float64Array.of(1, 0, 0, 1);
    const { graph } = ncaCandidateGraph(X, n, 2);
    expect(ncaTruncationError(L, X, n, 2, 2, graph).max).toBeLessThan(1e-8);
  });

  it('measures the staleness of the previous graph after the embedding moved', () => {
    const data = gaussianClasses(100, 4, 2, 2);
    const rule = { tau: 3, relativeMargin: 0, minCandidates: 3, maxCandidates: 20 };
    const Z1 = new Float64Array(data.n * 4);
    embedInto(data.X, data.n, 4, randomL(4, 4, 1, 1), 4, Z1);
    const first = ncaCandidateGraph(Z1, data.n, 4, rule).graph;
    const L2 = randomL(4, 4, 2, 1);
    const Z2 = new Float64Array(data.n * 4);
    embedInto(data.X, data.n, 4, L2, 4, Z2);
    const second = ncaCandidateGraph(Z2, data.n, 4, rule, undefined, first);
    const expected = ncaTruncationError(L2, data.X, data.n, 4, 4, first).sum;
    expect(second.staleness).toBeGreaterThan(0);
    // The refresh skips terms beyond e^−40 and uses Gram-trick distances: equal to ~1e-9 relative.
    expect(second.staleness).toBeCloseTo(expected, 6);
  });
});

describe('fitNca', () => {
  it('collapses the toy example: the objective reaches 2/(1 + e^{3a²}) → 1 as the first column of L vanishes', () => {
    const X = Float64Array.of(-1, 0, 0, 0, 1, 0);
    const labels = Int32Array.of(0, 1, 0);
    const trace: number[] = [];
    const { outcome } = fitNca({ X, n: 3, d: 2, labels, k: 2 }, Float64Array.of(1, 0, 0, 1), {
      maxIter: 200,
      tol: 0,
      hooks: { onIteration: (p) => trace.push(p.objective) },
    });
    const a2 = outcome.L[0]! ** 2 + outcome.L[2]! ** 2; // ‖L·e₁‖²
    const last = trace[trace.length - 1]!;
    expect(last).toBeCloseTo(2 / (1 + Math.exp(3 * a2)), 10);
    expect(last).toBeGreaterThan(0.999);
    expect(trace[0]!).toBeGreaterThan(2 / (1 + Math.exp(3))); // better than at L = I already after one step
  });

  it('on the truncated path (n ≥ 200), its final objective agrees with the exact one and improves on the start', () => {
    const data = gaussianClasses(260, 8, 4, 17, 1.2);
    const L0 = new Float64Array(64);
    for (let r = 0; r < 8; r++) L0[r * 8 + r] = 1;
    const { outcome, diagnostics } = fitNca({ X: data.X, n: data.n, d: data.d, labels: data.labels!, k: 8 }, L0, { maxIter: 30, tol: 1e-5, hooks: {} });
    expect(diagnostics.exact).toBe(false);
    const start = -ncaLossAndGradient(L0, data.X, data.n, 8, 8, data.labels!).loss;
    const end = -ncaLossAndGradient(outcome.L, data.X, data.n, 8, 8, data.labels!).loss;
    expect(end).toBeGreaterThan(start + 5);
    expect(Math.abs(end - outcome.objectiveTrace[outcome.objectiveTrace.length - 1]!)).toBeLessThan(1e-3);
    for (const s of diagnostics.staleness) expect(s).toBeLessThan(1);
  });
});

describe('resolveInit', () => {
  it("follows scikit-learn's documented 'auto' rule", () => {
    expect(resolveInit('auto', 2, 10, 100, 3)).toBe('lda'); // k ≤ min(d, C − 1)
    expect(resolveInit('auto', 3, 10, 100, 3)).toBe('pca'); // k < min(d, n)
    expect(resolveInit('auto', 10, 10, 100, 3)).toBe('identity');
    expect(resolveInit('auto', 5, 10, 4, 3)).toBe('identity'); // k ≥ n
    expect(resolveInit('random', 2, 10, 100, 3)).toBe('random');
  });
});

describe('ncaLearner', () => {
  const data = gaussianClasses(60, 4, 3, 5);

  it('returns L of shape (k, d) and improves the objective from every init', () => {
    for (const init of ['auto', 'pca', 'lda', 'identity', 'random'] as const) {
      const components = init === 'lda' ? 2 : 3;
      const out = ncaLearner.fit(data, defaults({ init, components }), { seed: 1, hooks: {} });
      expect(out.nComponents).toBe(components);
      expect(out.L).toHaveLength(components * 4);
      expect(out.iterations).toBeGreaterThan(0);
      expect(out.objectiveTrace).toHaveLength(out.iterations);
      expect(out.objectiveTrace[out.objectiveTrace.length - 1]!).toBeGreaterThanOrEqual(out.objectiveTrace[0]!);
    }
  });

  it('keeps every feature when components is null', () => {
    const out = ncaLearner.fit(data, defaults(), { seed: 0, hooks: {} });
    expect(out.nComponents).toBe(4);
    expect(out.L).toHaveLength(16);
  });

  it('is deterministic: the same seed gives a bitwise-identical L (random init)', () => {
    const a = ncaLearner.fit(data, defaults({ init: 'random' }), { seed: 42, hooks: {} });
    const b = ncaLearner.fit(data, defaults({ init: 'random' }), { seed: 42, hooks: {} });
    const c = ncaLearner.fit(data, defaults({ init: 'random' }), { seed: 43, hooks: {} });
    expect(Array.from(a.L)).toEqual(Array.from(b.L));
    expect(Array.from(a.L)).not.toEqual(Array.from(c.L));
  });

  it('reports every iteration through onIteration and never prints', () => {
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const seen: number[] = [];
    const out = ncaLearner.fit(data, defaults({ tol: 0, maxIter: 7 }), {
      seed: 0,
      hooks: { onIteration: (p) => seen.push(p.iteration) },
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7].slice(0, out.iterations));
    expect(out.iterations).toBe(7);
    expect(out.converged).toBe(false);
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    log.mockRestore();
    warn.mockRestore();
  });

  it('stops within one iteration once shouldStop is true, with converged false', () => {
    let calls = 0;
    const out = ncaLearner.fit(data, defaults({ tol: 0 }), {
      seed: 0,
      hooks: { onIteration: () => calls++, shouldStop: () => calls >= 2 },
    });
    expect(out.iterations).toBe(2);
    expect(out.converged).toBe(false);
    const immediate = ncaLearner.fit(data, defaults(), { seed: 0, hooks: { shouldStop: () => true } });
    expect(immediate.iterations).toBe(0);
    expect(Array.from(immediate.L)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('declares and validates its parameters with messages that name the rule', () => {
    expect(defaults()).toEqual({ components: null, init: 'auto', maxIter: 50, tol: 1e-5 });
    expect(() => defaults({ maxIter: 0 })).toThrow("nca: parameter 'maxIter' must be an integer ≥ 1, got 0.");
    expect(() => defaults({ init: 'svd' })).toThrow(
      "nca: parameter 'init' must be one of 'auto', 'pca', 'lda', 'identity', 'random', got \"svd\".",
    );
    expect(() => defaults({ tol: -1 })).toThrow("nca: parameter 'tol' must be a finite number ≥ 0, got -1.");
  });

  it('rejects components above the dimension, lda beyond C − 1 and missing labels', () => {
    expect(() => ncaLearner.fit(data, defaults({ components: 5 }), { seed: 0, hooks: {} })).toThrow(
      "nca: parameter 'components' (5) cannot be greater than the number of features after preprocessing (4).",
    );
    expect(() => ncaLearner.fit(data, defaults({ components: 3, init: 'lda' }), { seed: 0, hooks: {} })).toThrow(
      "nca: init 'lda' gives at most min(features, classes − 1) = 2 components, but 'components' is 3.",
    );
    expect(() => ncaLearner.fit({ ...data, labels: null }, defaults(), { seed: 0, hooks: {} })).toThrow(
      'nca learns from class labels, but none were given.',
    );
  });
});

describe('nca accuracy (5-fold stratified CV, z-score, 3-NN)', () => {
  // REFERENCE.md (the reference figures in the project brief): scikit-learn NCA reaches 96.0 % on iris and 97.7 % on wine; the bar is −1.5 points.
  it('reaches the reference accuracy on iris and wine', () => {
    const iris = evaluateMethod(sampleDataset('iris'), { method: 'nca' });
    const wine = evaluateMethod(sampleDataset('wine'), { method: 'nca' });
    expect(iris.accuracy!.mean).toBeGreaterThanOrEqual(0.96 - 0.015);
    expect(wine.accuracy!.mean).toBeGreaterThanOrEqual(0.977 - 0.015);
  });
});

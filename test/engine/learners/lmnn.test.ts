import { describe, expect, it, vi } from 'vitest';
import type { TrainingData } from '../../../shared/engine/learner.ts';
import {
  ActiveSetLmnnObjective,
  fitLmnn,
  lmnnLearner,
  lmnnLossAndGradient,
} from '../../../shared/engine/learners/lmnn.ts';
import { ImpostorReach, selectImpostors, selectTargets } from '../../../shared/engine/learners/lmnn-neighbours.ts';
import { evaluateMethod } from '../../../shared/engine/evaluation/evaluate.ts';
import { validateParams } from '../../../shared/engine/params.ts';
import { embedInto, transposeInto } from '../../../shared/math/dense/row-products.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { scheduledProducts } from '../scheduled-products.ts';
import { gaussianClasses, randomL, relativeError, sampleDataset } from '../fixtures.ts';

function identityL(d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let r = 0; r < d; r++) L[r * d + r] = 1;
  return L;
}

/** Smallest |1 + d_ij − d_il| over all triplets: the distance to the nearest kink of the hinge. */
function nearestKink(data: TrainingData, L: Float64Array, k: number, targets: { start: Int32Array; index: Int32Array }): number {
  const Z = new Float64Array(data.n * k);
  embedInto(data.X, data.n, data.d, L, k, Z);
  const dist = (a: number, b: number) => {
    let s = 0;
    for (let r = 0; r < k; r++) s += (Z[a * k + r]! - Z[b * k + r]!) ** 2;
    return s;
  };
  let m = Infinity;
  for (let i = 0; i < data.n; i++) {
    for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) {
      const dij = dist(i, targets.index[t]!);
      for (let l = 0; l < data.n; l++) if (data.labels![l] !== data.labels![i]) m = Math.min(m, Math.abs(1 + dij - dist(i, l)));
    }
  }
  return m;
}

const defaults = (raw: Record<string, unknown> = {}) => validateParams('lmnn', lmnnLearner.params, raw);

describe('selectTargets', () => {
  it('picks the k nearest rows of the same class, nearest first, ties by lower index', () => {
    // 1-D: class 0 at 0, 1, 2, 4 and class 1 at 0.5, 3.
    const X = Float64Array.of(0, 1, 2, 4, 0.5, 3);
    const labels = Int32Array.of(0, 0, 0, 0, 1, 1);
    const t = selectTargets(X, 6, 1, labels, 2);
    const of = (i: number) => Array.from(t.index.subarray(t.start[i]!, t.start[i + 1]!));
    expect(of(0)).toEqual([1, 2]);
    expect(of(1)).toEqual([0, 2]); // 0 and 2 tie at distance 1: lower index first
    expect(of(3)).toEqual([2, 1]);
    expect(of(4)).toEqual([5]); // a class of 2 rows gives 1 target each
    expect(of(5)).toEqual([4]);
  });
});

describe('lmnnLossAndGradient (exact)', () => {
  it('has the closed form (1 − μ)·2a² + μ·2(1 + ¾a²) on a 1-D toy problem', () => {
    // Class 0 at 0 and 1 (each other's target), class 1 at 0.5 (no classmates): with L = [a], d_01 = a² and the
    // impostor sits a²/4 from both anchors, so both triplets are active with hinge 1 + a² − a²/4.
    const X = Float64Array.of(0, 1, 0.5);
    const labels = Int32Array.of(0, 0, 1);
    const targets = selectTargets(X, 3, 1, labels, 1);
    for (const [a, mu] of [[0.3, 0.5], [1.7, 0.5], [0.9, 0.2]] as const) {
      const { loss, gradient } = lmnnLossAndGradient(Float64Array.of(a), X, 3, 1, 1, labels, targets, mu);
      expect(loss).toBeCloseTo((1 - mu) * 2 * a * a + mu * 2 * (1 + 0.75 * a * a), 12);
      // d/da of the same expression: 4(1 − μ)a + 3μa.
      expect(gradient[0]).toBeCloseTo(4 * (1 - mu) * a + 3 * mu * a, 12);
    }
  });

  it('matches central finite differences at a point away from every kink', () => {
    const data = gaussianClasses(30, 4, 3, 13, 1);
    const targets = selectTargets(data.X, data.n, data.d, data.labels!, 3);
    const L = randomL(3, 4, 4, 0.7);
    expect(nearestKink(data, L, 3, targets)).toBeGreaterThan(1e-4);
    const { gradient, loss } = lmnnLossAndGradient(L, data.X, data.n, data.d, 3, data.labels!, targets, 0.5);
    expect(loss).toBeGreaterThan(0);
    const h = 1e-7;
    const numeric = new Float64Array(L.length);
    for (let t = 0; t < L.length; t++) {
      const plus = Float64Array.from(L);
      const minus = Float64Array.from(L);
      plus[t]! += h;
      minus[t]! -= h;
      const f = (M: Float64Array) => lmnnLossAndGradient(M, data.X, data.n, data.d, 3, data.labels!, targets, 0.5).loss;
      numeric[t] = (f(plus) - f(minus)) / (2 * h);
    }
    expect(relativeError(gradient, numeric)).toBeLessThan(1e-6);
  });
});

describe('active impostor set', () => {
  const data = gaussianClasses(90, 5, 3, 7, 1.2);
  const targets = selectTargets(data.X, data.n, data.d, data.labels!, 3);
  const Xt = new Float64Array(data.n * data.d);
  transposeInto(data.X, data.n, data.d, Xt);
  const embed = (L: Float64Array) => {
    const Z = new Float64Array(data.n * 5);
    embedInto(data.X, data.n, data.d, L, 5, Z);
    return Z;
  };

  it('equals the exact loss and gradient at the point where the impostors were selected', () => {
    const L = randomL(5, 5, 2, 0.6);
    const { impostors } = selectImpostors(embed(L), data.n, 5, data.labels!, targets, 0.5);
    expect(impostors.index.length).toBeLessThan(data.n * 60); // fewer than every other-class row
    const objective = new ActiveSetLmnnObjective(data.X, Xt, data.n, data.d, 5, targets, impostors, 0.5);
    const gradient = new Float64Array(25);
    const loss = objective.evaluate(L, gradient);
    const exact = lmnnLossAndGradient(L, data.X, data.n, data.d, 5, data.labels!, targets, 0.5);
    expect(objective.activeTriplets).toBeGreaterThan(0);
    expect(loss).toBeCloseTo(exact.loss, 9);
    expect(relativeError(gradient, exact.gradient)).toBeLessThan(1e-12);
  });

  it('re-selects through old reach lists exactly as a fresh selection would, for small and large moves', () => {
    const L1 = randomL(5, 5, 2, 0.6);
    const reach = new ImpostorReach(data.n, 5, data.labels!);
    reach.reset(embed(L1), targets);
    const sorted = (lists: { start: Int32Array; index: Int32Array }) =>
      Array.from({ length: data.n }, (_, i) => Array.from(lists.index.subarray(lists.start[i]!, lists.start[i + 1]!)).sort((a, b) => a - b));
    const small = Float64Array.from(L1, (v, t) => v * 1.02 + 0.01 * Math.cos(t));
    const large = randomL(5, 5, 3, 0.9);
    for (const L2 of [small, large]) {
      const viaReach = selectImpostors(embed(L2), data.n, 5, data.labels!, targets, 0.5, reach);
      const fresh = selectImpostors(embed(L2), data.n, 5, data.labels!, targets, 0.5);
      expect(sorted(viaReach.impostors)).toEqual(sorted(fresh.impostors));
      // A small move keeps every row on its list, and the bound spares most of the 90 × 60 other-class pairs.
      if (L2 === small) {
        expect(viaReach.fullRows).toBe(0);
        expect(viaReach.exact).toBeLessThan((data.n * 60) / 2);
      }
      else expect(viaReach.fullRows).toBeGreaterThan(0); // moved too far: some rows fell back to a full scan
    }
  });

  it('stays exact when reach lists are cut at their 2048 nearest rows', () => {
    // 2400 points in the unit square, 10 classes: every row has ~2160 other-class rows inside its cap.
    const rng = createRng(4);
    const n = 2400;
    const X = Float64Array.from({ length: n * 2 }, () => rng.next());
    const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
    const t = selectTargets(X, n, 2, labels, 3);
    const reach = new ImpostorReach(n, 2, labels);
    reach.reset(X, t);
    expect(reach.index.length).toBeLessThanOrEqual(n * 2048);
    const Z = Float64Array.from(X, (v, q) => v * (q % 2 ? 1.1 : 0.95));
    const { impostors } = selectImpostors(Z, n, 2, labels, t, 0.5, reach);
    // Brute force: other-class rows within (1 + η)·(max target distance + 1).
    for (const i of [0, 17, 1234, n - 1]) {
      let far = 0;
      for (let q = t.start[i]!; q < t.start[i + 1]!; q++) {
        const j = t.index[q]!;
        far = Math.max(far, (Z[2 * i]! - Z[2 * j]!) ** 2 + (Z[2 * i + 1]! - Z[2 * j + 1]!) ** 2);
      }
      const radius = 1.5 * (far + 1);
      const expected: number[] = [];
      for (let l = 0; l < n; l++) {
        if (labels[l] === labels[i]) continue;
        if ((Z[2 * i]! - Z[2 * l]!) ** 2 + (Z[2 * i + 1]! - Z[2 * l + 1]!) ** 2 < radius) expected.push(l);
      }
      expect(Array.from(impostors.index.subarray(impostors.start[i]!, impostors.start[i + 1]!)).sort((a, b) => a - b)).toEqual(expected);
    }
  });

  it('measures staleness as exactly the hinge loss the old lists miss after L moved', () => {
    const L1 = randomL(5, 5, 2, 0.6);
    const L2 = randomL(5, 5, 3, 0.6);
    const first = selectImpostors(embed(L1), data.n, 5, data.labels!, targets, 0.5).impostors;
    const second = selectImpostors(embed(L2), data.n, 5, data.labels!, targets, 0.5, undefined, first);
    const stale = new ActiveSetLmnnObjective(data.X, Xt, data.n, data.d, 5, targets, first, 0.5);
    const missed = lmnnLossAndGradient(L2, data.X, data.n, data.d, 5, data.labels!, targets, 0.5).loss - stale.evaluate(L2, new Float64Array(25));
    expect(second.staleness).toBeGreaterThan(0);
    expect(second.staleness).toBeCloseTo(missed, 6);
  });
});

describe('fitLmnn', () => {
  it('lowers the exact loss and ends on fresh impostor lists (converged)', () => {
    const data = gaussianClasses(120, 6, 3, 19, 1);
    const targets = selectTargets(data.X, data.n, data.d, data.labels!, 3);
    const L0 = identityL(6);
    const { outcome, diagnostics } = fitLmnn({ X: data.X, n: data.n, d: data.d, labels: data.labels!, targets, k: 6 }, L0, { mu: 0.5, maxIter: 300, tol: 1e-6, hooks: {} });
    const before = lmnnLossAndGradient(L0, data.X, data.n, data.d, 6, data.labels!, targets, 0.5).loss;
    const after = lmnnLossAndGradient(outcome.L, data.X, data.n, data.d, 6, data.labels!, targets, 0.5).loss;
    expect(outcome.converged).toBe(true);
    expect(after).toBeLessThan(0.75 * before);
    // The reported objective is the exact loss at the returned L (the last lists were fresh).
    expect(outcome.objectiveTrace[outcome.objectiveTrace.length - 1]!).toBeCloseTo(after, 6);
    expect(diagnostics.refreshes).toBeGreaterThan(0);
  });
});

describe('fitLmnn over row blocks', () => {
  it("gives the same bits when its passes and products run over a team's row blocks (simulated 2- and 3-thread schedules)", () => {
    // Full rank (k = d) with n > 2d: the gradient's scatter gathers rows of X and takes the upper product XᵀB.
    const data = gaussianClasses(400, 6, 3, 23, 1);
    const targets = selectTargets(data.X, data.n, data.d, data.labels!, 3);
    const problem = { X: data.X, n: data.n, d: data.d, labels: data.labels!, targets, k: 6 };
    const options = { mu: 0.5, maxIter: 25, tol: 1e-6 };
    const alone = fitLmnn(problem, identityL(6), { ...options, hooks: {} });
    expect(alone.diagnostics.refreshes).toBeGreaterThan(1);
    for (const threads of [2, 3]) {
      const products = scheduledProducts(threads);
      const shared = fitLmnn(problem, identityL(6), { ...options, hooks: { products } });
      for (const kernel of ['lmnnImpostors', 'pairDistances', 'pairScatterRows', 'dotRowsUpper', 'dotRows'] as const) expect(products.runs[kernel]).toBeGreaterThan(0);
      expect(Buffer.from(shared.outcome.L.buffer).equals(Buffer.from(alone.outcome.L.buffer))).toBe(true);
      expect(shared.outcome.objectiveTrace).toEqual(alone.outcome.objectiveTrace);
      expect(shared.diagnostics).toEqual(alone.diagnostics);
    }
  });
});

describe('lmnnLearner', () => {
  const data = gaussianClasses(60, 4, 3, 5);

  it('returns L of shape (components, d) from every init', () => {
    for (const init of ['auto', 'pca', 'lda', 'identity', 'random'] as const) {
      const components = init === 'lda' ? 2 : 3;
      const out = lmnnLearner.fit(data, defaults({ init, components }), { seed: 1, hooks: {} });
      expect(out.nComponents).toBe(components);
      expect(out.L).toHaveLength(components * 4);
      expect(out.objectiveTrace).toHaveLength(out.iterations);
      expect(out.objectiveTrace[out.objectiveTrace.length - 1]!).toBeLessThanOrEqual(out.objectiveTrace[0]!);
    }
  });

  it('is deterministic: the same seed gives a bitwise-identical L', () => {
    const a = lmnnLearner.fit(data, defaults({ init: 'random' }), { seed: 7, hooks: {} });
    const b = lmnnLearner.fit(data, defaults({ init: 'random' }), { seed: 7, hooks: {} });
    expect(Array.from(a.L)).toEqual(Array.from(b.L));
  });

  it('reports iterations through onIteration, stops on shouldStop, and never prints', () => {
    const log = vi.spyOn(console, 'log');
    const seen: number[] = [];
    const out = lmnnLearner.fit(data, defaults({ tol: 0, maxIter: 5 }), { seed: 0, hooks: { onIteration: (p) => seen.push(p.iteration) } });
    expect(seen).toEqual([1, 2, 3, 4, 5].slice(0, out.iterations));
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
    let calls = 0;
    const stopped = lmnnLearner.fit(data, defaults({ tol: 0 }), { seed: 0, hooks: { onIteration: () => calls++, shouldStop: () => calls >= 3 } });
    expect(stopped.iterations).toBe(3);
    expect(stopped.converged).toBe(false);
  });

  it('declares and validates its parameters', () => {
    expect(defaults()).toEqual({ k: 3, components: null, init: 'auto', mu: 0.5, maxIter: 200, tol: 1e-3 });
    expect(() => defaults({ k: 0 })).toThrow("lmnn: parameter 'k' must be an integer ≥ 1, got 0.");
    expect(() => defaults({ mu: 1.5 })).toThrow("lmnn: parameter 'mu' must be a finite number ≥ 0 ≤ 1, got 1.5.");
    expect(() => lmnnLearner.fit(data, defaults({ components: 9 }), { seed: 0, hooks: {} })).toThrow(
      "lmnn: parameter 'components' (9) cannot be greater than the number of features after preprocessing (4).",
    );
    expect(() => lmnnLearner.fit({ ...data, labels: null }, defaults(), { seed: 0, hooks: {} })).toThrow(
      'lmnn learns from class labels, but none were given.',
    );
    const singletons: TrainingData = { X: Float64Array.of(0, 1, 2), n: 3, d: 1, labels: Int32Array.of(0, 1, 2), nClasses: 3, pairs: null };
    expect(() => lmnnLearner.fit(singletons, defaults(), { seed: 0, hooks: {} })).toThrow(
      'lmnn needs at least one class with 2 or more training rows to choose target neighbours.',
    );
  });
});

describe('lmnn accuracy (5-fold stratified CV, z-score, 3-NN)', () => {
  // REFERENCE.md (the reference figures in the project brief): metric-learn's LMNN reaches 94.0 % on iris and 98.3 % on wine; the bar is −1.5 points.
  it('reaches the reference accuracy on iris and wine', () => {
    expect(evaluateMethod(sampleDataset('iris'), { method: 'lmnn' }).accuracy!.mean).toBeGreaterThanOrEqual(0.94 - 0.015);
    expect(evaluateMethod(sampleDataset('wine'), { method: 'lmnn' }).accuracy!.mean).toBeGreaterThanOrEqual(0.983 - 0.015);
  });
});

/**
 * Issue 12: NCA reaches scikit-learn's optimum (minus 0.5 % of n) and says honestly when it did not.
 *
 * Golden figures: scikit-learn 1.2 (Debian python3-sklearn) NeighborhoodComponentsAnalysis(init='auto',
 * max_iter=50, tol=1e-5, random_state=0), i.e. our defaults, fitted on the whole file, computed here with
 *
 *   /usr/bin/python3 bench/reference/nca_sklearn.py
 *   node --import tsx bench/reference/write-apples.ts /tmp/apples.csv && /usr/bin/python3 bench/reference/nca_sklearn.py apples=/tmp/apples.csv
 *
 * which z-scores the samples as shared/engine/preprocess.ts does (mean, population std) and fits the built-to-saturate
 * fixture (test/fixtures/nca-saturating.csv, from bench/reference/make-nca-saturating.ts) without preprocessing. The
 * objective is Σ_i p_i at scikit-learn's components_ (printed to 4 decimals):
 *
 *   iris 149.0000 (16 iterations, max |L| 197.8: scikit-learn saturates here) · wine 177.9973 (9) ·
 *   breast_cancer 562.9967 (13) · digits 1779.9845 (14) · apples (generateApples() defaults) 299.9972 (15) ·
 *   nca-saturating 119.8069 (19)
 *
 * and, from the same script with scikit-learn 1.2.1 (/usr/bin/python3 bench/reference/nca_sklearn.py nca-threshold
 * iris-petal): nca-threshold (test/fixtures/nca-threshold.csv, 214 rows, just above EXACT_BELOW; written by
 * bench/reference/make-nca-threshold.ts) 163.9984 (38), iris-petal (iris's last two columns) 146.3325 (15).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../../shared/domain/dataset.ts';
import { fitMetric } from '../../../shared/engine/fit.ts';
import { fitNca, ncaLossAndGradient, ncaSaturated, SATURATED_FRACTION } from '../../../shared/engine/learners/nca.ts';
import { applyPreprocessing, fitPreprocessing } from '../../../shared/engine/preprocess.ts';
import type { PreprocessKind } from '../../../shared/domain/learned-metric.ts';
import { LbfgsState, maxAbs, relativeReduction } from '../../../shared/math/optimisation/lbfgs.ts';
import { generateApples } from '../../../shared/samples/apples.ts';
import { csvDataset, sampleDataset } from '../fixtures.ts';

const SKLEARN_OBJECTIVE = {
  iris: 149.0,
  wine: 177.9973,
  breast_cancer: 562.9967,
  digits: 1779.9845,
  apples: 299.9972,
  'nca-saturating': 119.8069,
  'nca-threshold': 163.9984,
  'iris-petal': 146.3325,
} as const;

function thresholdFixture(): DatasetMatrix {
  return csvDataset(join(import.meta.dirname, '..', '..', 'fixtures', 'nca-threshold.csv'));
}

/** Iris's petal length and width only (its last two columns). */
function irisPetal(): DatasetMatrix {
  const iris = sampleDataset('iris');
  const features = new Float64Array(iris.nRows * 2);
  for (let i = 0; i < iris.nRows; i++) features.set(iris.features.subarray(i * iris.nFeatures + 2, i * iris.nFeatures + 4), i * 2);
  return { ...iris, nFeatures: 2, features, featureNames: iris.featureNames.slice(2) };
}

function saturatingFixture(): DatasetMatrix {
  return csvDataset(join(import.meta.dirname, '..', '..', 'fixtures', 'nca-saturating.csv'));
}

/** The data as the learner sees it, and the exact Σ p_i and gradient at L. */
function exactAt(data: DatasetMatrix, preprocess: PreprocessKind) {
  const pre = fitPreprocessing(data.features, data.nRows, data.nFeatures, preprocess);
  const X = applyPreprocessing(pre, data.features, data.nRows);
  const d = pre.kept.length;
  return {
    X,
    d,
    at: (L: Float64Array, k: number) => {
      const r = ncaLossAndGradient(L, X, data.nRows, d, k, data.labels!);
      return { objective: -r.loss, gradientMax: maxAbs(r.gradient) };
    },
  };
}

const identity = (d: number) => {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) L[i * d + i] = 1;
  return L;
};

describe("nca reaches scikit-learn's objective (− 0.5 % of n) with an honest stop reason", () => {
  const cases: Array<[keyof typeof SKLEARN_OBJECTIVE, () => DatasetMatrix, PreprocessKind]> = [
    ['iris', () => sampleDataset('iris'), 'zscore'],
    ['wine', () => sampleDataset('wine'), 'zscore'],
    ['breast_cancer', () => sampleDataset('breast_cancer'), 'zscore'],
    ['digits', () => sampleDataset('digits'), 'zscore'],
    ['apples', () => generateApples(), 'zscore'],
    ['nca-saturating', saturatingFixture, 'none'],
    ['nca-threshold', thresholdFixture, 'zscore'],
    ['iris-petal', irisPetal, 'zscore'],
  ];
  for (const [name, load, preprocess] of cases) {
    it(`${name}: Σ p_i ≥ scikit-learn's ${SKLEARN_OBJECTIVE[name]} − 0.5 % of n, converged only where the tolerance was met`, () => {
      const data = load();
      const metric = fitMetric(data, { method: 'nca', preprocess });
      const { objective, gradientMax } = exactAt(data, preprocess).at(metric.L, metric.nComponents);
      expect(objective).toBeGreaterThanOrEqual(SKLEARN_OBJECTIVE[name] - 0.005 * data.nRows);
      // The stored objective is the one at the returned L (the truncated softmax leaves out < 10⁻³ of it).
      expect(metric.summary.objective!).toBeCloseTo(objective, 3);
      const { converged, stopReason, objectiveTrace: trace } = metric.summary;
      expect(converged).toBe(stopReason === 'tolerance');
      if (converged) {
        // The tolerance test (tol = 1e-5) really held at the end: the last step's relative gain or the gradient.
        const lastGain = trace.length >= 2 ? relativeReduction(-trace[trace.length - 2]!, -trace[trace.length - 1]!) : 0;
        expect(lastGain <= 1e-5 || gradientMax <= 1e-5).toBe(true);
      }
      expect(stopReason).not.toBe('saturated');
    });
  }
});

describe('nca just above the exact/truncated threshold: the tolerance verdict holds on the exact objective', () => {
  it('nca-threshold (214 rows): converged, and a fresh L-BFGS step on the exact objective gains no more than the tolerance', () => {
    const data = thresholdFixture();
    const metric = fitMetric(data, { method: 'nca', preprocess: 'zscore' });
    expect(metric.summary.stopReason).toBe('tolerance');
    const { X, d } = exactAt(data, 'zscore');
    const k = metric.nComponents;
    const exact = (L: Float64Array, g: Float64Array) => {
      const r = ncaLossAndGradient(L, X, data.nRows, d, k, data.labels!);
      g.set(r.gradient);
      return r.loss;
    };
    // The truncated path used to stop here at Σ p_i = 161.91 with max |∇| = 1.93: one fresh step gained 0.07.
    const gradient = new Float64Array(k * d);
    const before = exact(metric.L, gradient);
    const fresh = new LbfgsState(exact, metric.L).step(); // one step from a fresh L-BFGS memory
    expect(maxAbs(gradient) <= 1e-5 || relativeReduction(before, fresh.value) <= 1e-5).toBe(true);
  });
});

describe('nca saturation: the failure issue 12 reports, and the safeguards that prevent it', () => {
  it('iris: an unbounded line search blows L up until the softmax is one-hot; that is reported as saturated, not converged', () => {
    const data = sampleDataset('iris');
    const { X, d, at } = exactAt(data, 'zscore');
    const problem = { X, n: data.nRows, d, labels: data.labels!, k: d };
    const unsafe = fitNca(problem, identity(d), { maxIter: 50, tol: 1e-5, hooks: {}, maxStepRatio: Number.POSITIVE_INFINITY, maxRescales: 0 });
    expect(unsafe.outcome.stopReason).toBe('saturated');
    expect(unsafe.outcome.converged).toBe(false);
    expect(Math.max(...Array.from(unsafe.outcome.L, Math.abs))).toBeGreaterThan(100); // the blown-up scale
    const safe = fitNca(problem, identity(d), { maxIter: 50, tol: 1e-5, hooks: {} });
    expect(safe.outcome.stopReason).toBe('tolerance');
    expect(at(safe.outcome.L, d).objective).toBeGreaterThan(at(unsafe.outcome.L, d).objective + 0.5);
    expect(Math.max(...Array.from(safe.outcome.L, Math.abs))).toBeLessThan(100);
  });

  it('the built-to-saturate fixture: one-hot at the start; the rescaling restart escapes, without it the run is saturated', () => {
    const data = saturatingFixture();
    const { X, d, at } = exactAt(data, 'none');
    const n = data.nRows;
    const problem = { X, n, d, labels: data.labels!, k: d };
    const L0 = identity(d);
    const start = at(L0, d).objective;
    const stuck = fitNca(problem, L0, { maxIter: 50, tol: 1e-5, hooks: {}, maxRescales: 0 });
    expect(stuck.outcome.stopReason).toBe('saturated');
    expect(stuck.outcome.converged).toBe(false);
    const escaped = fitNca(problem, L0, { maxIter: 50, tol: 1e-5, hooks: {} });
    expect(escaped.diagnostics.rescales.length).toBeGreaterThanOrEqual(1);
    // Past the escape the run climbs on (Σ p_i 135 at the 50-iteration limit, 139 by 62): it ends there, not saturated.
    expect(escaped.outcome.stopReason).toBe('maxIter');
    const reached = at(escaped.outcome.L, d).objective;
    expect(reached).toBeGreaterThan(at(stuck.outcome.L, d).objective + 5);
    expect(reached).toBeGreaterThan(start + 10);
    expect(reached).toBeGreaterThanOrEqual(SKLEARN_OBJECTIVE['nca-saturating'] - 0.005 * n);
  });

  it('ncaSaturated needs the one-hot rows and an objective below n − ½', () => {
    const n = 200;
    expect(ncaSaturated(Math.ceil(SATURATED_FRACTION * n), 150, n)).toBe(true);
    expect(ncaSaturated(Math.ceil(SATURATED_FRACTION * n) - 1, 150, n)).toBe(false);
    expect(ncaSaturated(n, n - 0.4, n)).toBe(false); // every row one-hot on a same-class neighbour: the optimum
    expect(ncaSaturated(n, n - 0.6, n)).toBe(true);
  });
});

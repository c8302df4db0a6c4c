/**
 * SDML, Sparse Determinant Metric Learning (Qi, Tang, Zha, Hua & Zhang 2009), as metric-learn formulates it:
 *
 *   minimize  tr(M·S) − log det M + λ·Σ_{i≠j} |M_ij|,   S = P⁻¹ + η·K,   K = Σ_pairs y_p·δ_p δ_pᵀ
 *
 * (δ_p = x_i − x_j, y_p = +1 for a must-link and −1 for a cannot-link pair, P the prior: identity, or the inverse
 * covariance of the paired rows; η = `balanceParam`, λ = `sparsityParam`): the LogDet divergence to the prior,
 * plus the must-link spread minus the cannot-link spread, plus an ℓ₁ penalty for sparsity. It is a graphical lasso
 * with S as the "covariance", solved by shared/math/graphical-lasso.ts.
 *
 * When S has an eigenvalue ≤ 0 the problem is unbounded below (M can grow without end along that direction) —
 * that is why metric-learn's SDML fails with its defaults on real data: with 20·C² pairs η = 0.5 makes S
 * indefinite. The rule here: with S_η = C(I + η·C⁻¹KC⁻ᵀ)Cᵀ (P⁻¹ = CCᵀ), η is lowered to the largest value for
 * which every eigenvalue 1 + η·μ of the bracket is ≥ ½ (so M stays within twice the prior in every direction
 * the pairs push apart), and a warning says so. Only if the solver's M is then not positive definite is it
 * shifted to the nearest positive-definite matrix, with a warning. The objective reported is the one minimized
 * (with the η used). Stop reason: `tolerance` when the graphical lasso's duality gap is ≤ `tol`.
 */
import { ValidationError } from '../../errors.ts';
import { lowerTriangularInverse, symmetricEigen, tryCholesky } from '../../math/decompositions/index.ts';
import { graphicalLasso, graphicalLassoObjective } from '../../math/optimisation/index.ts';
import { componentsFromMetric, projectOntoPsdCone } from '../../math/decompositions/index.ts';
import { covarianceMatrix } from '../../math/statistics/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';

export const SDML_PRIORS = ['identity', 'covariance'] as const;
export type SdmlPrior = (typeof SDML_PRIORS)[number];

export const sdmlLearner = defineLearner({
  name: 'sdml',
  title: 'SDML (sparse LogDet)',
  description:
    'Sparse Determinant Metric Learning (Qi et al. 2009): a sparse metric close to a prior in LogDet divergence that shrinks must-link and stretches cannot-link pairs, solved as a graphical lasso.',
  input: 'pairs',
  params: {
    balanceParam: { type: 'float', default: 0.5, min: 0, description: 'η: weight of the pairs against the prior (lowered, with a warning, where it would make the problem unbounded).' },
    sparsityParam: { type: 'float', default: 0.01, min: 0, description: 'λ: ℓ₁ penalty on the off-diagonal entries of M.' },
    prior: { type: 'enum', values: SDML_PRIORS, default: 'identity', description: 'Prior metric P: identity or inverse covariance of the paired rows.' },
    maxIter: { type: 'int', default: 100, min: 1, max: 100000, description: 'Maximum sweeps of the graphical lasso.' },
    tol: { type: 'float', default: 1e-4, min: 0, description: 'Stop when the duality gap of the graphical lasso is at most this.' },
  },
  fit(data, params, { hooks }) {
    return fitSdml(data, params, hooks);
  },
});

export interface SdmlProblem {
  /** S = P⁻¹ + η·K (d, d) with the η used. */
  S: Float64Array;
  /** The η used (≤ balanceParam). */
  balance: number;
  warnings: string[];
}

/** Builds S for the pairs of `data` (see the file comment), lowering η where needed. */
export function sdmlProblem(data: TrainingData, balanceParam: number, prior: SdmlPrior): SdmlProblem {
  const { X, d, pairs } = data;
  if (!pairs || pairs.left.length === 0) throw new ValidationError('sdml learns from pairs, but none were given.');
  if (d < 2) throw new ValidationError(`sdml needs at least 2 features, got ${d}.`);
  const count = pairs.left.length;
  const K = new Float64Array(d * d);
  const delta = new Float64Array(d);
  for (let p = 0; p < count; p++) {
    const i = pairs.left[p]!;
    const j = pairs.right[p]!;
    const y = pairs.similar[p] ? 1 : -1;
    for (let f = 0; f < d; f++) delta[f] = X[i * d + f]! - X[j * d + f]!;
    for (let f = 0; f < d; f++) {
      const a = y * delta[f]!;
      if (a === 0) continue;
      for (let g = 0; g < d; g++) K[f * d + g]! += a * delta[g]!;
    }
  }
  let priorInverse: Float64Array;
  if (prior === 'identity') {
    priorInverse = new Float64Array(d * d);
    for (let f = 0; f < d; f++) priorInverse[f * d + f] = 1;
  } else {
    // metric-learn: the covariance of the paired rows (each occurrence counted) is P⁻¹.
    const P = new Float64Array(2 * count * d);
    for (let p = 0; p < count; p++) {
      P.set(X.subarray(pairs.left[p]! * d, pairs.left[p]! * d + d), 2 * p * d);
      P.set(X.subarray(pairs.right[p]! * d, pairs.right[p]! * d + d), (2 * p + 1) * d);
    }
    priorInverse = covarianceMatrix(P, 2 * count, d, 1);
  }
  const C = tryCholesky(priorInverse, d);
  if (!C) throw new ValidationError("sdml: the covariance of the paired rows is singular, so prior 'covariance' has no inverse; use prior 'identity'.");
  // μ_min: smallest eigenvalue of C⁻¹·K·C⁻ᵀ.
  const Cinv = lowerTriangularInverse(C, d);
  const B = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let p = 0; p <= i; p++) {
        const c = Cinv[i * d + p]!;
        if (c === 0) continue;
        let t = 0;
        for (let q = 0; q <= j; q++) t += K[p * d + q]! * Cinv[j * d + q]!;
        s += c * t;
      }
      B[i * d + j] = s;
    }
  }
  const muMin = symmetricEigen(B, d).values[0]!;
  const warnings: string[] = [];
  let balance = balanceParam;
  if (1 + balance * muMin < 0.5) {
    balance = 0.5 / -muMin;
    warnings.push(
      `sdml: with balanceParam ${balanceParam} the problem is unbounded below on these pairs (the cannot-link spread outweighs the prior); used balance ${balance.toPrecision(3)}, the largest that keeps it well posed.`,
    );
  }
  const S = new Float64Array(d * d);
  for (let t = 0; t < d * d; t++) S[t] = priorInverse[t]! + balance * K[t]!;
  return { S, balance, warnings };
}

/** SDML as in the file comment. */
export function fitSdml(
  data: TrainingData,
  params: { balanceParam: number; sparsityParam: number; prior: SdmlPrior; maxIter: number; tol: number },
  hooks: LearnerHooks,
): FitOutcome {
  const start = performance.now();
  const { d } = data;
  const { S, warnings } = sdmlProblem(data, params.balanceParam, params.prior);
  const trace: number[] = [];
  const result = graphicalLasso(S, d, params.sparsityParam, {
    maxIter: params.maxIter,
    tol: params.tol,
    shouldStop: hooks.shouldStop,
    onSweep: (sweep, _gap, precision) => {
      const objective = graphicalLassoObjective(S, precision, d, params.sparsityParam);
      trace.push(objective);
      hooks.onIteration?.({ iteration: sweep, objective, elapsedMs: performance.now() - start });
    },
  });
  let M = result.precision;
  if (!tryCholesky(M, d) || M.some((v) => !Number.isFinite(v))) {
    M = projectOntoPsdCone(M.map((v) => (Number.isFinite(v) ? v : 0)), d, 1e-10);
    warnings.push('sdml: the graphical lasso did not return a positive-definite metric; it was shifted to the nearest positive-definite one.');
  }
  const objective = graphicalLassoObjective(S, M, d, params.sparsityParam);
  return {
    L: componentsFromMetric(M, d),
    nComponents: d,
    iterations: result.sweeps,
    converged: result.converged,
    stopReason: result.converged ? 'tolerance' : 'maxIter',
    objective,
    // The last sweep's entry is the returned M's objective (they differ only after a last-resort shift).
    objectiveTrace: [...trace.slice(0, -1), objective],
    warnings,
  };
}

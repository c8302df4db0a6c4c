import { symmetricEigenQl } from '../../math/decompositions/index.ts';
import { covarianceMatrix } from '../../math/statistics/index.ts';
import { gramTeam, rotationTeam } from '../math-teams.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';

/**
 * The classic Mahalanobis distance: M = (Σ + λI)⁻¹ with Σ the sample covariance of the training rows
 * (ddof 1) and λ the `regularization` parameter.
 *
 * L is computed from the eigen-decomposition Σ + λI = V·diag(s)·Vᵀ as L = diag(1/√s)·Vᵀ (the whitening map),
 * so LᵀL = V·diag(1/s)·Vᵀ = (Σ + λI)⁻¹ without inverting an ill-conditioned matrix. Directions with
 * s ≤ d·ε·s_max (a singular Σ, e.g. more features than rows) get a zero row: that is the pseudo-inverse, as
 * metric-learn's `Covariance` computes with `pinvh`. Rows are ordered by decreasing 1/s, and each row's entry of
 * largest magnitude is positive (an eigenvector's sign is the solver's choice; this makes L the solver's no more). Cost O(n·d²/2) for the
 * covariance (in row blocks, shared/math/dense/gram-blocks.ts) + ≈ (8/3)·d³ flops and about d² plane rotations of
 * length d for the eigen-decomposition (shared/math/decompositions/tridiagonal-ql.ts, WebAssembly SIMD); with a team of
 * threads (`hooks.products`) the covariance product and the plane rotations are shared out over it, with the same bits.
 */
export const covarianceLearner = defineLearner({
  name: 'covariance',
  title: 'Covariance (inverse covariance)',
  description:
    'Baseline: the classic Mahalanobis distance, M = inverse covariance of the training data (pseudo-inverse when the covariance is singular). Unsupervised.',
  input: 'none',
  params: {
    regularization: {
      type: 'float',
      default: 0,
      min: 0,
      description: 'λ added to the covariance diagonal before inverting (0 = plain inverse / pseudo-inverse).',
    },
  },
  fit(data, params, { hooks }) {
    return fitCovariance(data, params.regularization, hooks);
  },
});

/** The inverse-covariance metric of the file comment, with λ = `lambda` on the covariance diagonal. */
export function fitCovariance(data: TrainingData, lambda: number, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, n, d } = data;
  const cov = covarianceMatrix(X, n, d, 1, gramTeam(hooks.products)); // (d, d)
  for (let f = 0; f < d; f++) cov[f * d + f]! += lambda;
  const { values, vectors } = symmetricEigenQl(cov, d, true, rotationTeam(hooks.products)); // ascending
  const largest = Math.max(values[d - 1]!, 0);
  const cutoff = d * Number.EPSILON * largest;
  const L = new Float64Array(d * d); // (d, d)
  // Ascending eigenvalues of Σ = descending eigenvalues of M, so row r uses eigenvalue r.
  for (let r = 0; r < d; r++) {
    const s = values[r]!;
    if (!(s > cutoff)) continue;
    let pivot = 0;
    for (let f = 1; f < d; f++) if (Math.abs(vectors[f * d + r]!) > Math.abs(vectors[pivot * d + r]!)) pivot = f;
    const w = (vectors[pivot * d + r]! < 0 ? -1 : 1) / Math.sqrt(s);
    for (let f = 0; f < d; f++) L[r * d + f] = w * vectors[f * d + r]!;
  }
  hooks.onIteration?.({ iteration: 1, objective: 0, elapsedMs: performance.now() - start });
  return { L, nComponents: d, iterations: 1, converged: true, stopReason: null, objective: null, objectiveTrace: [0] };
}

import { ValidationError } from '../../errors.ts';
import { cholesky, symmetricEigen } from '../../math/decompositions/index.ts';
import { classScatter } from '../../math/statistics/index.ts';
import { gramTeam } from '../math-teams.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';
import { componentsParam } from '../params.ts';

/**
 * Fisher's linear discriminant analysis as a metric (Fisher 1936; Rao 1948 for C classes). It finds the
 * directions w maximising the Fisher criterion wᵀS_b w / wᵀS_w w, with S_w and S_b the within- and
 * between-class scatter of the training rows (see {@link classScatter}), i.e. the generalized eigenproblem
 * S_b w = λ S_w w. S_w is regularized first, S̃_w = S_w + ρ·(tr S_w / d)·I, so constant or collinear
 * directions are harmless.
 *
 * Solved by whitening with the Cholesky factor S̃_w = R·Rᵀ: W = R⁻ᵀ has WᵀS̃_w W = I and turns the problem into the
 * symmetric eigenproblem of B = WᵀS_b W = (G·W)ᵀ(G·W), S_b = GᵀG with G (C, d) the weighted class-mean offsets. B
 * has rank < C, so its eigenpairs come from the C × C matrix K = (G·W)(G·W)ᵀ: K·u = λ·u gives B·e = λ·e with
 * e = (G·W)ᵀu/√λ. The eigenvectors e of the k largest eigenvalues give L = (W·E)ᵀ (k, d): the generalized
 * eigenvectors with lS̃_wlᵀ = 1, whatever whitening finds them. Then LS̃_wLᵀ = I: distances are measured in units of
 * the (regularized) within-class spread, as scikit-learn's LDA transform does. S_b has rank ≤ C − 1, so k ≤ C − 1;
 * where it has less (collinear class means), the rows past its rank take directions with λ = 0 (an orthonormal
 * completion in the whitened space). Each row's entry of largest magnitude is positive. The objective reported is
 * the sum of the k retained Fisher ratios. Cost O(n·d²/2) for the scatter (in row blocks) + d³/6 multiply-adds for
 * the Cholesky factor + O(C·d²).
 */
export const ldaLearner = defineLearner({
  name: 'lda',
  title: 'LDA (Fisher)',
  description:
    "Baseline: Fisher's linear discriminant analysis (Fisher 1936). Projects onto the at most C − 1 directions that best separate the class means relative to the within-class spread.",
  input: 'labels',
  params: {
    components: componentsParam('Output dimension k ≤ min(features, classes − 1) (null = that maximum).'),
    regularization: {
      type: 'float',
      default: 1e-4,
      min: 0,
      description: 'Shrinkage ρ: ρ·(mean within-class variance) is added to the within-class scatter diagonal.',
    },
  },
  fit(data, params, { hooks }) {
    return fitLda(data, params.components, params.regularization, hooks);
  },
});

/** Fisher LDA as in the file comment: `components` (null = min(d, C − 1)) directions, shrinkage ρ = `rho`. */
export function fitLda(data: TrainingData, components: number | null, rho: number, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, n, d, labels, nClasses } = data;
  if (!labels) throw new ValidationError('lda learns from class labels, but none were given.');
  const { within, betweenFactor: G, classCounts } = classScatter(X, n, d, labels, nClasses, gramTeam(hooks.products));
  let present = 0;
  for (const c of classCounts) if (c > 0) present++;
  const maxK = Math.min(d, present - 1);
  if (maxK < 1) throw new ValidationError(`lda needs at least 2 classes in the training data, got ${present}.`);
  const requested = components;
  if (requested !== null && requested > maxK) {
    throw new ValidationError(
      `lda: parameter 'components' (${requested}) cannot be greater than min(features, classes − 1) = ${maxK}.`,
    );
  }
  const k = requested ?? maxK;
  let traceW = 0;
  for (let f = 0; f < d; f++) traceW += within[f * d + f]!;
  // A tiny absolute floor keeps S̃_w invertible even when ρ = 0 or S_w = 0.
  const shift = rho * (traceW / d) + 1e-12 * Math.max(traceW / d, 1);
  for (let f = 0; f < d; f++) within[f * d + f]! += shift;
  // S̃_w is positive definite by construction (shift > 0); the factor only fails for non-finite data.
  const R = cholesky(within, d); // (d, d) lower triangular: S̃_w = R·Rᵀ
  const C = nClasses;
  const M = new Float64Array(C * d); // (C, d): G·W = G·R⁻ᵀ, row c = R⁻¹·g_c
  for (let c = 0; c < C; c++) forwardSubstitute(R, d, G.subarray(c * d, (c + 1) * d), M.subarray(c * d, (c + 1) * d));
  const K = new Float64Array(C * C); // (C, C): M·Mᵀ
  for (let a = 0; a < C; a++) {
    for (let b = a; b < C; b++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += M[a * d + f]! * M[b * d + f]!;
      K[a * C + b] = s;
      K[b * C + a] = s;
    }
  }
  const eigen = symmetricEigen(K, C); // ascending
  const largest = Math.max(eigen.values[C - 1]!, 0);
  const E = new Float64Array(k * d); // (k, d): row r = unit eigenvector of B for its r-th largest eigenvalue
  let objective = 0;
  let found = 0;
  for (let r = 0; r < k; r++) {
    const j = C - 1 - r;
    const lambda = eigen.values[j]!;
    // Below C·ε·λ_max, λ is rounding noise of a zero eigenvalue: (G·W)ᵀu/√λ would be noise too.
    if (!(lambda > C * Number.EPSILON * largest)) break;
    objective += lambda;
    const e = E.subarray(r * d, (r + 1) * d);
    const scale = 1 / Math.sqrt(lambda);
    for (let c = 0; c < C; c++) {
      const u = eigen.vectors[c * C + j]! * scale;
      if (u === 0) continue;
      for (let f = 0; f < d; f++) e[f]! += u * M[c * d + f]!;
    }
    found++;
  }
  completeOrthonormal(E, found, k, d);
  const L = new Float64Array(k * d); // (k, d): row r = (W·e_r)ᵀ = (R⁻ᵀ·e_r)ᵀ
  for (let r = 0; r < k; r++) {
    const row = L.subarray(r * d, (r + 1) * d);
    backSubstitute(R, d, E.subarray(r * d, (r + 1) * d), row);
    let pivot = 0;
    for (let f = 1; f < d; f++) if (Math.abs(row[f]!) > Math.abs(row[pivot]!)) pivot = f;
    if (row[pivot]! < 0) for (let f = 0; f < d; f++) row[f] = -row[f]!;
  }
  hooks.onIteration?.({ iteration: 1, objective, elapsedMs: performance.now() - start });
  return { L, nComponents: k, iterations: 1, converged: true, stopReason: null, objective, objectiveTrace: [objective] };
}

/** out = R⁻¹·x (d) for the lower-triangular R (d, d): forward substitution on R's contiguous rows. */
function forwardSubstitute(R: Float64Array, d: number, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = x[i]!;
    const row = i * d;
    for (let p = 0; p < i; p++) s -= R[row + p]! * out[p]!;
    out[i] = s / R[row + i]!;
  }
}

/** out = R⁻ᵀ·x (d) for the lower-triangular R (d, d): backward substitution, subtracting along R's contiguous rows. */
function backSubstitute(R: Float64Array, d: number, x: Float64Array, out: Float64Array): void {
  out.set(x);
  for (let i = d - 1; i >= 0; i--) {
    const row = i * d;
    const xi = out[i]! / R[row + i]!;
    out[i] = xi;
    for (let p = 0; p < i; p++) out[p]! -= R[row + p]! * xi;
  }
}

/**
 * Fills rows `from` … k − 1 of E (k, d), whose rows 0 … from − 1 are orthonormal, with unit vectors orthogonal to every
 * row before them: each the standard basis vector with the largest part outside their span (the first such on ties),
 * orthogonalized twice (Gram–Schmidt) and normalized. Deterministic.
 */
function completeOrthonormal(E: Float64Array, from: number, k: number, d: number): void {
  for (let r = from; r < k; r++) {
    let best = 0;
    let bestResidual = -1;
    for (let f = 0; f < d; f++) {
      let inside = 0;
      for (let q = 0; q < r; q++) inside += E[q * d + f]! ** 2;
      if (1 - inside > bestResidual) {
        bestResidual = 1 - inside;
        best = f;
      }
    }
    const e = E.subarray(r * d, (r + 1) * d);
    e.fill(0);
    e[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < r; q++) {
        const other = E.subarray(q * d, (q + 1) * d);
        let s = 0;
        for (let f = 0; f < d; f++) s += other[f]! * e[f]!;
        for (let f = 0; f < d; f++) e[f]! -= s * other[f]!;
      }
    }
    let norm = 0;
    for (let f = 0; f < d; f++) norm += e[f]! * e[f]!;
    const inv = 1 / Math.sqrt(norm);
    for (let f = 0; f < d; f++) e[f]! *= inv;
  }
}

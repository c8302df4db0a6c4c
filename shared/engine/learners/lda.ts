import { ValidationError } from '../../errors.ts';
import { symmetricEigen } from '../../math/decompositions/index.ts';
import { classScatter } from '../../math/statistics/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';
import { componentsParam } from '../params.ts';

/**
 * Fisher's linear discriminant analysis as a metric (Fisher 1936; Rao 1948 for C classes). It finds the
 * directions w maximising the Fisher criterion wᵀS_b w / wᵀS_w w, with S_w and S_b the within- and
 * between-class scatter of the training rows (see {@link classScatter}), i.e. the generalized eigenproblem
 * S_b w = λ S_w w. S_w is regularized first, S̃_w = S_w + ρ·(tr S_w / d)·I, so constant or collinear
 * directions are harmless.
 *
 * Solved by whitening: S̃_w = U·diag(s)·Uᵀ, W = U·diag(1/√s) (so WᵀS̃_w W = I); the eigenvectors E of WᵀS_b W
 * with the k largest eigenvalues give L = (W·E)ᵀ (k, d). Then LS̃_wLᵀ = I: distances are measured in units of the
 * (regularized) within-class spread, as scikit-learn's LDA transform does. S_b has rank ≤ C − 1, so k ≤ C − 1.
 * The objective reported is the sum of the k retained Fisher ratios. Cost O(n·d² + d³).
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
  const { within, between, classCounts } = classScatter(X, n, d, labels, nClasses);
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
  const w = symmetricEigen(within, d);
  const W = new Float64Array(d * d); // (d, d): U·diag(1/√s)
  for (let j = 0; j < d; j++) {
    const s = Math.max(w.values[j]!, shift);
    const scale = 1 / Math.sqrt(s);
    for (let f = 0; f < d; f++) W[f * d + j] = w.vectors[f * d + j]! * scale;
  }
  // B = Wᵀ S_b W (d, d)
  const SbW = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let p = 0; p < d; p++) {
      const a = between[i * d + p]!;
      if (a === 0) continue;
      for (let j = 0; j < d; j++) SbW[i * d + j]! += a * W[p * d + j]!;
    }
  }
  const B = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let i = 0; i < d; i++) {
      const a = W[p * d + i]!;
      if (a === 0) continue;
      for (let j = 0; j < d; j++) B[i * d + j]! += a * SbW[p * d + j]!;
    }
  }
  const e = symmetricEigen(B, d); // ascending
  const L = new Float64Array(k * d); // (k, d): row r = (W·e_{d−1−r})ᵀ
  let objective = 0;
  for (let r = 0; r < k; r++) {
    const j = d - 1 - r;
    objective += Math.max(e.values[j]!, 0);
    for (let f = 0; f < d; f++) {
      let s = 0;
      for (let p = 0; p < d; p++) s += W[f * d + p]! * e.vectors[p * d + j]!;
      L[r * d + f] = s;
    }
    let pivot = 0;
    for (let f = 1; f < d; f++) if (Math.abs(L[r * d + f]!) > Math.abs(L[r * d + pivot]!)) pivot = f;
    if (L[r * d + pivot]! < 0) for (let f = 0; f < d; f++) L[r * d + f] = -L[r * d + f]!;
  }
  hooks.onIteration?.({ iteration: 1, objective, elapsedMs: performance.now() - start });
  return { L, nComponents: k, iterations: 1, converged: true, stopReason: null, objective, objectiveTrace: [objective] };
}

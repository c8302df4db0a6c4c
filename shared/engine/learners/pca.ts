import { topSymmetricEigen } from '../../math/decompositions/index.ts';
import { covarianceMatrix } from '../../math/statistics/index.ts';
import { gramTeam } from '../math-teams.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';
import { componentsParam, componentsUpTo } from '../params.ts';

/**
 * Principal component analysis as a (low-rank) metric: the rows of L are the top `components` eigenvectors of
 * the training covariance Σ (ddof 1), in order of decreasing variance, so d(x, x') is the Euclidean distance
 * after projecting onto the principal subspace. With `whiten`, row j is divided by √λⱼ (unit variance along
 * every component; components with zero variance get a zero row).
 *
 * Signs are fixed deterministically: each row's entry of largest magnitude is positive. The objective reported
 * is the fraction of the variance retained. Unsupervised. Cost O(n·d²/2) for the covariance (in row blocks,
 * shared/math/gram-blocks.ts) + (4/3)·d³ for the tridiagonalisation + O(d²·k) for the k eigenvectors
 * (shared/math/top-eigen.ts: only the k leading eigenpairs are computed).
 */
export const pcaLearner = defineLearner({
  name: 'pca',
  title: 'PCA',
  description:
    'Baseline: principal component analysis (Pearson 1901). Projects onto the directions of largest variance of the training data; low-rank and unsupervised.',
  input: 'none',
  params: {
    components: componentsParam('Output dimension k (null = every feature).'),
    whiten: { type: 'bool', default: false, description: 'Scale each component to unit variance.' },
  },
  fit(data, params, { hooks }) {
    return fitPca(data, params.components, params.whiten, hooks);
  },
});

/** The PCA map of the file comment: the top `components` (null = every) principal directions, whitened when asked. */
export function fitPca(data: TrainingData, components: number | null, whiten: boolean, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, n, d } = data;
  const k = componentsUpTo('pca', components, d);
  const covariance = covarianceMatrix(X, n, d, 1, gramTeam(hooks.products)); // (d, d)
  const { values, vectors } = topSymmetricEigen(covariance, d, k); // largest first; vectors (k, d)
  const largest = k > 0 ? Math.max(values[0]!, 0) : 0;
  const cutoff = d * Number.EPSILON * largest;
  // The total variance is the trace (the sum of every eigenvalue; negative ones are rounding-level).
  let total = 0;
  for (let f = 0; f < d; f++) total += Math.max(covariance[f * d + f]!, 0);
  let retained = 0;
  const L = new Float64Array(k * d); // (k, d)
  for (let r = 0; r < k; r++) {
    const lambda = values[r]!;
    retained += Math.max(lambda, 0);
    const row = r * d;
    let pivot = 0;
    for (let f = 0; f < d; f++) if (Math.abs(vectors[row + f]!) > Math.abs(vectors[row + pivot]!)) pivot = f;
    const sign = vectors[row + pivot]! < 0 ? -1 : 1;
    const scale = whiten ? (lambda > cutoff ? 1 / Math.sqrt(lambda) : 0) : 1;
    for (let f = 0; f < d; f++) L[row + f] = sign * scale * vectors[row + f]!;
  }
  const objective = total > 0 ? retained / total : 1;
  hooks.onIteration?.({ iteration: 1, objective, elapsedMs: performance.now() - start });
  return { L, nComponents: k, iterations: 1, converged: true, stopReason: null, objective, objectiveTrace: [objective] };
}

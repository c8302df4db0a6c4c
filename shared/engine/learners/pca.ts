import { symmetricEigen } from '../../math/decompositions/index.ts';
import { covarianceMatrix } from '../../math/statistics/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';
import { componentsParam, componentsUpTo } from '../params.ts';

/**
 * Principal component analysis as a (low-rank) metric: the rows of L are the top `components` eigenvectors of
 * the training covariance Σ (ddof 1), in order of decreasing variance, so d(x, x') is the Euclidean distance
 * after projecting onto the principal subspace. With `whiten`, row j is divided by √λⱼ (unit variance along
 * every component; components with zero variance get a zero row).
 *
 * Signs are fixed deterministically: each row's entry of largest magnitude is positive. The objective reported
 * is the fraction of the variance retained. Unsupervised. Cost O(n·d² + d³).
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
  const { values, vectors } = symmetricEigen(covarianceMatrix(X, n, d, 1), d); // ascending
  const largest = Math.max(values[d - 1]!, 0);
  const cutoff = d * Number.EPSILON * largest;
  let total = 0;
  for (const v of values) total += Math.max(v, 0);
  let retained = 0;
  const L = new Float64Array(k * d); // (k, d)
  for (let r = 0; r < k; r++) {
    const j = d - 1 - r; // r-th largest eigenvalue
    const lambda = values[j]!;
    retained += Math.max(lambda, 0);
    let pivot = 0;
    for (let f = 0; f < d; f++) if (Math.abs(vectors[f * d + j]!) > Math.abs(vectors[pivot * d + j]!)) pivot = f;
    const sign = vectors[pivot * d + j]! < 0 ? -1 : 1;
    const scale = whiten ? (lambda > cutoff ? 1 / Math.sqrt(lambda) : 0) : 1;
    for (let f = 0; f < d; f++) L[r * d + f] = sign * scale * vectors[f * d + j]!;
  }
  const objective = total > 0 ? retained / total : 1;
  hooks.onIteration?.({ iteration: 1, objective, elapsedMs: performance.now() - start });
  return { L, nComponents: k, iterations: 1, converged: true, stopReason: null, objective, objectiveTrace: [objective] };
}

import { identity } from '../../math/dense.ts';
import type { LearnerDefinition } from '../learner.ts';

/**
 * The Euclidean baseline: L = I, so d(x, x') = ‖z − z'‖ on the preprocessed features. Nothing is learned;
 * it is the reference every learned metric has to beat.
 */
export const euclideanLearner: LearnerDefinition = {
  name: 'euclidean',
  title: 'Euclidean',
  description:
    'Baseline: the identity metric (M = I) on the preprocessed features. Nothing is learned; every other method is compared with it.',
  input: 'none',
  params: {},
  fit(data, _params, { hooks }) {
    const start = performance.now();
    const L = identity(data.d); // (d, d)
    hooks.onIteration?.({ iteration: 1, objective: 0, elapsedMs: performance.now() - start });
    return { L, nComponents: data.d, iterations: 1, converged: true, objectiveTrace: [0] };
  },
};

import { BASELINE_METHOD } from '../../domain/enums.ts';
import { identity } from '../../math/dense/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';

/**
 * The Euclidean baseline: L = I, so d(x, x') = ‖z − z'‖ on the preprocessed features. Nothing is learned;
 * it is the reference every learned metric has to beat.
 */
export function fitEuclidean(data: TrainingData, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const L = identity(data.d); // (d, d)
  hooks.onIteration?.({ iteration: 1, objective: 0, elapsedMs: performance.now() - start });
  return { L, nComponents: data.d, iterations: 1, converged: true, stopReason: null, objective: null, objectiveTrace: [0] };
}

export const euclideanLearner = defineLearner({
  name: BASELINE_METHOD,
  title: 'Euclidean',
  description:
    'Baseline: the identity metric (M = I) on the preprocessed features. Nothing is learned; every other method is compared with it.',
  input: 'none',
  params: {},
  trivialFit: true,
  fit(data, _params, { hooks }) {
    return fitEuclidean(data, hooks);
  },
});

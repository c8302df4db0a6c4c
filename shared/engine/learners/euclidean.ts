import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const euclideanLearner: LearnerDefinition = {
  name: 'euclidean',
  title: 'euclidean',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('euclidean: not implemented yet');
  },
};

import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const pcaLearner: LearnerDefinition = {
  name: 'pca',
  title: 'pca',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('pca: not implemented yet');
  },
};

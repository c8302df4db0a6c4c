import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const covarianceLearner: LearnerDefinition = {
  name: 'covariance',
  title: 'covariance',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('covariance: not implemented yet');
  },
};

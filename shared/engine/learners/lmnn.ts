import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const lmnnLearner: LearnerDefinition = {
  name: 'lmnn',
  title: 'lmnn',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('lmnn: not implemented yet');
  },
};

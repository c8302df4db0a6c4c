import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const ncaLearner: LearnerDefinition = {
  name: 'nca',
  title: 'nca',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('nca: not implemented yet');
  },
};

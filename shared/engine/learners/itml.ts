import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const itmlLearner: LearnerDefinition = {
  name: 'itml',
  title: 'itml',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('itml: not implemented yet');
  },
};

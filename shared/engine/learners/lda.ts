import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const ldaLearner: LearnerDefinition = {
  name: 'lda',
  title: 'lda',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('lda: not implemented yet');
  },
};

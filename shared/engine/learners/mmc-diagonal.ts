import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const mmcDiagonalLearner: LearnerDefinition = {
  name: 'mmc-diagonal',
  title: 'mmc-diagonal',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('mmc-diagonal: not implemented yet');
  },
};

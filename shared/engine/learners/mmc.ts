import type { LearnerDefinition } from '../learner.ts';

// STUB: to be replaced by the real learner.
export const mmcLearner: LearnerDefinition = {
  name: 'mmc',
  title: 'mmc',
  description: 'not implemented yet',
  input: 'labels',
  params: {},
  fit() {
    throw new Error('mmc: not implemented yet');
  },
};

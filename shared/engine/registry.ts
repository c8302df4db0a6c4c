import { ValidationError } from '../errors.ts';
import type { LearnerDefinition } from './learner.ts';
import { covarianceLearner } from './learners/covariance.ts';
import { euclideanLearner } from './learners/euclidean.ts';
import { itmlLearner } from './learners/itml.ts';
import { ldaLearner } from './learners/lda.ts';
import { lfdaLearner } from './learners/lfda.ts';
import { lmnnLearner } from './learners/lmnn.ts';
import { lsmlLearner } from './learners/lsml.ts';
import { mmcDiagonalLearner } from './learners/mmc-diagonal.ts';
import { mlkrLearner } from './learners/mlkr.ts';
import { mmcLearner } from './learners/mmc.ts';
import { ncaLearner } from './learners/nca.ts';
import { pcaLearner } from './learners/pca.ts';
import { rcaLearner } from './learners/rca.ts';
import { scmlLearner } from './learners/scml.ts';
import { sdmlLearner } from './learners/sdml.ts';

/** Every method, in the order the CLI and the UI list them. */
export const LEARNERS: readonly LearnerDefinition[] = [
  euclideanLearner,
  covarianceLearner,
  pcaLearner,
  ldaLearner,
  ncaLearner,
  mmcLearner,
  mmcDiagonalLearner,
  itmlLearner,
  lmnnLearner,
  rcaLearner,
  lfdaLearner,
  sdmlLearner,
  lsmlLearner,
  scmlLearner,
  mlkrLearner,
];

export const METHOD_NAMES = LEARNERS.map((l) => l.name);

/** @throws ValidationError listing the known methods when `name` is not one of them. */
export function getLearner(name: string): LearnerDefinition {
  const learner = LEARNERS.find((l) => l.name === name);
  if (!learner) {
    throw new ValidationError(`Unknown method '${name}'. Known methods: ${METHOD_NAMES.join(', ')}.`);
  }
  return learner;
}

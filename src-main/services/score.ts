/**
 * Held-out test-set scores (`workbench score`, IPC `runs.score`): a metric trained on one dataset, scored on
 * another with the same features (see shared/engine/evaluation/score.ts for the figures).
 *
 * - {@link scoreRun}: the metric of run ID, trained on the run's dataset. A learn run's stored metric is used
 *   bit for bit; an evaluate run (its own, or one method of a compare) stores only cross-validated figures, so
 *   its method is fitted once on the run's whole dataset with the run's parameters, seed, preprocessing and pairs
 *   (deterministic: the same metric `workbench learn` with those settings stores). The score is stored with the
 *   run (table test_scores), replacing an earlier score on the same test set with the same k.
 * - {@link scoreBaseline}: a method (e.g. `euclidean`) fitted on TRAIN with its defaults, scored on TEST;
 *   nothing is stored.
 *
 * Runs in the calling thread (synchronous engine code).
 */
import { DEFAULT_PROTOCOL } from '../../shared/domain/job.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { ScoreReport } from '../../shared/ipc/schemas.ts';
import { checkSameFeatures, scoreOnTestSet, type TestSetScore } from '../../shared/engine/evaluation/score.ts';
import { fitMetric } from '../../shared/engine/fit.ts';
import { checkPreprocessKind } from '../../shared/engine/preprocess.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';
import type { StoredTestScore } from '../storage/test-scores-repository.ts';
import { resolveDataset } from './datasets.ts';
import type { StoredProtocol } from './runs.ts';

/** What `score` returns: the figures plus which metric and datasets they are about. */
export interface ScoreOutcome {
  score: ScoreReport;
  /** The stored record (run scores only). */
  stored: StoredTestScore<TestSetScore> | null;
}

function checkSameData(runId: number, dataset: DatasetDetails, hash: string | null): void {
  if (hash !== null && dataset.contentHash !== hash) {
    throw new ValidationError(
      `Run ${runId} was trained on dataset ${dataset.id} with content hash ${hash.slice(0, 12)}…, but the dataset now has ` +
        `${dataset.contentHash.slice(0, 12)}…; its metric cannot be rebuilt.`,
    );
  }
}

const expandConstraints = (compact: ReadonlyArray<[number, number, 0 | 1]>): PairConstraint[] =>
  compact.map(([i, j, m]) => ({ i, j, kind: m === 1 ? 'must' : 'cannot' }));

/**
 * Scores the metric of run `runId` (trained on the run's dataset) on dataset `testRef` and stores the score with
 * the run. `k` defaults to the run's kNN k (evaluate runs), else 3; the k-means seed is the run's seed.
 * @throws NotFoundError for an unknown run or dataset; ValidationError for a run that is not a succeeded learn or
 *   evaluate run, a training dataset changed since the run, different features, unlabeled data or a bad k.
 */
export function scoreRun(store: Store, runId: number, testRef: string | number, options: { k?: number } = {}): ScoreOutcome {
  const run = store.runs.require(runId);
  if (run.kind !== 'learn' && run.kind !== 'evaluate') {
    const kids = run.kind === 'compare' ? '; score one of its methods (workbench run show ' + runId + ' lists their run ids)' : '';
    throw new ValidationError(`Run ${runId} is a ${run.kind} run; only learn and evaluate runs have a metric to score${kids}.`);
  }
  if (run.status !== 'succeeded') throw new ValidationError(`Run ${runId} has status ${run.status}; only a succeeded run can be scored.`);
  if (run.datasetId === null) throw new ValidationError(`Run ${runId} is not tied to a dataset any more.`);
  const trainInfo = resolveDataset(store, run.datasetId);
  checkSameData(runId, trainInfo, run.datasetHash);
  const testInfo = resolveDataset(store, testRef);
  const protocol = run.protocol as unknown as StoredProtocol | null;
  const train = store.datasets.loadMatrix(trainInfo.id);
  const test = store.datasets.loadMatrix(testInfo.id);
  // Before a possibly long fit: the same check scoreOnTestSet makes.
  checkSameFeatures({ name: trainInfo.name, data: train }, { name: testInfo.name, data: test });
  let metric: LearnedMetric;
  if (run.kind === 'learn') {
    const stored = store.metrics.get(runId);
    if (!stored) throw new ValidationError(`Run ${runId} has no learned metric.`);
    metric = stored;
  } else {
    if (!run.method) throw new ValidationError(`Run ${runId} does not record its method.`);
    metric = fitMetric(train, {
      method: run.method,
      params: run.params,
      seed: run.seed ?? 0,
      preprocess: protocol?.preprocess ?? DEFAULT_PROTOCOL.preprocess,
      ...(protocol?.constraintSource === 'labeled' || protocol?.constraintSource === 'generated'
        ? { constraintSource: protocol.constraintSource }
        : {}),
      ...(protocol?.constraints ? { constraints: expandConstraints(protocol.constraints) } : {}),
      ...(protocol?.pairs !== undefined ? { pairCount: protocol.pairs } : {}),
    });
  }
  const k = options.k ?? protocol?.k ?? DEFAULT_PROTOCOL.k;
  const seed = protocol?.seed ?? run.seed ?? DEFAULT_PROTOCOL.seed;
  const score = scoreOnTestSet(metric, { name: trainInfo.name, data: train }, { name: testInfo.name, data: test }, { k, seed });
  const stored = store.testScores.save(runId, testInfo, k, score);
  return {
    score: {
      ...score,
      runId,
      method: metric.method,
      trainDataset: { id: trainInfo.id, name: trainInfo.name },
      testDataset: { id: testInfo.id, name: testInfo.name },
    },
    stored,
  };
}

/**
 * Fits `method` with its defaults (seed 0 unless given, `preprocess` default zscore) on dataset `trainRef` and
 * scores it on `testRef`; nothing is stored. `k` defaults to 3.
 * @throws NotFoundError / ValidationError as {@link scoreRun} (and for an unknown method or a pair method without pairs).
 */
export function scoreBaseline(
  store: Store,
  method: string,
  trainRef: string | number,
  testRef: string | number,
  options: { k?: number; seed?: number; preprocess?: string; params?: Record<string, unknown> } = {},
): ScoreOutcome {
  const learner = getLearner(method);
  const trainInfo = resolveDataset(store, trainRef);
  const testInfo = resolveDataset(store, testRef);
  const train = store.datasets.loadMatrix(trainInfo.id);
  const test = store.datasets.loadMatrix(testInfo.id);
  checkSameFeatures({ name: trainInfo.name, data: train }, { name: testInfo.name, data: test });
  const seed = options.seed ?? DEFAULT_PROTOCOL.seed;
  const preprocess = checkPreprocessKind(options.preprocess ?? DEFAULT_PROTOCOL.preprocess);
  const metric = fitMetric(train, { method: learner.name, params: options.params ?? {}, seed, preprocess });
  const k = options.k ?? DEFAULT_PROTOCOL.k;
  const score = scoreOnTestSet(metric, { name: trainInfo.name, data: train }, { name: testInfo.name, data: test }, { k, seed });
  return {
    score: {
      ...score,
      runId: null,
      method: learner.name,
      trainDataset: { id: trainInfo.id, name: trainInfo.name },
      testDataset: { id: testInfo.id, name: testInfo.name },
    },
    stored: null,
  };
}

/** The stored test-set scores of a run, oldest first. */
export function listTestScores(store: Store, runId: number): StoredTestScore<TestSetScore>[] {
  store.runs.require(runId);
  return store.testScores.list<TestSetScore>(runId);
}

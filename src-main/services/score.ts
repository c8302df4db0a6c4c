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
 * Everything that reads the store (the run, both datasets, the checks that need no fit) runs on the calling (main)
 * thread and is cheap; the fit and the score run in a worker thread (jobs/score-worker.ts) with progress and cancel
 * (`ScoreCallOptions`). A run's score is stored on this thread, in one transaction, only once the worker succeeded:
 * a refused, failed or cancelled score stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_PROTOCOL } from '../../shared/domain/job.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { ValidationError } from '../../shared/errors.ts';
import { definedFields } from '../../shared/objects.ts';
import type { ScoreReport } from '../../shared/ipc/schemas.ts';
import { checkTestSetInputs, type TestSetScore } from '../../shared/engine/evaluation/score.ts';
import { validateParams } from '../../shared/engine/params.ts';
import { checkPreprocessKind } from '../../shared/engine/preprocess.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import type { ScoreCallOptions, ScoreWorkers } from '../jobs/score-worker.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';
import type { StoredTestScore } from '../storage/test-scores-repository.ts';
import { createAbortables } from './abortables.ts';
import { resolveDataset } from './datasets.ts';
import type { Handler, WorkbenchEvents } from './ports.ts';
import { expandConstraints, type StoredProtocol } from './run-planning.ts';

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

/** A dataset's record and its matrix, named as the score's messages name it. */
function loadNamed(store: Store, info: DatasetDetails) {
  return { ...store.datasets.loadMatrix(info.id), name: info.name };
}

/**
 * Scores the metric of run `runId` (trained on the run's dataset) on dataset `testRef` in a worker and stores the
 * score with the run. `k` defaults to the run's kNN k (evaluate runs), else 3; the k-means seed is the run's seed.
 * @throws NotFoundError for an unknown run or dataset; ValidationError for a run that is not a succeeded learn or
 *   evaluate run, a training dataset changed since the run, different features, unlabeled data or a bad k;
 *   JobCancelledError when `options.signal` aborts it (nothing is stored).
 */
async function scoreRun(
  store: Store,
  scores: ScoreWorkers,
  runId: number,
  testRef: string | number,
  options: { k?: number } & ScoreCallOptions = {},
): Promise<ScoreOutcome> {
  const { k: kOption, ...call } = options;
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
  const k = kOption ?? protocol?.k ?? DEFAULT_PROTOCOL.k;
  const seed = protocol?.seed ?? run.seed ?? DEFAULT_PROTOCOL.seed;
  let metric: LearnedMetric | null = null;
  if (run.kind === 'learn') {
    metric = store.metrics.get(runId);
    if (!metric) throw new ValidationError(`Run ${runId} has no learned metric.`);
  } else if (!run.method) throw new ValidationError(`Run ${runId} does not record its method.`);
  const train = loadNamed(store, trainInfo);
  const test = loadNamed(store, testInfo);
  // Before a possibly long fit: the checks scoreOnTestSet makes on its inputs.
  checkTestSetInputs({ name: train.name, data: train }, { name: test.name, data: test }, k);
  const method = metric?.method ?? getLearner(run.method!).name;
  const score = await scores.score(
    {
      runId,
      metric,
      fit: metric
        ? null
        : {
            method,
            params: run.params,
            seed: run.seed ?? 0,
            preprocess: protocol?.preprocess ?? DEFAULT_PROTOCOL.preprocess,
            ...definedFields({ reduce: protocol?.reduce }),
            ...(protocol?.constraintSource === 'labeled' || protocol?.constraintSource === 'generated'
              ? { constraintSource: protocol.constraintSource }
              : {}),
            ...(protocol?.constraints ? { constraints: expandConstraints(protocol.constraints) } : {}),
            ...(protocol?.comparisons ? { comparisons: protocol.comparisons.map(([x, y, z]) => [x, y, z] as const) } : {}),
            ...(protocol?.job?.derived ? { derived: true } : {}),
            ...(protocol?.pairs !== undefined ? { pairCount: protocol.pairs } : {}),
          },
      train,
      test,
      k,
      seed,
    },
    call,
  );
  const stored = store.testScores.save(runId, testInfo, k, score);
  return { score: report(score, runId, method, trainInfo, testInfo), stored };
}

/**
 * Fits `method` with its defaults (seed 0 unless given, `preprocess` default zscore, PCA first with `reduce`) on dataset `trainRef` and
 * scores it on `testRef`, in a worker; nothing is stored. `k` defaults to 3.
 * @throws NotFoundError / ValidationError as {@link scoreRun} (and for an unknown method or parameter, or a pair
 *   method without pairs); JobCancelledError when `options.signal` aborts it.
 */
async function scoreBaseline(
  store: Store,
  scores: ScoreWorkers,
  method: string,
  trainRef: string | number,
  testRef: string | number,
  options: { k?: number; seed?: number; preprocess?: string; reduce?: number; params?: Record<string, unknown> } & ScoreCallOptions = {},
): Promise<ScoreOutcome> {
  const { k: kOption, seed: seedOption, preprocess: preprocessOption, reduce, params: paramsOption, ...call } = options;
  const learner = getLearner(method);
  const params = validateParams(learner.name, learner.params, paramsOption ?? {});
  const trainInfo = resolveDataset(store, trainRef);
  const testInfo = resolveDataset(store, testRef);
  const seed = seedOption ?? DEFAULT_PROTOCOL.seed;
  const preprocess = checkPreprocessKind(preprocessOption ?? DEFAULT_PROTOCOL.preprocess);
  const k = kOption ?? DEFAULT_PROTOCOL.k;
  const train = loadNamed(store, trainInfo);
  const test = loadNamed(store, testInfo);
  checkTestSetInputs({ name: train.name, data: train }, { name: test.name, data: test }, k);
  const score = await scores.score({ runId: null, metric: null, fit: { method: learner.name, params, seed, preprocess, ...definedFields({ reduce }) }, train, test, k, seed }, call);
  return { score: report(score, null, learner.name, trainInfo, testInfo), stored: null };
}

/** The figures with the run, method and datasets they are about. */
function report(score: TestSetScore, runId: number | null, method: string, train: DatasetDetails, test: DatasetDetails): ScoreReport {
  return {
    ...score,
    runId,
    method,
    trainDataset: { id: train.id, name: train.name },
    testDataset: { id: test.id, name: test.name },
  };
}

export interface ScoresServiceDeps {
  store: Store;
  /** Fits and scores in worker threads; run scores are stored on this thread. */
  scores: ScoreWorkers;
  events: WorkbenchEvents;
}

/** The `runs.score`, `methods.score` and `scores.cancel` channels. */
export function createScoresService({ store, scores, events }: ScoresServiceDeps) {
  /** Scores running now, by score id, so that `scores.cancel` can stop them. */
  const running = createAbortables();

  /** A score's call options: its signal, progress as `score.progress` events under its id, its kNN threads. */
  const scoreCall = <T>(request: { scoreId?: string | undefined; workers?: number | undefined }, work: (call: ScoreCallOptions) => Promise<T>): Promise<T> => {
    const scoreId = request.scoreId ?? randomUUID();
    return running.run(scoreId, (signal) =>
      work({
        signal,
        onProgress: (progress) => events.emit('score.progress', { ...progress, scoreId }),
        ...definedFields({ workers: request.workers }),
      }),
    );
  };

  const run: Handler<'runs.score'> = (request) => {
    const { runId, testDatasetId, k } = request;
    return scoreCall(request, async (call) => {
      const { stored, score } = await scoreRun(store, scores, runId, testDatasetId, { ...definedFields({ k }), ...call });
      return { record: stored!, score };
    });
  };

  const method: Handler<'methods.score'> = (request) => {
    const { method: name, trainDatasetId, testDatasetId, k, seed, preprocess, reduce, params } = request;
    return scoreCall(request, async (call) => ({
      score: (
        await scoreBaseline(store, scores, name, trainDatasetId, testDatasetId, {
          ...definedFields({ k, seed, preprocess, reduce, params }),
          ...call,
        })
      ).score,
    }));
  };

  const cancel: Handler<'scores.cancel'> = ({ scoreId }) => ({ cancelled: running.cancel(scoreId) });

  return { run, method, cancel };
}

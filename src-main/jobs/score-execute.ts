/**
 * What a score worker computes: the metric of a {@link ScoreTask} (fitted on the training dataset first when the task
 * asks for it) scored on the test set, as shared/engine/evaluation/score.ts `scoreOnTestSet` does on one thread, bit
 * for bit. With `task.workers` > 1 the kNN, by far the longest part (60,000 × 10,000 rows of Fashion-MNIST), runs in
 * row blocks on the fold pool's helpers (`knnPredictInPool`); k-means and retrieval stay on this thread.
 *
 * - Progress (a {@link JobReporter}): phase `fit` with the learner's iterations, then `knn`, `kmeans`, `retrieval` and
 *   `done`, with `fraction` the share of the scoring work done (estimated from row counts; the fit is not counted).
 * - Cancel: the learner's `shouldStop()`, the row blocks of the kNN and the retrieval and every k-means pass read the
 *   shared flag and stop with JobCancelledError; the kNN helpers read it too and the pool polls it every 100 ms.
 *
 * No SQLite, no worker API: the worker host (worker-host.ts) runs it, tests run it in-process.
 */
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import {
  completeTestSetScore,
  predictTestSet,
  prepareTestSetScore,
  scoreRegressionOnTestSet,
  type TestSetScore,
  type TestSetScorePlan,
  type TestSetStage,
} from '../../shared/engine/evaluation/score.ts';
import { fitMetric } from '../../shared/engine/fit.ts';
import { teamHooks, withTeam } from './execute.ts';
import { knnPredictInPool } from './fold-pool.ts';
import { createReporter } from './reporter.ts';
import type { ScoreTask, WorkerProgress } from './types.ts';

/**
 * The share of the scoring work each stage is counted for, from its cost: kNN t·m rows × rows, retrieval t·t,
 * k-means about 4 restarts × 100 passes × t rows × the classes (at least 2).
 */
function stageWeights(plan: TestSetScorePlan, classes: number): Record<TestSetStage, number> {
  const knn = plan.t * plan.m;
  const retrieval = plan.t * plan.t;
  const kmeans = 400 * plan.t * Math.max(2, classes);
  const total = knn + retrieval + kmeans || 1;
  return { knn: knn / total, kmeans: kmeans / total, retrieval: retrieval / total };
}

const STAGE_ORDER: readonly TestSetStage[] = ['knn', 'kmeans', 'retrieval'];

/**
 * Fits (if `task.fit`) and scores. `onProgress` gets throttled {@link WorkerProgress} messages (the first and the
 * last always); `cancelFlag` is the call's flag (Int32Array(1), non-zero = stop), also handed to the kNN helpers.
 * @throws ValidationError as scoreOnTestSet and fitMetric do; JobCancelledError once the flag is set; TypeError for
 *   a task with neither a metric nor a fit.
 */
export async function executeScore(
  task: ScoreTask,
  onProgress: (progress: WorkerProgress) => void,
  cancelFlag: SharedArrayBuffer,
): Promise<TestSetScore> {
  const reporter = createReporter({ post: onProgress, cancelFlag: new Int32Array(cancelFlag) });
  reporter.phase('started', { runId: task.runId });
  let metric: LearnedMetric;
  if (task.metric) metric = task.metric;
  else if (task.fit) {
    reporter.phase('fit', { runId: task.runId, message: `${task.fit.method} fitted on '${task.train.name}' (${task.train.nRows} rows)` });
    const fit = task.fit;
    metric = withTeam(task.workers, (products) => fitMetric(task.train, fit, teamHooks(reporter, products)));
  } else throw new TypeError('executeScore: the task has neither a metric nor a fit.');
  reporter.throwIfStopped();
  if (task.train.targets) {
    // Regression: kNN regression figures (RMSE, MAE, R²) on this thread.
    reporter.phase('knn', { runId: task.runId, message: `${task.k}-NN regression of ${task.test.nRows} test rows against ${task.train.nRows} training rows` });
    const score = scoreRegressionOnTestSet(metric, { name: task.train.name, data: task.train }, { name: task.test.name, data: task.test }, { k: task.k, seed: task.seed }, {
      shouldStop: reporter.shouldStop,
      onProgress: (_stage, done, total) => reporter.units(total > 0 ? done / total : 1, 1),
    });
    reporter.phase('done', { runId: task.runId });
    return score;
  }
  // Mapping the rows takes a while on big training sets (600,000 × 784 → 32 dimensions: tens of seconds): say so.
  reporter.phase('knn', { runId: task.runId, message: `mapping ${task.train.nRows} training and ${task.test.nRows} test rows` });
  const plan = prepareTestSetScore(metric, { name: task.train.name, data: task.train }, { name: task.test.name, data: task.test }, { k: task.k, seed: task.seed });
  const weights = stageWeights(plan, task.test.classNames.length);
  const report = (stage: TestSetStage, done: number, total: number): void => {
    let before = 0;
    for (const s of STAGE_ORDER.slice(0, STAGE_ORDER.indexOf(stage))) before += weights[s];
    reporter.units(before + weights[stage] * (total > 0 ? done / total : 1), 1);
    reporter.phase(stage, { runId: task.runId, message: describeStage(stage, plan) });
  };
  const hooks = { shouldStop: reporter.shouldStop, onProgress: report };
  report('knn', 0, plan.t);
  const predicted =
    task.workers > 1
      ? await knnPredictInPool(plan.trainY, plan.trainLabels, plan.m, plan.testY, plan.t, plan.dims, plan.k, {
          workers: task.workers,
          workerUrl: task.workerUrl,
          cancelFlag,
          onFinished: (done, total) => report('knn', done, total),
        })
      : predictTestSet(plan, hooks);
  reporter.throwIfStopped();
  const score = completeTestSetScore(plan, predicted, hooks);
  reporter.units(1, 1);
  reporter.phase('done', { runId: task.runId });
  return score;
}

function describeStage(stage: TestSetStage, plan: TestSetScorePlan): string {
  switch (stage) {
    case 'knn':
      return `${plan.k}-NN of ${plan.t} test rows against ${plan.m} training rows`;
    case 'kmeans':
      return `k-means on the ${plan.t} test rows`;
    case 'retrieval':
      return `retrieval within the ${plan.t} test rows`;
  }
}

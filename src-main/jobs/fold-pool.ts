/**
 * Folds on several cores: the folds of an evaluation, and the methods × folds of a compare, run as independent
 * helper tasks on the pool's threads (pool.ts; asked through the job's own worker when called inside one, so they
 * draw from the same thread budget); one big kNN kernel is split into row blocks the same way
 * ({@link knnPredictInPool}), and the results are put together in fold order with the same code as the one-thread path. Every fold is a pure function of
 * (dataset, spec, fold) (see `evaluateFold`), so the result has the same bits whatever the number of workers and
 * whichever worker ran which fold; only the measured `fitSeconds` differ.
 *
 * - Data: the dataset's typed arrays live in SharedArrayBuffers (the runner's copy), so helpers share them, no copy.
 * - Cancel: a cancelled job cancels its helper tasks (the pool sets their flags, which the learners' `shouldStop()`
 *   reads, and terminates them after the grace period); the caller's flag is also polled every 100 ms, and once
 *   set the helper tasks are withdrawn and the call rejects with JobCancelledError, so a cancel never waits for a kernel.
 * - Progress: each task start and learner iteration is forwarded to the caller.
 * - Failure: the lowest failing task (as one thread running them in order would meet it) rejects the whole pool
 *   with its error (type and message kept).
 */
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { AnswersSweepResult, SweepResult } from '../../shared/domain/job.ts';
import { JobCancelledError } from '../../shared/errors.ts';
import {
  assembleEvaluation,
  combineFoldParts,
  evaluateFold,
  evaluateFoldPart,
  planFromPortable,
  portablePlan,
  prepareEvaluation,
  type EvaluationPlan,
  type EvaluationResult,
  type FoldEvaluation,
  type FoldPartEvaluation,
} from '../../shared/engine/evaluation/evaluate.ts';
import { knnPredict, type KnnTieBreak } from '../../shared/engine/evaluation/knn.ts';
import type { LearnerHooks } from '../../shared/engine/learner.ts';
import { assembleSweep, evaluateSweepStep, resolveSweep, sweepSteps, type SweepSpec, type SweepStepOutcome } from '../../shared/engine/sweep.ts';
import { serveTeam } from './block-team.ts';
import { sharedPool } from './pool.ts';
import type { IterationProgress, PortableEvaluationSpec, ResultOf, TaskOf } from './protocol.ts';
import { helperTasks, type HelperCall, type HelperTasks } from './worker-host.ts';
import { answersSweepTasks, assembleAnswersSweep, resolveAnswersSweep, type AnswersSweepSpec, type AnswersSweepTask } from '../../shared/engine/answers-sweep.ts';

export type { PortableEvaluationSpec } from './protocol.ts';

type HelperTask = TaskOf<'fold' | 'knn' | 'sweep-step'>;

/** Learner hooks of a helper task: the cancel flag, and iterations posted at most ~10 times a second. */
function iterationHooks(shouldStop: () => boolean, post: (progress: IterationProgress) => void): Required<Pick<LearnerHooks, 'onIteration' | 'shouldStop'>> {
  let last = Number.NEGATIVE_INFINITY;
  return {
    shouldStop,
    onIteration(p) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      post({ iteration: p.iteration, objective: p.objective, elapsedMs: p.elapsedMs });
    },
  };
}

/** Helper side: one fold (or fold part), kNN row block, sweep step or fit team, with its iterations reported. */
export function serveHelperTask(
  task: HelperTask | TaskOf<'team'>,
  shouldStop: () => boolean,
  onProgress: (progress: IterationProgress) => void,
): ResultOf<HelperTask | TaskOf<'team'>> {
  switch (task.kind) {
    case 'team':
      return serveTeam(task, shouldStop);
    case 'knn':
      return knnPredict(task.train, task.trainLabels, task.m, task.test, task.t, task.dims, task.k, task.tieBreak, { first: task.first, end: task.end });
    case 'sweep-step': {
      const resolved = resolveSweep(task.spec);
      const step = sweepSteps(resolved)[task.step]!;
      return evaluateSweepStep(task.dataset, task.spec, resolved, step, iterationHooks(shouldStop, onProgress));
    }
    case 'fold': {
      const plan = planFromPortable(task.plan);
      const hooks = iterationHooks(shouldStop, onProgress);
      if (task.part !== undefined) return { part: evaluateFoldPart(task.dataset, plan, task.fold, task.part, hooks) };
      return { evaluation: evaluateFold(task.dataset, plan, task.fold, hooks) };
    }
  }
}

export interface FoldPoolOptions {
  /** Helper threads at most (capped at the number of tasks). */
  workers: number;
  /** The worker script that serves helper tasks (the job worker script), when called on the main thread. */
  workerUrl: URL | string;
  /** Int32Array(1) over it: non-zero = stop. */
  cancelFlag: SharedArrayBuffer;
  /** Called when task `index` (method index, fold) starts on a helper. */
  onStart?(method: number, fold: number): void;
  /** Called when a task finishes; `done` of `total` tasks are finished. */
  onFinished?(done: number, total: number): void;
  onIteration?(iteration: number, objective: number, elapsedMs: number): void;
}

interface PoolRun<T extends HelperTask> {
  workers: number;
  workerUrl: URL | string;
  cancelFlag: SharedArrayBuffer;
  /** Called before task `taskId` is handed out. */
  onStart?(taskId: number): void;
  onIteration?(iteration: number, objective: number, elapsedMs: number): void;
  /** Called with each task's result, in completion order. */
  onResult(taskId: number, result: ResultOf<T>): void;
}

/** Where helper tasks run: the pool of the main thread, reached through this worker's pool when inside one. */
function helpersFor(workerUrl: URL | string): HelperTasks {
  const relay = helperTasks();
  if (relay) return relay;
  const pool = sharedPool(workerUrl);
  return {
    run(task, onProgress) {
      const controller = new AbortController();
      return { done: pool.run(task, { signal: controller.signal, ...(onProgress ? { onProgress } : {}) }), cancel: () => controller.abort() };
    },
  };
}

/**
 * Hands `tasks` to the pool, at most `workers` at a time, each next one when one finishes; resolves when every task
 * has a result. Rejects with the lowest failing task's error (code and message kept), with JobCancelledError once
 * the cancel flag is set (polled every 100 ms), or with JOB_FAILED when a helper dies. Withdraws every task still
 * out before it settles.
 */
async function runOnHelpers<T extends HelperTask>(tasks: readonly T[], run: PoolRun<T>): Promise<void> {
  const flag = new Int32Array(run.cancelFlag);
  if (Atomics.load(flag, 0) !== 0) throw new JobCancelledError();
  if (tasks.length === 0) return;
  const helpers = helpersFor(run.workerUrl);
  const out = new Map<number, HelperCall<T>>();
  let poll: ReturnType<typeof setInterval> | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let settled = false;
      // The error reported is that of the lowest failing task, once every task before it has finished: the
      // one a single thread running the tasks in order would have stopped at, whatever the completion order.
      let firstError: { taskId: number; error: Error } | null = null;
      const finished = new Uint8Array(tasks.length);
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const failIfDecided = (): void => {
        if (!firstError) return;
        for (let t = 0; t < firstError.taskId; t++) if (finished[t] === 0) return;
        fail(firstError.error);
      };
      poll = setInterval(() => {
        if (Atomics.load(flag, 0) !== 0) fail(new JobCancelledError());
      }, 100);
      // The flag is also read at every task boundary, so a cancel is honoured even when the tasks finish within
      // one poll interval.
      const cancelled = (): boolean => {
        if (Atomics.load(flag, 0) === 0) return false;
        fail(new JobCancelledError());
        return true;
      };
      const dispatch = (): void => {
        if (settled || next >= tasks.length || firstError || cancelled()) return;
        const taskId = next++;
        run.onStart?.(taskId);
        const call = helpers.run(tasks[taskId]!, (progress) => {
          const p = progress as IterationProgress;
          if (!settled) run.onIteration?.(p.iteration, p.objective, p.elapsedMs);
        });
        out.set(taskId, call);
        call.done.then(
          (result) => {
            out.delete(taskId);
            finished[taskId] = 1;
            if (settled || cancelled()) return;
            if (firstError) return failIfDecided();
            run.onResult(taskId, result);
            if (++done === tasks.length) {
              settled = true;
              resolve();
            } else dispatch();
          },
          (error: Error) => {
            out.delete(taskId);
            finished[taskId] = 1;
            if (settled) return;
            if (!firstError || taskId < firstError.taskId) firstError = { taskId, error };
            failIfDecided();
          },
        );
      };
      for (let w = Math.max(1, Math.min(run.workers, tasks.length)); w > 0; w--) dispatch();
    });
  } finally {
    if (poll) clearInterval(poll);
    for (const call of out.values()) call.cancel();
  }
}

/**
 * Cross-validates every spec on `dataset` with the folds spread over `options.workers` helper threads; the results
 * are those of `evaluateMethod` for each spec, in order, bit for bit (fitSeconds aside). When the folds do not
 * divide evenly over the workers (5 folds on 2), the trailing folds that would run alone are scored in two parts
 * each (`evaluateFoldPart`), so that no worker sits idle through the last round — but only for learners whose fit
 * is trivial (the Euclidean baseline), since each part fits its fold again. Validation errors are thrown before any
 * helper starts. `onStart(method, fold)` is called when a fold's first task starts, `onFinished` counts folds.
 */
export async function evaluateInPool(dataset: DatasetMatrix, specs: readonly PortableEvaluationSpec[], options: FoldPoolOptions): Promise<EvaluationResult[]> {
  const plans = specs.map((spec) => prepareEvaluation(dataset, spec));
  return await evaluatePlansInPool(dataset, plans, options);
}

/**
 * {@link evaluateInPool} of plans the caller has prepared already (`prepareEvaluation`), so that it can go on from the
 * same plans (an evaluate job's fit on every row). Each fold task carries its plan across (`portablePlan`): a helper
 * looks the learner up by name and resolves nothing again.
 */
export async function evaluatePlansInPool(
  dataset: DatasetMatrix,
  plans: readonly EvaluationPlan[],
  options: FoldPoolOptions,
): Promise<EvaluationResult[]> {
  const folds: Array<{ method: number; fold: number }> = [];
  plans.forEach((plan, method) => plan.splits.forEach((_, fold) => folds.push({ method, fold })));
  const workers = Math.max(1, Math.min(options.workers, folds.length));
  const alone = workers > 1 ? folds.length % workers : 0;
  // Each task names its fold by its index in `folds`.
  const tasks: Array<{ method: number; fold: number; index: number; part?: 0 | 1 }> = [];
  folds.forEach((f, index) => {
    // Regression folds are scored whole (kNN regression has no part split).
    const splittable = plans[f.method]!.fit.learner.trivialFit === true && plans[f.method]!.task === 'classification';
    if (index >= folds.length - alone && splittable) tasks.push({ ...f, index, part: 0 }, { ...f, index, part: 1 });
    else tasks.push({ ...f, index });
  });
  const outputs: FoldEvaluation[][] = plans.map(() => []);
  /** The first part to finish of each split fold, until its other part does. */
  const parts: Array<FoldPartEvaluation | undefined> = [];
  const started = new Uint8Array(folds.length);
  const portable = plans.map(portablePlan);
  const requests: Array<TaskOf<'fold'>> = tasks.map((task) => ({
    kind: 'fold',
    dataset,
    plan: portable[task.method]!,
    fold: task.fold,
    ...(task.part !== undefined ? { part: task.part } : {}),
  }));
  let done = 0;
  await runOnHelpers(requests, {
    workers: options.workers,
    workerUrl: options.workerUrl,
    cancelFlag: options.cancelFlag,
    onStart(taskId) {
      const { method, fold, index } = tasks[taskId]!;
      if (started[index]) return;
      started[index] = 1;
      options.onStart?.(method, fold);
    },
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
    onResult(taskId, reply) {
      const { method, fold, index } = tasks[taskId]!;
      if ('evaluation' in reply) outputs[method]![fold] = reply.evaluation;
      else {
        const other = parts[index];
        if (!other) {
          parts[index] = reply.part;
          return;
        }
        outputs[method]![fold] = combineFoldParts([other, reply.part]);
      }
      options.onFinished?.(++done, folds.length);
    },
  });
  return plans.map((plan, method) => assembleEvaluation(plan, outputs[method]!));
}

/** `array` itself when it lives in a SharedArrayBuffer, else a shared copy (so helpers read it without copies). */
function sharedCopy<T extends Float64Array | Int32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = (array instanceof Float64Array ? new Float64Array(new SharedArrayBuffer(array.byteLength)) : new Int32Array(new SharedArrayBuffer(array.byteLength))) as T;
  copy.set(array);
  return copy;
}

/**
 * {@link knnPredict} with the test rows split into row blocks over `options.workers` helper threads: the same
 * predictions, bit for bit (each test row's answer depends only on that row). For one big kernel (e.g. 60,000
 * training rows × a 10,000-row test set), where there are no folds to spread.
 */
export async function knnPredictInPool(
  train: Float64Array,
  trainLabels: Int32Array,
  m: number,
  test: Float64Array,
  t: number,
  dims: number,
  k: number,
  options: Omit<FoldPoolOptions, 'onStart' | 'onIteration'> & { tieBreak?: KnnTieBreak },
): Promise<Int32Array> {
  if (!Number.isInteger(k) || k < 1 || k > m) knnPredict(train, trainLabels, m, test, 0, dims, k); // throws the usual error
  const sharedTrain = sharedCopy(train);
  const sharedLabels = sharedCopy(trainLabels);
  const sharedTest = sharedCopy(test);
  // About four blocks per worker (load balance), whole tiles of 64 rows.
  const blockRows = Math.max(64, Math.ceil(t / (4 * Math.max(1, options.workers)) / 64) * 64);
  const requests: Array<TaskOf<'knn'>> = [];
  for (let first = 0; first < t; first += blockRows) {
    requests.push({
      kind: 'knn',
      train: sharedTrain,
      trainLabels: sharedLabels,
      m,
      test: sharedTest,
      t,
      dims,
      k,
      tieBreak: options.tieBreak ?? 'lowest-class',
      first,
      end: Math.min(t, first + blockRows),
    });
  }
  const predictions = new Int32Array(t);
  let done = 0;
  await runOnHelpers(requests, {
    workers: options.workers,
    workerUrl: options.workerUrl,
    cancelFlag: options.cancelFlag,
    onResult(taskId, block) {
      predictions.set(block, requests[taskId]!.first);
      options.onFinished?.(++done, requests.length);
    },
  });
  return predictions;
}

/**
 * A sweep with its (N, seed) steps spread over `options.workers` helper threads: the result of `sweepConstraints`,
 * bit for bit. Steps after a count's first gap are still computed here (they run at the same time) but, as on one
 * thread, only the outcomes up to the gap make the point. `onStart(step)` / `onFinished(done, total)` report.
 */
export async function sweepInPool(
  dataset: DatasetMatrix,
  spec: SweepSpec,
  options: Omit<FoldPoolOptions, 'onStart'> & { onStart?(step: number, steps: number, count: number, seed: number): void },
): Promise<SweepResult> {
  const resolved = resolveSweep(spec);
  const steps = sweepSteps(resolved);
  const outcomes = await sweepStepsInPool(
    dataset,
    steps.map((step) => ({ spec, step: step.index })),
    { ...options, onStart: (taskId) => options.onStart?.(taskId, steps.length, steps[taskId]!.count, steps[taskId]!.seed) },
  );
  return assembleSweep(spec, resolved, outcomes);
}

/**
 * A pairs-vs-comparisons sweep (shared/engine/answers-sweep.ts) with its steps (the baseline's, then both curves')
 * spread over `options.workers` helper threads: the result of `sweepAnswers`, bit for bit.
 */
export async function answersSweepInPool(
  dataset: DatasetMatrix,
  spec: AnswersSweepSpec,
  options: Omit<FoldPoolOptions, 'onStart'> & { onStart?(index: number, total: number, task: AnswersSweepTask): void },
): Promise<AnswersSweepResult> {
  const resolved = resolveAnswersSweep(spec);
  const tasks = answersSweepTasks(resolved);
  const outcomes = await sweepStepsInPool(dataset, tasks, { ...options, onStart: (taskId) => options.onStart?.(taskId, tasks.length, tasks[taskId]!) });
  return assembleAnswersSweep(resolved, outcomes);
}

/** Sweep steps (each: step `step` of the sweep `spec`) on helper threads; the outcomes in the order of `steps`. */
async function sweepStepsInPool(
  dataset: DatasetMatrix,
  steps: ReadonlyArray<{ spec: SweepSpec; step: number }>,
  options: Omit<FoldPoolOptions, 'onStart'> & { onStart?(taskId: number): void },
): Promise<SweepStepOutcome[]> {
  const requests: Array<TaskOf<'sweep-step'>> = steps.map(({ spec, step }) => ({ kind: 'sweep-step', dataset, spec, step }));
  const outcomes: SweepStepOutcome[] = [];
  let done = 0;
  await runOnHelpers(requests, {
    workers: options.workers,
    workerUrl: options.workerUrl,
    cancelFlag: options.cancelFlag,
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
    onResult(taskId, outcome) {
      outcomes[taskId] = outcome;
      options.onFinished?.(++done, steps.length);
    },
  });
  return outcomes;
}

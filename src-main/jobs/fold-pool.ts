/**
 * Folds on several cores: the folds of an evaluation, and the methods × folds of a compare, run as independent
 * tasks on a pool of helper worker threads; one big kNN kernel is split into row blocks the same way
 * ({@link knnPredictInPool}) (the job worker script itself, serving `{type: 'fold'}` requests), and
 * are put together in fold order with the same code as the one-thread path. Every fold is a pure function of
 * (dataset, spec, fold) (see `evaluateFold`), so the result has the same bits whatever the number of workers and
 * whichever worker ran which fold; only the measured `fitSeconds` differ.
 *
 * - Data: the dataset's typed arrays live in SharedArrayBuffers (the runner's copy), so helpers share them, no copy.
 * - Cancel: helpers read the job's cancel flag (the learners' `shouldStop()`); the pool also polls it every 100 ms
 *   and, once set, terminates the helpers and rejects with JobCancelledError, so a cancel never waits for a kernel.
 * - Progress: each task start and learner iteration is forwarded to the caller.
 * - Failure: the lowest failing task (as one thread running them in order would meet it) rejects the whole pool
 *   with its error (type and message kept).
 */
import { Worker } from 'node:worker_threads';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { JobCancelledError, WorkbenchError, fromErrorPayload, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts';
import {
  assembleEvaluation,
  combineFoldParts,
  evaluateFold,
  evaluateFoldPart,
  prepareEvaluation,
  type FoldPartEvaluation,
  type EvaluationPlan,
  type EvaluationResult,
  type EvaluationSpec,
  type FoldEvaluation,
} from '../../shared/engine/evaluation/evaluate.ts';
import { knnPredict, type KnnTieBreak } from '../../shared/engine/evaluation/knn.ts';
import type { LearnerHooks } from '../../shared/engine/learner.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import {
  assembleSweep,
  evaluateSweepStep,
  resolveSweep,
  sweepSteps,
  type SweepSpec,
  type SweepStepOutcome,
} from '../../shared/engine/sweep.ts';
import type { SweepResult } from '../../shared/domain/job.ts';
import { workerOptions } from './runner.ts';

/** A spec that can cross a thread boundary (no per-fold constraint or comparison callback). */
export type PortableEvaluationSpec = Omit<EvaluationSpec, 'foldConstraints' | 'foldComparisons'>;

/** Job worker → helper: evaluate fold `fold` of `spec` on `dataset`. */
export interface FoldTaskRequest {
  type: 'fold';
  task: 'fold';
  taskId: number;
  dataset: DatasetMatrix;
  spec: PortableEvaluationSpec;
  fold: number;
  /** Score only this part of the fold (evaluate.ts `evaluateFoldPart`); the whole fold when absent. */
  part?: 0 | 1;
  cancelFlag: SharedArrayBuffer;
}

/** Job worker → helper: kNN predictions for test rows [first, end) (a row block of one big kernel). */
export interface KnnTaskRequest {
  type: 'fold';
  task: 'knn';
  taskId: number;
  train: Float64Array;
  trainLabels: Int32Array;
  m: number;
  test: Float64Array;
  t: number;
  dims: number;
  k: number;
  tieBreak: KnnTieBreak;
  first: number;
  end: number;
  cancelFlag: SharedArrayBuffer;
}

/** Job worker → helper: step `step` of a sweep (one (N, seed) cross-validation). */
export interface SweepStepTaskRequest {
  type: 'fold';
  task: 'sweep-step';
  taskId: number;
  dataset: DatasetMatrix;
  spec: SweepSpec;
  step: number;
  cancelFlag: SharedArrayBuffer;
}

/** What a helper is asked to do (all travel as `{type: 'fold'}`, the message kind worker-host routes). */
export type FoldRequest = FoldTaskRequest | KnnTaskRequest | SweepStepTaskRequest;

/** Helper → job worker. */
export type FoldReply =
  | { type: 'fold-progress'; taskId: number; iteration: number; objective: number; elapsedMs: number }
  | { type: 'fold-result'; taskId: number; evaluation: FoldEvaluation }
  | { type: 'fold-part-result'; taskId: number; part: FoldPartEvaluation }
  | { type: 'knn-result'; taskId: number; predictions: Int32Array }
  | { type: 'sweep-result'; taskId: number; outcome: SweepStepOutcome }
  | { type: 'fold-error'; taskId: number; error: ErrorPayload };

/** Learner hooks of a helper task: the shared cancel flag, and iterations posted at most ~10 times a second. */
function iterationHooks(flag: Int32Array, taskId: number, post: (reply: FoldReply) => void): Required<LearnerHooks> {
  let last = Number.NEGATIVE_INFINITY;
  return {
    shouldStop: () => Atomics.load(flag, 0) !== 0,
    onIteration(p) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      post({ type: 'fold-progress', taskId, iteration: p.iteration, objective: p.objective, elapsedMs: p.elapsedMs });
    },
  };
}

/** Helper side: evaluates one fold request and posts iterations, then exactly one result or error. */
export function serveFold(request: FoldRequest, post: (reply: FoldReply) => void): void {
  const flag = new Int32Array(request.cancelFlag);
  const { taskId } = request;
  if (request.task === 'knn') {
    try {
      if (Atomics.load(flag, 0) !== 0) throw new JobCancelledError();
      const r = request;
      const predictions = knnPredict(r.train, r.trainLabels, r.m, r.test, r.t, r.dims, r.k, r.tieBreak, { first: r.first, end: r.end });
      post({ type: 'knn-result', taskId, predictions });
    } catch (error) {
      post({ type: 'fold-error', taskId, error: toErrorPayload(error) });
    }
    return;
  }
  if (request.task === 'sweep-step') {
    try {
      const resolved = resolveSweep(request.spec);
      const step = sweepSteps(resolved)[request.step]!;
      const outcome = evaluateSweepStep(request.dataset, request.spec, resolved, step, iterationHooks(flag, taskId, post));
      post({ type: 'sweep-result', taskId, outcome });
    } catch (error) {
      post({ type: 'fold-error', taskId, error: toErrorPayload(error) });
    }
    return;
  }
  try {
    const plan = prepareEvaluation(request.dataset, request.spec);
    const hooks = iterationHooks(flag, taskId, post);
    if (request.part !== undefined) {
      post({ type: 'fold-part-result', taskId, part: evaluateFoldPart(request.dataset, request.spec, plan, request.fold, request.part, hooks) });
      return;
    }
    post({ type: 'fold-result', taskId, evaluation: evaluateFold(request.dataset, request.spec, plan, request.fold, hooks) });
  } catch (error) {
    post({ type: 'fold-error', taskId, error: toErrorPayload(error) });
  }
}

export interface FoldPoolOptions {
  /** Helper threads at most (capped at the number of tasks). */
  workers: number;
  /** The worker script that serves `{type: 'fold'}` requests (the job worker script). */
  workerUrl: URL | string;
  /** Int32Array(1) over it: non-zero = stop. */
  cancelFlag: SharedArrayBuffer;
  /** Called when task `index` (method index, fold) starts on a helper. */
  onStart?(method: number, fold: number): void;
  /** Called when a task finishes; `done` of `total` tasks are finished. */
  onFinished?(done: number, total: number): void;
  onIteration?(iteration: number, objective: number, elapsedMs: number): void;
}

interface PoolRun {
  workers: number;
  workerUrl: URL | string;
  cancelFlag: SharedArrayBuffer;
  /** Called before request `taskId` is posted. */
  onStart?(taskId: number): void;
  onIteration?(iteration: number, objective: number, elapsedMs: number): void;
  /** Called with each task's reply (fold-result or knn-result), in completion order. */
  onResult(taskId: number, reply: Extract<FoldReply, { type: 'fold-result' | 'fold-part-result' | 'knn-result' | 'sweep-result' }>): void;
}

/**
 * Posts `requests` (each with `taskId` = its index) to up to `workers` helper threads, each helper taking the next
 * request when it finishes one; resolves when every request has a result. Rejects with the lowest failing task's error (code
 * and message kept), with JobCancelledError once the cancel flag is set (polled every 100 ms), or with JOB_FAILED
 * when a helper crashes. Terminates every helper before it settles.
 */
async function runOnHelpers(requests: readonly FoldRequest[], run: PoolRun): Promise<void> {
  const flag = new Int32Array(run.cancelFlag);
  if (Atomics.load(flag, 0) !== 0) throw new JobCancelledError();
  if (requests.length === 0) return;
  const helpers: Worker[] = [];
  const count = Math.max(1, Math.min(run.workers, requests.length));
  let poll: ReturnType<typeof setInterval> | null = null;
  // A URL that crossed a thread boundary as text: Worker takes file:// only as a URL object.
  const workerUrl = typeof run.workerUrl === 'string' && run.workerUrl.startsWith('file:') ? new URL(run.workerUrl) : run.workerUrl;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let settled = false;
      // The error reported is that of the lowest failing task, once every task before it has finished: the
      // one a single thread running the tasks in order would have stopped at, whatever the completion order.
      let firstError: { taskId: number; error: Error } | null = null;
      const finished = new Uint8Array(requests.length);
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
      const dispatch = (worker: Worker): void => {
        if (settled || next >= requests.length || firstError) return;
        const taskId = next++;
        run.onStart?.(taskId);
        worker.postMessage(requests[taskId]!);
      };
      for (let w = 0; w < count; w++) {
        const worker = new Worker(workerUrl, workerOptions(workerUrl));
        helpers.push(worker);
        worker.on('message', (message: FoldReply | { type: 'ready' }) => {
          if (settled) return;
          if (message.type === 'ready') dispatch(worker);
          else if (message.type === 'fold-progress') run.onIteration?.(message.iteration, message.objective, message.elapsedMs);
          else if (message.type === 'fold-error') {
            finished[message.taskId] = 1;
            if (!firstError || message.taskId < firstError.taskId) firstError = { taskId: message.taskId, error: fromErrorPayload(message.error) };
            failIfDecided();
          } else {
            finished[message.taskId] = 1;
            if (firstError) {
              failIfDecided();
              return;
            }
            run.onResult(message.taskId, message);
            done++;
            if (done === requests.length) {
              settled = true;
              resolve();
            } else dispatch(worker);
          }
        });
        worker.on('error', (error: Error) => fail(new WorkbenchError('JOB_FAILED', `A fold worker crashed: ${error.message}`)));
        worker.on('exit', (code) => fail(new WorkbenchError('JOB_FAILED', `A fold worker exited (code ${code}) before its task was done.`)));
      }
    });
  } finally {
    if (poll) clearInterval(poll);
    for (const worker of helpers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
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
  const plans: EvaluationPlan[] = specs.map((spec) => prepareEvaluation(dataset, spec));
  const folds: Array<{ method: number; fold: number }> = [];
  plans.forEach((plan, method) => plan.splits.forEach((_, fold) => folds.push({ method, fold })));
  const workers = Math.max(1, Math.min(options.workers, folds.length));
  const alone = workers > 1 ? folds.length % workers : 0;
  // Each task names its fold by its index in `folds`.
  const tasks: Array<{ method: number; fold: number; index: number; part?: 0 | 1 }> = [];
  folds.forEach((f, index) => {
    // Regression folds are scored whole (kNN regression has no part split).
    const splittable = getLearner(specs[f.method]!.method).trivialFit === true && plans[f.method]!.task === 'classification';
    if (index >= folds.length - alone && splittable) tasks.push({ ...f, index, part: 0 }, { ...f, index, part: 1 });
    else tasks.push({ ...f, index });
  });
  const outputs: FoldEvaluation[][] = plans.map(() => []);
  /** The first part to finish of each split fold, until its other part does. */
  const parts: Array<FoldPartEvaluation | undefined> = [];
  const started = new Uint8Array(folds.length);
  const requests: FoldTaskRequest[] = tasks.map((task, taskId) => ({
    type: 'fold',
    task: 'fold',
    taskId,
    dataset,
    spec: specs[task.method]!,
    fold: task.fold,
    ...(task.part !== undefined ? { part: task.part } : {}),
    cancelFlag: options.cancelFlag,
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
      if (reply.type === 'fold-result') outputs[method]![fold] = reply.evaluation;
      else if (reply.type === 'fold-part-result') {
        const other = parts[index];
        if (!other) {
          parts[index] = reply.part;
          return;
        }
        outputs[method]![fold] = combineFoldParts([other, reply.part]);
      } else return;
      options.onFinished?.(++done, folds.length);
    },
  });
  return plans.map((plan, method) => assembleEvaluation(specs[method]!, plan, outputs[method]!));
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
  const requests: KnnTaskRequest[] = [];
  for (let first = 0; first < t; first += blockRows) {
    requests.push({
      type: 'fold',
      task: 'knn',
      taskId: requests.length,
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
      cancelFlag: options.cancelFlag,
    });
  }
  const predictions = new Int32Array(t);
  let done = 0;
  await runOnHelpers(requests, {
    workers: options.workers,
    workerUrl: options.workerUrl,
    cancelFlag: options.cancelFlag,
    onResult(taskId, reply) {
      if (reply.type !== 'knn-result') return;
      predictions.set(reply.predictions, requests[taskId]!.first);
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
  const requests: SweepStepTaskRequest[] = steps.map((step) => ({
    type: 'fold',
    task: 'sweep-step',
    taskId: step.index,
    dataset,
    spec,
    step: step.index,
    cancelFlag: options.cancelFlag,
  }));
  const outcomes: SweepStepOutcome[] = [];
  let done = 0;
  await runOnHelpers(requests, {
    workers: options.workers,
    workerUrl: options.workerUrl,
    cancelFlag: options.cancelFlag,
    onStart: (taskId) => options.onStart?.(taskId, steps.length, steps[taskId]!.count, steps[taskId]!.seed),
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
    onResult(taskId, reply) {
      if (reply.type !== 'sweep-result') return;
      outcomes[taskId] = reply.outcome;
      options.onFinished?.(++done, steps.length);
    },
  });
  return assembleSweep(spec, resolved, outcomes);
}

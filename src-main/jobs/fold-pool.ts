/**
 * Folds on several cores: the folds of an evaluation, and the methods × folds of a compare, run as independent
 * tasks on a pool of helper worker threads (the job worker script itself, serving `{type: 'fold'}` requests), and
 * are put together in fold order with the same code as the one-thread path. Every fold is a pure function of
 * (dataset, spec, fold) (see `evaluateFold`), so the result has the same bits whatever the number of workers and
 * whichever worker ran which fold; only the measured `fitSeconds` differ.
 *
 * - Data: the dataset's typed arrays live in SharedArrayBuffers (the runner's copy), so helpers share them, no copy.
 * - Cancel: helpers read the job's cancel flag (the learners' `shouldStop()`); the pool also polls it every 100 ms
 *   and, once set, terminates the helpers and rejects with JobCancelledError, so a cancel never waits for a kernel.
 * - Progress: each task start and learner iteration is forwarded to the caller.
 * - Failure: the first failing task rejects the whole pool with that task's error (type and message kept).
 */
import { Worker } from 'node:worker_threads';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { JobCancelledError, WorkbenchError, fromErrorPayload, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts';
import {
  assembleEvaluation,
  evaluateFold,
  prepareEvaluation,
  type EvaluationPlan,
  type EvaluationResult,
  type EvaluationSpec,
  type FoldEvaluation,
} from '../../shared/engine/evaluation/evaluate.ts';

/** A spec that can cross a thread boundary (no per-fold constraint callback). */
export type PortableEvaluationSpec = Omit<EvaluationSpec, 'foldConstraints'>;

/** Job worker → helper: evaluate fold `fold` of `spec` on `dataset`. */
export interface FoldRequest {
  type: 'fold';
  taskId: number;
  dataset: DatasetMatrix;
  spec: PortableEvaluationSpec;
  fold: number;
  cancelFlag: SharedArrayBuffer;
}

/** Helper → job worker. */
export type FoldReply =
  | { type: 'fold-progress'; taskId: number; iteration: number; objective: number; elapsedMs: number }
  | { type: 'fold-result'; taskId: number; evaluation: FoldEvaluation }
  | { type: 'fold-error'; taskId: number; error: ErrorPayload };

/** Helper side: evaluates one fold request and posts iterations, then exactly one result or error. */
export function serveFold(request: FoldRequest, post: (reply: FoldReply) => void): void {
  const flag = new Int32Array(request.cancelFlag);
  const { taskId } = request;
  try {
    const plan = prepareEvaluation(request.dataset, request.spec);
    let last = Number.NEGATIVE_INFINITY;
    const evaluation = evaluateFold(request.dataset, request.spec, plan, request.fold, {
      shouldStop: () => Atomics.load(flag, 0) !== 0,
      onIteration(p) {
        const now = performance.now();
        if (now - last < 100) return;
        last = now;
        post({ type: 'fold-progress', taskId, iteration: p.iteration, objective: p.objective, elapsedMs: p.elapsedMs });
      },
    });
    post({ type: 'fold-result', taskId, evaluation });
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

/**
 * Cross-validates every spec on `dataset` with the folds spread over `options.workers` helper threads; the results
 * are those of `evaluateMethod` for each spec, in order, bit for bit (fitSeconds aside). Validation errors are thrown
 * before any helper starts.
 */
export async function evaluateInPool(dataset: DatasetMatrix, specs: readonly PortableEvaluationSpec[], options: FoldPoolOptions): Promise<EvaluationResult[]> {
  const plans: EvaluationPlan[] = specs.map((spec) => prepareEvaluation(dataset, spec));
  const tasks: Array<{ method: number; fold: number }> = [];
  plans.forEach((plan, method) => plan.splits.forEach((_, fold) => tasks.push({ method, fold })));
  const outputs: FoldEvaluation[][] = plans.map(() => []);
  const flag = new Int32Array(options.cancelFlag);
  const helpers: Worker[] = [];
  const count = Math.max(1, Math.min(options.workers, tasks.length));
  let poll: ReturnType<typeof setInterval> | null = null;
  // A URL that crossed a thread boundary as text: Worker takes file:// only as a URL object.
  const workerUrl = typeof options.workerUrl === 'string' && options.workerUrl.startsWith('file:') ? new URL(options.workerUrl) : options.workerUrl;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      poll = setInterval(() => {
        if (Atomics.load(flag, 0) !== 0) fail(new JobCancelledError());
      }, 100);
      const dispatch = (worker: Worker): void => {
        if (settled || next >= tasks.length) return;
        const taskId = next++;
        const task = tasks[taskId]!;
        options.onStart?.(task.method, task.fold);
        const request: FoldRequest = { type: 'fold', taskId, dataset, spec: specs[task.method]!, fold: task.fold, cancelFlag: options.cancelFlag };
        worker.postMessage(request);
      };
      for (let w = 0; w < count; w++) {
        const worker = new Worker(workerUrl, { stdout: false, stderr: false });
        helpers.push(worker);
        worker.on('message', (message: FoldReply | { type: 'ready' }) => {
          if (settled) return;
          if (message.type === 'ready') dispatch(worker);
          else if (message.type === 'fold-progress') options.onIteration?.(message.iteration, message.objective, message.elapsedMs);
          else if (message.type === 'fold-error') fail(fromErrorPayload(message.error));
          else if (message.type === 'fold-result') {
            const task = tasks[message.taskId]!;
            outputs[task.method]![task.fold] = message.evaluation;
            done++;
            options.onFinished?.(done, tasks.length);
            if (done === tasks.length) {
              settled = true;
              resolve();
            } else dispatch(worker);
          }
        });
        worker.on('error', (error) => fail(new WorkbenchError('JOB_FAILED', `A fold worker crashed: ${error.message}`)));
        worker.on('exit', (code) => fail(new WorkbenchError('JOB_FAILED', `A fold worker exited (code ${code}) before its fold was done.`)));
      }
    });
  } finally {
    if (poll) clearInterval(poll);
    for (const worker of helpers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
  return plans.map((plan, method) => assembleEvaluation(specs[method]!, plan, outputs[method]!));
}

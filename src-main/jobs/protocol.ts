/**
 * The one wire protocol between the main thread's pool (pool.ts) and its worker threads (worker-host.ts).
 *
 * Every piece of work is a {@link PoolTask} (a discriminated union on `kind`): a job, an import, a test-set score, or
 * one of the helper tasks a job or a score hands back to the pool (a fold, a block of kNN rows, a sweep step).
 * Main posts `run`; the worker answers with progress messages, then exactly one `result` or `error`. A task that
 * wants helpers posts `sub-run` (the pool runs it on another thread of the same budget, with a cancel flag of its own
 * that the parent's cancel also sets, and relays `sub-progress`, then `sub-result` or `sub-error`) and may withdraw
 * it with `sub-cancel`.
 *
 * Cancel is never a message: every task carries `cancelFlag`, an Int32Array(1) over a SharedArrayBuffer (0 = run,
 * non-zero = stop) that main sets with Atomics.store and the worker's code reads at its own checkpoints.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { EvaluationSpec, FoldEvaluation, FoldPartEvaluation, PortableEvaluationPlan } from '../../shared/engine/evaluation/evaluate.ts';
import type { KnnTieBreak } from '../../shared/engine/evaluation/knn.ts';
import type { TestSetScore } from '../../shared/engine/evaluation/score.ts';
import type { SweepSpec, SweepStepOutcome } from '../../shared/engine/sweep.ts';
import type { ErrorPayload } from '../../shared/errors.ts';
import type { ParsedDataset } from '../import/types.ts';
import type { ImportSource, JobResult, ScoreTask, WorkerJobPayload, WorkerProgress } from './types.ts';

/** A spec that can cross a thread boundary (no per-fold constraint or comparison callback). */
export type PortableEvaluationSpec = Omit<EvaluationSpec, 'foldConstraints' | 'foldComparisons'>;

/** A learner iteration as helper tasks forward it. */
export interface IterationProgress {
  iteration: number;
  objective: number;
  elapsedMs: number;
}

/** What each kind of task takes (besides `kind`), reports as progress and returns. */
export interface TaskKinds {
  /** A learn / evaluate / compare / sweep job (execute.ts). */
  job: { task: { payload: WorkerJobPayload }; progress: WorkerProgress; result: JobResult };
  /** Parse a data file or a bundled sample (import-execute.ts); progress is the fraction of bytes read. */
  import: { task: { input: ImportSource }; progress: number; result: ParsedDataset };
  /** Fit (if asked) and score a metric on a test set (score-execute.ts). */
  score: { task: { input: ScoreTask }; progress: WorkerProgress; result: TestSetScore };
  /**
   * Evaluate fold `fold` of the plan on `dataset` (or only `part` of it: evaluate.ts `evaluateFoldPart`): the plan the
   * caller resolved once, carried across (evaluate.ts `portablePlan`), never resolved again on the helper.
   */
  fold: {
    task: { dataset: DatasetMatrix; plan: PortableEvaluationPlan; fold: number; part?: 0 | 1 };
    progress: IterationProgress;
    result: { evaluation: FoldEvaluation } | { part: FoldPartEvaluation };
  };
  /** kNN predictions for test rows [first, end) (a row block of one big kernel). */
  knn: {
    task: {
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
    };
    progress: never;
    result: Int32Array;
  };
  /** Step `step` of a sweep (one (N, seed) cross-validation). */
  'sweep-step': { task: { dataset: DatasetMatrix; spec: SweepSpec; step: number }; progress: IterationProgress; result: SweepStepOutcome };
  /**
   * A helper of one fit's row-block products (block-team.ts) until the fit ends: `control` is the team's Int32Array
   * over shared memory, `port` (transferred) brings the products' descriptions; returns the blocks it ran.
   */
  team: { task: { control: SharedArrayBuffer; port: MessagePort }; progress: never; result: number };
}

export type TaskKind = keyof TaskKinds;

/** One task as it crosses to a worker. */
export type PoolTask = { [K in TaskKind]: { kind: K } & TaskKinds[K]['task'] }[TaskKind];
export type TaskOf<K extends TaskKind> = Extract<PoolTask, { kind: K }>;
export type ResultOf<T extends PoolTask> = TaskKinds[T['kind']]['result'];
export type ProgressOf<T extends PoolTask> = TaskKinds[T['kind']]['progress'];

/** Main → worker. `id` names a task this worker runs (`run`) or a helper task it asked for (`sub-*`). */
export type ToWorker =
  | { type: 'run'; id: number; task: PoolTask; cancelFlag: SharedArrayBuffer }
  | { type: 'sub-progress'; id: number; progress: unknown }
  | { type: 'sub-result'; id: number; result: unknown }
  | { type: 'sub-error'; id: number; error: ErrorPayload };

/** Worker → main. A result's large typed-array buffers are transferred (moved), not copied. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: ErrorPayload }
  | { type: 'sub-run'; id: number; task: PoolTask }
  | { type: 'sub-cancel'; id: number };

/** The distinct ArrayBuffers that `arrays` fill entirely: safe to transfer (a view into a larger buffer is left to be copied). */
export function wholeBuffers(arrays: ReadonlyArray<Float64Array | Int32Array | null | undefined>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    if (array && array.buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength) buffers.add(array.buffer);
  }
  return [...buffers];
}

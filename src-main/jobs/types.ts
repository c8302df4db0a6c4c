/**
 * The job runner's internal contracts: what the main thread sends a worker, what a worker sends back,
 * what each kind of job returns, and the persistence port the runner writes through ({@link JobPersistence}:
 * declared here, implemented by src-main/services/runs.ts on the SQLite store; only the main thread calls it).
 * Nothing under src-main/jobs imports src-main/services.
 */
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { JobProgress, JobSpec, SweepResult } from '../../shared/domain/job.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import type { EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import type { ErrorPayload } from '../../shared/errors.ts';
import type { ImportOptions, ParsedDataset } from '../import/types.ts';

/** What a job returns, per kind. */
export type JobResult =
  | { kind: 'learn'; metric: LearnedMetric }
  | { kind: 'evaluate'; evaluation: EvaluationResult }
  | { kind: 'compare'; evaluations: EvaluationResult[] }
  | { kind: 'sweep'; sweep: SweepResult };

/** Main → worker: run this job (a worker runs one job at a time and then waits for the next). */
export interface WorkerRequest {
  type: 'job';
  payload: WorkerJobPayload;
}

/** Everything a worker needs for one job. Features are backed by a SharedArrayBuffer where possible. */
export interface WorkerJobPayload {
  jobId: string;
  runIds: number[];
  spec: JobSpec;
  /** The dataset as stored (raw features). `features.buffer` is a SharedArrayBuffer shared by every job on it. */
  dataset: DatasetMatrix & { name: string };
  /** The dataset's hand-labeled constraints, in labeling order. */
  constraints: PairConstraint[];
  /** Int32Array(1) over it: 0 = run, 1 = stop. Written by main with Atomics.store, read by `shouldStop()`. */
  cancelFlag: SharedArrayBuffer;
  /**
   * Threads an evaluate or compare job may use for its folds (1 = this worker alone), and the worker script the
   * helpers run (this job's own script, which serves fold requests). Absent: 1.
   */
  workers?: number;
  workerUrl?: string;
}

/** What an import worker parses: a data file on disk (with the import options) or a bundled sample. */
export type ImportSource =
  | { kind: 'file'; path: string; options: Omit<ImportOptions, 'onProgress'> }
  | { kind: 'sample'; name: string };

/** Main → worker: parse this source and send the {@link ParsedDataset} back (see import-worker.ts). */
export interface WorkerImportRequest {
  type: 'import';
  importId: string;
  source: ImportSource;
  /** Int32Array(1) over it: 0 = run, 1 = stop; read at every progress report (about every 1 MiB read). */
  cancelFlag: SharedArrayBuffer;
}

/**
 * Worker → main messages of an import. The result's Float64Array / Int32Array buffers are transferred (moved),
 * not copied.
 */
export type ImportWorkerMessage =
  | { type: 'import-progress'; importId: string; fraction: number }
  | { type: 'import-result'; importId: string; parsed: ParsedDataset }
  | { type: 'import-error'; importId: string; error: ErrorPayload };

/** Progress as a worker reports it (the runner adds jobId and forwards it). */
export type WorkerProgress = Omit<JobProgress, 'jobId'>;

/** Worker → main messages. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: WorkerProgress }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; error: ErrorPayload };

/** Extras for {@link JobPersistence.prepare}, used by re-runs. */
export interface SubmitOptions {
  /** Use exactly these hand-labeled pairs (in this order) instead of the dataset's current ones. */
  constraints?: PairConstraint[];
  /** The run this job repeats (recorded in the new run's protocol). */
  rerunOf?: number;
  /**
   * Threads for this job's folds (evaluate, compare); default the runner's `workers`. Results do not depend on it.
   */
  workers?: number;
}

/** A job accepted by the persistence layer: runs created (status queued), data located. */
export interface PreparedJob {
  /** The spec with defaults filled in, as stored with the runs. */
  spec: JobSpec;
  runIds: number[];
  dataset: { id: number; name: string; contentHash: string };
  constraints: PairConstraint[];
  /** Loads the dataset's matrix (called only when the runner has no shared copy of this content hash). */
  loadDataset(): DatasetMatrix;
}

/** Timings the runner measures for every run. */
export interface JobTimings {
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string;
  /** Wall time in the worker, from start to the result message. */
  runMs: number;
}

/** The writes the runner makes. Every method runs on the main thread, each in one transaction. */
export interface JobPersistence {
  /**
   * Validates the spec (dataset exists, method and parameters valid), creates its runs with status `queued`
   * and returns what the worker needs.
   * @throws ValidationError / NotFoundError; nothing is written then.
   */
  prepare(spec: JobSpec, options?: SubmitOptions): PreparedJob;
  markRunning(runIds: number[], startedAt: string): void;
  complete(runIds: number[], result: JobResult, timings: JobTimings): void;
  /** Marks runs failed or cancelled, with the error text. */
  finishUnsuccessfully(runIds: number[], status: 'failed' | 'cancelled', message: string, timings: JobTimings): void;
  /**
   * Runs left `running` or `queued` by a process that is gone (a crash) become `interrupted`; returns how many.
   */
  recoverInterrupted(): number;
  /** Called by the runner's close(): this persistence no longer owns live runs. */
  dispose?(): void;
}

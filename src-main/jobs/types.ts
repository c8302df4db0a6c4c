/**
 * The job runner's internal contracts: what a job's worker is given (the wire itself is protocol.ts),
 * what each kind of job returns, and the persistence port the runner writes through ({@link JobPersistence}:
 * declared here, implemented by src-main/services/runs.ts on the SQLite store; only the main thread calls it).
 * Nothing under src-main/jobs imports src-main/services.
 */
import type { Triple } from '../../shared/domain/comparisons.ts';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { AnswersSweepResult, JobProgress, JobSpec, SweepResult } from '../../shared/domain/job.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import type { EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import type { FitSpec } from '../../shared/engine/fit.ts';
import type { ImportOptions } from '../import/types.ts';

/** What a job returns, per kind. */
export type JobResult =
  | { kind: 'learn'; metric: LearnedMetric }
  /** `metric`: the method fitted on every row, for an evaluate job with `fitAllRows`. */
  | { kind: 'evaluate'; evaluation: EvaluationResult; metric?: LearnedMetric }
  | { kind: 'compare'; evaluations: EvaluationResult[] }
  | { kind: 'sweep'; sweep: SweepResult | AnswersSweepResult };

/** Everything a worker needs for one job. Features are backed by a SharedArrayBuffer where possible. */
export interface WorkerJobPayload {
  jobId: string;
  runIds: number[];
  spec: JobSpec;
  /** The dataset as stored (raw features). `features.buffer` is a SharedArrayBuffer shared by every job on it. */
  dataset: DatasetMatrix & { name: string };
  /** The dataset's hand-labeled constraints, in labeling order. */
  constraints: PairConstraint[];
  /** The dataset's relative comparisons, in labeling order (absent: none). */
  comparisons?: Triple[];
  /**
   * Threads an evaluate or compare job may use for its folds (1 = this worker alone), and the worker script the
   * helpers run (this job's own script, which serves fold requests). Absent: 1.
   */
  workers?: number;
  workerUrl?: string;
  /**
   * The job has `dataset.features` to itself (no other job reads them, now or later): a learn job's fit writes its
   * preprocessed rows over them instead of into a copy. Absent: the features are shared and read-only.
   */
  ownsFeatures?: boolean;
}

/** What an import worker parses: a data file on disk (with the import options) or a bundled sample. */
export type ImportSource =
  | { kind: 'file'; path: string; options: Omit<ImportOptions, 'onProgress'> }
  | { kind: 'sample'; name: string };

/**
 * A held-out test-set score as the main thread hands it to a worker (score-execute.ts): the metric (or how to fit
 * it on the training dataset first) and both datasets, checked on the main thread already.
 */
export interface ScoreTask {
  /** The run whose metric is scored (progress names it), or null for a baseline fitted here. */
  runId: number | null;
  /** The metric to score, bit for bit (a learn run's), or null: fit {@link ScoreTask.fit} on `train` first. */
  metric: LearnedMetric | null;
  fit: FitSpec | null;
  /** Raw features as stored; their buffers are transferred to the worker, not copied. */
  train: DatasetMatrix & { name: string };
  test: DatasetMatrix & { name: string };
  k: number;
  /** Seed of the k-means restarts. */
  seed: number;
  /** Threads for the kNN (1 = the score worker alone), and the worker script its helpers run (fold-pool.ts). */
  workers: number;
  workerUrl: string;
}

/** Progress as a worker reports it (the runner adds jobId and forwards it). */
export type WorkerProgress = Omit<JobProgress, 'jobId'>;

/** Extras for {@link JobPersistence.prepare}, used by re-runs. */
export interface SubmitOptions {
  /** Use exactly these hand-labeled pairs (in this order) instead of the dataset's current ones. */
  constraints?: PairConstraint[];
  /** Use exactly these comparisons (in this order) instead of the dataset's current ones. */
  comparisons?: Triple[];
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
  /** The comparisons the job's runs use, in labeling order (absent: none). */
  comparisons?: Triple[];
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

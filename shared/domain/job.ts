/**
 * Background jobs: what a caller asks for ({@link JobSpec}), what it hears while the job runs
 * ({@link JobProgress}) and how it ends ({@link JobOutcome}). Plain data only: these values cross worker,
 * IPC and HTTP boundaries unchanged (shared/ipc/schemas.ts mirrors them in zod).
 *
 * A job makes one or more *runs* (rows of the experiment history): learn, evaluate and sweep make one,
 * compare makes one per method. Run ids are known as soon as the job is submitted.
 */
import type { PreprocessKind } from './learned-metric.ts';

export type JobKind = 'learn' | 'evaluate' | 'compare' | 'sweep';
export const JOB_KINDS = ['learn', 'evaluate', 'compare', 'sweep'] as const;

/** Where a pair-based learner's constraints come from: the user's labels, or pairs generated from class labels. */
export type ConstraintSource = 'labeled' | 'generated';
export const CONSTRAINT_SOURCES = ['labeled', 'generated'] as const;

/**
 * A sweep may also use `suggested` pairs: chosen by active learning (the most uncertain pairs under the metric
 * learned so far, see shared/engine/active-pairs.ts) on each fold's training part and labeled by an oracle from
 * its class labels. Sweeps only: the other job kinds keep {@link ConstraintSource}.
 */
export type SweepConstraintSource = ConstraintSource | 'suggested';
export const SWEEP_CONSTRAINT_SOURCES = ['labeled', 'generated', 'suggested'] as const;

/** Cross-validation protocol. Defaults (issue 3): 5 folds, k = 3 neighbours, seed 0, zscore. */
export interface ProtocolOptions {
  folds?: number;
  k?: number;
  seed?: number;
  preprocess?: PreprocessKind;
}

/** The protocol with defaults filled in, as stored with a run (and used by shared/engine/evaluation). */
export interface Protocol {
  folds: number;
  /** Neighbours of the kNN classifier. */
  k: number;
  /** Seeds the fold split (the learner's seed is the job's `seed`, defaulting to this one). */
  seed: number;
  preprocess: PreprocessKind;
}

export const DEFAULT_PROTOCOL: Protocol = { folds: 5, k: 3, seed: 0, preprocess: 'zscore' };

/** Fields every job has. */
export interface JobCommon {
  datasetId: number;
  /** Seed of the learner (and of generated pairs); default 0. */
  seed?: number;
  /** For learn, only `preprocess` is used (the metric is fitted on the whole dataset). */
  protocol?: ProtocolOptions;
  /** Default: 'labeled' when the dataset has hand-labeled constraints, otherwise 'generated'. */
  constraintSource?: ConstraintSource;
  /** Number of generated pairs (constraintSource 'generated'); default metric-learn's 20·c². */
  pairs?: number;
}

export interface MethodChoice {
  method: string;
  params?: Record<string, unknown>;
}

export interface LearnJobSpec extends JobCommon {
  kind: 'learn';
  method: string;
  params?: Record<string, unknown>;
}

export interface EvaluateJobSpec extends JobCommon {
  kind: 'evaluate';
  method: string;
  params?: Record<string, unknown>;
}

export interface CompareJobSpec extends JobCommon {
  kind: 'compare';
  methods: MethodChoice[];
}

/** Accuracy against the number of constraints, for a pair-based method. */
export interface SweepJobSpec extends Omit<JobCommon, 'constraintSource'> {
  kind: 'sweep';
  /** As {@link JobCommon.constraintSource}, plus `suggested` (active learning, oracle-labeled from training labels). */
  constraintSource?: SweepConstraintSource;
  method: string;
  params?: Record<string, unknown>;
  /** Numbers of constraints N; default {@link DEFAULT_SWEEP_COUNTS}. */
  counts?: number[];
  /** Number of seeds per N (seed, seed + 1, …); default 3. */
  seeds?: number;
}

export const DEFAULT_SWEEP_COUNTS: readonly number[] = [0, 10, 20, 50, 100, 200, 500];
export const DEFAULT_SWEEP_SEEDS = 3;

export type JobSpec = LearnJobSpec | EvaluateJobSpec | CompareJobSpec | SweepJobSpec;

/**
 * Where a job is. `phase` is one of: 'queued', 'started' (the worker has the job), 'loading',
 * 'preprocess', 'fit', 'evaluate' (with fold/folds), 'sweep' (with fraction), 'saving', 'done'.
 */
export interface JobProgress {
  jobId: string;
  /** The run this progress belongs to (compare: the method being evaluated), or null. */
  runId: number | null;
  phase: string;
  /** 1-based fold being fitted, and the number of folds. */
  fold?: number;
  folds?: number;
  /** Learner iteration and objective from `onIteration`. */
  iteration?: number;
  objective?: number | null;
  /** Since the job started running (not since it was queued). */
  elapsedMs: number;
  /** Estimated remaining time, where it can be known (folds or sweep steps done so far). */
  etaMs?: number | null;
  /** 0…1 where it can be known. */
  fraction?: number | null;
  /** Short human text, e.g. "nca, fold 2/5". */
  message?: string;
}

/** Status of a job and of the runs it writes. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;

/** What `list()` returns for each job the runner knows about in this process. */
export interface JobInfo {
  jobId: string;
  kind: JobKind;
  datasetId: number;
  status: JobStatus;
  runIds: number[];
  progress: JobProgress | null;
  error: string | null;
}

/** How a job ended. `result` is the kind's result: see src-main/jobs/types.ts (JobResult). */
export type JobOutcome =
  | { jobId: string; status: 'succeeded'; runIds: number[]; result: unknown }
  | { jobId: string; status: 'failed' | 'cancelled'; runIds: number[]; error: { code: string; message: string } };

/** Events the runner pushes to subscribers. */
export type JobEvent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'status'; jobId: string; status: JobStatus }
  | { type: 'finished'; outcome: JobOutcome };

/** Sweep result: one point per N, the curve the charts draw. Accuracies are fractions in [0, 1]. */
export interface SweepPoint {
  /** Number of constraints asked for. */
  count: number;
  /** Number actually used (fewer when the source has fewer), per seed. */
  used: number[];
  /** Mean CV accuracy per seed. */
  accuracies: number[];
  /** Mean and population std over seeds; null when this N could not be evaluated (see `error`). */
  mean: number | null;
  std: number | null;
  /** Why the point is missing, e.g. a fold without any labeled pair in its training part. */
  error?: string;
}

export interface SweepResult {
  method: string;
  params: Record<string, unknown>;
  constraintSource: SweepConstraintSource;
  protocol: Protocol;
  seeds: number[];
  points: SweepPoint[];
}

/**
 * Background jobs: what a caller asks for ({@link JobSpec}), what it hears while the job runs
 * ({@link JobProgress}) and how it ends ({@link JobOutcome}). Plain data only: these values cross worker,
 * IPC and HTTP boundaries unchanged. The const arrays are declared in ./enums.ts; the shapes that cross to
 * the renderer (Protocol, JobProgress, JobInfo, SweepPoint, SweepResult) are declared once, as zod schemas in
 * shared/ipc/schemas.ts, and their types are inferred there and re-exported here.
 *
 * A job makes one or more *runs* (rows of the experiment history): learn, evaluate and sweep make one,
 * compare makes one per method. Run ids are known as soon as the job is submitted.
 */
import type { JobInfo, JobProgress, Protocol } from '../ipc/schemas.ts';
import type { ConstraintSource, JobStatus, PreprocessKind, SweepConstraintSource } from './enums.ts';

/**
 * Kinds of job; where a pair-based learner's constraints come from (the user's labels, or pairs generated from
 * class labels). A sweep may also use `suggested` pairs ({@link SweepConstraintSource}): chosen by active
 * learning (the most uncertain pairs under the metric learned so far, see shared/engine/suggest.ts) on each
 * fold's training part and labeled by an oracle from its class labels. Sweeps only: the other job kinds keep
 * {@link ConstraintSource}. Job statuses are those of the runs a job writes.
 */
export {
  CONSTRAINT_SOURCES,
  JOB_KINDS,
  JOB_STATUSES,
  SWEEP_CONSTRAINT_SOURCES,
  type ConstraintSource,
  type JobKind,
  type JobStatus,
  type SweepConstraintSource,
} from './enums.ts';
export type { JobInfo, JobProgress, Protocol, SweepPoint, SweepResult } from '../ipc/schemas.ts';

/** Cross-validation protocol. Defaults (issue 3): 5 folds, k = 3 neighbours, seed 0, zscore. */
export interface ProtocolOptions {
  folds?: number;
  k?: number;
  seed?: number;
  preprocess?: PreprocessKind;
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

/** How a job ended. `result` is the kind's result: see src-main/jobs/types.ts (JobResult). */
export type JobOutcome =
  | { jobId: string; status: 'succeeded'; runIds: number[]; result: unknown }
  | { jobId: string; status: 'failed' | 'cancelled'; runIds: number[]; error: { code: string; message: string } };

/** Events the runner pushes to subscribers. */
export type JobEvent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'status'; jobId: string; status: JobStatus }
  | { type: 'finished'; outcome: JobOutcome };

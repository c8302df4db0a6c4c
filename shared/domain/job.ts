/**
 * Background jobs: what a caller asks for ({@link JobSpec}), what it hears while the job runs
 * ({@link JobProgress}) and how it ends ({@link JobOutcome}). Plain data only: these values cross worker,
 * IPC and HTTP boundaries unchanged. The const arrays are declared in ./enums.ts; the shapes that cross to
 * the renderer (Protocol, JobProgress, JobInfo, SweepPoint, SweepResult) are declared once, as zod schemas in
 * ./schemas/jobs.ts and ./schemas/runs.ts, and their types are inferred there and re-exported here.
 *
 * A job makes one or more *runs* (rows of the experiment history): learn, evaluate and sweep make one,
 * compare makes one per method. Run ids are known as soon as the job is submitted.
 */
import type { JobProgress, JobSpec as WireJobSpec, MethodChoice as WireMethodChoice, Protocol } from './schemas/jobs.ts';
import type { AnswersSweepResult, SweepResult } from './schemas/runs.ts';
import type { JobStatus } from './enums.ts';

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
export type { JobInfo, JobProgress, Protocol } from './schemas/jobs.ts';
export type { AnswersSweepCurve, AnswersSweepResult, SweepPoint, SweepResult } from './schemas/runs.ts';

export const DEFAULT_PROTOCOL: Protocol = { folds: 5, k: 3, seed: 0, preprocess: 'zscore' };

/**
 * What a caller asks for: learn | evaluate | compare | sweep, declared once as JobSpecSchema in
 * ./schemas/jobs.ts (bounds included). Every job has `datasetId`; `seed` (learner and generated pairs,
 * default 0); `protocol` (for learn only `preprocess` is used); `constraintSource` (default 'labeled' when the
 * dataset has hand-labeled constraints, otherwise 'generated'; sweeps also take 'suggested'); `pairs` (generated
 * pairs per kind, default metric-learn's 20·c²). A sweep has `counts` (numbers of constraints N, default
 * {@link DEFAULT_SWEEP_COUNTS}) and `seeds` (seeds per N: seed, seed + 1, …; default 3).
 */
export type { ProtocolOptions } from './schemas/jobs.ts';

/**
 * Typed code (the runs service, the engine, tests) passes validated params as `Record<string, unknown>` (the
 * learners' ParamValues); the contract's request form narrows each value to number | string | boolean | null.
 */
type LooseParams<T> = Omit<T, 'params'> & { params?: Record<string, unknown> };

/** One method of a comparison, with its params. */
export type MethodChoice = LooseParams<WireMethodChoice>;

export type JobSpec = WireJobSpec extends infer S
  ? S extends { kind: 'compare' }
    ? Omit<S, 'methods'> & { methods: MethodChoice[] }
    : S extends { kind: 'sweep' }
      ? Omit<LooseParams<S>, 'versus'> & { versus?: MethodChoice }
      : LooseParams<S>
  : never;
export type LearnJobSpec = Extract<JobSpec, { kind: 'learn' }>;
export type EvaluateJobSpec = Extract<JobSpec, { kind: 'evaluate' }>;
export type SweepJobSpec = Extract<JobSpec, { kind: 'sweep' }>;
/** Fields every job has (a sweep's `constraintSource` also takes 'suggested'). */
export type JobCommon = Omit<LearnJobSpec, 'kind' | 'method' | 'params'>;

/** Whether a sweep run's result is a pairs-vs-comparisons sweep (two curves over answers) rather than one method's curve. */
export function isAnswersSweep(sweep: SweepResult | AnswersSweepResult): sweep is AnswersSweepResult {
  return 'curves' in sweep;
}

export const DEFAULT_SWEEP_COUNTS: readonly number[] = [0, 10, 20, 50, 100, 200, 500];
export const DEFAULT_SWEEP_SEEDS = 3;

/** How a job ended. `result` is the kind's result: see src-main/jobs/types.ts (JobResult). */
export type JobOutcome =
  | { jobId: string; status: 'succeeded'; runIds: number[]; result: unknown }
  | { jobId: string; status: 'failed' | 'cancelled'; runIds: number[]; error: { code: string; message: string } };

/** Events the runner pushes to subscribers. */
export type JobEvent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'status'; jobId: string; status: JobStatus }
  | { type: 'finished'; outcome: JobOutcome };

/**
 * Jobs as zod schemas (the types are re-exported by shared/domain/job.ts): the job spec a caller submits (strict,
 * bounded), the resolved protocol stored with a run, progress while a job or a test-set score runs, and what the
 * runner lists.
 */
import '../zod-config.ts';
import { z } from 'zod';
import { CONSTRAINT_SOURCES, JOB_KINDS, JOB_STATUSES, SWEEP_CONSTRAINT_SOURCES } from '../enums.ts';
import { Id, LIMITS, MethodName, Params, PreprocessSchema, Seed } from './values.ts';

export const ProtocolSchema = z.strictObject({
  folds: z.int().min(2).max(50).optional(),
  k: z.int().min(1).max(100).optional(),
  seed: Seed.optional(),
  preprocess: PreprocessSchema.optional(),
  /** PCA first: to this many components, fitted on each training part after the preprocessing, before the learner. */
  reduce: z.int().min(1).max(1_000_000).optional(),
});

/** The protocol with defaults filled in, as stored with a run (and used by shared/engine/evaluation). */
export const ResolvedProtocolSchema = z.object({
  folds: z.number(),
  /** Neighbours of the kNN classifier. */
  k: z.number(),
  /** Seeds the fold split (the learner's seed is the job's `seed`, defaulting to this one). */
  seed: z.number(),
  preprocess: PreprocessSchema,
  /** PCA first (see ProtocolSchema); absent: none. */
  reduce: z.number().optional(),
});

export const JobKindSchema = z.enum(JOB_KINDS);
export const ConstraintSourceSchema = z.enum(CONSTRAINT_SOURCES);
/** Sweeps also accept 'suggested' (active-learning pairs or comparisons labeled from the training fold's classes). */
export const SweepConstraintSourceSchema = z.enum(SWEEP_CONSTRAINT_SOURCES);

export const MethodChoiceSchema = z.strictObject({ method: MethodName, params: Params.optional() });

const jobCommon = {
  datasetId: Id,
  seed: Seed.optional(),
  protocol: ProtocolSchema.optional(),
  constraintSource: ConstraintSourceSchema.optional(),
  /** Number of generated pairs per kind when constraintSource is 'generated' (checked here only, not again by the runs service). */
  pairs: z.int().min(1).max(1_000_000).optional(),
  /** Learners of comparisons and quadruplets also use the comparisons the labeled pairs imply (must(a,b) and cannot(a,c) give (a,b,c)). */
  derived: z.boolean().optional(),
};

export const JobSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('learn'),
    method: MethodName,
    params: Params.optional(),
    ...jobCommon,
    /** Fit on this many rows drawn at random (seeded by `seed`) instead of every row (shared/engine/fit.ts FitSpec.subsample). */
    subsample: z.int().min(2).optional(),
  }),
  z.strictObject({
    kind: z.literal('evaluate'),
    method: MethodName,
    params: Params.optional(),
    ...jobCommon,
    /**
     * Also fit the method on every row, from the evaluation's own resolution of the method, parameters and
     * supervision: the run stores that metric beside its evaluation (a grid cell is one such job).
     */
    fitAllRows: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('compare'), methods: z.array(MethodChoiceSchema).min(1).max(LIMITS.list), ...jobCommon }),
  z.strictObject({
    kind: z.literal('sweep'),
    method: MethodName,
    params: Params.optional(),
    counts: z.array(z.int().min(0).max(1_000_000)).min(1).max(LIMITS.list).optional(),
    seeds: z.int().min(1).max(100).optional(),
    /**
     * Pairs vs comparisons (shared/engine/answers-sweep.ts): a learner of comparisons swept over the same numbers of
     * answers (`counts`) beside `method`, which is then a learner of pairs; the result is an AnswersSweepResult.
     */
    versus: MethodChoiceSchema.optional(),
    ...jobCommon,
    constraintSource: SweepConstraintSourceSchema.optional(),
  }),
]);

export type ProtocolOptions = z.output<typeof ProtocolSchema>;
export type MethodChoice = z.output<typeof MethodChoiceSchema>;
export type JobSpec = z.output<typeof JobSpecSchema>;

export const JobPhaseSchema = z.string().max(LIMITS.name);

/**
 * Where a job is. `phase` is one of: 'queued', 'started' (the worker has the job), 'loading',
 * 'preprocess', 'fit', 'evaluate' (with fold/folds), 'sweep' (with fraction), 'saving', 'done'.
 */
export const JobProgressSchema = z.object({
  jobId: z.string(),
  /** The run this progress belongs to (compare: the method being evaluated), or null. */
  runId: z.number().nullable(),
  phase: JobPhaseSchema,
  /** 1-based fold being fitted, and the number of folds. */
  fold: z.number().optional(),
  folds: z.number().optional(),
  /** Learner iteration and objective from `onIteration`. */
  iteration: z.number().optional(),
  objective: z.number().nullable().optional(),
  /** Since the job started running (not since it was queued). */
  elapsedMs: z.number(),
  /** Estimated remaining time, where it can be known (folds or sweep steps done so far). */
  etaMs: z.number().nullable().optional(),
  /** 0…1 where it can be known. */
  fraction: z.number().nullable().optional(),
  /** Short human text, e.g. "nca, fold 2/5". */
  message: z.string().optional(),
});

/**
 * Where a held-out test-set score (`runs.score`, `methods.score`) is: the job progress fields with the caller's
 * `scoreId` in place of a job id. `phase`: 'started', 'fit' (with iteration / objective), 'knn', 'kmeans',
 * 'retrieval', 'done'; `fraction` is the share of the scoring work done (the fit is not counted).
 */
export const ScoreProgressSchema = JobProgressSchema.omit({ jobId: true }).extend({ scoreId: z.string() });

export const JobStatusSchema = z.enum(JOB_STATUSES);

/** What the runner's `list()` returns for each job it knows about in this process. */
export const JobInfoSchema = z.object({
  jobId: z.string(),
  kind: JobKindSchema,
  datasetId: z.number(),
  status: JobStatusSchema,
  runIds: z.array(z.number()),
  progress: JobProgressSchema.nullable().optional(),
  error: z.string().nullable().optional(),
});

export type Protocol = z.output<typeof ResolvedProtocolSchema>;
export type JobProgress = z.output<typeof JobProgressSchema>;
export type JobInfo = z.output<typeof JobInfoSchema>;

export type ScoreProgress = z.output<typeof ScoreProgressSchema>;

/**
 * Runs and their results as zod schemas (the types are re-exported by shared/domain and shared/engine/evaluation):
 * what a run learned from (supervision), the run history's items and details, a fit's summary, the learned metric
 * on the wire, fold and evaluation results, sweeps, comparisons and held-out test-set scores.
 */
import '../zod-config.ts';
import { z } from 'zod';
import { BASELINE_METHOD, GRID_LOCATIONS, LEARNER_INPUTS } from '../enums.ts';
import { PreprocessSchema, StopReasonSchema } from './values.ts';
import { ConstraintSourceSchema, JobKindSchema, JobStatusSchema, ResolvedProtocolSchema, SweepConstraintSourceSchema } from './jobs.ts';
import { DatasetRefSchema } from './datasets.ts';

/**
 * Which supervision a run learned from (shared/domain/supervision.ts: how it is built and its short text).
 * `kind` is what the method learns from (LEARNER_INPUTS: none, labels, pairs, and the kinds other learners add);
 * for pair-like kinds, `source` says where they came from, `count` how many hand-labeled ones the run was given
 * (each fold trains on those inside its training part), `perFold` how many were generated per training fold
 * (cross-validated runs) and `count` how many for a whole-dataset fit.
 */
export const SupervisionSchema = z.object({
  kind: z.enum(LEARNER_INPUTS),
  source: SweepConstraintSourceSchema.optional(),
  count: z.number().optional(),
  perFold: z.number().optional(),
});

export const RunStatusSchema = JobStatusSchema;
export const RunKindSchema = JobKindSchema;

/** A grid cell's mark on its run: grid id, cell index, where it ran (shared/domain/grid.ts GridMark). */
export const GridMarkSchema = z.object({
  id: z.string(),
  cell: z.number(),
  /** 'local': the worker pool of the app or CLI; 'slurm': a Slurm array task. */
  where: z.enum(GRID_LOCATIONS),
  host: z.string(),
  slurmJobId: z.string().nullable().optional(),
  slurmArrayTaskId: z.number().nullable().optional(),
});

/** A run as the history lists it (`runs.list`, `workbench runs`): the record plus a one-line headline. */
export const RunListItemSchema = z.object({
  id: z.number(),
  datasetId: z.number().nullable(),
  datasetHash: z.string().nullable(),
  kind: RunKindSchema,
  method: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().nullable(),
  status: RunStatusSchema,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  parentRunId: z.number().nullable(),
  error: z.string().nullable(),
  /** Mean CV accuracy (evaluate, classification), or null. */
  accuracy: z.number().nullable(),
  /** Mean CV kNN-regression RMSE and R² (evaluate on a regression dataset), else absent. */
  rmse: z.number().nullable().optional(),
  r2: z.number().nullable().optional(),
  /** [k, d] of the learned metric (learn, or a grid cell), or null. */
  components: z.tuple([z.number(), z.number()]).nullable(),
  /** The grid cell this run is, and where it ran; null for a run outside a grid. */
  grid: GridMarkSchema.nullable().optional(),
  /** The latest held-out test-set score of the run's metric (`workbench score`), or null. */
  testScore: z
    .object({ testDatasetName: z.string(), k: z.number(), accuracy: z.number().nullable(), rmse: z.number().optional(), r2: z.number().optional() })
    .nullable(),
  /** The supervision the run learned from; null for a compare parent (its methods each have their own). */
  supervision: SupervisionSchema.nullable().optional(),
});

/** How a fit went (shared/domain/learned-metric.ts FitSummary). */
export const FitSummarySchema = z.object({
  iterations: z.number(),
  /** True exactly when `stopReason` is `tolerance` or `projections`, or the method is closed-form. */
  converged: z.boolean(),
  /** Why the learner stopped (STOP_REASONS); null for closed-form methods and runs stored before it existed. */
  stopReason: StopReasonSchema.nullable(),
  /**
   * The learner's objective at the returned L, in the sign and units its trace uses (NCA: Σ p_i, maximized;
   * LMNN: the hinge loss, ITML: the LogDet divergence, MMC: its objective); null when it has none.
   */
  objective: z.number().nullable(),
  fitSeconds: z.number(),
  /** CPU seconds of the process's threads during the fit (absent where the host has no CPU clock): ÷ fitSeconds = cores busy. */
  fitCpuSeconds: z.number().optional(),
  /** Objective after each iteration (may be empty for closed-form methods). */
  objectiveTrace: z.array(z.number()),
  /** What the fit had to change to give a finite metric (fewer chunklets than asked, a regularised covariance …). */
  warnings: z.array(z.string()).optional(),
});

/** A learned metric as plain JSON (numbers instead of typed arrays); src-main/services/runs `toWireMetric`. */
export const LearnedMetricWireSchema = z.object({
  method: z.string(),
  params: z.record(z.string(), z.unknown()),
  seed: z.number(),
  /** (nComponents, nFeatures) row-major. */
  L: z.array(z.number()),
  /** [nComponents, nFeatures]. */
  shape: z.tuple([z.number(), z.number()]),
  /** (nFeatures, nFeatures) row-major, M = LᵀL. */
  M: z.array(z.number()),
  preprocessing: z.object({
    kind: PreprocessSchema,
    inputFeatures: z.number(),
    kept: z.array(z.number()),
    dropped: z.array(z.number()),
    center: z.array(z.number()),
    scale: z.array(z.number()),
  }),
  summary: FitSummarySchema,
});

const nullableNumber = z.number().nullable();


/** One fold of a cross-validated evaluation (shared/engine/evaluation/evaluate.ts FoldResult). */
export const FoldResultSchema = z.object({
  /** 0-based. */
  fold: z.number(),
  trainSize: z.number(),
  testSize: z.number(),
  /** kNN accuracy (classification); null on a regression dataset. */
  accuracy: nullableNumber,
  fitSeconds: z.number(),
  iterations: z.number(),
  converged: z.boolean(),
  /** Why the fold's fit stopped; folds stored before stop reasons were recorded lack it and read as null. */
  stopReason: StopReasonSchema.nullable().default(null),
  nComponents: z.number(),
  /** Raw feature indices dropped as constant on this fold's training part (always written by the engine). */
  droppedFeatures: z.array(z.number()).optional(),
  /** Pairs the metric learned from (pair-based methods), else 0. */
  trainPairs: z.number(),
  /** Held-out pairs scored by pairAuc. */
  testPairs: z.number(),
  /** k-means figures against the classes; null on a regression dataset. */
  nmi: nullableNumber,
  ari: nullableNumber,
  precisionAt1: nullableNumber,
  mapAtR: nullableNumber,
  pairAuc: nullableNumber,
  /** kNN regression (mean of the k nearest targets) on a regression dataset: RMSE, MAE and R²; absent for classification. */
  rmse: z.number().optional(),
  mae: z.number().optional(),
  r2: z.number().optional(),
});

/** A figure over the folds: mean, population std and the per-fold values. */
const FoldFigureSchema = z.object({ mean: z.number(), std: z.number(), folds: z.array(z.number()) });

/**
 * A cross-validated evaluation (shared/engine/evaluation/evaluate.ts `evaluateMethod`; its EvaluationResult
 * type): shaped exactly like the CLI's `{"evaluation": …}` payload, plus the per-fold detail.
 */
export const EvaluationSchema = z.object({
  /** The dataset's name or id as the caller gave it, or null (always written by the engine). */
  dataset: z.union([z.string(), z.number()]).nullable().optional(),
  method: z.string(),
  params: z.record(z.string(), z.unknown()),
  protocol: ResolvedProtocolSchema,
  /** kNN accuracy over the folds (classification); null on a regression dataset. */
  accuracy: FoldFigureSchema.nullable(),
  fitSeconds: z.object({ median: z.number(), folds: z.array(z.number()) }),
  nmi: nullableNumber,
  ari: nullableNumber,
  precisionAt1: nullableNumber,
  mapAtR: nullableNumber,
  pairAuc: nullableNumber,
  /**
   * Held-out pairs behind pairAuc: the pairs of the folds that gave an AUC (absent in evaluations stored before it
   * was recorded). Every run of one comparison is scored on the same held-out pairs.
   */
  pairAucPairs: z.number().optional(),
  /** Where those held-out pairs come from: the hand-labeled pairs inside each test part, or pairs generated from its labels. */
  pairAucSource: ConstraintSourceSchema.optional(),
  /** The supervision the method learned from (absent in evaluations stored before it was recorded). */
  supervision: SupervisionSchema.optional(),
  /** kNN regression figures over the folds (regression datasets only; absent for classification). */
  rmse: FoldFigureSchema.optional(),
  mae: FoldFigureSchema.optional(),
  r2: FoldFigureSchema.optional(),
  folds: z.array(FoldResultSchema),
});

/** One point of a sweep: the accuracy curve at N constraints. Accuracies are fractions in [0, 1]. */
export const SweepPointSchema = z.object({
  /** Number of constraints asked for. */
  count: z.number(),
  /** Number actually used (fewer when the source has fewer), per seed. */
  used: z.array(z.number()),
  /** Mean CV accuracy per seed. */
  accuracies: z.array(z.number()),
  /** Mean and population std over seeds; null when this N could not be evaluated (see `error`). */
  mean: z.number().nullable(),
  std: z.number().nullable(),
  /** Why the point is missing, e.g. a fold without any labeled pair in its training part. */
  error: z.string().optional(),
});

/** A sweep's result (shared/engine/sweep.ts): one point per N, the curve the charts draw. */
export const SweepResultSchema = z.object({
  method: z.string(),
  params: z.record(z.string(), z.unknown()),
  constraintSource: SweepConstraintSourceSchema,
  protocol: ResolvedProtocolSchema,
  seeds: z.array(z.number()),
  points: z.array(SweepPointSchema),
});

/** One point of a pairs-vs-comparisons curve: the sweep point at N answers (`answers` in place of `count`). */
export const AnswersSweepPointSchema = SweepPointSchema.omit({ count: true }).extend({
  /** Number of answers asked for: pairs (must-link or cannot-link) or comparisons (a closer to b than to c). */
  answers: z.number(),
});

/** One curve of a pairs-vs-comparisons sweep: a method on one supervision, the same points as its own sweep. */
export const AnswersSweepCurveSchema = z.object({
  supervision: z.enum(['pairs', 'comparisons']),
  method: z.string(),
  params: z.record(z.string(), z.unknown()),
  source: SweepConstraintSourceSchema,
  points: z.array(AnswersSweepPointSchema),
});

/**
 * Pairs or comparisons, which gets more per answer (shared/engine/answers-sweep.ts): accuracy against the number
 * of answers for a pair learner and a comparison learner, same folds and seeds, and the Euclidean baseline
 * (also both curves' point at 0 answers).
 */
export const AnswersSweepResultSchema = z.object({
  kind: z.literal('answers'),
  answers: z.array(z.number()),
  constraintSource: SweepConstraintSourceSchema,
  protocol: ResolvedProtocolSchema,
  seeds: z.array(z.number()),
  baseline: z.object({ method: z.literal(BASELINE_METHOD), accuracies: z.array(z.number()), mean: z.number().nullable(), std: z.number().nullable() }),
  curves: z.array(AnswersSweepCurveSchema),
});

/**
 * One method of a comparison as the compare parent records it (accuracy and fit time; the full
 * evaluation, folds included, is the child run's own `evaluation`).
 */
export const ComparisonEntrySchema = z.object({
  /** The per-method evaluate run (one of the parent's `children`). */
  runId: z.number(),
  method: z.string(),
  /** Null on a regression dataset (then rmse and r2 are there). */
  accuracy: FoldFigureSchema.nullable(),
  fitSeconds: z.object({ median: z.number(), folds: z.array(z.number()) }),
  rmse: FoldFigureSchema.optional(),
  r2: FoldFigureSchema.optional(),
});

/**
 * A metric's figures on a held-out test set (shared/engine/evaluation/score.ts TestSetScore); every one a fraction
 * in [0, 1] (ARI may be negative).
 */
export const TestSetScoreSchema = z.object({
  /** kNN accuracy, k-means NMI and ARI (classification); null when the training dataset is a regression dataset. */
  accuracy: nullableNumber,
  nmi: nullableNumber,
  ari: nullableNumber,
  /** kNN regression figures on a regression test set; absent for classification. */
  rmse: z.number().optional(),
  mae: z.number().optional(),
  r2: z.number().optional(),
  precisionAt1: nullableNumber,
  mapAtR: nullableNumber,
  trainRows: z.number(),
  testRows: z.number(),
  /** Neighbours of the kNN vote. */
  k: z.number(),
  /** Seed of the k-means++ restarts. */
  seed: z.number(),
  /** Dimensions of the learned space (rows of L). */
  nComponents: z.number(),
  /** Test classes (by name) that the training dataset does not have; their rows count as kNN errors. */
  unmatchedClasses: z.array(z.string()),
});

/**
 * A metric's test-set figures together with what they are about: the run (null for a method fitted for the
 * occasion, e.g. the euclidean baseline), the method, and the training and test datasets. `workbench score` prints it.
 */
export const ScoreReportSchema = TestSetScoreSchema.extend({
  runId: z.number().nullable(),
  method: z.string(),
  trainDataset: DatasetRefSchema,
  testDataset: DatasetRefSchema,
});

/** A run's score on one test set and k (src-main/storage/test-scores-repository.ts StoredTestScore). */
export const TestScoreRecordSchema = z.object({
  id: z.number(),
  runId: z.number(),
  /** Null once the test dataset was deleted (its name is kept). */
  testDatasetId: z.number().nullable(),
  testDatasetName: z.string(),
  testDatasetHash: z.string(),
  k: z.number(),
  score: TestSetScoreSchema,
  createdAt: z.string(),
});

/** A compare parent's per-method evaluate run: its list item plus its evaluation (null until it succeeded). */
export const RunChildSchema = RunListItemSchema.extend({
  evaluation: EvaluationSchema.nullable(),
  /** Held-out test-set scores of this method's metric, oldest first. */
  testScores: z.array(TestScoreRecordSchema),
});

/** Which result field each run kind may fill; the others must be null. */
const RESULT_OF_KIND = { learn: 'metric', evaluate: 'evaluation', compare: 'comparison', sweep: 'sweep' } as const;
const RESULT_FIELDS = ['metric', 'evaluation', 'comparison', 'sweep'] as const;

/**
 * One run as `runs.get` and `workbench run show` give it: the run record plus its results. Each kind has its own
 * result (learn → `metric`, evaluate → `evaluation`, compare → `comparison`, sweep → `sweep`); the others
 * are null, except that a grid cell (an evaluate run with `protocol.grid`) also has the `metric` fitted on the
 * whole data set. A compare parent has no evaluation of its own: its methods are `children` (evaluate runs, each
 * with its evaluation) and `comparison` summarizes them in the order they were requested.
 */
export const RunDetailSchema = z
  .object({
    id: z.number(),
    datasetId: z.number().nullable(),
    datasetHash: z.string().nullable(),
    kind: RunKindSchema,
    method: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    protocol: z.record(z.string(), z.unknown()).nullable(),
    seed: z.number().nullable(),
    status: RunStatusSchema,
    appVersion: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    timings: z.record(z.string(), z.number()).nullable(),
    errorCode: z.string().nullable(),
    error: z.string().nullable(),
    parentRunId: z.number().nullable(),
    metric: LearnedMetricWireSchema.nullable(),
    evaluation: EvaluationSchema.nullable(),
    /** Compare: accuracy and fit time per method, in order (null until the comparison succeeded). */
    comparison: z.array(ComparisonEntrySchema).nullable(),
    /** A sweep's curve, or a pairs-vs-comparisons sweep's two curves (`kind: 'answers'`). */
    sweep: z.union([AnswersSweepResultSchema, SweepResultSchema]).nullable(),
    /** Compare: the per-method evaluate runs, in the order of the spec's methods; empty for other kinds. */
    children: z.array(RunChildSchema),
    /** Held-out test-set scores of this run's metric (learn and evaluate runs), oldest first. */
    testScores: z.array(TestScoreRecordSchema),
  })
  .superRefine((run, ctx) => {
    const own = RESULT_OF_KIND[run.kind];
    // A grid cell is an evaluate run that also stores the metric fitted on the whole data set.
    const gridCell = run.kind === 'evaluate' && run.protocol !== null && typeof run.protocol.grid === 'object' && run.protocol.grid !== null;
    for (const field of RESULT_FIELDS) {
      if (gridCell && field === 'metric') continue;
      if (field !== own && run[field] !== null) {
        ctx.addIssue({ code: 'custom', path: [field], message: `must be null for a run of kind '${run.kind}' (its result is '${own}')` });
      }
    }
    if (run.kind !== 'compare' && run.children.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['children'], message: `must be empty for a run of kind '${run.kind}' (only compare runs have children)` });
    }
  });

export type FitSummary = z.output<typeof FitSummarySchema>;
export type LearnedMetricWire = z.output<typeof LearnedMetricWireSchema>;
export type FoldResult = z.output<typeof FoldResultSchema>;
export type EvaluationResult = z.output<typeof EvaluationSchema>;
export type SweepPoint = z.output<typeof SweepPointSchema>;
export type SweepResult = z.output<typeof SweepResultSchema>;
export type AnswersSweepCurve = z.output<typeof AnswersSweepCurveSchema>;
export type AnswersSweepResult = z.output<typeof AnswersSweepResultSchema>;
export type ComparisonEntry = z.output<typeof ComparisonEntrySchema>;
export type Supervision = z.output<typeof SupervisionSchema>;

export type RunListItem = z.output<typeof RunListItemSchema>;
export type RunDetail = z.output<typeof RunDetailSchema>;

export type TestSetScore = z.output<typeof TestSetScoreSchema>;
export type ScoreReport = z.output<typeof ScoreReportSchema>;
export type TestScoreRecord = z.output<typeof TestScoreRecordSchema>;

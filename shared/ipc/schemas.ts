/**
 * Building blocks of the IPC contract (shared/ipc/contract.ts): zod schemas for the values that cross
 * from the renderer to main (requests: strict, bounded) and back (responses: unknown fields stripped).
 *
 * Rules for requests: objects are strict (an unknown field is an error), integers are safe integers
 * ≥ 0, strings and arrays have an upper length, numbers are finite.
 *
 * One source: these schemas are the only declaration of every value that crosses a boundary, and every
 * enum is `z.enum(CONST)` over the domain's const arrays (shared/domain/enums.ts). The TypeScript types of
 * those values are inferred here (`z.output`, at the end of each section) and re-exported where the domain
 * uses them (shared/domain/job.ts, learned-metric.ts, shared/engine/evaluation, src-main/services/runs,
 * src-main/import/types.ts): nothing is written twice.
 */
import './zod-config.ts';
import { z } from 'zod';
import {
  COMPARISON_ADD_OUTCOMES,
  CONSTRAINT_KINDS,
  CONSTRAINT_ORIGINS,
  CONSTRAINT_SET_OUTCOMES,
  CONSTRAINT_SOURCES,
  DATASET_TASKS,
  IMPORT_FORMATS,
  JOB_KINDS,
  GRID_LOCATIONS,
  JOB_STATUSES,
  LEARNER_INPUTS,
  PARAM_TYPES,
  PREPROCESS_KINDS,
  REPORT_FORMATS,
  STOP_REASONS,
  SWEEP_CONSTRAINT_SOURCES,
} from '../domain/enums.ts';
import { ERROR_CODE_LIST } from '../errors.ts';
import { EXPORT_FORMATS } from '../export/formats.ts';

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

export const LIMITS = {
  /** Dataset, run and method names, class names, file names. */
  name: 200,
  /** Free text such as a label column given by name. */
  text: 1_000,
  /** Opaque ids handed out by main (upload file ids, job ids). */
  token: 100,
  /** Upper bound of any row index (the store refuses indices ≥ rows anyway). */
  rowIndex: 100_000_000,
  /** Sizes of requested lists (sweep counts, seeds, methods in a comparison). */
  list: 64,
  /** Parameters per method. */
  params: 32,
  /** An upload sent through IPC as base64 (desktop drag and drop); the HTTP upload streams instead. */
  uploadBase64: 400 * 1024 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** A non-negative safe integer (rejects NaN, Infinity, fractions and negatives). */
export const count = () => z.int().min(0);
/** Database ids (datasets, runs) are positive integers. */
export const Id = z.int().min(1);
export const RowIndex = z.int().min(0).max(LIMITS.rowIndex);
export const Seed = z.int().min(0).max(2 ** 32 - 1);
export const Name = z.string().min(1).max(LIMITS.name);
export const Token = z.string().min(1).max(LIMITS.token).regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, _ and -');
export const MethodName = z.string().min(1).max(LIMITS.name).regex(/^[a-z0-9-]+$/, 'must be a method name such as nca or mmc-diagonal');
export const ParamValue = z.union([z.number(), z.string().max(LIMITS.text), z.boolean(), z.null()]);
export const Params = z
  .record(z.string().max(LIMITS.name), ParamValue)
  .refine((p) => Object.keys(p).length <= LIMITS.params, `must have at most ${LIMITS.params} parameters`);

export const ConstraintKindSchema = z.enum(CONSTRAINT_KINDS);
export const ConstraintOriginSchema = z.enum(CONSTRAINT_ORIGINS);
export const ConstraintSetOutcomeSchema = z.enum(CONSTRAINT_SET_OUTCOMES);
export const PreprocessSchema = z.enum(PREPROCESS_KINDS);
export const StopReasonSchema = z.enum(STOP_REASONS);
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export const ErrorCodeSchema = z.enum(ERROR_CODE_LIST as [string, ...string[]]);

/** Request with no fields. */
export const Empty = z.strictObject({});

// ---------------------------------------------------------------------------------------------
// Jobs (the types are re-exported by shared/domain/job.ts)
// ---------------------------------------------------------------------------------------------

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
  z.strictObject({ kind: z.literal('learn'), method: MethodName, params: Params.optional(), ...jobCommon }),
  z.strictObject({ kind: z.literal('evaluate'), method: MethodName, params: Params.optional(), ...jobCommon }),
  z.strictObject({ kind: z.literal('compare'), methods: z.array(MethodChoiceSchema).min(1).max(LIMITS.list), ...jobCommon }),
  z.strictObject({
    kind: z.literal('sweep'),
    method: MethodName,
    params: Params.optional(),
    counts: z.array(z.int().min(0).max(1_000_000)).min(1).max(LIMITS.list).optional(),
    seeds: z.int().min(1).max(100).optional(),
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

// ---------------------------------------------------------------------------------------------
// Datasets, files, constraints
// ---------------------------------------------------------------------------------------------

export const DatasetSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  rows: z.number(),
  features: z.number(),
  classes: z.array(z.string()),
  labeled: z.boolean(),
  sourceFile: z.string().nullable(),
  sourceSha256: z.string().nullable(),
  /** sha256 of the stored content (features + labels), used to tie runs to exact data. */
  contentHash: z.string(),
  createdAt: z.string(),
  constraintCount: z.number().optional(),
  imageShape: z.tuple([z.number(), z.number()]).nullable().optional(),
  /** 'regression' when the dataset has a numeric target per row (chosen at import), else 'classification' (absent: classification). */
  task: z.enum(DATASET_TASKS).optional(),
  /** The regression target's column name, or null for a classification dataset. */
  target: z.string().nullable().optional(),
});

/** A stored dataset as lists show it (shared/domain/dataset.ts re-exports the type). */
export type DatasetSummary = z.output<typeof DatasetSummarySchema>;

/** A dataset named in a result: its id and its name. */
export const DatasetRefSchema = z.object({ id: z.number(), name: z.string() });

/** A dataset reference as people type it (the CLI, scripts): an id (digits naming an existing id) or a unique name. */
export const DatasetRefText = z.string().min(1).max(LIMITS.text);

/** Per-feature statistics of a stored dataset: mean, population std, min and max. */
export const FeatureStatsSchema = z.object({
  name: z.string(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
});
export type FeatureStats = z.output<typeof FeatureStatsSchema>;

/** A stored dataset's summary and import metadata, read without its feature data (`datasets.resolve`). */
export const DatasetRecordSchema = DatasetSummarySchema.extend({
  featureNames: z.array(z.string()),
  /** The file format it was imported from (csv, tsv, arff, libsvm, npy, idx), or null (e.g. generated data). */
  format: z.string().nullable(),
  /** The options the import used, as resolved (format, delimiter, header, label column, droppedRows …). */
  importOptions: z.record(z.string(), z.unknown()),
  /** The import's warnings (dropped rows, ignored attributes …). */
  warnings: z.array(z.string()),
});

export type DatasetRecord = z.output<typeof DatasetRecordSchema>;

/** A dataset with what its feature data says (`datasets.get`: the matrix is read for the statistics). */
export const DatasetDetailSchema = DatasetRecordSchema.extend({
  classNames: z.array(z.string()),
  imageShape: z.tuple([z.number(), z.number()]).nullable(),
  stats: z.array(FeatureStatsSchema),
  /** Rows per class, in the order of `classNames` (empty when unlabeled). */
  classCounts: z.array(z.number()),
});

export const DatasetDataSchema = z.object({
  nRows: z.number(),
  nFeatures: z.number(),
  /**
   * (nRows, nFeatures) row-major, base64 of the values in `encoding`: the narrowest lossless one (u8, f32
   * little-endian, f64 little-endian; see shared/ipc/matrix-encoding.ts).
   */
  encoding: z.enum(['u8', 'f32', 'f64']),
  features: z.string(),
  /** Class index per row, or null for an unlabeled dataset. */
  labels: z.array(z.number()).nullable(),
  /** Regression target per row, or null for a classification dataset (absent: null). */
  targets: z.array(z.number()).nullable().optional(),
});

export const SampleSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  rows: z.number(),
  features: z.number(),
  classes: z.array(z.string()),
  /** 'regression' for a sample with a numeric target (diabetes); absent: classification. */
  task: z.enum(DATASET_TASKS).optional(),
});

export const FileRefSchema = z.object({ fileId: z.string(), name: z.string(), size: z.number() });
export const CancelledSchema = z.object({ cancelled: z.literal(true) });

export const ImportOptionsSchema = z.strictObject({
  format: ImportFormatSchema.optional(),
  /** Label column by name or 0-based index (negative counts from the end: −1 is the last column); null = unlabeled; absent = detect. */
  label: z.union([z.string().min(1).max(LIMITS.text), z.int().min(-100_000).max(100_000), z.null()]).optional(),
  /**
   * CSV/TSV: a numeric column to import as the regression target (by name or 0-based index), making the dataset a
   * regression dataset; excludes `label`.
   */
  target: z.union([z.string().min(1).max(LIMITS.text), z.int().min(-100_000).max(100_000)]).optional(),
  dropMissing: z.boolean().optional(),
  /** CSV/TSV: whether the first row is a header; absent = detect. */
  header: z.boolean().optional(),
  /** CSV: one delimiter character; absent = sniff. */
  delimiter: z.enum([',', ';', '\t', '|', ' ']).optional(),
  /** npy / IDX: the labels come from another uploaded or chosen file (its id from files.upload or files.openDialog). */
  labelsFileId: Token.optional(),
  /** CSV/TSV/ARFF/LIBSVM: the text encoding (utf-8, latin1, windows-1252, utf-16le …); absent = UTF-8, strictly. */
  encoding: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$/, 'an encoding name such as utf-8, latin1 or windows-1252').optional(),
});

export const ImportIssueSchema = z.object({
  message: z.string(),
  row: z.number().nullable().optional(),
  column: z.string().nullable().optional(),
});

/** What an importer's preview reads from a file (src-main/import `previewFile`; its ImportPreview type). */
export const ImportPreviewSchema = z.object({
  fileName: z.string(),
  format: ImportFormatSchema,
  /** CSV/TSV only. */
  delimiter: z.string().optional(),
  header: z.boolean(),
  /** Every column of the file, the label column included (ARFF: attributes; LIBSVM: `label`, `x1`…). */
  columns: z.array(z.string()),
  /** The first data rows as text, one string per column. */
  rows: z.array(z.array(z.string())),
  /** The label column's name (or 0-based index when the file has no header), or null for unlabeled data. */
  labelColumn: z.union([z.string(), z.number()]).nullable(),
  /** Number of feature columns after import (one-hot nominal attributes expanded). */
  featureCount: z.number(),
  /** ARFF: each nominal feature attribute and the number of 0/1 columns (one per declared value) it becomes. */
  nominal: z.array(z.object({ column: z.string(), columns: z.number() })).optional(),
  /** Classes seen in the preview rows (a lower bound on the file's classes). */
  classes: z.array(z.string()),
  /** The regression target's column (name, or 0-based index without a header) when one was asked for, else null. */
  targetColumn: z.union([z.string(), z.number()]).nullable().optional(),
  /** Columns whose every previewed value is a number: the ones that may be a regression target. */
  numericColumns: z.array(z.string()).optional(),
  /**
   * When the label column is numeric with more than 20 distinct values in the file, the suggestion to import it as a
   * regression target instead, with the reason; else null.
   */
  targetSuggestion: z.object({ column: z.string(), reason: z.string() }).nullable().optional(),
  /** Rows an import with these options would store (after any dropped rows), or null when not known. */
  totalRows: z.number().nullable(),
  /** Rows "Drop rows with missing values" would leave out (known after a trial parse of the whole file). */
  droppedRows: z.number().optional(),
  warnings: z.array(z.string()),
});

/** The preview the app shows: the importer's, plus the problems a trial parse found. */
export const DatasetPreviewSchema = ImportPreviewSchema.extend({
  /** Why importing with these options would fail (naming file, row and column); empty when it would succeed. */
  errors: z.array(ImportIssueSchema),
  /**
   * When the file is not valid in the encoding asked for (UTF-8 by default): the encoding its bytes look like. The
   * rows shown are then decoded with it, and `errors` says why the import as asked would fail.
   */
  suggestedEncoding: z.string().optional(),
});

export type ImportPreview = z.output<typeof ImportPreviewSchema>;

/** One labeled pair of rows (shared/domain/constraints.ts re-exports the type). */
export const PairConstraintSchema = z.object({
  i: z.number(),
  j: z.number(),
  kind: ConstraintKindSchema,
  origin: ConstraintOriginSchema.optional(),
  /** ISO timestamp; constraints keep the order in which they were labeled. */
  createdAt: z.string().optional(),
  /** Position in the dataset's labeling order (1, 2, …; a relabeled pair moves to the end). */
  seq: z.number().optional(),
});
export type PairConstraint = z.output<typeof PairConstraintSchema>;

/** What adding one comparison did: it was new, or the same ordered triple was already stored. */
export const ComparisonAddOutcomeSchema = z.enum(COMPARISON_ADD_OUTCOMES);

/**
 * One relative comparison (shared/domain/comparisons.ts re-exports the type): row `anchor` is closer to row `closer`
 * than to row `farther`. Stored once per ordered triple, in labeling order.
 */
export const ComparisonSchema = z.object({
  anchor: z.number(),
  closer: z.number(),
  farther: z.number(),
  origin: ConstraintOriginSchema.optional(),
  /** ISO timestamp of when it was labeled, generated or imported. */
  createdAt: z.string().optional(),
  /** Position in the dataset's labeling order (1, 2, …). */
  seq: z.number().optional(),
});
export type Comparison = z.output<typeof ComparisonSchema>;

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------

/** In the key order the learners declare their parameters (`values` of an enum comes before its default). */
export const ParamDeclarationSchema = z.object({
  name: z.string(),
  type: z.enum(PARAM_TYPES),
  values: z.array(z.string()).optional(),
  default: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  min: z.number().optional(),
  max: z.number().optional(),
  exclusiveMin: z.boolean().optional(),
  exclusiveMax: z.boolean().optional(),
  nullable: z.boolean().optional(),
  description: z.string(),
  /** Human-readable rule, e.g. "an integer ≥ 1" (what validation errors say). */
  rule: z.string(),
});

/** A method's kind of supervision as the forms show it (shared/engine/supervision/kinds.ts declares it). */
export const SupervisionDeclarationSchema = z.object({
  /** What it learns from, in words: "relative comparisons (a is closer to b than to c)". */
  noun: z.string(),
  /** What to label so that a dataset gives it this supervision. */
  whatToLabel: z.string(),
  /** The constraint sources it takes (empty: it takes none). */
  sources: z.array(SweepConstraintSourceSchema),
  /** What the user's labeled part is made of: pairs, comparisons, or nothing. */
  labeledFrom: z.enum(['pairs', 'comparisons']).nullable(),
  /** Whether this version can fit it. */
  supported: z.boolean(),
});

export const MethodDeclarationSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  input: z.enum(LEARNER_INPUTS),
  supervision: SupervisionDeclarationSchema,
  params: z.array(ParamDeclarationSchema),
});

export type ParamDeclaration = z.output<typeof ParamDeclarationSchema>;
export type MethodDeclaration = z.output<typeof MethodDeclarationSchema>;
export type SupervisionDeclaration = z.output<typeof SupervisionDeclarationSchema>;

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

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
    sweep: SweepResultSchema.nullable(),
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

export const ErrorPayloadSchema = z.object({ code: ErrorCodeSchema, message: z.string() });

export type FitSummary = z.output<typeof FitSummarySchema>;
export type LearnedMetricWire = z.output<typeof LearnedMetricWireSchema>;
export type FoldResult = z.output<typeof FoldResultSchema>;
export type EvaluationResult = z.output<typeof EvaluationSchema>;
export type SweepPoint = z.output<typeof SweepPointSchema>;
export type SweepResult = z.output<typeof SweepResultSchema>;
export type ComparisonEntry = z.output<typeof ComparisonEntrySchema>;
export type Supervision = z.output<typeof SupervisionSchema>;

export type RunListItem = z.output<typeof RunListItemSchema>;
export type RunChild = z.output<typeof RunChildSchema>;
export type RunDetail = z.output<typeof RunDetailSchema>;

// ---------------------------------------------------------------------------------------------
// Grids (the types are re-exported by shared/domain/grid.ts)
// ---------------------------------------------------------------------------------------------

const GridParamValue = z.union([z.number(), z.string().max(LIMITS.name), z.boolean(), z.null()]);

/** A grid to run on the local worker pool: data sets × methods × seeds × counts × parameter values. */
export const GridSpecSchema = z.strictObject({
  datasets: z.array(Id).min(1).max(LIMITS.list),
  methods: z.array(MethodName).min(1).max(LIMITS.list),
  seeds: z.array(Seed).min(1).max(LIMITS.list),
  counts: z.array(z.int().min(1).max(1_000_000)).max(LIMITS.list).optional(),
  /** Per method, per parameter, the values to try. */
  params: z.record(MethodName, z.record(z.string().min(1).max(LIMITS.name), z.array(GridParamValue).min(1).max(LIMITS.list))).optional(),
  protocol: ProtocolSchema.optional(),
  /** Comparison and quadruplet learners also use the comparisons the labeled pairs imply. */
  derived: z.boolean().optional(),
});

export const GridCellStatusSchema = JobStatusSchema;

/** One grid as the Experiments view lists it: one entry, per-cell status and progress. */
export const GridViewSchema = z.object({
  gridId: z.string(),
  cells: z.number(),
  done: z.number(),
  failed: z.number(),
  location: z.enum(GRID_LOCATIONS),
  createdAt: z.string(),
  /** Short human description, e.g. "iris, wine × euclidean, nca × seeds 0, 1". */
  title: z.string(),
  status: z.array(GridCellStatusSchema),
  /** Per cell 0…1 (1 when finished). */
  fractions: z.array(z.number()),
  runIds: z.array(z.number().nullable()),
  errors: z.array(z.string().nullable()),
});

export type GridMark = z.output<typeof GridMarkSchema>;
export type GridSpecWire = z.output<typeof GridSpecSchema>;
export type GridView = z.output<typeof GridViewSchema>;
export type TestSetScore = z.output<typeof TestSetScoreSchema>;
export type ScoreReport = z.output<typeof ScoreReportSchema>;
export type ScoreProgress = z.output<typeof ScoreProgressSchema>;
export type TestScoreRecord = z.output<typeof TestScoreRecordSchema>;

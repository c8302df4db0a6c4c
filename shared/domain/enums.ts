/**
 * The domain's closed vocabularies, as const arrays: the one source of every enum. The domain's zod schemas
 * (shared/domain/schemas/, and through them the IPC contract) build its `z.enum(…)`s from these and the domain modules (job.ts, constraints.ts,
 * learned-metric.ts, src-main/import/types.ts) re-export them with their literal-union types.
 *
 * A leaf module (no imports): shared/domain/schemas/ depend on it, and the domain types that are inferred
 * from those schemas (SweepResult, Protocol, JobProgress …) depend on the schemas, so the arrays cannot live
 * in the modules that re-export them without an import cycle.
 */

/** What a job (and the run it writes) does. */
export const JOB_KINDS = ['learn', 'evaluate', 'compare', 'sweep'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Status of a job and of the runs it writes; the last four are final. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Where a pair-based learner's constraints come from: the user's labels, or pairs generated from class labels. */
export const CONSTRAINT_SOURCES = ['labeled', 'generated'] as const;
export type ConstraintSource = (typeof CONSTRAINT_SOURCES)[number];

/** Sweeps also take 'suggested' (active-learning pairs labeled from the training fold's classes). */
export const SWEEP_CONSTRAINT_SOURCES = ['labeled', 'generated', 'suggested'] as const;
export type SweepConstraintSource = (typeof SWEEP_CONSTRAINT_SOURCES)[number];

/** A hand-labeled pair says: same class (must-link) or different classes (cannot-link). */
export const CONSTRAINT_KINDS = ['must', 'cannot'] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

/** What labeling one pair did: it was new, it had the other kind, or it already had this kind. */
export const CONSTRAINT_SET_OUTCOMES = ['added', 'relabeled', 'unchanged'] as const;
export type ConstraintSetOutcome = (typeof CONSTRAINT_SET_OUTCOMES)[number];

/** What adding one relative comparison did: it was new, or the same ordered triple was already stored. */
export const COMPARISON_ADD_OUTCOMES = ['added', 'unchanged'] as const;
export type ComparisonAddOutcome = (typeof COMPARISON_ADD_OUTCOMES)[number];

/** How a stored constraint came to be. */
export const CONSTRAINT_ORIGINS = ['manual', 'generated', 'imported'] as const;
export type ConstraintOrigin = (typeof CONSTRAINT_ORIGINS)[number];

/** Feature preprocessing fitted on training rows (shared/engine/preprocess.ts). */
export const PREPROCESS_KINDS = ['zscore', 'minmax', 'none'] as const;
export type PreprocessKind = (typeof PREPROCESS_KINDS)[number];

/** Why an iterative learner stopped (shared/domain/learned-metric.ts has the words). */
export const STOP_REASONS = ['tolerance', 'maxIter', 'saturated', 'stalled', 'projections'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** Data file formats the importers read (src-main/import). */
export const IMPORT_FORMATS = ['csv', 'tsv', 'arff', 'libsvm', 'npy', 'idx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The text encodings the import dialog and `workbench import --help` offer for CSV/TSV/ARFF/LIBSVM. Not closed:
 * any other WHATWG encoding name TextDecoder knows is accepted too. utf-8 is the default and is read strictly.
 */
export const OFFERED_TEXT_ENCODINGS = ['utf-8', 'latin1', 'windows-1252', 'utf-16le', 'utf-16be', 'iso-8859-15'] as const;

/**
 * What a learner learns from (shared/engine/learner.ts): nothing, class labels, must/cannot pairs, chunklets (groups
 * of rows known to share a class), relative comparisons (triplets: a is closer to b than to c), quadruplets
 * (d(a,b) < d(c,d)), or numeric regression targets.
 */
export const LEARNER_INPUTS = ['none', 'labels', 'pairs', 'chunklets', 'triplets', 'quadruplets', 'targets'] as const;
export type LearnerInput = (typeof LEARNER_INPUTS)[number];

/**
 * Formats of a comparison report (shared/report/writers.ts): the table as CSV, Markdown or LaTeX (booktabs), and
 * the per-fold results as tidy CSV (one line per run × fold × figure).
 */
export const REPORT_FORMATS = ['csv', 'md', 'tex', 'tidy-csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** What a dataset's supervision is: class labels, or a numeric target per row (chosen at import). */
export const DATASET_TASKS = ['classification', 'regression'] as const;
export type DatasetTask = (typeof DATASET_TASKS)[number];

/** Where the workbench runs: the desktop app, the browser mode, or the `workbench` command line. */
export const APP_MODES = ['electron', 'browser', 'cli'] as const;
export type AppMode = (typeof APP_MODES)[number];

/** Kinds of learner parameter (shared/engine/learner.ts ParamSpec). */
export const PARAM_TYPES = ['int', 'float', 'enum', 'bool'] as const;

/** Where a grid cell runs: the worker pool of the app or CLI, or a Slurm array task (src-main/grid). */
export const GRID_LOCATIONS = ['local', 'slurm'] as const;

/** The Euclidean baseline's method name (M = I): every comparison includes it; charts, reports and tests measure against it. */
export const BASELINE_METHOD = 'euclidean';

/**
 * Datasets, labeled pairs and relative comparisons as zod schemas (the types are re-exported by
 * shared/domain/dataset.ts, constraints.ts and comparisons.ts): what lists show about a stored dataset, its import
 * record and statistics, a pair constraint and a comparison.
 */
import '../zod-config.ts';
import { z } from 'zod';
import { COMPARISON_ADD_OUTCOMES, DATASET_TASKS } from '../enums.ts';
import { ConstraintKindSchema, ConstraintOriginSchema } from './values.ts';

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
  /** Relative comparisons stored for the dataset (a is closer to b than to c). */
  comparisonCount: z.number().optional(),
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

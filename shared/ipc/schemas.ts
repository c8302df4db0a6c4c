/**
 * Building blocks of the IPC contract (shared/ipc/contract.ts): zod schemas for the values that cross
 * from the renderer to main (requests: strict, bounded) and back (responses: unknown fields stripped).
 *
 * Rules for requests: objects are strict (an unknown field is an error), integers are safe integers
 * ≥ 0, strings and arrays have an upper length, numbers are finite.
 *
 * One source: the values of the domain (jobs, datasets, constraints, comparisons, methods, runs and their results,
 * grids) are declared once, as zod schemas in shared/domain/schemas/, and re-exported here; this module adds what
 * only the transport has (file references, import options and previews, the encoded feature matrix, formats, error
 * payloads). Every enum is `z.enum(CONST)` over the domain's const arrays (shared/domain/enums.ts); the TypeScript
 * types are inferred (`z.output`) beside each schema: nothing is written twice.
 */
import '../domain/zod-config.ts';
import { z } from 'zod';
import { DATASET_TASKS, IMPORT_FORMATS, REPORT_FORMATS } from '../domain/enums.ts';
import { LIMITS, Token } from '../domain/schemas/values.ts';
import { ERROR_CODE_LIST } from '../errors.ts';
import { EXPORT_FORMATS } from '../export/formats.ts';

export * from '../domain/schemas/values.ts';
export * from '../domain/schemas/jobs.ts';
export * from '../domain/schemas/datasets.ts';
export * from '../domain/schemas/methods.ts';
export * from '../domain/schemas/runs.ts';
export * from '../domain/schemas/grids.ts';

export const ImportFormatSchema = z.enum(IMPORT_FORMATS);
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export const ErrorCodeSchema = z.enum(ERROR_CODE_LIST as [string, ...string[]]);

/** Request with no fields. */
export const Empty = z.strictObject({});

/** A dataset reference as people type it (the CLI, scripts): an id (digits naming an existing id) or a unique name. */
export const DatasetRefText = z.string().min(1).max(LIMITS.text);

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


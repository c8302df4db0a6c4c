/**
 * THE contract between the renderer and main (Electron IPC) or the browser and the HTTP server.
 *
 * One map `channel → { request, response }` and one map of events main → renderer. Everything else —
 * the preload API, the main-side handler map, the renderer client, the HTTP routes — is derived from
 * these two objects, so no channel name or payload type is written twice.
 *
 * Requests are strict (unknown fields rejected) and bounded; responses strip unknown fields.
 * Errors cross as {@link ErrorPayload} `{ code, message }` with codes from shared/errors.ts.
 */
import '../domain/zod-config.ts';
import { z } from 'zod';
import { APP_MODES } from '../domain/enums.ts';
import type { ErrorPayload } from '../errors.ts';
import {
  CancelledSchema,
  ComparisonAddOutcomeSchema,
  ComparisonSchema,
  ConstraintKindSchema,
  ConstraintOriginSchema,
  ConstraintSetOutcomeSchema,
  DatasetDataSchema,
  DatasetDetailSchema,
  DatasetPreviewSchema,
  DatasetRecordSchema,
  DatasetRefText,
  DatasetSummarySchema,
  Empty,
  ExportFormatSchema,
  ReportFormatSchema,
  FileRefSchema,
  GridSpecSchema,
  GridViewSchema,
  Id,
  ImportOptionsSchema,
  JobInfoSchema,
  JobProgressSchema,
  JobSpecSchema,
  JobStatusSchema,
  LIMITS,
  MethodDeclarationSchema,
  Name,
  PairConstraintSchema,
  Params,
  PreprocessSchema,
  ProtocolSchema,
  RowIndex,
  MethodName,
  RunDetailSchema,
  ScoreProgressSchema,
  ScoreReportSchema,
  TestScoreRecordSchema,
  RunListItemSchema,
  SampleSchema,
  Seed,
  Token,
} from './schemas.ts';

/**
 * The fields `runs.score` and `methods.score` add for a long score: `scoreId`, the caller's name for it in
 * `score.progress` events and `scores.cancel` (default: one made up by main), and `workers`, threads for its kNN
 * (default: every core for a big kNN); the figures do not depend on it.
 */
const scoreCall = { scoreId: Token.optional(), workers: z.int().min(1).max(256).optional() };

const channel = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, doc: string) => ({
  request,
  response,
  doc,
});

export const CHANNELS = {
  'app.info': channel(
    Empty,
    z.object({
      version: z.string(),
      mode: z.enum(APP_MODES),
      dbPath: z.string(),
      cores: z.number(),
      platform: z.string(),
    }),
    'Version, mode (electron | browser | cli), database path and CPU cores.',
  ),

  'samples.list': channel(Empty, z.object({ samples: z.array(SampleSchema) }), 'Bundled sample datasets.'),
  'samples.add': channel(
    z.strictObject({ name: Name, datasetName: Name.optional() }),
    z.object({ dataset: DatasetSummarySchema, warnings: z.array(z.string()) }),
    'Imports a bundled sample (iris, wine, breast_cancer, digits, apples), as `datasetName` if given (a taken name is refused), else under its own name made unique.',
  ),

  'datasets.list': channel(Empty, z.object({ datasets: z.array(DatasetSummarySchema) }), 'Stored datasets, oldest first.'),
  'datasets.resolve': channel(
    z.strictObject({ ref: DatasetRefText }),
    z.object({ dataset: DatasetRecordSchema }),
    "Finds a dataset by id (digits naming an existing id) or by its unique name, as the CLI's arguments name datasets: its summary and import metadata, without reading its feature data.",
  ),
  'datasets.get': channel(
    z.strictObject({ id: Id }),
    z.object({ dataset: DatasetDetailSchema }),
    'One dataset: summary, feature and class names, per-feature statistics, class counts.',
  ),
  'datasets.data': channel(
    z.strictObject({ id: Id }),
    DatasetDataSchema,
    'The feature matrix (row-major numbers) and class index per row.',
  ),
  'datasets.delete': channel(
    z.strictObject({ id: Id }),
    z.object({
      deleted: z.literal(true),
      id: z.number(),
      /** The dataset as it was just before it was deleted. */
      dataset: DatasetSummarySchema,
      constraintsRemoved: z.number(),
      runsRemoved: z.number(),
    }),
    'Deletes a dataset with its constraints and runs (one transaction); says how many of each went with it.',
  ),
  'datasets.rename': channel(
    z.strictObject({ id: Id, name: Name }),
    z.object({ dataset: DatasetSummarySchema }),
    'Renames a dataset; an empty or taken name is refused.',
  ),
  'datasets.preview': channel(
    z.strictObject({ fileId: Token, options: ImportOptionsSchema.optional() }),
    z.object({ preview: DatasetPreviewSchema }),
    'Parses an uploaded or chosen file without storing it: columns, first rows, format, label column, issues.',
  ),
  'datasets.import': channel(
    z.strictObject({ fileId: Token, name: Name.optional(), options: ImportOptionsSchema.optional() }),
    z.object({ dataset: DatasetSummarySchema, warnings: z.array(z.string()), droppedRows: z.number() }),
    'Imports an uploaded or chosen file (all or nothing); progress as import.progress events; droppedRows: rows left out by dropMissing.',
  ),
  'datasets.cancelImport': channel(
    z.strictObject({ fileId: Token }),
    z.object({ cancelled: z.boolean() }),
    'Cancels the running datasets.import of a file (it then fails with JOB_CANCELLED and stores nothing); false when none is running.',
  ),

  'files.openDialog': channel(
    z.strictObject({ purpose: z.enum(['dataset', 'constraints']).optional() }),
    z.union([FileRefSchema, CancelledSchema]),
    'Desktop only: native open dialog in main; returns a file id, never a path to the renderer.',
  ),
  'files.upload': channel(
    z.strictObject({ name: Name, base64: z.string().max(LIMITS.uploadBase64) }),
    FileRefSchema,
    'Uploads file content (desktop drag and drop). Browser mode streams to POST /api/upload?name=… instead.',
  ),

  'constraints.list': channel(
    z.strictObject({ datasetId: Id }),
    z.object({ constraints: z.array(PairConstraintSchema) }),
    'Constraints of a dataset in the order they were labeled.',
  ),
  'constraints.set': channel(
    z.strictObject({ datasetId: Id, i: RowIndex, j: RowIndex, kind: ConstraintKindSchema }),
    z.object({ constraint: PairConstraintSchema, outcome: ConstraintSetOutcomeSchema }),
    'Adds a pair or replaces its kind (one row per unordered pair); outcome: added, relabeled or unchanged.',
  ),
  'constraints.remove': channel(
    z.strictObject({ datasetId: Id, i: RowIndex, j: RowIndex }),
    z.object({ removed: z.boolean(), constraint: PairConstraintSchema.nullable() }),
    'Removes a pair (either order); constraint: the pair as it was stored, or null when it had none.',
  ),
  'constraints.clear': channel(
    z.strictObject({ datasetId: Id, origin: ConstraintOriginSchema.optional() }),
    z.object({ removed: z.number() }),
    'Removes every constraint of a dataset (or only those of one origin).',
  ),
  'constraints.generate': channel(
    z.strictObject({ datasetId: Id, pairs: z.int().min(1).max(100_000), seed: Seed }),
    z.object({ added: z.number(), total: z.number(), must: z.number(), cannot: z.number(), skipped: z.number(), seed: z.number() }),
    'Generates pairs from class labels (must = ⌈pairs/2⌉ must-link, cannot = the rest cannot-link), reproducible from the seed; pairs already labeled keep their label (skipped).',
  ),
  'constraints.import': channel(
    z.strictObject({ datasetId: Id, fileId: Token }),
    z.object({ total: z.number(), added: z.number(), relabeled: z.number(), unchanged: z.number() }),
    'Imports pairs from an uploaded or chosen CSV file (header with columns i, j, kind); all or nothing; pairs already labeled take the file’s kind.',
  ),
  'constraints.export': channel(
    z.strictObject({ datasetId: Id }),
    z.object({ count: z.number(), csv: z.string() }),
    'The constraints as CSV text (i, j, kind, origin, created_at in labeling order), which constraints.import reads back.',
  ),

  'comparisons.list': channel(
    z.strictObject({ datasetId: Id }),
    z.object({ comparisons: z.array(ComparisonSchema) }),
    'Relative comparisons of a dataset (anchor is closer to closer than to farther) in the order they were labeled.',
  ),
  'comparisons.add': channel(
    z.strictObject({ datasetId: Id, anchor: RowIndex, closer: RowIndex, farther: RowIndex }),
    z.object({ comparison: ComparisonSchema, outcome: ComparisonAddOutcomeSchema }),
    'Stores "anchor is closer to closer than to farther" (outcome added, or unchanged when stored already); refused, naming the stored one, when it contradicts a stored comparison.',
  ),
  'comparisons.replace': channel(
    z.strictObject({ datasetId: Id, anchor: RowIndex, closer: RowIndex, farther: RowIndex }),
    z.object({ comparison: ComparisonSchema, replaced: ComparisonSchema.nullable() }),
    'Stores "anchor is closer to closer than to farther" in place of the contradicting stored comparison (anchor, farther, closer), in one transaction; replaced: that one as it was stored, or null when there was none.',
  ),
  'comparisons.remove': channel(
    z.strictObject({ datasetId: Id, anchor: RowIndex, closer: RowIndex, farther: RowIndex }),
    z.object({ removed: z.boolean(), comparison: ComparisonSchema.nullable() }),
    'Removes a comparison; comparison: as it was stored, or null when there was none.',
  ),
  'comparisons.clear': channel(
    z.strictObject({ datasetId: Id, origin: ConstraintOriginSchema.optional() }),
    z.object({ removed: z.number() }),
    'Removes every comparison of a dataset (or only those of one origin).',
  ),
  'comparisons.generate': channel(
    z.strictObject({ datasetId: Id, count: z.int().min(1).max(100_000), seed: Seed }),
    z.object({ count: z.number(), added: z.number(), skipped: z.number(), total: z.number(), seed: z.number() }),
    'Draws comparisons from class labels (a row, one of its class, one of another class), reproducible from the seed; those stored already or contradicting a stored one are skipped.',
  ),
  'comparisons.import': channel(
    z.strictObject({ datasetId: Id, fileId: Token }),
    z.object({ total: z.number(), added: z.number(), unchanged: z.number() }),
    'Imports comparisons from an uploaded or chosen CSV file (header with columns anchor, closer, farther); all or nothing.',
  ),
  'comparisons.export': channel(
    z.strictObject({ datasetId: Id }),
    z.object({ count: z.number(), csv: z.string() }),
    'The comparisons as CSV text (anchor, closer, farther, origin, created_at in labeling order), which comparisons.import reads back.',
  ),
  'comparisons.derived': channel(
    z.strictObject({ datasetId: Id }),
    z.object({ derived: z.array(z.tuple([z.number(), z.number(), z.number()])), total: z.number() }),
    "The comparisons the dataset's pairs imply (must(a,b) and cannot(a,c) give (a,b,c)) and are not stored; at most 5000, with their total.",
  ),

  'methods.list': channel(
    Empty,
    z.object({ methods: z.array(MethodDeclarationSchema) }),
    'Every metric-learning method with its parameter declarations.',
  ),
  'methods.score': channel(
    z.strictObject({
      method: MethodName,
      trainDatasetId: Id,
      testDatasetId: Id,
      k: z.int().min(1).max(10_000).optional(),
      seed: Seed.optional(),
      preprocess: PreprocessSchema.optional(),
      reduce: ProtocolSchema.shape.reduce,
      params: Params.optional(),
      ...scoreCall,
    }),
    z.object({ score: ScoreReportSchema }),
    'Fits a method (e.g. the euclidean baseline) on one dataset and scores it on another with the same features, in a worker thread (score.progress events, scores.cancel); nothing is stored.',
  ),

  'jobs.start': channel(
    z.strictObject({ spec: JobSpecSchema, workers: z.number().int().min(1).max(256).optional() }),
    z.object({ jobId: z.string(), runIds: z.array(z.number()) }),
    'Queues a learn | evaluate | compare | sweep job; `workers`: threads for its folds (default: every core on big datasets); results do not depend on it.',
  ),
  'jobs.cancel': channel(z.strictObject({ jobId: Token }), z.object({ cancelled: z.boolean() }), 'Cancels a queued or running job.'),
  'jobs.list': channel(Empty, z.object({ jobs: z.array(JobInfoSchema) }), 'Jobs of this session (queued, running, finished).'),

  'grids.start': channel(
    z.strictObject({ spec: GridSpecSchema }),
    z.object({ grid: GridViewSchema }),
    'Starts a grid (data sets × methods × seeds × counts × parameter values) on the local worker pool; every cell becomes an evaluate run with its metric.',
  ),
  'grids.list': channel(Empty, z.object({ grids: z.array(GridViewSchema) }), 'Grids, newest first, each with per-cell status (live for grids running in this session).'),
  'grids.cancel': channel(z.strictObject({ gridId: Token }), z.object({ cancelled: z.boolean() }), 'Cancels the unfinished cells of a running grid.'),

  'runs.list': channel(
    z.strictObject({ datasetId: Id.optional(), includeChildren: z.boolean().optional(), limit: z.int().min(1).optional() }),
    z.object({ runs: z.array(RunListItemSchema) }),
    'Experiment history, newest first: top-level runs; with includeChildren also the per-method evaluate runs of comparisons (parentRunId set); at most `limit` runs.',
  ),
  'runs.get': channel(
    z.strictObject({ runId: Id }),
    z.object({ run: RunDetailSchema }),
    'One run: learned metric (L, shape, M, preprocessing), evaluation per fold, sweep result; a compare run has comparison (per method) and children (its evaluate runs with their evaluations).',
  ),
  'runs.score': channel(
    z.strictObject({ runId: Id, testDatasetId: Id, k: z.int().min(1).max(10_000).optional(), ...scoreCall }),
    z.object({ record: TestScoreRecordSchema, score: ScoreReportSchema }),
    "Scores the run's metric (trained on the run's dataset) on another dataset with the same features, in a worker thread (score.progress events, scores.cancel); stored with the run once it succeeded (record), and returned with the run, method and datasets it is about (score).",
  ),
  'scores.cancel': channel(
    z.strictObject({ scoreId: Token }),
    z.object({ cancelled: z.boolean() }),
    'Cancels the running runs.score / methods.score with this scoreId (it then fails with JOB_CANCELLED and stores nothing); false when none is running.',
  ),
  'runs.rerun': channel(
    z.strictObject({ runId: Id }),
    z.object({ jobId: z.string(), runIds: z.array(z.number()) }),
    'Queues the same spec again (same data hash, params and seed).',
  ),

  'runs.report': channel(
    z.strictObject({ runIds: z.array(Id).min(1).max(LIMITS.list), format: ReportFormatSchema }),
    z.object({ fileName: z.string(), mimeType: z.string(), text: z.string() }),
    'A comparison report of evaluate runs (a compare run stands for its methods) on one dataset: the table as csv, md or tex (mean ± std, best in bold, significance against the best and Euclidean, the protocol in a caption), or tidy-csv (one line per run × fold × figure).',
  ),
  'runs.reportSaveDialog': channel(
    z.strictObject({ runIds: z.array(Id).min(1).max(LIMITS.list), format: ReportFormatSchema }),
    z.union([z.object({ path: z.string() }), CancelledSchema]),
    'Desktop only: native save dialog in main, then writes the runs.report file there.',
  ),
  'export.build': channel(
    z.strictObject({ runId: Id, format: ExportFormatSchema, part: z.enum(['L', 'M']).optional() }),
    z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() }),
    'Builds an export file in memory; the UI offers it as a download. For npy, `part` picks L (default) or M.',
  ),
  'export.saveDialog': channel(
    z.strictObject({ runId: Id, format: ExportFormatSchema }),
    z.union([z.object({ path: z.string(), paths: z.array(z.string()) }), CancelledSchema]),
    'Desktop only: native save dialog in main, then writes the export there (npy: NAME_L.npy and NAME_M.npy).',
  ),
} as const;

export const EVENTS = {
  'job.progress': JobProgressSchema,
  'job.finished': z.object({
    jobId: z.string(),
    runIds: z.array(z.number()),
    status: JobStatusSchema,
    error: z.string().nullable().optional(),
  }),
  'job.status': z.object({ jobId: z.string(), status: JobStatusSchema }),
  /** A grid's state after a cell changed or progressed. */
  'grid.progress': GridViewSchema,
  'dataset.imported': z.object({ dataset: DatasetSummarySchema }),
  'dataset.deleted': z.object({ id: z.number() }),
  'constraints.changed': z.object({ datasetId: z.number(), count: z.number() }),
  /** A running runs.score / methods.score, named by its scoreId: phase and fraction (about 10 a second). */
  'score.progress': ScoreProgressSchema,
  'import.progress': z.object({
    fileId: z.string(),
    bytesRead: z.number(),
    totalBytes: z.number(),
    rows: z.number().optional(),
  }),
  /** Application menu commands forwarded to the renderer (desktop), e.g. Help → Guided example. */
  'app.command': z.object({ command: z.enum(['guided-example', 'import-dataset', 'about']) }),
} as const;

// ---------------------------------------------------------------------------------------------
// Derived types: nothing below names a channel.
// ---------------------------------------------------------------------------------------------

export type Channels = typeof CHANNELS;
export type Channel = keyof Channels;
export type EventName = keyof typeof EVENTS;

export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** What a caller passes (before defaults and transforms). */
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
/** What a handler receives (after validation). */
export type ParsedRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
/** What a handler may return (validated and stripped before it crosses). */
export type HandlerResultOf<C extends Channel> = z.input<Channels[C]['response']>;
/** What a caller receives. */
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof EVENTS)[E]>;

/** The main-side implementation of every channel. */
export type HandlerMap = {
  [C in Channel]: (request: ParsedRequestOf<C>) => HandlerResultOf<C> | Promise<HandlerResultOf<C>>;
};

/** A call's outcome as it crosses the boundary (IPC reply or HTTP body). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** What the preload exposes as `window.workbench` (desktop) — the raw, untyped-at-runtime bridge. */
export interface PreloadApi {
  /** Invokes a channel; resolves to an envelope (errors never throw across the bridge). */
  invoke(channel: string, request: unknown): Promise<Envelope<unknown>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  readonly channels: readonly string[];
  readonly events: readonly string[];
}

/** A typed proxy: `api['datasets.list']({})`. */
export type TypedApi = {
  [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>>;
};

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(CHANNELS, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(EVENTS, name);
}

/** The one IPC channel main uses to push events; the message is `{ event, payload }`. */
export const EVENT_CHANNEL = 'workbench:event';

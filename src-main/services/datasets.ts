/**
 * The dataset application API (plain functions over a {@link Store}; no Electron), used by the CLI, the Electron
 * IPC handlers and the browser-mode server.
 */
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { JobCancelledError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { importFile } from '../import/index.ts';
import type { ImportOptions, ParsedDataset } from '../import/types.ts';
import { loadSample } from '../samples/index.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';

/** What an import or sample addition returns. */
export interface ImportResult {
  dataset: DatasetDetails;
  warnings: string[];
  droppedRows: number;
}

/**
 * Parses a data file for {@link importDataset}: src-main/import `importFile` in this thread by default (the CLI),
 * or `createImportWorkers().importFile` in a worker thread (the app: src-main/jobs/import-worker.ts).
 */
export type DatasetParser = (path: string, options: ImportOptions & { signal?: AbortSignal }) => Promise<ParsedDataset>;

/** Loads a bundled sample for {@link addSample}: src-main/samples `loadSample` by default, or in a worker. */
export type SampleLoader = (name: string, options: { signal?: AbortSignal }) => Promise<ParsedDataset>;

export interface ImportDatasetOptions extends ImportOptions {
  /** Dataset name. Default: the file name without its extension, made unique with " (2)", " (3)" … */
  name?: string;
  /** Cancels the import (JobCancelledError) while the file is read; nothing is stored. */
  signal?: AbortSignal;
  /** Where the file is parsed; default in this thread. The result is stored here either way, in one transaction. */
  parse?: DatasetParser;
}

const parseInProcess: DatasetParser = (path, { signal: _signal, ...options }) => importFile(path, options);

/**
 * Finds a dataset by id (a number or a string of digits naming an existing id) or by its unique name.
 * @throws NotFoundError "No dataset with id or name 'x'."
 */
export function resolveDataset(store: Store, ref: string | number): DatasetDetails {
  const dataset = store.datasets.getByIdOrName(ref);
  if (!dataset) {
    throw new NotFoundError(typeof ref === 'number' ? `No dataset with id ${ref}.` : `No dataset with id or name '${ref}'.`);
  }
  return dataset;
}

/** All datasets, oldest first. */
export function listDatasets(store: Store): DatasetDetails[] {
  return store.datasets.list();
}

/** The feature matrix and labels of a dataset, bit-exact. @throws NotFoundError. */
export function loadDatasetMatrix(store: Store, ref: string | number): DatasetMatrix {
  return store.datasets.loadMatrix(resolveDataset(store, ref).id);
}

/**
 * Throws unless `name` can be used for a new dataset.
 * @throws ValidationError "A dataset named 'x' already exists (id 3)." or for an empty name.
 */
export function assertNameAvailable(store: Store, name: string): void {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError('A dataset name cannot be empty.');
  const existing = store.datasets.getByName(trimmed);
  if (existing) throw new ValidationError(`A dataset named '${trimmed}' already exists (id ${existing.id}).`);
}

/**
 * Stores a parsed dataset in one transaction. With `name` given, a taken name is an error; without it, the
 * default name is made unique. Nothing is written if anything fails.
 */
export function storeParsedDataset(store: Store, parsed: ParsedDataset, name: string | undefined, defaultName: string): ImportResult {
  const dataset = store.transaction(() => {
    let finalName: string;
    if (name !== undefined) {
      assertNameAvailable(store, name);
      finalName = name.trim();
    } else finalName = store.datasets.uniqueName(defaultName);
    return store.datasets.insert({
      name: finalName,
      matrix: parsed.matrix,
      sourceFile: parsed.sourceFile,
      sourceSha256: parsed.sourceSha256,
      format: parsed.format,
      importOptions: { ...parsed.options, droppedRows: parsed.droppedRows },
      warnings: parsed.warnings,
      ...(parsed.targetName !== undefined ? { targetName: parsed.targetName } : {}),
    });
  });
  return { dataset, warnings: parsed.warnings, droppedRows: parsed.droppedRows };
}

/**
 * Imports a data file (CSV, TSV, ARFF, LIBSVM, .npy; see src-main/import) as a new dataset. All or nothing: the
 * file is parsed completely first (by `options.parse`: in this thread, or in a worker thread), then stored in
 * one transaction on this thread, so a refused file leaves the database unchanged. An explicitly given name that is taken is refused before the file is read.
 * @throws JobCancelledError when `signal` aborts before the dataset is stored.
 * @throws ImportError (IMPORT_FAILED) naming file/row/column for a bad file; ValidationError for a taken name.
 */
export async function importDataset(store: Store, path: string, options: ImportDatasetOptions = {}): Promise<ImportResult> {
  const { name, signal, parse = parseInProcess, ...importOptions } = options;
  const checkCancelled = (): void => {
    if (signal?.aborted) throw new JobCancelledError('The import was cancelled; nothing was stored.');
  };
  checkCancelled();
  if (name !== undefined) assertNameAvailable(store, name);
  const onProgress = importOptions.onProgress;
  const parsed = await parse(path, {
    ...importOptions,
    ...(signal ? { signal } : {}),
    onProgress: (fraction) => {
      checkCancelled();
      onProgress?.(fraction);
    },
  });
  checkCancelled();
  return storeParsedDataset(store, parsed, name, baseName(parsed.sourceFile));
}

/**
 * Adds a bundled sample dataset (iris, wine, breast_cancer, digits, diabetes, apples) under its own name (made unique if
 * it is already there, unless `name` is given). `load` parses it elsewhere (a worker); it is stored here.
 * @throws NotFoundError / ValidationError from the samples module for an unknown sample name.
 */
export async function addSample(
  store: Store,
  sampleName: string,
  options: { name?: string; signal?: AbortSignal; load?: SampleLoader } = {},
): Promise<ImportResult> {
  if (options.name !== undefined) assertNameAvailable(store, options.name);
  const load = options.load ?? ((name: string) => loadSample(name));
  const parsed = await load(sampleName, options.signal ? { signal: options.signal } : {});
  if (options.signal?.aborted) throw new JobCancelledError('The import was cancelled; nothing was stored.');
  return storeParsedDataset(store, parsed, options.name, sampleName);
}

/** What {@link deleteDataset} removed. */
export interface DeleteResult {
  dataset: DatasetDetails;
  constraintsRemoved: number;
  runsRemoved: number;
}

/** Deletes a dataset with its constraints and runs (one transaction). @throws NotFoundError. */
export function deleteDataset(store: Store, ref: string | number): DeleteResult {
  return store.transaction(() => {
    const dataset = resolveDataset(store, ref);
    const constraintsRemoved = store.constraints.count(dataset.id).total;
    const runsRemoved = store.runs.list({ datasetId: dataset.id }).length;
    store.datasets.delete(dataset.id);
    return { dataset, constraintsRemoved, runsRemoved };
  });
}

/** Renames a dataset. @throws NotFoundError / ValidationError (empty or taken name). */
export function renameDataset(store: Store, ref: string | number, name: string): DatasetDetails {
  return store.transaction(() => store.datasets.rename(resolveDataset(store, ref).id, name));
}

/** "iris.csv" → "iris"; "data.tar.npy" → "data.tar". */
function baseName(fileName: string): string {
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  const base = fileName.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

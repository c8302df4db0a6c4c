/**
 * The datasets service: the `samples.*` and `datasets.*` channels ({@link createDatasetsService}) over plain
 * functions on a {@link Store} (resolve, import, add a sample, delete, rename). No Electron; imports and samples are
 * parsed where the caller says (a worker thread in the app) and stored here, in one transaction.
 */
import { datasetStatistics, toDatasetRecord, toDatasetSummary, type DatasetMatrix } from '../../shared/domain/dataset.ts';
import { JobCancelledError, NotFoundError, ValidationError, WorkbenchError } from '../../shared/errors.ts';
import { definedFields } from '../../shared/objects.ts';
import { encodeMatrixBytes, narrowestEncoding } from '../../shared/ipc/matrix-encoding.ts';
import { importFile, previewFile } from '../import/index.ts';
import { InvalidTextError } from '../import/text-encoding.ts';
import type { ImportOptions, ParsedDataset } from '../import/types.ts';
import type { ImportWorkers } from '../jobs/import-worker.ts';
import { listSamples, loadSample } from '../samples/index.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';
import { createAbortables } from './abortables.ts';
import type { Handler, Notify, WorkbenchEvents } from './ports.ts';
import type { FileRegistry } from './uploads.ts';

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

/** The feature matrix and labels of a dataset, bit-exact. @throws NotFoundError. */
export function loadDatasetMatrix(store: Store, ref: string | number): DatasetMatrix {
  return store.datasets.loadMatrix(resolveDataset(store, ref).id);
}

/**
 * Throws unless `name` can be used for a new dataset.
 * @throws ValidationError "A dataset named 'x' already exists (id 3)." or for an empty name.
 */
function assertNameAvailable(store: Store, name: string): void {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError('A dataset name cannot be empty.');
  const existing = store.datasets.getByName(trimmed);
  if (existing) throw new ValidationError(`A dataset named '${trimmed}' already exists (id ${existing.id}).`);
}

/**
 * Stores a parsed dataset in one transaction. With `name` given, a taken name is an error; without it, the
 * default name is made unique. Nothing is written if anything fails.
 */
function storeParsedDataset(store: Store, parsed: ParsedDataset, name: string | undefined, defaultName: string): ImportResult {
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

/** Files up to this size get a full trial parse in `datasets.preview`, so errors show before import. */
const TRIAL_PARSE_MAX_BYTES = 32 * 1024 * 1024;

type ImportOptionsRequest = Parameters<Handler<'datasets.preview'>>[0]['options'];

/** The import options of a request; the renderer names a labels file by id only, resolved here to the path main registered. */
function toImportOptions(options: ImportOptionsRequest, files: FileRegistry): ImportOptions {
  const out: ImportOptions = {};
  if (!options) return out;
  if (options.labelsFileId !== undefined) out.labelsFile = files.resolve(options.labelsFileId).path;
  if (options.format !== undefined) out.format = options.format;
  if (options.label !== undefined) out.label = options.label;
  if (options.target !== undefined) out.target = options.target;
  if (options.dropMissing !== undefined) out.dropMissing = options.dropMissing;
  if (options.header !== undefined) out.header = options.header;
  if (options.delimiter !== undefined) out.delimiter = options.delimiter;
  if (options.encoding !== undefined) out.encoding = options.encoding;
  return out;
}

export interface DatasetsServiceDeps {
  store: Store;
  /** Parses imported files and samples in worker threads; the result is stored on this thread. */
  imports: ImportWorkers;
  files: FileRegistry;
  events: WorkbenchEvents;
  notify: Notify;
}

/** The `samples.*` and `datasets.*` channels. */
export function createDatasetsService({ store, imports, files, events, notify }: DatasetsServiceDeps) {
  /** Imports running now, by file id, so that `datasets.cancelImport` can stop them. */
  const runningImports = createAbortables();

  const samples: Handler<'samples.list'> = () => ({ samples: listSamples() });

  const sample: Handler<'samples.add'> = async ({ name, datasetName }) => {
    const { dataset, warnings } = await addSample(store, name, {
      ...definedFields({ name: datasetName }),
      load: (which) => imports.loadSample(which),
    });
    const out = toDatasetSummary(dataset);
    notify('dataset.imported', { dataset: out });
    return { dataset: out, warnings };
  };

  const list: Handler<'datasets.list'> = () => ({ datasets: store.datasets.list().map(toDatasetSummary) });

  const resolve: Handler<'datasets.resolve'> = ({ ref }) => ({ dataset: toDatasetRecord(resolveDataset(store, ref)) });

  const get: Handler<'datasets.get'> = ({ id }) => {
    const dataset = resolveDataset(store, id);
    const matrix = store.datasets.loadMatrix(dataset.id);
    return {
      dataset: {
        ...toDatasetRecord(dataset),
        featureNames: matrix.featureNames,
        classNames: matrix.classNames,
        imageShape: matrix.imageShape ?? null,
        ...datasetStatistics(matrix),
      },
    };
  };

  const data: Handler<'datasets.data'> = ({ id }) => {
    const matrix = loadDatasetMatrix(store, id);
    const encoding = narrowestEncoding(matrix.features);
    const bytes = encodeMatrixBytes(matrix.features, encoding);
    return {
      nRows: matrix.nRows,
      nFeatures: matrix.nFeatures,
      encoding,
      features: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      labels: matrix.labels ? Array.from(matrix.labels) : null,
      targets: matrix.targets ? Array.from(matrix.targets) : null,
    };
  };

  const remove: Handler<'datasets.delete'> = ({ id }) => {
    const { dataset, constraintsRemoved, runsRemoved } = deleteDataset(store, id);
    notify('dataset.deleted', { id: dataset.id });
    return { deleted: true as const, id: dataset.id, dataset: toDatasetSummary(dataset), constraintsRemoved, runsRemoved };
  };

  const rename: Handler<'datasets.rename'> = ({ id, name }) => ({ dataset: toDatasetSummary(renameDataset(store, id, name)) });

  const preview: Handler<'datasets.preview'> = async ({ fileId, options }) => {
    const file = files.resolve(fileId);
    const importOptions = toImportOptions(options, files);
    const errors: { message: string }[] = [];
    let shown: Awaited<ReturnType<typeof previewFile>>;
    let suggestedEncoding: string | undefined;
    try {
      shown = await previewFile(file.path, importOptions);
    } catch (error) {
      if (!(error instanceof InvalidTextError)) throw error;
      // Show the rows as the encoding the bytes look like would read them, with the reason the import as asked fails.
      suggestedEncoding = error.suggestedEncoding;
      errors.push({ message: error.message });
      shown = await previewFile(file.path, { ...importOptions, encoding: suggestedEncoding });
    }
    const warnings = [...shown.warnings];
    // The trial parse knows what an import would store: its row count (after dropped rows) is the one shown.
    let counts: { totalRows: number; droppedRows: number } | null = null;
    if (suggestedEncoding === undefined && file.size <= TRIAL_PARSE_MAX_BYTES) {
      try {
        const parsed = await imports.importFile(file.path, importOptions);
        for (const w of parsed.warnings) if (!warnings.includes(w)) warnings.push(w);
        counts = { totalRows: parsed.matrix.nRows, droppedRows: parsed.droppedRows };
      } catch (error) {
        if (!(error instanceof WorkbenchError)) throw error;
        errors.push({ message: error.message });
        // Invalid bytes past the previewed start: the worker's error arrives as {code, message}, the suggestion in its words.
        suggestedEncoding = /\(it looks like ([\w-]+)\)/.exec(error.message)?.[1];
      }
    }
    return { preview: { ...shown, ...(counts ?? {}), fileName: file.name, warnings, errors, ...(suggestedEncoding ? { suggestedEncoding } : {}) } };
  };

  const importFromFile: Handler<'datasets.import'> = ({ fileId, name, options }) => {
    const file = files.resolve(fileId);
    return runningImports.run(fileId, async (signal) => {
      const { dataset, warnings, droppedRows } = await importDataset(store, file.path, {
        ...toImportOptions(options, files),
        ...definedFields({ name }),
        signal,
        parse: (path, parseOptions) => imports.importFile(path, parseOptions),
        onProgress: (fraction) => events.emit('import.progress', { fileId, bytesRead: Math.round(fraction * file.size), totalBytes: file.size }),
      });
      const out = toDatasetSummary(dataset);
      notify('dataset.imported', { dataset: out });
      return { dataset: out, warnings, droppedRows };
    });
  };

  const cancelImport: Handler<'datasets.cancelImport'> = ({ fileId }) => ({ cancelled: runningImports.cancel(fileId) });

  return { samples, sample, list, resolve, get, data, remove, rename, preview, import: importFromFile, cancelImport };
}

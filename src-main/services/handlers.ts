/**
 * One implementation per contract channel, over the services (datasets, constraints, runs, export) and
 * the job runner. Requests arrive already validated by the gateway (shared/ipc/validate.ts); every
 * id is still looked up, so an id that does not exist (or belongs to nothing) is a clean NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { AppMode } from '../../shared/domain/enums.ts';
import { checkComparison } from '../../shared/domain/comparisons.ts';
import { checkPair } from '../../shared/domain/constraints.ts';
import { ValidationError, WorkbenchError } from '../../shared/errors.ts';
import { base64ToBytes } from '../../shared/ipc/base64.ts';
import type { EventName, EventOf, HandlerMap, HandlerResultOf } from '../../shared/ipc/contract.ts';
import type { FeatureStats } from '../../shared/ipc/schemas.ts';
import { previewFile } from '../import/index.ts';
import { InvalidTextError } from '../import/text-encoding.ts';
import type { ImportOptions } from '../import/types.ts';
import type { ImportWorkers } from '../jobs/import-worker.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { ScoreCallOptions, ScoreWorkers } from '../jobs/score-worker.ts';
import { listSamples } from '../samples/index.ts';
import { APP_VERSION } from '../storage/app-version.ts';
import type { StoredConstraint } from '../storage/constraints-repository.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';
import { addComparison, clearComparisons, comparisonsToCsv, derivedComparisons, generateComparisons, importComparisonsCsv, listComparisons } from './comparisons.ts';
import { addConstraint, clearConstraints, constraintsToCsv, generateConstraints, importConstraintsCsv, listConstraints } from './constraints.ts';
import { addSample, deleteDataset, importDataset, renameDataset, resolveDataset } from './datasets.ts';
import { buildExport, writeExport } from './export.ts';
import { buildReport, writeReport } from './report.ts';
import type { GridsService } from './grids.ts';
import { methodDeclarations } from './methods.ts';
import type { RunsService } from './runs.ts';
import { encodeMatrixBytes, narrowestEncoding } from '../../shared/ipc/matrix-encoding.ts';
import { scoreBaseline, scoreRun } from './score.ts';
import type { FileRegistry } from './uploads.ts';
import type { WorkbenchDialogs, WorkbenchEvents } from './ports.ts';

export interface HandlerDeps {
  store: Store;
  runner: JobRunner;
  /** Parses imported files and samples in worker threads; the handlers store the result on this thread. */
  imports: ImportWorkers;
  /** Fits and scores test-set scores in worker threads; the handlers store run scores on this thread. */
  scores: ScoreWorkers;
  runs: RunsService;
  /** Experiment grids on the local worker pool. */
  grids: GridsService;
  files: FileRegistry;
  events: WorkbenchEvents;
  mode: AppMode;
  dialogs: WorkbenchDialogs | null;
  /** Logs what must not fail a call (an event listener's error after a commit); default: nothing. */
  log?: (message: string) => void;
}

/** Files up to this size get a full trial parse in `datasets.preview`, so errors show before import. */
const TRIAL_PARSE_MAX_BYTES = 32 * 1024 * 1024;

type DatasetSummaryOut = HandlerResultOf<'datasets.list'>['datasets'][number];

function summary(dataset: DatasetDetails): DatasetSummaryOut {
  return {
    id: dataset.id,
    name: dataset.name,
    rows: dataset.rows,
    features: dataset.features,
    classes: dataset.classes,
    labeled: dataset.labeled,
    sourceFile: dataset.sourceFile,
    sourceSha256: dataset.sourceSha256,
    contentHash: dataset.contentHash,
    createdAt: dataset.createdAt,
    constraintCount: dataset.constraintCount,
    imageShape: dataset.imageShape ?? null,
    task: dataset.task,
    target: dataset.target,
  };
}

/** The summary plus the import metadata the store keeps beside it (no feature data is read). */
function record(dataset: DatasetDetails) {
  return { ...summary(dataset), featureNames: dataset.featureNames, format: dataset.format, importOptions: dataset.importOptions, warnings: dataset.warnings };
}

function constraintOut(c: StoredConstraint) {
  return { i: c.i, j: c.j, kind: c.kind, ...(c.origin ? { origin: c.origin } : {}), ...(c.createdAt ? { createdAt: c.createdAt } : {}), seq: c.seq };
}

/** Per-feature mean, population std, min and max; rows per class. */
export function datasetStatistics(matrix: DatasetMatrix): { stats: FeatureStats[]; classCounts: number[] } {
  const { nRows: n, nFeatures: d, features } = matrix;
  const stats = matrix.featureNames.map((name, f) => {
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = features[i * d + f]!;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = n > 0 ? sum / n : 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const delta = features[i * d + f]! - mean;
      squares += delta * delta;
    }
    return { name, mean, std: n > 0 ? Math.sqrt(squares / n) : 0, min: n > 0 ? min : 0, max: n > 0 ? max : 0 };
  });
  const classCounts = matrix.classNames.map(() => 0);
  if (matrix.labels) for (const c of matrix.labels) if (c >= 0 && c < classCounts.length) classCounts[c]!++;
  return { stats, classCounts };
}

function toImportOptions(options: HandlerParams<'datasets.preview'>['options'], files: FileRegistry): ImportOptions {
  const out: ImportOptions = {};
  if (!options) return out;
  // The renderer names a labels file by id only; main resolves it to the path it registered.
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

type HandlerParams<C extends keyof HandlerMap> = Parameters<HandlerMap[C]>[0];

/** Calls running now by the caller's key (an import's file id, a score's id), so that a cancel channel can abort them. */
function createAbortables() {
  const running = new Map<string, Set<AbortController>>();
  return {
    /** Runs `work` with a signal that {@link cancel}(key) aborts. */
    async run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const controller = new AbortController();
      const set = running.get(key) ?? new Set<AbortController>();
      running.set(key, set.add(controller));
      try {
        return await work(controller.signal);
      } finally {
        set.delete(controller);
        if (set.size === 0) running.delete(key);
      }
    },
    /** Aborts every running call of `key`; false when none was running. */
    cancel(key: string): boolean {
      const controllers = [...(running.get(key) ?? [])];
      for (const controller of controllers) controller.abort();
      return controllers.length > 0;
    },
  };
}

function desktopOnly(channel: string, alternative: string): never {
  throw new ValidationError(`'${channel}' is only available in the desktop app; in the browser, ${alternative}.`);
}

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const { store, runner, imports, scores, runs, files, events } = deps;

  /**
   * Tells the listeners about a change that is already committed. Nothing here may turn that change into a reported
   * failure: the figures come from the committing transaction, and a listener's or the event check's error is logged.
   */
  const notify = <E extends EventName>(event: E, payload: EventOf<E>) => {
    try {
      events.emit(event, payload);
    } catch (error) {
      deps.log?.(`[workbench] ${event} after a committed change: ${(error as Error)?.message ?? String(error)}`);
    }
  };
  const constraintsChanged = (datasetId: number, count: number) => notify('constraints.changed', { datasetId, count });

  /** Imports running now, by file id, so that `datasets.cancelImport` can stop them. */
  const runningImports = createAbortables();
  /** Scores running now, by score id, so that `scores.cancel` can stop them. */
  const runningScores = createAbortables();

  /** A score's call options: its signal, progress as `score.progress` events under its id, its kNN threads. */
  const scoreCall = <T>(request: { scoreId?: string | undefined; workers?: number | undefined }, work: (call: ScoreCallOptions) => Promise<T>): Promise<T> => {
    const scoreId = request.scoreId ?? randomUUID();
    return runningScores.run(scoreId, (signal) =>
      work({
        signal,
        onProgress: (progress) => events.emit('score.progress', { ...progress, scoreId }),
        ...(request.workers === undefined ? {} : { workers: request.workers }),
      }),
    );
  };

  const watch = (done: Promise<unknown>) => {
    // Outcomes reach the renderer as job.finished events; the promise itself needs no listener.
    done.catch(() => undefined);
  };

  return {
    'app.info': () => ({
      version: APP_VERSION,
      mode: deps.mode,
      dbPath: store.path,
      cores: availableParallelism(),
      platform: process.platform,
    }),

    'samples.list': async () => ({ samples: await listSamples() }),
    'samples.add': async ({ name, datasetName }) => {
      const { dataset, warnings } = await addSample(store, name, {
        ...(datasetName === undefined ? {} : { name: datasetName }),
        load: (sample) => imports.loadSample(sample),
      });
      const out = summary(dataset);
      notify('dataset.imported', { dataset: out });
      return { dataset: out, warnings };
    },

    'datasets.list': () => ({ datasets: store.datasets.list().map(summary) }),
    'datasets.resolve': ({ ref }) => ({ dataset: record(resolveDataset(store, ref)) }),
    'datasets.get': ({ id }) => {
      const dataset = resolveDataset(store, id);
      const matrix = store.datasets.loadMatrix(dataset.id);
      return {
        dataset: {
          ...record(dataset),
          featureNames: matrix.featureNames,
          classNames: matrix.classNames,
          imageShape: matrix.imageShape ?? null,
          ...datasetStatistics(matrix),
        },
      };
    },
    'datasets.data': ({ id }) => {
      const matrix = store.datasets.loadMatrix(resolveDataset(store, id).id);
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
    },
    'datasets.delete': ({ id }) => {
      const { dataset, constraintsRemoved, runsRemoved } = deleteDataset(store, id);
      notify('dataset.deleted', { id: dataset.id });
      return { deleted: true as const, id: dataset.id, dataset: summary(dataset), constraintsRemoved, runsRemoved };
    },
    'datasets.rename': ({ id, name }) => ({ dataset: summary(renameDataset(store, id, name)) }),
    'datasets.preview': async ({ fileId, options }) => {
      const file = files.resolve(fileId);
      const importOptions = toImportOptions(options, files);
      const errors: { message: string }[] = [];
      let preview: Awaited<ReturnType<typeof previewFile>>;
      let suggestedEncoding: string | undefined;
      try {
        preview = await previewFile(file.path, importOptions);
      } catch (error) {
        if (!(error instanceof InvalidTextError)) throw error;
        // Show the rows as the encoding the bytes look like would read them, with the reason the import as asked fails.
        suggestedEncoding = error.suggestedEncoding;
        errors.push({ message: error.message });
        preview = await previewFile(file.path, { ...importOptions, encoding: suggestedEncoding });
      }
      const warnings = [...preview.warnings];
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
      return { preview: { ...preview, ...(counts ?? {}), fileName: file.name, warnings, errors, ...(suggestedEncoding ? { suggestedEncoding } : {}) } };
    },
    'datasets.import': ({ fileId, name, options }) => {
      const file = files.resolve(fileId);
      return runningImports.run(fileId, async (signal) => {
        const { dataset, warnings, droppedRows } = await importDataset(store, file.path, {
          ...toImportOptions(options, files),
          ...(name === undefined ? {} : { name }),
          signal,
          parse: (path, parseOptions) => imports.importFile(path, parseOptions),
          onProgress: (fraction) =>
            events.emit('import.progress', { fileId, bytesRead: Math.round(fraction * file.size), totalBytes: file.size }),
        });
        const out = summary(dataset);
        notify('dataset.imported', { dataset: out });
        return { dataset: out, warnings, droppedRows };
      });
    },
    'datasets.cancelImport': ({ fileId }) => ({ cancelled: runningImports.cancel(fileId) }),

    'files.openDialog': async ({ purpose }) => {
      if (!deps.dialogs) desktopOnly('files.openDialog', 'choose or drop the file in the page (it is uploaded to POST /api/upload)');
      const path = await deps.dialogs.openFile(purpose ?? 'dataset');
      return path === null ? { cancelled: true as const } : files.registerPath(path);
    },
    'files.upload': async ({ name, base64 }) => {
      let bytes: Uint8Array;
      try {
        bytes = base64ToBytes(base64);
      } catch (error) {
        throw new ValidationError(`files.upload: 'base64' is not valid base64: ${(error as Error).message}`);
      }
      return files.storeBytes(name, bytes);
    },

    'constraints.list': ({ datasetId }) => ({ constraints: listConstraints(store, datasetId).constraints.map(constraintOut) }),
    'constraints.set': ({ datasetId, i, j, kind }) => {
      const { dataset, constraint, outcome, total } = addConstraint(store, datasetId, i, j, kind, 'manual');
      constraintsChanged(dataset.id, total);
      return { constraint: constraintOut(constraint), outcome };
    },
    'constraints.remove': ({ datasetId, i, j }) => {
      const { existing, total } = store.transaction(() => {
        const dataset = resolveDataset(store, datasetId);
        const [a, b] = checkPair(dataset, i, j);
        const stored = store.constraints.get(dataset.id, a, b);
        if (stored) store.constraints.remove(dataset.id, a, b);
        return { existing: stored, total: store.constraints.count(dataset.id).total };
      });
      if (existing) constraintsChanged(datasetId, total);
      return { removed: existing !== null, constraint: existing ? constraintOut(existing) : null };
    },
    'constraints.clear': ({ datasetId, origin }) => {
      const { removed, total } = clearConstraints(store, datasetId, origin);
      if (removed > 0) constraintsChanged(datasetId, total);
      return { removed };
    },
    'constraints.generate': ({ datasetId, pairs, seed }) => {
      const result = generateConstraints(store, datasetId, { pairs, seed });
      constraintsChanged(result.dataset.id, result.total);
      return {
        added: result.added,
        total: result.total,
        must: result.requested.must,
        cannot: result.requested.cannot,
        skipped: result.skipped,
        seed: result.seed,
      };
    },
    'constraints.import': async ({ datasetId, fileId }) => {
      const file = files.resolve(fileId);
      const { dataset, total, added, relabeled, unchanged, count } = await importConstraintsCsv(store, datasetId, file.path);
      constraintsChanged(dataset.id, count);
      return { total, added, relabeled, unchanged };
    },
    'constraints.export': ({ datasetId }) => {
      const { constraints } = listConstraints(store, datasetId);
      return { count: constraints.length, csv: constraintsToCsv(constraints) };
    },

    'comparisons.list': ({ datasetId }) => ({ comparisons: listComparisons(store, datasetId).comparisons }),
    'comparisons.add': ({ datasetId, anchor, closer, farther }) => {
      const { comparison, outcome } = addComparison(store, datasetId, anchor, closer, farther, 'manual');
      return { comparison, outcome };
    },
    'comparisons.remove': ({ datasetId, anchor, closer, farther }) => {
      const existing = store.transaction(() => {
        const dataset = resolveDataset(store, datasetId);
        const t = checkComparison(dataset, anchor, closer, farther);
        const stored = store.comparisons.get(dataset.id, t);
        if (stored) store.comparisons.remove(dataset.id, t);
        return stored;
      });
      return { removed: existing !== null, comparison: existing };
    },
    'comparisons.clear': ({ datasetId, origin }) => ({ removed: clearComparisons(store, datasetId, origin).removed }),
    'comparisons.generate': ({ datasetId, count, seed }) => {
      const result = generateComparisons(store, datasetId, { count, seed });
      return { count: result.count, added: result.added, skipped: result.skipped, total: result.total, seed: result.seed };
    },
    'comparisons.import': async ({ datasetId, fileId }) => {
      const { total, added, unchanged } = await importComparisonsCsv(store, datasetId, files.resolve(fileId).path);
      return { total, added, unchanged };
    },
    'comparisons.export': ({ datasetId }) => {
      const { comparisons } = listComparisons(store, datasetId);
      return { count: comparisons.length, csv: comparisonsToCsv(comparisons) };
    },
    'comparisons.derived': ({ datasetId }) => {
      const { derived, total } = derivedComparisons(store, datasetId);
      return { derived: derived.map((t) => [t[0], t[1], t[2]] as [number, number, number]), total };
    },

    'methods.list': () => ({ methods: methodDeclarations() }),
    'methods.score': (request) => {
      const { method, trainDatasetId, testDatasetId, k, seed, preprocess, reduce, params } = request;
      return scoreCall(request, async (call) => ({
        score: (
          await scoreBaseline(store, scores, method, trainDatasetId, testDatasetId, {
            ...(k === undefined ? {} : { k }),
            ...(seed === undefined ? {} : { seed }),
            ...(preprocess === undefined ? {} : { preprocess }),
            ...(reduce === undefined ? {} : { reduce }),
            ...(params === undefined ? {} : { params }),
            ...call,
          })
        ).score,
      }));
    },

    'jobs.start': ({ spec, workers }) => {
      const submitted = runner.submit(spec, workers === undefined ? {} : { workers });
      watch(submitted.done);
      return { jobId: submitted.jobId, runIds: submitted.runIds };
    },
    'jobs.cancel': ({ jobId }) => ({ cancelled: runner.cancel(jobId) }),
    'jobs.list': () => ({ jobs: runner.list() }),

    'grids.start': ({ spec }) => ({ grid: deps.grids.start(spec) }),
    'grids.list': () => ({ grids: deps.grids.list() }),
    'grids.cancel': ({ gridId }) => ({ cancelled: deps.grids.cancel(gridId) }),

    'runs.list': ({ datasetId, includeChildren, limit }) => {
      if (datasetId !== undefined) resolveDataset(store, datasetId);
      return {
        runs: runs.list({ ...(datasetId === undefined ? {} : { datasetId }), ...(includeChildren ? { includeChildren } : {}), ...(limit === undefined ? {} : { limit }) }),
      };
    },
    'runs.get': ({ runId }) => ({ run: runs.show(runId) }),
    'runs.score': (request) => {
      const { runId, testDatasetId, k } = request;
      return scoreCall(request, async (call) => {
        const { stored, score } = await scoreRun(store, scores, runId, testDatasetId, { ...(k === undefined ? {} : { k }), ...call });
        return { record: stored!, score };
      });
    },
    'scores.cancel': ({ scoreId }) => ({ cancelled: runningScores.cancel(scoreId) }),
    'runs.rerun': ({ runId }) => {
      const { spec, constraints, comparisons, rerunOf } = runs.rerunSpec(runId);
      const submitted = runner.submit(spec, { rerunOf, ...(constraints ? { constraints } : {}), ...(comparisons ? { comparisons } : {}) });
      watch(submitted.done);
      return { jobId: submitted.jobId, runIds: submitted.runIds };
    },

    'runs.report': ({ runIds, format }) => buildReport(store, runIds, format),
    'runs.reportSaveDialog': async ({ runIds, format }) => {
      if (!deps.dialogs) desktopOnly('runs.reportSaveDialog', "use 'runs.report' and save the download");
      const file = buildReport(store, runIds, format);
      const path = await deps.dialogs.saveFile(file.fileName, file.fileName.slice(file.fileName.lastIndexOf('.') + 1));
      if (path === null) return { cancelled: true as const };
      await writeReport(store, runIds, format, path);
      return { path };
    },

    'export.build': ({ runId, format, part }) => {
      const file = buildExport(store, runId, format, part);
      return { fileName: file.fileName, mimeType: file.mimeType, base64: Buffer.from(file.bytes).toString('base64') };
    },
    'export.saveDialog': async ({ runId, format }) => {
      if (!deps.dialogs) desktopOnly('export.saveDialog', "use 'export.build' and save the download");
      const file = buildExport(store, runId, format);
      const extension = file.fileName.slice(file.fileName.lastIndexOf('.') + 1);
      const suggested = format === 'npy' ? file.fileName.replace(/_L\.npy$/, '.npy') : file.fileName;
      const path = await deps.dialogs.saveFile(suggested, extension);
      if (path === null) return { cancelled: true as const };
      const written = await writeExport(store, runId, format, path);
      return { path: written[0]!.path, paths: written.map((w) => w.path) };
    },
  };
}


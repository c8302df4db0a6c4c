/**
 * Dataset import off the main thread: parses a data file (or a bundled sample) in a worker thread and hands the
 * {@link ParsedDataset} back with its Float64Array / Int32Array buffers transferred, not copied. The caller
 * (services/datasets.ts `importDataset` / `addSample`) stores it on the main thread in one transaction, so only
 * the main thread writes SQLite and a refused or cancelled import stores nothing.
 *
 * An import is a worker call (worker-calls.ts: a task of the worker pool on a worker of its own, outside the thread
 * budget; cancel with a grace period, errors with their type and message):
 * - Progress: the fraction of bytes read, about 10 messages a second (the last, 1, always).
 * - Cancel (an AbortSignal, or an `onProgress` that throws): the promise rejects at once with
 *   JobCancelledError; the worker's shared flag is set, the parser stops at its next progress report (every
 *   1 MiB read), and a worker that has not answered after `cancelGraceMs` is terminated.
 * - Imports do not queue behind learning jobs: each running import has its own worker; one finished worker is
 *   kept (unref'd, for `idleWorkerMs`) for the next import.
 *
 * No Electron import: the desktop app and the browser-mode server both use it (services/workbench.ts).
 */
import type { ImportOptions, ParsedDataset } from '../import/types.ts';
import { IMPORT_CANCELLED_MESSAGE } from './import-execute.ts';
import type { ImportSource } from './types.ts';
import { createWorkerCalls, type WorkerCallsOptions } from './worker-calls.ts';

/** Where imports run: the worker script, the cancel grace period and the idle workers kept (worker-calls.ts). */
export type ImportWorkersOptions = WorkerCallsOptions;

/** Options of one import: the importer's own, plus an AbortSignal that cancels it. */
export interface WorkerImportOptions extends ImportOptions {
  signal?: AbortSignal;
}

export interface ImportWorkers {
  /**
   * Parses a data file in a worker (same options and result as src-main/import `importFile`).
   * @throws ImportError naming the file/row/column, as in-process; JobCancelledError when cancelled.
   */
  importFile(path: string, options?: WorkerImportOptions): Promise<ParsedDataset>;
  /**
   * Loads a bundled sample in a worker (as src-main/samples `loadSample`).
   * @throws NotFoundError for an unknown sample; JobCancelledError when cancelled.
   */
  loadSample(name: string, options?: Pick<WorkerImportOptions, 'signal' | 'onProgress'>): Promise<ParsedDataset>;
  /** Imports running now, and started workers waiting for an import. */
  stats(): { running: number; idleWorkers: number };
  /** Cancels running imports (they reject with JobCancelledError) and waits until every worker has exited. */
  close(): Promise<void>;
}

/** `onProgress` and `signal` stay on this thread; the rest of the options go to the worker. */
function workerOptions(options: WorkerImportOptions): Omit<ImportOptions, 'onProgress'> {
  const { onProgress: _onProgress, signal: _signal, ...rest } = options;
  return rest;
}

export function createImportWorkers(options: ImportWorkersOptions = {}): ImportWorkers {
  const calls = createWorkerCalls(
    'import',
    { closed: 'The importer is closed.', cancelled: IMPORT_CANCELLED_MESSAGE },
    options,
  );
  const run = (source: ImportSource, signal: AbortSignal | undefined, onProgress: ((fraction: number) => void) | undefined): Promise<ParsedDataset> =>
    calls.run({ kind: 'import', input: source }, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
  return {
    importFile(path, importOptions = {}) {
      return run({ kind: 'file', path, options: workerOptions(importOptions) }, importOptions.signal, importOptions.onProgress);
    },
    loadSample(name, sampleOptions = {}) {
      return run({ kind: 'sample', name }, sampleOptions.signal, sampleOptions.onProgress);
    },
    stats: () => calls.stats(),
    close: () => calls.close(),
  };
}

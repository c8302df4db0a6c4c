/**
 * Dataset import off the main thread: parses a data file (or a bundled sample) in a worker thread and hands the
 * {@link ParsedDataset} back with its Float64Array / Int32Array buffers transferred, not copied. The caller
 * (services/datasets.ts `importDataset` / `addSample`) stores it on the main thread in one transaction, so only
 * the main thread writes SQLite and a refused or cancelled import stores nothing.
 *
 * - Worker script: the job worker itself (worker.ts, through `worker-entry.mjs` under plain Node; the Electron
 *   build passes its bundled worker.ts as `workerUrl`, the same one the job runner uses). No second bundle.
 * - Progress: the fraction of bytes read, about 10 messages a second (the last, 1, always).
 * - Cancel (an AbortSignal, or an `onProgress` that throws): the promise rejects at once with
 *   JobCancelledError; the worker's shared flag is set, the parser stops at its next progress report (every
 *   1 MiB read), and a worker that has not answered after `cancelGraceMs` is terminated.
 * - Errors keep their type and exact message (ImportError, NotFoundError, ValidationError), as in-process.
 * - Imports do not queue behind learning jobs: each running import has its own worker; one finished worker is
 *   kept (unref'd, for `idleWorkerMs`) for the next import.
 *
 * No Electron import: the desktop app and the browser-mode server both use it (services/workbench.ts).
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import {
  fromErrorPayload,
  ImportError,
  JobCancelledError,
  NotFoundError,
  ValidationError,
  WorkbenchError,
  type ErrorPayload,
} from '../../shared/errors.ts';
import type { ImportOptions, ParsedDataset } from '../import/types.ts';
import { IMPORT_CANCELLED_MESSAGE } from './import-execute.ts';
import { DEFAULT_WORKER_URL } from './runner.ts';
import type { ImportSource, ImportWorkerMessage, WorkerImportRequest } from './types.ts';

export interface ImportWorkersOptions {
  /** The worker script; default {@link DEFAULT_WORKER_URL} (the job worker). The Electron build passes its bundle. */
  workerUrl?: URL | string;
  /** How long a cancelled worker may take to answer before it is terminated; default 2000 ms. */
  cancelGraceMs?: number;
  /** How long a finished worker waits for the next import before it exits; default 30 s. Never keeps the process alive. */
  idleWorkerMs?: number;
  /** Finished workers kept for the next imports; default 1. */
  maxIdleWorkers?: number;
}

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

interface ImportCall {
  importId: string;
  cancelFlag: SharedArrayBuffer;
  onProgress: ((fraction: number) => void) | undefined;
  settled: boolean;
  resolve(parsed: ParsedDataset): void;
  reject(error: Error): void;
  /** Removes the AbortSignal listener. */
  detach(): void;
}

interface ImportWorker {
  worker: Worker;
  call: ImportCall | null;
  dead: boolean;
  idleTimer: ReturnType<typeof setTimeout> | null;
  killTimer: ReturnType<typeof setTimeout> | null;
}

/** Rebuilds the typed error a worker reported, with its exact message. */
function errorFromPayload(payload: ErrorPayload): WorkbenchError {
  switch (payload.code) {
    case 'IMPORT_FAILED':
      return new ImportError(payload.message);
    case 'NOT_FOUND':
      return new NotFoundError(payload.message);
    case 'INVALID_ARGUMENT':
      return new ValidationError(payload.message);
    default:
      return fromErrorPayload(payload);
  }
}

/** `onProgress` and `signal` stay on this thread; the rest of the options go to the worker. */
function workerOptions(options: WorkerImportOptions): Omit<ImportOptions, 'onProgress'> {
  const { onProgress: _onProgress, signal: _signal, ...rest } = options;
  return rest;
}

export function createImportWorkers(options: ImportWorkersOptions = {}): ImportWorkers {
  const workerUrl = options.workerUrl ?? DEFAULT_WORKER_URL;
  const graceMs = options.cancelGraceMs ?? 2000;
  const idleMs = options.idleWorkerMs ?? 30_000;
  const maxIdle = Math.max(0, options.maxIdleWorkers ?? 1);
  const all = new Set<ImportWorker>();
  const idle: ImportWorker[] = [];
  let closed = false;

  const settle = (call: ImportCall, outcome: { parsed: ParsedDataset } | { error: Error }): void => {
    if (call.settled) return;
    call.settled = true;
    call.detach();
    if ('parsed' in outcome) call.resolve(outcome.parsed);
    else call.reject(outcome.error);
  };

  /** Stops a running import: rejects now, asks the worker to stop, terminates it if it does not answer. */
  const cancel = (slot: ImportWorker, call: ImportCall, error: Error): void => {
    if (call.settled) return;
    settle(call, { error });
    Atomics.store(new Int32Array(call.cancelFlag), 0, 1);
    if (slot.call === call && !slot.killTimer) {
      slot.killTimer = setTimeout(() => void slot.worker.terminate(), graceMs);
      slot.killTimer.unref?.();
    }
  };

  /** The worker answered (or died): it is free again, kept for the next import unless it is dead. */
  const release = (slot: ImportWorker): void => {
    slot.call = null;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = null;
    if (closed || slot.dead || idle.length >= maxIdle) {
      void slot.worker.terminate();
      return;
    }
    slot.worker.unref();
    idle.push(slot);
    slot.idleTimer = setTimeout(() => void slot.worker.terminate(), idleMs);
    slot.idleTimer.unref?.();
  };

  const onMessage = (slot: ImportWorker, message: ImportWorkerMessage | { type: string }): void => {
    const call = slot.call;
    if (!call || !('importId' in message) || message.importId !== call.importId) return;
    switch (message.type) {
      case 'import-progress':
        if (call.settled) return;
        try {
          call.onProgress?.(message.fraction);
        } catch (error) {
          // The in-process parser stops when onProgress throws; so does this one.
          cancel(slot, call, error instanceof Error ? error : new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
        }
        return;
      case 'import-result':
        settle(call, { parsed: message.parsed });
        release(slot);
        return;
      case 'import-error':
        settle(call, { error: errorFromPayload(message.error) });
        release(slot);
        return;
    }
  };

  const spawn = (): ImportWorker => {
    const worker = new Worker(workerUrl, { stdout: false, stderr: false });
    const slot: ImportWorker = { worker, call: null, dead: false, idleTimer: null, killTimer: null };
    all.add(slot);
    worker.on('message', (message: ImportWorkerMessage | { type: string }) => onMessage(slot, message));
    worker.on('error', (error) => {
      slot.dead = true;
      if (slot.call) settle(slot.call, { error: new WorkbenchError('JOB_FAILED', `The import worker crashed: ${error.message}`) });
    });
    worker.on('exit', (code) => {
      slot.dead = true;
      all.delete(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      if (slot.killTimer) clearTimeout(slot.killTimer);
      const at = idle.indexOf(slot);
      if (at >= 0) idle.splice(at, 1);
      if (slot.call) {
        settle(slot.call, { error: new WorkbenchError('JOB_FAILED', `The import worker exited with code ${code} before finishing.`) });
        slot.call = null;
      }
    });
    return slot;
  };

  const take = (): ImportWorker => {
    for (let slot = idle.pop(); slot; slot = idle.pop()) {
      if (slot.dead) continue;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker.ref();
      return slot;
    }
    return spawn();
  };

  const run = (source: ImportSource, signal: AbortSignal | undefined, onProgress: ((fraction: number) => void) | undefined): Promise<ParsedDataset> => {
    if (closed) return Promise.reject(new WorkbenchError('INTERNAL', 'The importer is closed.'));
    if (signal?.aborted) return Promise.reject(new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
    return new Promise<ParsedDataset>((resolve, reject) => {
      const slot = take();
      const onAbort = (): void => cancel(slot, call, new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
      const call: ImportCall = {
        importId: randomUUID(),
        cancelFlag: new SharedArrayBuffer(4),
        onProgress,
        settled: false,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.call = call;
      const request: WorkerImportRequest = { type: 'import', importId: call.importId, source, cancelFlag: call.cancelFlag };
      slot.worker.postMessage(request);
    });
  };

  return {
    importFile(path, importOptions = {}) {
      return run({ kind: 'file', path, options: workerOptions(importOptions) }, importOptions.signal, importOptions.onProgress);
    },
    loadSample(name, sampleOptions = {}) {
      return run({ kind: 'sample', name }, sampleOptions.signal, sampleOptions.onProgress);
    },
    stats() {
      return { running: [...all].filter((w) => w.call !== null).length, idleWorkers: idle.filter((w) => !w.dead).length };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const slot of all) if (slot.call) cancel(slot, slot.call, new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
      idle.length = 0;
      await Promise.all([...all].map((slot) => slot.worker.terminate()));
    },
  };
}

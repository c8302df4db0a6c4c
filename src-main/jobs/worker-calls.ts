/**
 * Calls off the main thread that are not jobs: one import (import-worker.ts) or one test-set score
 * (score-worker.ts) at a time on a worker thread of its own, answered by progress messages and exactly one result or
 * error ({@link WorkerCallRequest} / {@link WorkerCallMessage} in types.ts). The caller stores the result on the main
 * thread, so only the main thread writes SQLite and a refused or cancelled call stores nothing.
 *
 * - Worker script: the job worker itself (worker.ts, through `worker-entry.mjs` under plain Node; the Electron build
 *   passes its bundled worker.ts as `workerUrl`, the same one the job runner uses). No second bundle.
 * - Cancel (an AbortSignal, or an `onProgress` that throws): the promise rejects at once with JobCancelledError
 *   (or what `onProgress` threw); the call's shared flag is set, the worker stops at its next check, and a worker
 *   that has not answered after `cancelGraceMs` is terminated.
 * - Errors keep their type and exact message (ImportError, NotFoundError, ValidationError), as in-process.
 * - Calls do not queue behind learning jobs: each running call has its own worker; finished workers are kept
 *   (unref'd, up to `maxIdleWorkers`, for `idleWorkerMs`) for the next call.
 *
 * No Electron import: the desktop app, the browser-mode server and the CLI all use it (services/workbench.ts).
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
import { DEFAULT_WORKER_URL, workerOptions } from './runner.ts';
import type { WorkerCallKind, WorkerCallKinds, WorkerCallMessage, WorkerCallRequest } from './types.ts';

export interface WorkerCallsOptions {
  /** The worker script; default {@link DEFAULT_WORKER_URL} (the job worker). The Electron build passes its bundle. */
  workerUrl?: URL | string;
  /** How long a cancelled worker may take to answer before it is terminated; default 2000 ms. */
  cancelGraceMs?: number;
  /** How long a finished worker waits for the next call before it exits; default 30 s. Never keeps the process alive. */
  idleWorkerMs?: number;
  /** Finished workers kept for the next calls; default 1. */
  maxIdleWorkers?: number;
}

/** How a kind of call names itself in its errors. */
export interface WorkerCallWords {
  /** e.g. 'import': "The import worker crashed: …", "The import worker exited with code 3 before finishing." */
  worker: string;
  /** The message of a call made after close(), e.g. 'The importer is closed.' */
  closed: string;
  /** The message of the JobCancelledError a cancelled call rejects with. */
  cancelled: string;
}

/** One call's options: progress (on this thread), an AbortSignal that cancels it, input buffers to move rather than copy. */
export interface WorkerCallOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
  transfer?: ArrayBuffer[];
}

export interface WorkerCalls<K extends WorkerCallKind> {
  /** Runs one call on a worker of its own. @throws the worker's error with its type and message; JobCancelledError when cancelled. */
  run(input: WorkerCallKinds[K]['input'], options?: WorkerCallOptions<WorkerCallKinds[K]['progress']>): Promise<WorkerCallKinds[K]['result']>;
  /** Calls running now, and started workers waiting for a call. */
  stats(): { running: number; idleWorkers: number };
  /** Cancels running calls (they reject with JobCancelledError) and waits until every worker has exited. */
  close(): Promise<void>;
}

interface Call {
  callId: string;
  cancelFlag: SharedArrayBuffer;
  onProgress: ((progress: never) => void) | undefined;
  settled: boolean;
  resolve(result: unknown): void;
  reject(error: Error): void;
  /** Removes the AbortSignal listener. */
  detach(): void;
}

interface Slot {
  worker: Worker;
  call: Call | null;
  dead: boolean;
  idleTimer: ReturnType<typeof setTimeout> | null;
  killTimer: ReturnType<typeof setTimeout> | null;
}

/** Rebuilds the typed error a worker reported, with its exact message. */
export function errorFromPayload(payload: ErrorPayload): WorkbenchError {
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

/** The distinct ArrayBuffers that `arrays` fill entirely: safe to transfer (a view into a larger buffer is left to be copied). */
export function wholeBuffers(arrays: ReadonlyArray<Float64Array | Int32Array | null | undefined>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    if (array && array.buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength) buffers.add(array.buffer);
  }
  return [...buffers];
}

export function createWorkerCalls<K extends WorkerCallKind>(kind: K, words: WorkerCallWords, options: WorkerCallsOptions = {}): WorkerCalls<K> {
  const workerUrl = options.workerUrl ?? DEFAULT_WORKER_URL;
  const graceMs = options.cancelGraceMs ?? 2000;
  const idleMs = options.idleWorkerMs ?? 30_000;
  const maxIdle = Math.max(0, options.maxIdleWorkers ?? 1);
  const all = new Set<Slot>();
  const idle: Slot[] = [];
  let closed = false;

  const settle = (call: Call, outcome: { result: unknown } | { error: Error }): void => {
    if (call.settled) return;
    call.settled = true;
    call.detach();
    if ('result' in outcome) call.resolve(outcome.result);
    else call.reject(outcome.error);
  };

  /** Stops a running call: rejects now, asks the worker to stop, terminates it if it does not answer. */
  const cancel = (slot: Slot, call: Call, error: Error): void => {
    if (call.settled) return;
    settle(call, { error });
    Atomics.store(new Int32Array(call.cancelFlag), 0, 1);
    if (slot.call === call && !slot.killTimer) {
      slot.killTimer = setTimeout(() => void slot.worker.terminate(), graceMs);
      slot.killTimer.unref?.();
    }
  };

  /** The worker answered (or died): it is free again, kept for the next call unless it is dead. */
  const release = (slot: Slot): void => {
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

  const onMessage = (slot: Slot, message: WorkerCallMessage<K> | { type: string }): void => {
    const call = slot.call;
    if (!call || !('callId' in message) || message.callId !== call.callId) return;
    switch (message.type) {
      case 'call-progress':
        if (call.settled) return;
        try {
          call.onProgress?.(message.progress as never);
        } catch (error) {
          // The in-process parser stops when onProgress throws; so does the worker.
          cancel(slot, call, error instanceof Error ? error : new JobCancelledError(words.cancelled));
        }
        return;
      case 'call-result':
        settle(call, { result: message.result });
        release(slot);
        return;
      case 'call-error':
        settle(call, { error: errorFromPayload(message.error) });
        release(slot);
        return;
    }
  };

  const spawn = (): Slot => {
    const worker = new Worker(workerUrl, workerOptions(workerUrl));
    const slot: Slot = { worker, call: null, dead: false, idleTimer: null, killTimer: null };
    all.add(slot);
    worker.on('message', (message: WorkerCallMessage<K> | { type: string }) => onMessage(slot, message));
    worker.on('error', (error: Error) => {
      slot.dead = true;
      if (slot.call) settle(slot.call, { error: new WorkbenchError('JOB_FAILED', `The ${words.worker} worker crashed: ${error.message}`) });
    });
    worker.on('exit', (code) => {
      slot.dead = true;
      all.delete(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      if (slot.killTimer) clearTimeout(slot.killTimer);
      const at = idle.indexOf(slot);
      if (at >= 0) idle.splice(at, 1);
      if (slot.call) {
        settle(slot.call, { error: new WorkbenchError('JOB_FAILED', `The ${words.worker} worker exited with code ${code} before finishing.`) });
        slot.call = null;
      }
    });
    return slot;
  };

  const take = (): Slot => {
    for (let slot = idle.pop(); slot; slot = idle.pop()) {
      if (slot.dead) continue;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker.ref();
      return slot;
    }
    return spawn();
  };

  return {
    run(input, callOptions = {}) {
      const { signal, onProgress, transfer = [] } = callOptions;
      if (closed) return Promise.reject(new WorkbenchError('INTERNAL', words.closed));
      if (signal?.aborted) return Promise.reject(new JobCancelledError(words.cancelled));
      return new Promise((resolve, reject) => {
        const slot = take();
        const onAbort = (): void => cancel(slot, call, new JobCancelledError(words.cancelled));
        const call: Call = {
          callId: randomUUID(),
          cancelFlag: new SharedArrayBuffer(4),
          onProgress: onProgress as ((progress: never) => void) | undefined,
          settled: false,
          resolve: resolve as (result: unknown) => void,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        slot.call = call;
        const request = { type: 'call', kind, callId: call.callId, input, cancelFlag: call.cancelFlag } as WorkerCallRequest;
        slot.worker.postMessage(request, transfer);
      });
    },
    stats() {
      return { running: [...all].filter((w) => w.call !== null).length, idleWorkers: idle.filter((w) => !w.dead).length };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const slot of all) if (slot.call) cancel(slot, slot.call, new JobCancelledError(words.cancelled));
      idle.length = 0;
      await Promise.all([...all].map((slot) => slot.worker.terminate()));
    },
  };
}

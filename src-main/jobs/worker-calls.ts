/**
 * Calls off the main thread that are not jobs: one import (import-worker.ts) or one test-set score
 * (score-worker.ts), each a task of the worker pool (pool.ts), answered by progress messages and exactly one result
 * or error. The caller stores the result on the main thread, so only the main thread writes SQLite and a refused or
 * cancelled call stores nothing.
 *
 * - Worker script: the job worker itself (worker.ts, through `worker-entry.mjs` under plain Node; the Electron build
 *   passes its bundled worker.ts as `workerUrl`, the same one the job runner uses). No second bundle.
 * - Cancel (an AbortSignal, or an `onProgress` that throws): the pool's cancel path (reject at once with
 *   JobCancelledError or what `onProgress` threw, set the shared flag, terminate after `cancelGraceMs`).
 * - Errors keep their type and exact message (ImportError, NotFoundError, ValidationError), as in-process.
 * - Calls do not queue behind the job runner's queue: each running call has a worker of its own; finished workers
 *   are kept (unref'd, up to `maxIdleWorkers`, for `idleWorkerMs`) for the next call. Scores draw from the process's
 *   thread budget like every computation; imports, which mostly wait on the disk, do not.
 *
 * No Electron import: the desktop app, the browser-mode server and the CLI all use it (services/workbench.ts).
 */
import { definedFields } from '../../shared/objects.ts';
import { WorkerPool, type ThreadBudget } from './pool.ts';
import type { ProgressOf, ResultOf, TaskKind, TaskOf } from './protocol.ts';

export interface WorkerCallsOptions {
  /** The worker script; default the job worker. The Electron build passes its bundle. */
  workerUrl?: URL | string;
  /** How long a cancelled worker may take to answer before it is terminated; default 2000 ms. */
  cancelGraceMs?: number;
  /** How long a finished worker waits for the next call before it exits; default 30 s. Never keeps the process alive. */
  idleWorkerMs?: number;
  /** Finished workers kept for the next calls; default 1. */
  maxIdleWorkers?: number;
  /** The thread budget scores draw from; default the process's. */
  budget?: ThreadBudget;
}

/** How a kind of call names itself in its errors. */
export interface WorkerCallWords {
  /** The message of a call made after close(), e.g. 'The importer is closed.' */
  closed: string;
  /** The message of the JobCancelledError a cancelled call rejects with. */
  cancelled: string;
}

type CallKind = Extract<TaskKind, 'import' | 'score'>;

/** One call's options: progress (on this thread), an AbortSignal that cancels it, input buffers to move rather than copy. */
export interface WorkerCallOptions<K extends CallKind> {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressOf<TaskOf<K>>) => void;
  transfer?: ArrayBuffer[];
}

export interface WorkerCalls<K extends CallKind> {
  /** Runs one call on a worker of its own. @throws the worker's error with its type and message; JobCancelledError when cancelled. */
  run(task: TaskOf<K>, options?: WorkerCallOptions<K>): Promise<ResultOf<TaskOf<K>>>;
  /** Calls running now, and started workers waiting for a call. */
  stats(): { running: number; idleWorkers: number };
  /** Cancels running calls (they reject with JobCancelledError) and waits until every worker has exited. */
  close(): Promise<void>;
}

export function createWorkerCalls<K extends CallKind>(kind: K, words: WorkerCallWords, options: WorkerCallsOptions = {}): WorkerCalls<K> {
  const pool = new WorkerPool({
    ...definedFields({ workerUrl: options.workerUrl }),
    // Imports mostly wait on the disk and must never queue behind computations.
    ...(kind === 'import' ? { budget: null } : options.budget ? { budget: options.budget } : {}),
    graceMs: options.cancelGraceMs ?? 2000,
    idleMs: options.idleWorkerMs ?? 30_000,
    maxIdle: options.maxIdleWorkers ?? 1,
    closedMessage: words.closed,
  });
  return {
    run: (task, callOptions = {}) => pool.run(task, { ...callOptions, cancelledMessage: words.cancelled }),
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

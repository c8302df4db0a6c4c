/**
 * Held-out test-set scores off the main thread: the fit (when asked) and the score of score-execute.ts run in a
 * worker thread, as a worker call (worker-calls.ts: a task of the worker pool, not queued behind the runner's jobs
 * but drawing from the same thread budget; cancel with a grace period; errors with their type and message). The caller (services/score.ts) checks the inputs first and
 * stores the score on the main thread afterwards, so a refused, failed or cancelled score stores nothing.
 *
 * - Data: the datasets' feature and label buffers are transferred to the worker (moved, not copied).
 * - Cores: for a big kNN (at least {@link PARALLEL_MIN_SCORE_WORK} multiply-adds) the worker spreads its row blocks
 *   over up to `os.availableParallelism()` helper tasks of the pool; the figures are the same bits for every count.
 * - Progress: {@link WorkerProgress} (phase fit / knn / kmeans / retrieval / done, `fraction`), ~10 a second.
 * - Cancel: an AbortSignal rejects at once with JobCancelledError ({@link SCORE_CANCELLED_MESSAGE}); the worker
 *   stops at its next row block or learner iteration, or is terminated after `cancelGraceMs`.
 */
import { availableParallelism } from 'node:os';
import type { TestSetScore } from '../../shared/engine/evaluation/score.ts';
import { DEFAULT_WORKER_URL } from './pool.ts';
import { wholeBuffers } from './protocol.ts';
import type { ScoreTask, WorkerProgress } from './types.ts';
import { createWorkerCalls, type WorkerCallsOptions } from './worker-calls.ts';

/** The message of the JobCancelledError a cancelled score ends with. */
export const SCORE_CANCELLED_MESSAGE = 'The score was cancelled; nothing was stored.';

/** Scores whose kNN takes at least this many multiply-adds (train rows × test rows × features) use every core. */
export const PARALLEL_MIN_SCORE_WORK = 2e9;

/** The kNN threads of a score: the explicit choice, else every core for a big kNN, else 1 (helpers cost a start). */
export function scoreWorkerCount(explicit: number | undefined, trainRows: number, testRows: number, features: number): number {
  if (explicit !== undefined) return Math.max(1, Math.floor(explicit));
  return trainRows * testRows * features >= PARALLEL_MIN_SCORE_WORK ? availableParallelism() : 1;
}

/** A score as the caller describes it; the worker script and thread count are this module's to fill in. */
export type ScoreInput = Omit<ScoreTask, 'workers' | 'workerUrl'>;

export interface ScoreCallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WorkerProgress) => void;
  /** Threads for the kNN; default {@link scoreWorkerCount}. The figures do not depend on it. */
  workers?: number;
}

export interface ScoreWorkers {
  /**
   * Fits (if `input.fit`) and scores in a worker: the figures of `scoreOnTestSet`, bit for bit. The buffers of
   * `input.train` and `input.test` are moved to the worker; the caller must not read them afterwards.
   * @throws ValidationError as in-process; JobCancelledError when cancelled; JOB_FAILED when the worker dies.
   */
  score(input: ScoreInput, options?: ScoreCallOptions): Promise<TestSetScore>;
  /** Scores running now, and started workers waiting for a score. */
  stats(): { running: number; idleWorkers: number };
  /** Cancels running scores (they reject with JobCancelledError) and waits until every worker has exited. */
  close(): Promise<void>;
}

export function createScoreWorkers(options: WorkerCallsOptions = {}): ScoreWorkers {
  const workerUrl = String(options.workerUrl ?? DEFAULT_WORKER_URL);
  const calls = createWorkerCalls('score', { closed: 'The scorer is closed.', cancelled: SCORE_CANCELLED_MESSAGE }, options);
  return {
    score(input, callOptions = {}) {
      const { train, test } = input;
      const task: ScoreTask = { ...input, workers: scoreWorkerCount(callOptions.workers, train.nRows, test.nRows, train.nFeatures), workerUrl };
      return calls.run({ kind: 'score', input: task }, {
        ...(callOptions.signal ? { signal: callOptions.signal } : {}),
        ...(callOptions.onProgress ? { onProgress: callOptions.onProgress } : {}),
        transfer: wholeBuffers([train.features, train.labels, test.features, test.labels]),
      });
    },
    stats: () => calls.stats(),
    close: () => calls.close(),
  };
}

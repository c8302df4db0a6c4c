/**
 * Turns a job's progress into throttled {@link WorkerProgress} messages and reads the cancel flag.
 * Pure (no worker_threads import), so the same code runs in a worker and in-process (bench, tests).
 */
import { JobCancelledError } from '../../shared/errors.ts';
import type { LearnerHooks } from '../../shared/engine/learner.ts';
import type { WorkerProgress } from './types.ts';

/** At most this many progress messages per second per job (phase changes to 'started' and 'done' always go). */
export const PROGRESS_PER_SECOND = 10;

export interface JobReporter {
  /** Enters a phase (e.g. 'fit', 'evaluate'), optionally with fold / message / run id. */
  phase(phase: string, extra?: Partial<Omit<WorkerProgress, 'phase' | 'elapsedMs'>>): void;
  /** Work units done so far out of `total` (folds, sweep steps): sets fraction and a linear ETA. */
  units(done: number, total: number): void;
  /** Learner hooks: `onIteration` becomes throttled progress, `shouldStop` reads the cancel flag. */
  readonly hooks: Required<Pick<LearnerHooks, 'onIteration' | 'shouldStop'>>;
  /** True once the job was asked to stop. */
  shouldStop(): boolean;
  /** @throws JobCancelledError when the job was asked to stop. */
  throwIfStopped(): void;
}

export interface ReporterOptions {
  post(progress: WorkerProgress): void;
  /** Int32Array(1) over a SharedArrayBuffer; non-zero means stop. Null = never stops. */
  cancelFlag: Int32Array | null;
  now?: () => number;
  /** Minimum milliseconds between two messages; default 1000 / PROGRESS_PER_SECOND. */
  intervalMs?: number;
}

export function createReporter(options: ReporterOptions): JobReporter {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 1000 / PROGRESS_PER_SECOND;
  const start = now();
  let lastSent = Number.NEGATIVE_INFINITY;
  const state: WorkerProgress = { runId: null, phase: 'started', elapsedMs: 0 };

  const send = (force: boolean): void => {
    const t = now();
    if (!force && t - lastSent < interval) return;
    lastSent = t;
    state.elapsedMs = t - start;
    options.post({ ...state });
  };
  const shouldStop = (): boolean => options.cancelFlag !== null && Atomics.load(options.cancelFlag, 0) !== 0;

  return {
    phase(phase, extra = {}) {
      state.phase = phase;
      delete state.iteration;
      delete state.objective;
      Object.assign(state, extra);
      send(phase === 'started' || phase === 'done');
    },
    units(done, total) {
      const t = now() - start;
      state.fraction = total > 0 ? Math.min(1, done / total) : null;
      state.etaMs = done > 0 && total > done ? (t / done) * (total - done) : done >= total ? 0 : null;
    },
    hooks: {
      onIteration(p) {
        state.iteration = p.iteration;
        state.objective = Number.isFinite(p.objective) ? p.objective : null;
        send(false);
      },
      shouldStop,
    },
    shouldStop,
    throwIfStopped() {
      if (shouldStop()) throw new JobCancelledError();
    },
  };
}

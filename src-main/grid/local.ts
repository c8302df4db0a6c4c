/**
 * `grid run`: every cell of a grid as jobs on the local worker pool (the job runner of src-main/jobs, with its
 * default concurrency max(1, cores − 1)). A cell is two jobs on the product worker — the cross-validated
 * evaluation and the fit on the whole data set (see cell.ts) — written to ONE evaluate run through
 * {@link createGridPersistence}, which wraps the runs service: the learn job reuses the cell's run instead of
 * creating its own, and the run becomes `succeeded` only when both parts are in (one transaction).
 *
 * A cell whose spec is refused (a bad parameter value, say) is recorded as failed with the error and no run;
 * the other cells run.
 */
import { randomUUID } from 'node:crypto';
import type { GridCell, GridMark, GridSpec } from '../../shared/domain/grid.ts';
import { expandGrid } from '../../shared/domain/grid.ts';
import type { JobEvent } from '../../shared/domain/job.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { NotFoundError, ValidationError, toErrorPayload } from '../../shared/errors.ts';
import type { EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import { createJobRunner, type JobRunner, type JobRunnerOptions } from '../jobs/runner.ts';
import type { JobPersistence, JobTimings, PreparedJob } from '../jobs/types.ts';
import { createRunsService, type RunsService } from '../services/runs.ts';
import type { GridRecord } from '../storage/grids-repository.ts';
import type { Store } from '../storage/store.ts';
import { hostName, learnSpecOf, markRun, mergeTimings, saveCell } from './cell.ts';

/** Cell status as a grid reports it. */
export type GridCellStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A snapshot of a running (or finished) local grid. */
export interface GridProgress {
  gridId: string;
  cells: number;
  done: number;
  failed: number;
  /** Per cell, in index order. */
  status: GridCellStatus[];
  /** Per cell: its run id, or null when the cell was refused before a run was made. */
  runIds: Array<number | null>;
  /** Per cell: the error of a failed cell, else null. */
  errors: Array<string | null>;
}

export interface LocalGrid {
  grid: GridRecord;
  cells: GridCell[];
  /** Current state (a copy). */
  progress(): GridProgress;
  /** Called on every cell status change and on job progress of a cell (with the cell's fraction 0…1). */
  subscribe(listener: (progress: GridProgress, cell: number, fraction: number | null) => void): () => void;
  /** Resolves when every cell has finished (succeeded, failed or cancelled) and the runner is closed. */
  done: Promise<GridProgress>;
  /** Cancels every cell not finished yet. */
  cancel(): void;
}

export interface LocalGridOptions {
  /** Runner options (concurrency, the worker script of the Electron build …). */
  runner?: Omit<JobRunnerOptions, 'store' | 'persistence'>;
}

interface CellState {
  prepared: PreparedJob;
  evaluation?: EvaluationResult;
  evalTimings?: JobTimings;
  metric?: LearnedMetric;
  learnTimings?: JobTimings;
  finished: boolean;
}

/**
 * The runs service as the grid's jobs see it: `attachNext(runId)` makes the next `prepare` (the learn job of a
 * cell) answer with the cell's existing run; `complete` keeps the first half and stores the cell when both
 * halves are in; a failure of either half fails the cell's run (and calls `onCellFailed` to cancel the other).
 */
export function createGridPersistence(
  store: Store,
  gridId: string,
  hooks: { onCellFinished(runId: number, status: 'succeeded' | 'failed' | 'cancelled', error: string | null): void },
): JobPersistence & { attachNext(runId: number): void; base: RunsService } {
  const base = createRunsService(store);
  const states = new Map<number, CellState>();
  const host = hostName();
  let attach: number | null = null;
  const cellOf = (runId: number): number => store.grids.cellOfRun(runId)?.cell ?? -1;
  const mark = (runId: number): GridMark => ({ id: gridId, cell: cellOf(runId), where: 'local', host });

  return {
    base,
    attachNext(runId) {
      attach = runId;
    },
    prepare(spec, options) {
      if (attach !== null) {
        const runId = attach;
        attach = null;
        const state = states.get(runId);
        if (!state) throw new Error(`Grid ${gridId}: no cell with run ${runId}.`);
        return { ...state.prepared, spec: learnSpecOf(state.prepared.spec), runIds: [runId] };
      }
      const prepared = base.prepare(spec, options);
      states.set(prepared.runIds[0]!, { prepared, finished: false });
      return prepared;
    },
    markRunning(runIds, startedAt) {
      const runId = runIds[0]!;
      const state = states.get(runId);
      if (state?.finished) return;
      store.transaction(() => {
        base.markRunning(runIds, startedAt);
        const cell = store.grids.cellOfRun(runId);
        if (cell && cell.status === 'queued') store.grids.setCell({ ...cell, status: 'running' });
      });
    },
    complete(runIds, result, timings) {
      const runId = runIds[0]!;
      const state = states.get(runId);
      if (!state || state.finished) return;
      if (result.kind === 'learn') {
        state.metric = result.metric;
        state.learnTimings = timings;
      } else if (result.kind === 'evaluate') {
        state.evaluation = result.evaluation;
        state.evalTimings = timings;
      }
      if (!state.metric || !state.evaluation) return;
      const cell = cellOf(runId);
      saveCell(store, base.complete, gridId, cell, runId, { evaluation: state.evaluation, metric: state.metric, timings: mergeTimings(state.evalTimings!, state.learnTimings!) }, mark(runId));
      state.finished = true;
      hooks.onCellFinished(runId, 'succeeded', null);
    },
    finishUnsuccessfully(runIds, status, message, timings) {
      const runId = runIds[0]!;
      const state = states.get(runId);
      if (state?.finished) return;
      if (state) state.finished = true;
      store.transaction(() => {
        base.finishUnsuccessfully(runIds, status, message, timings);
        const cell = store.grids.cellOfRun(runId);
        if (cell) store.grids.setCell({ ...cell, status, error: message });
      });
      hooks.onCellFinished(runId, status, message);
    },
    recoverInterrupted() {
      return base.recoverInterrupted();
    },
    dispose() {
      base.dispose();
    },
  };
}

/** Whether a method learns from pairs (and so gets one cell per constraint count). */
export function methodUsesPairs(method: string): boolean {
  return getLearner(method).input === 'pairs';
}

/**
 * Checks what must hold for the whole grid before anything is recorded: every data set exists, every method is
 * known and every varied parameter is one of its method's. (Parameter values are checked per cell.)
 * @throws NotFoundError / ValidationError naming the data set, method or parameter.
 */
export function checkGridSpec(store: Store, spec: GridSpec): void {
  for (const id of spec.datasets ?? []) if (!store.datasets.get(id)) throw new NotFoundError(`Grid: no dataset with id ${id}.`);
  for (const method of spec.methods ?? []) getLearner(method);
  for (const [method, params] of Object.entries(spec.params ?? {})) {
    if (!spec.methods.includes(method)) throw new ValidationError(`Grid: parameters are given for '${method}', which is not one of the grid's methods (${spec.methods.join(', ')}).`);
    const known = getLearner(method).params;
    for (const name of Object.keys(params)) {
      if (!(name in known)) throw new ValidationError(`Grid: ${method} has no parameter '${name}'. Known parameters: ${Object.keys(known).join(', ') || '(none)'}.`);
    }
  }
}

/**
 * Starts a grid on a job runner of its own over `store` and returns at once; `done` resolves when every cell
 * has finished. The grid and its cells are recorded first (cells `queued`), so a refused cell is `failed` with
 * its error.
 * @throws RangeError / ValidationError for a grid that has no cells (nothing is recorded then).
 */
export function startLocalGrid(store: Store, spec: GridSpec, options: LocalGridOptions = {}): LocalGrid {
  checkGridSpec(store, spec);
  const cells = expandGrid(spec, methodUsesPairs);
  const gridId = randomUUID();
  const grid = store.grids.insert({ id: gridId, spec, cells: cells.length, location: 'local', bundle: null, slurmJobId: null });
  const status: GridCellStatus[] = cells.map(() => 'queued');
  const runIds: Array<number | null> = cells.map(() => null);
  const errors: Array<string | null> = cells.map(() => null);
  const fractions = new Map<string, { cell: number; part: 0 | 1; fraction: number }>();
  const listeners = new Set<(p: GridProgress, cell: number, fraction: number | null) => void>();
  const jobsOfCell = new Map<number, string[]>();
  const cellOfRun = new Map<number, number>();
  let runner: JobRunner | null = null;
  let resolveDone!: (p: GridProgress) => void;
  const done = new Promise<GridProgress>((res) => (resolveDone = res));

  const snapshot = (): GridProgress => ({
    gridId,
    cells: cells.length,
    done: status.filter((s) => s === 'succeeded').length,
    failed: status.filter((s) => s === 'failed' || s === 'cancelled').length,
    status: [...status],
    runIds: [...runIds],
    errors: [...errors],
  });
  const notify = (cell: number, fraction: number | null): void => {
    const p = snapshot();
    for (const l of [...listeners]) {
      try {
        l(p, cell, fraction);
      } catch {
        // a failing listener must not stop the grid
      }
    }
  };
  const finished = (): boolean => status.every((s) => s === 'succeeded' || s === 'failed' || s === 'cancelled');
  const maybeDone = (): void => {
    if (!finished() || !runner) return;
    const r = runner;
    runner = null;
    void r.close().then(() => resolveDone(snapshot()));
  };

  const persistence = createGridPersistence(store, gridId, {
    onCellFinished(runId, end, error) {
      const cell = cellOfRun.get(runId);
      if (cell === undefined) return;
      status[cell] = end;
      errors[cell] = error;
      if (end !== 'succeeded') for (const jobId of jobsOfCell.get(cell) ?? []) runner?.cancel(jobId);
      notify(cell, end === 'succeeded' ? 1 : null);
      queueMicrotask(maybeDone);
    },
  });
  runner = createJobRunner({ ...options.runner, persistence, recover: false });
  runner.subscribe((event: JobEvent) => {
    if (event.type === 'status' && event.status === 'running') {
      const entry = fractions.get(event.jobId);
      if (entry && status[entry.cell] === 'queued') {
        status[entry.cell] = 'running';
        notify(entry.cell, null);
      }
    }
    if (event.type !== 'progress') return;
    const entry = fractions.get(event.progress.jobId);
    if (!entry || event.progress.fraction === undefined || event.progress.fraction === null) return;
    entry.fraction = event.progress.fraction;
    const both = [...fractions.values()].filter((f) => f.cell === entry.cell);
    // The evaluation is k fits, the final fit one more: weigh them k : 1.
    const folds = spec.protocol?.folds ?? 5;
    const sum = both.reduce((s, f) => s + (f.part === 0 ? folds : 1) * f.fraction, 0);
    notify(entry.cell, sum / (folds + 1));
  });

  for (const cell of cells) {
    let runId: number | null = null;
    try {
      // Creating the run, its grid mark and the cell row is one transaction; a refused spec writes nothing but the failed cell.
      const job = store.transaction(() => {
        const submitted = runner!.submit(cell.spec);
        runId = submitted.runIds[0]!;
        store.grids.setCell({ gridId, cell: cell.index, runId, status: 'queued', error: null, ranOn: null });
        markRun(store, runId, { id: gridId, cell: cell.index, where: 'local', host: hostName() });
        return submitted;
      });
      runIds[cell.index] = runId;
      cellOfRun.set(runId!, cell.index);
      // The learn half reuses the cell's run (and its normalized spec, see createGridPersistence).
      persistence.attachNext(runId!);
      const learn = runner.submit(learnSpecOf(cell.spec));
      jobsOfCell.set(cell.index, [job.jobId, learn.jobId]);
      fractions.set(job.jobId, { cell: cell.index, part: 0, fraction: 0 });
      fractions.set(learn.jobId, { cell: cell.index, part: 1, fraction: 0 });
    } catch (error) {
      status[cell.index] = 'failed';
      errors[cell.index] = toErrorPayload(error).message;
      store.grids.setCell({ gridId, cell: cell.index, runId: null, status: 'failed', error: errors[cell.index] ?? null, ranOn: null });
    }
  }
  queueMicrotask(maybeDone);

  return {
    grid,
    cells,
    progress: snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    done,
    cancel() {
      for (const ids of jobsOfCell.values()) for (const id of ids) runner?.cancel(id);
    },
  };
}

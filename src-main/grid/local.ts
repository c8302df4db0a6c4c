/**
 * `grid run`: every cell of a grid as jobs on the app's job runner (src-main/jobs: its queue, and the worker pool's
 * thread budget that every job and its fold helpers share, so a grid never runs more threads than the budget). A cell
 * is ONE job on the product worker — the cross-validated evaluation that also fits the method on the whole data set
 * from the same resolution (see cell.ts) — written to one evaluate run through {@link createGridPersistence}, which
 * wraps the runs service so that the run, its grid mark and the cell row change together.
 *
 * A cell whose spec is refused (a bad parameter value, say) is recorded as failed with the error and no run;
 * the other cells run.
 */
import { randomUUID } from 'node:crypto';
import type { GridCell, GridMark, GridSpec } from '../../shared/domain/grid.ts';
import { expandGrid } from '../../shared/domain/grid.ts';
import type { JobEvent } from '../../shared/domain/job.ts';
import { NotFoundError, ValidationError, toErrorPayload } from '../../shared/errors.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import { countsSupervision, supervisionOf } from '../../shared/engine/supervision/kinds.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { JobPersistence } from '../jobs/types.ts';
import { createRunsService, type RunsService } from '../services/runs.ts';
import type { GridRecord } from '../storage/grids-repository.ts';
import type { Store } from '../storage/store.ts';
import { cellJobSpec, hostName, markRun, saveCell } from './cell.ts';

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
  /** Resolves when every cell has finished (succeeded, failed or cancelled). */
  done: Promise<GridProgress>;
  /** Cancels every cell not finished yet. */
  cancel(): void;
}

export interface LocalGridOptions {
  /** The app's job runner: the cells' jobs are submitted to it, each recorded through the grid's persistence. */
  runner: JobRunner;
}

interface CellState {
  cell: number;
  finished: boolean;
}

/**
 * The runs service as the grid's jobs see it. `nextCell(index)` says which cell the next `prepare` is for: its run,
 * the run's grid mark and the cell row are then written in the same transaction as the run. `complete` stores the
 * cell (its evaluation and the metric fitted on every row); a failure fails the cell's run. The hooks are told when
 * a cell starts and when it ends.
 */
export function createGridPersistence(
  store: Store,
  gridId: string,
  hooks: {
    onCellRunning(cell: number): void;
    onCellFinished(cell: number, status: 'succeeded' | 'failed' | 'cancelled', error: string | null): void;
  },
): JobPersistence & { nextCell(cell: number): void; runOf(cell: number): number | null; base: RunsService } {
  const base = createRunsService(store);
  const states = new Map<number, CellState>();
  const cells = new Map<number, number>(); // cell index → run id
  const host = hostName();
  let next: number | null = null;
  const mark = (cell: number): GridMark => ({ id: gridId, cell, where: 'local', host });

  return {
    base,
    nextCell(cell) {
      next = cell;
    },
    runOf(cell) {
      return cells.get(cell) ?? null;
    },
    prepare(spec, options) {
      const cell = next;
      next = null;
      if (cell === null) throw new Error(`Grid ${gridId}: a job was submitted without its cell.`);
      return store.transaction(() => {
        const prepared = base.prepare(spec, options);
        const runId = prepared.runIds[0]!;
        markRun(store, runId, mark(cell));
        store.grids.setCell({ gridId, cell, runId, status: 'queued', error: null, ranOn: null });
        states.set(runId, { finished: false, cell });
        cells.set(cell, runId);
        return prepared;
      });
    },
    markRunning(runIds, startedAt) {
      const state = states.get(runIds[0]!);
      if (!state || state.finished) return;
      store.transaction(() => {
        base.markRunning(runIds, startedAt);
        store.grids.setCell({ gridId, cell: state.cell, runId: runIds[0]!, status: 'running', error: null, ranOn: null });
      });
      hooks.onCellRunning(state.cell);
    },
    complete(runIds, result, timings) {
      const runId = runIds[0]!;
      const state = states.get(runId);
      if (!state || state.finished) return;
      if (result.kind !== 'evaluate' || !result.metric) throw new Error(`Grid ${gridId}: cell ${state.cell} did not return its evaluation and its metric.`);
      saveCell(store, base.complete, gridId, state.cell, runId, { evaluation: result.evaluation, metric: result.metric, timings }, mark(state.cell));
      state.finished = true;
      hooks.onCellFinished(state.cell, 'succeeded', null);
    },
    finishUnsuccessfully(runIds, status, message, timings) {
      const runId = runIds[0]!;
      const state = states.get(runId);
      if (!state || state.finished) return;
      state.finished = true;
      store.transaction(() => {
        base.finishUnsuccessfully(runIds, status, message, timings);
        store.grids.setCell({ gridId, cell: state.cell, runId, status, error: message, ranOn: null });
      });
      hooks.onCellFinished(state.cell, status, message);
    },
    recoverInterrupted() {
      return base.recoverInterrupted();
    },
    dispose() {
      base.dispose();
    },
  };
}

/**
 * Whether a method's supervision is counted (pairs, chunklets, comparisons, quadruplets: its kind takes a constraint
 * source), and so gets one cell per constraint count.
 */
export function methodCountsSupervision(method: string): boolean {
  return countsSupervision(supervisionOf(getLearner(method).input));
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
 * Starts a grid on `options.runner` (the app's) over `store` and returns at once; `done` resolves when every cell
 * has finished. The grid and its cells are recorded first (cells `queued`), so a refused cell is `failed` with
 * its error.
 * @throws RangeError / ValidationError for a grid that has no cells (nothing is recorded then).
 */
export function startLocalGrid(store: Store, spec: GridSpec, options: LocalGridOptions): LocalGrid {
  checkGridSpec(store, spec);
  const cells = expandGrid(spec, methodCountsSupervision);
  const gridId = randomUUID();
  const grid = store.grids.insert({ id: gridId, spec, cells: cells.length, location: 'local', bundle: null, slurmJobId: null });
  const status: GridCellStatus[] = cells.map(() => 'queued');
  const runIds: Array<number | null> = cells.map(() => null);
  const errors: Array<string | null> = cells.map(() => null);
  const listeners = new Set<(p: GridProgress, cell: number, fraction: number | null) => void>();
  const cellOfJob = new Map<string, number>();
  const runner = options.runner;
  let ended = false;
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
    if (!finished() || ended) return;
    ended = true;
    off();
    persistence.base.dispose();
    resolveDone(snapshot());
  };

  const persistence = createGridPersistence(store, gridId, {
    onCellRunning(cell) {
      if (status[cell] !== 'queued') return;
      status[cell] = 'running';
      notify(cell, null);
    },
    onCellFinished(cell, end, error) {
      status[cell] = end;
      errors[cell] = error;
      notify(cell, end === 'succeeded' ? 1 : null);
      queueMicrotask(maybeDone);
    },
  });
  const off = runner.subscribe((event: JobEvent) => {
    if (event.type !== 'progress') return;
    const cell = cellOfJob.get(event.progress.jobId);
    const fraction = event.progress.fraction;
    // The job counts its folds and the fit on every row (k + 1 units).
    if (cell === undefined || fraction === undefined || fraction === null) return;
    notify(cell, fraction);
  });

  for (const cell of cells) {
    try {
      // The run, its grid mark and the cell row are written in one transaction (see createGridPersistence); a
      // refused spec writes nothing but the failed cell.
      persistence.nextCell(cell.index);
      const job = runner.submit(cellJobSpec(cell.spec), undefined, persistence);
      runIds[cell.index] = job.runIds[0]!;
      cellOfJob.set(job.jobId, cell.index);
    } catch (error) {
      if (status[cell.index] === 'queued') {
        status[cell.index] = 'failed';
        errors[cell.index] = toErrorPayload(error).message;
        store.grids.setCell({ gridId, cell: cell.index, runId: persistence.runOf(cell.index), status: 'failed', error: errors[cell.index] ?? null, ranOn: null });
      }
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
      for (const id of cellOfJob.keys()) runner.cancel(id);
    },
  };
}

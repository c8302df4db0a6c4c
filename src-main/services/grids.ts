/**
 * Grids for the app (Experiments view) and the browser mode: start a local grid, list grids with per-cell
 * status, cancel, and push `grid.progress` events. Every started grid submits its cells to the app's job runner
 * (see src-main/grid/local.ts), so grids, jobs and their helpers share one thread budget; grids collected from
 * Slurm are listed from the store.
 */
import type { GridSpec } from '../../shared/domain/grid.ts';
import type { HandlerResultOf } from '../../shared/ipc/contract.ts';
import { startLocalGrid, type GridProgress, type LocalGrid, type LocalGridOptions } from '../grid/local.ts';
import type { GridRecord } from '../storage/grids-repository.ts';
import type { Store } from '../storage/store.ts';

export type GridView = HandlerResultOf<'grids.list'>['grids'][number];

export interface GridsService {
  start(spec: GridSpec): GridView;
  list(): GridView[];
  cancel(gridId: string): boolean;
  /** Cancels running grids and waits for their workers. */
  close(): Promise<void>;
}

/** Fewest milliseconds between two progress events of one grid (status changes are always sent). */
const PROGRESS_INTERVAL_MS = 200;

export function createGridsService(store: Store, options: LocalGridOptions & { emit(view: GridView): void }): GridsService {
  const live = new Map<string, { grid: LocalGrid; fractions: number[] }>();

  const title = (record: GridRecord): string => {
    const names = record.spec.datasets.map((id) => store.datasets.get(id)?.name ?? `#${id}`);
    const parts = [names.join(', '), record.spec.methods.join(', '), `seed${record.spec.seeds.length > 1 ? 's' : ''} ${record.spec.seeds.join(', ')}`];
    if (record.spec.counts?.length) parts.push(`counts ${record.spec.counts.join(', ')}`);
    return parts.join(' × ');
  };

  const fromProgress = (record: GridRecord, p: GridProgress, fractions: number[]): GridView => ({
    gridId: record.id,
    cells: record.cells,
    done: p.done,
    failed: p.failed,
    location: record.location,
    createdAt: record.createdAt,
    title: title(record),
    status: p.status,
    fractions: p.status.map((s, k) => (s === 'succeeded' || s === 'failed' || s === 'cancelled' ? 1 : (fractions[k] ?? 0))),
    runIds: p.runIds,
    errors: p.errors,
  });

  const fromStore = (record: GridRecord): GridView => {
    const cells = store.grids.cells(record.id);
    const byIndex = new Map(cells.map((c) => [c.cell, c]));
    // A cell's run may have moved on since (a crashed process's runs become `interrupted` at the next start).
    const status = Array.from({ length: record.cells }, (_, k) => {
      const cell = byIndex.get(k);
      return (cell?.runId ? store.runs.get(cell.runId)?.status : undefined) ?? cell?.status ?? 'queued';
    });
    return {
      gridId: record.id,
      cells: record.cells,
      done: status.filter((s) => s === 'succeeded').length,
      failed: status.filter((s) => s === 'failed' || s === 'cancelled' || s === 'interrupted').length,
      location: record.location,
      createdAt: record.createdAt,
      title: title(record),
      status,
      fractions: status.map((s) => (s === 'queued' || s === 'running' ? 0 : 1)),
      runIds: Array.from({ length: record.cells }, (_, k) => byIndex.get(k)?.runId ?? null),
      errors: Array.from({ length: record.cells }, (_, k) => byIndex.get(k)?.error ?? null),
    };
  };

  return {
    start(spec) {
      const grid = startLocalGrid(store, spec, options);
      const entry = { grid, fractions: grid.cells.map(() => 0) };
      live.set(grid.grid.id, entry);
      let last = 0;
      let lastStatus = grid.progress().status.join();
      grid.subscribe((p, cell, fraction) => {
        if (fraction !== null) entry.fractions[cell] = fraction;
        const statusKey = p.status.join();
        const now = performance.now();
        if (statusKey === lastStatus && now - last < PROGRESS_INTERVAL_MS) return;
        last = now;
        lastStatus = statusKey;
        options.emit(fromProgress(grid.grid, p, entry.fractions));
      });
      void grid.done.then((p) => {
        live.delete(grid.grid.id);
        options.emit(fromProgress(grid.grid, p, entry.fractions));
      });
      return fromProgress(grid.grid, grid.progress(), entry.fractions);
    },
    list() {
      return store.grids.list().map((record) => {
        const running = live.get(record.id);
        return running ? fromProgress(record, running.grid.progress(), running.fractions) : fromStore(record);
      });
    },
    cancel(gridId) {
      const running = live.get(gridId);
      if (!running) return false;
      running.grid.cancel();
      return true;
    },
    async close() {
      const grids = [...live.values()].map((e) => e.grid);
      for (const g of grids) g.cancel();
      await Promise.all(grids.map((g) => g.done));
    },
  };
}

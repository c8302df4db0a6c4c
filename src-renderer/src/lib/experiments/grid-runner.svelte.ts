import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { GridSpec, GridView } from '../backend/types.ts';

/**
 * Grids in the Experiments view: the grid form's own fields (data sets, seeds, counts; the methods,
 * their parameter values and the protocol come from the experiment form), starting a grid on the local worker
 * pool, and the list of grids — one entry each, with per-cell status — kept current by `grid.progress` events.
 */
export class GridRunner {
  #backend: Backend;
  #grids = $state.raw<GridView[]>([]);
  /** Data set ids ticked for the grid (the open data set is ticked when the form is first shown). */
  datasets = $state.raw<number[]>([]);
  seedsText = $state('0, 1');
  countsText = $state('');
  starting = $state(false);
  error = $state<string | null>(null);

  #off: () => void;
  #onCellsDone: () => void;

  /** `onCellsDone` is called whenever more cells of a grid have finished (their runs are then in the history). */
  constructor(backend: Backend, onCellsDone: () => void = () => {}) {
    this.#backend = backend;
    this.#onCellsDone = onCellsDone;
    this.#off = backend.on('grid.progress', (view) => {
      const before = this.#grids.find((g) => g.gridId === view.gridId);
      this.#upsert(view);
      if (view.done + view.failed > (before ? before.done + before.failed : 0)) this.#onCellsDone();
    });
  }

  /** Stops listening to grid events (the panel was closed). */
  dispose(): void {
    this.#off();
  }

  get grids(): GridView[] { return this.#grids; }

  toggleDataset(id: number, on: boolean): void {
    this.datasets = on ? [...new Set([...this.datasets, id])] : this.datasets.filter((d) => d !== id);
  }

  /** Whole numbers from a comma-separated text, or null when one is not (`min`: the least allowed). */
  static parseList(text: string, min: number): number[] | null {
    const parts = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (!parts.every((t) => /^\d+$/.test(t))) return null;
    const values = [...new Set(parts.map(Number))];
    return values.every((v) => Number.isSafeInteger(v) && v >= min) ? values : null;
  }

  /** Problems that block starting the grid, in words. */
  problems(methods: readonly string[]): string[] {
    const out: string[] = [];
    if (this.datasets.length === 0) out.push('Tick at least one data set for the grid.');
    if (methods.length === 0) out.push('Choose at least one method.');
    const seeds = GridRunner.parseList(this.seedsText, 0);
    if (seeds === null || seeds.length === 0) out.push('Grid seeds must be whole numbers ≥ 0 separated by commas, e.g. 0, 1, 2.');
    if (GridRunner.parseList(this.countsText, 1) === null) out.push('Grid counts must be whole numbers ≥ 1 separated by commas (or empty).');
    return out;
  }

  /** Number of cells the grid would have (methods that count their supervision get one cell per count). */
  cellCount(methods: readonly { name: string; pairs: boolean }[]): number {
    const seeds = GridRunner.parseList(this.seedsText, 0)?.length ?? 0;
    const counts = GridRunner.parseList(this.countsText, 1)?.length ?? 0;
    return this.datasets.length * seeds * methods.reduce((s, m) => s + (m.pairs && counts > 0 ? counts : 1), 0);
  }

  /** Starts the grid: `methods` with their (single) parameter values, `protocol` from the experiment form. */
  async start(methods: readonly { method: string; params: Record<string, unknown> }[], protocol: GridSpec['protocol']): Promise<GridView | null> {
    const seeds = GridRunner.parseList(this.seedsText, 0) ?? [];
    const counts = GridRunner.parseList(this.countsText, 1) ?? [];
    const params: NonNullable<GridSpec['params']> = {};
    for (const { method, params: values } of methods) {
      const entries = Object.entries(values).filter(([, v]) => v !== undefined);
      if (entries.length) params[method] = Object.fromEntries(entries.map(([k, v]) => [k, [v as string | number | boolean | null]]));
    }
    const spec: GridSpec = {
      datasets: this.datasets,
      methods: methods.map((m) => m.method),
      seeds,
      ...(counts.length ? { counts } : {}),
      ...(Object.keys(params).length ? { params } : {}),
      ...(protocol ? { protocol } : {}),
    };
    this.starting = true;
    this.error = null;
    try {
      const { grid } = await this.#backend.call('grids.start', { spec });
      this.#upsert(grid);
      return grid;
    } catch (error) {
      this.error = `Could not start the grid: ${errorMessage(error)}`;
      return null;
    } finally {
      this.starting = false;
    }
  }

  async refresh(): Promise<void> {
    try {
      const { grids } = await this.#backend.call('grids.list', {});
      this.#grids = grids;
    } catch (error) {
      this.error = `Could not list the grids: ${errorMessage(error)}`;
    }
  }

  async cancel(gridId: string): Promise<void> {
    try {
      await this.#backend.call('grids.cancel', { gridId });
    } catch (error) {
      this.error = `Could not cancel the grid: ${errorMessage(error)}`;
    }
  }

  #upsert(view: GridView): void {
    const at = this.#grids.findIndex((g) => g.gridId === view.gridId);
    this.#grids = at < 0 ? [view, ...this.#grids] : this.#grids.map((g, k) => (k === at ? view : g));
  }
}

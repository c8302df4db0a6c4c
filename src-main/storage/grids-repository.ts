/**
 * Experiment grids (migration 3): one row per grid, one row per cell tying its index to its run (or to the
 * error that stopped it) and to where it ran. Collecting is idempotent through the (grid id, cell) key.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { GridMark, GridSpec } from '../../shared/domain/grid.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { parseJsonColumn } from './blobs.ts';
import type { RunStatus } from './runs-repository.ts';
import { statementCache } from './statements.ts';

export interface GridRecord {
  id: string;
  spec: GridSpec;
  cells: number;
  location: 'local' | 'slurm';
  bundle: string | null;
  slurmJobId: string | null;
  createdAt: string;
}

export interface GridCellRecord {
  gridId: string;
  cell: number;
  runId: number | null;
  status: RunStatus;
  error: string | null;
  ranOn: GridMark | null;
}

interface GridRow {
  id: string;
  spec: string;
  cells: number;
  location: 'local' | 'slurm';
  bundle: string | null;
  slurm_job_id: string | null;
  created_at: string;
}

interface CellRow {
  grid_id: string;
  cell: number;
  run_id: number | null;
  status: RunStatus;
  error: string | null;
  ran_on: string | null;
}

const toGrid = (r: GridRow): GridRecord => ({
  id: r.id,
  spec: parseJsonColumn<GridSpec>(r.spec, `grids.spec of grid ${r.id}`)!,
  cells: r.cells,
  location: r.location,
  bundle: r.bundle,
  slurmJobId: r.slurm_job_id,
  createdAt: r.created_at,
});

const toCell = (r: CellRow): GridCellRecord => ({
  gridId: r.grid_id,
  cell: r.cell,
  runId: r.run_id,
  status: r.status,
  error: r.error,
  ranOn: parseJsonColumn<GridMark>(r.ran_on, `grid_cells.ran_on of grid ${r.grid_id} cell ${r.cell}`),
});

export class GridsRepository {
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#prepare = statementCache(db);
  }

  /** Records a grid (no cells yet). A grid id already present is left as it is (collecting into the submitting store). */
  insert(grid: Omit<GridRecord, 'createdAt'> & { createdAt?: string }): GridRecord {
    this.#prepare(
      `INSERT OR IGNORE INTO grids (id, spec, cells, location, bundle, slurm_job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(grid.id, JSON.stringify(grid.spec), grid.cells, grid.location, grid.bundle, grid.slurmJobId, grid.createdAt ?? new Date().toISOString());
    return this.require(grid.id);
  }

  get(id: string): GridRecord | null {
    const row = this.#prepare('SELECT * FROM grids WHERE id = ?').get(id) as GridRow | undefined;
    return row ? toGrid(row) : null;
  }

  /** @throws NotFoundError "No grid with id …". */
  require(id: string): GridRecord {
    const grid = this.get(id);
    if (!grid) throw new NotFoundError(`No grid with id ${id}.`);
    return grid;
  }

  /** Grids newest first. */
  list(): GridRecord[] {
    return (this.#prepare('SELECT * FROM grids ORDER BY created_at DESC, rowid DESC').all() as GridRow[]).map(toGrid);
  }

  setSlurmJob(id: string, slurmJobId: string): void {
    this.#prepare('UPDATE grids SET slurm_job_id = ? WHERE id = ?').run(slurmJobId, id);
  }

  /** Writes (or replaces) the state of one cell. */
  setCell(cell: GridCellRecord): void {
    this.#prepare(
      `INSERT OR REPLACE INTO grid_cells (grid_id, cell, run_id, status, error, ran_on) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(cell.gridId, cell.cell, cell.runId, cell.status, cell.error, cell.ranOn ? JSON.stringify(cell.ranOn) : null);
  }

  getCell(gridId: string, cell: number): GridCellRecord | null {
    const row = this.#prepare('SELECT * FROM grid_cells WHERE grid_id = ? AND cell = ?').get(gridId, cell) as CellRow | undefined;
    return row ? toCell(row) : null;
  }

  /** The recorded cells of a grid, by index. */
  cells(gridId: string): GridCellRecord[] {
    return (this.#prepare('SELECT * FROM grid_cells WHERE grid_id = ? ORDER BY cell').all(gridId) as CellRow[]).map(toCell);
  }

  /** The grid cell a run belongs to, or null. */
  cellOfRun(runId: number): GridCellRecord | null {
    const row = this.#prepare('SELECT * FROM grid_cells WHERE run_id = ?').get(runId) as CellRow | undefined;
    return row ? toCell(row) : null;
  }
}

/**
 * Migration 3: experiment grids. A grid is a set of cells, each an ordinary evaluate run (with the
 * metric learned on the whole data set); `grid_cells` ties a grid's cell index to its run and says where it
 * ran, so collecting a Slurm bundle twice adds nothing (primary key grid id + cell) and a failed cell keeps
 * its error without a run.
 */
import type { Migration } from './types.ts';

export const migration003: Migration = {
  version: 3,
  name: 'grids',
  sql: /* sql */ `
CREATE TABLE grids (
  id             TEXT    PRIMARY KEY,                -- UUID, also written in a Slurm bundle's grid.json
  spec           TEXT    NOT NULL,                   -- JSON GridSpec (shared/domain/grid.ts)
  cells          INTEGER NOT NULL,
  location       TEXT    NOT NULL CHECK (location IN ('local', 'slurm')),
  bundle         TEXT,                               -- the bundle folder of a Slurm grid
  slurm_job_id   TEXT,
  created_at     TEXT    NOT NULL
);

CREATE TABLE grid_cells (
  grid_id        TEXT    NOT NULL REFERENCES grids(id) ON DELETE CASCADE,
  cell           INTEGER NOT NULL,
  run_id         INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  status         TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  error          TEXT,
  ran_on         TEXT,                               -- JSON GridMark: where the cell ran
  PRIMARY KEY (grid_id, cell)
);
CREATE INDEX grid_cells_by_run ON grid_cells (run_id);
`,
};

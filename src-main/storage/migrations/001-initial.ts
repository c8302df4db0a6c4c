/**
 * Migration 1: the initial schema. Numbers are stored as little-endian typed-array BLOBs (bit-exact);
 * structured values as JSON text; timestamps as ISO-8601 UTC text.
 */
import type { Migration } from './types.ts';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: /* sql */ `
CREATE TABLE datasets (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  source_file    TEXT,                               -- file name as imported (no folder)
  source_sha256  TEXT,                               -- sha256 of the imported file's bytes
  source_format  TEXT,                               -- csv | tsv | arff | libsvm | npy | sample
  feature_names  TEXT    NOT NULL,                   -- JSON array of n_features strings
  class_names    TEXT    NOT NULL,                   -- JSON array; [] for unlabeled data
  n_rows         INTEGER NOT NULL CHECK (n_rows >= 0),
  n_features     INTEGER NOT NULL CHECK (n_features >= 0),
  features       BLOB    NOT NULL,                   -- Float64 (n_rows, n_features) row-major
  labels         BLOB,                               -- Int32 (n_rows) class index, -1 = unknown; NULL = unlabeled
  image_shape    TEXT,                               -- JSON [height, width] for image data, else NULL
  import_options TEXT    NOT NULL DEFAULT '{}',      -- JSON: the options the import used
  warnings       TEXT    NOT NULL DEFAULT '[]',      -- JSON array of import warnings
  content_hash   TEXT    NOT NULL,                   -- sha256 of shape + features + labels (see datasets-repository)
  created_at     TEXT    NOT NULL,
  CHECK (length(features) = 8 * n_rows * n_features),
  CHECK (labels IS NULL OR length(labels) = 4 * n_rows)
);

CREATE TABLE constraints (
  id          INTEGER PRIMARY KEY,
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  i           INTEGER NOT NULL CHECK (i >= 0),
  j           INTEGER NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('must', 'cannot')),
  origin      TEXT    NOT NULL CHECK (origin IN ('manual', 'generated', 'imported')),
  created_at  TEXT    NOT NULL,
  seq         INTEGER NOT NULL,                      -- labeling order within the dataset (1, 2, …)
  CHECK (i < j),
  UNIQUE (dataset_id, i, j)
);
CREATE INDEX constraints_by_dataset_seq ON constraints (dataset_id, seq);

CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  dataset_id     INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
  dataset_hash   TEXT,                               -- datasets.content_hash when the run was created
  kind           TEXT    NOT NULL CHECK (kind IN ('learn', 'evaluate', 'compare', 'sweep')),
  method         TEXT,                               -- learner name; NULL for compare / sweep parents
  params         TEXT    NOT NULL DEFAULT '{}',      -- JSON
  protocol       TEXT,                               -- JSON (folds, k, metrics …) or NULL
  seed           INTEGER,
  status         TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  app_version    TEXT    NOT NULL,
  created_at     TEXT    NOT NULL,
  started_at     TEXT,
  finished_at    TEXT,
  timings        TEXT,                               -- JSON object of named durations in seconds
  error_code     TEXT,
  error          TEXT,
  parent_run_id  INTEGER REFERENCES runs(id) ON DELETE CASCADE
);
CREATE INDEX runs_by_dataset ON runs (dataset_id);
CREATE INDEX runs_by_parent ON runs (parent_run_id);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE metrics (
  run_id          INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  method          TEXT    NOT NULL,
  params          TEXT    NOT NULL,                  -- JSON
  seed            INTEGER NOT NULL,
  l               BLOB    NOT NULL,                  -- Float64 (n_components, n_features) row-major
  n_components    INTEGER NOT NULL CHECK (n_components >= 0),
  n_features      INTEGER NOT NULL CHECK (n_features >= 0),
  preprocessing   TEXT    NOT NULL,                  -- JSON {kind, inputFeatures, kept, dropped}
  center          BLOB    NOT NULL,                  -- Float64 (kept)
  scale           BLOB    NOT NULL,                  -- Float64 (kept)
  summary         TEXT    NOT NULL,                  -- JSON {iterations, converged, fitSeconds}
  objective_trace BLOB    NOT NULL,                  -- Float64 (iterations)
  created_at      TEXT    NOT NULL,
  CHECK (length(l) = 8 * n_components * n_features),
  CHECK (length(center) = length(scale))
);

CREATE TABLE evaluations (
  run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  summary     TEXT    NOT NULL,                      -- JSON
  created_at  TEXT    NOT NULL
);

CREATE TABLE evaluation_folds (
  run_id  INTEGER NOT NULL REFERENCES evaluations(run_id) ON DELETE CASCADE,
  fold    INTEGER NOT NULL CHECK (fold >= 0),
  result  TEXT    NOT NULL,                          -- JSON
  PRIMARY KEY (run_id, fold)
);

CREATE TABLE sweeps (
  run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  result      TEXT    NOT NULL,                      -- JSON
  created_at  TEXT    NOT NULL
);
`,
};

/**
 * Migration 6: a dataset's features move out of the one `datasets.features` BLOB into row blocks
 * (`dataset_blocks`), each with a CRC-32 of its stored bytes, so that a dataset may exceed SQLite's 1 GB value
 * limit and damaged stored data is detected when it is read. The labels keep their column and gain a CRC-32.
 *
 * SQLite cannot drop a column that a table CHECK names, so `datasets` is rebuilt (SQLite's documented
 * table-rebuild procedure: foreign keys off around the transaction, checked with `foreign_key_check` before the
 * commit; see migrate.ts). Existing features are copied into blocks byte for byte as little-endian float64
 * (`encoding` 'f64'), a block holding at most 256 MiB; new datasets choose each block's narrowest lossless encoding.
 */
import { crc32 } from 'node:zlib';
import type { Database } from 'better-sqlite3';
import type { Migration } from './types.ts';

const BLOCK_BYTES = 256 * 1024 * 1024;

const DATASET_COLUMNS =
  'id, name, source_file, source_sha256, source_format, feature_names, class_names, n_rows, n_features, labels, image_shape, import_options, warnings, content_hash, created_at';

function moveFeaturesIntoBlocks(db: Database): void {
  const datasets = db.prepare('SELECT id, n_rows, n_features, labels FROM datasets ORDER BY id').all() as {
    id: number;
    n_rows: number;
    n_features: number;
    labels: Buffer | null;
  }[];
  const slice = db.prepare('SELECT substr(features, ?, ?) AS data FROM datasets WHERE id = ?');
  const insertBlock = db.prepare(
    "INSERT INTO dataset_blocks (dataset_id, block_index, first_row, n_rows, encoding, data, crc32) VALUES (?, ?, ?, ?, 'f64', ?, ?)",
  );
  const setLabelsCrc = db.prepare('UPDATE datasets_rebuilt SET labels_crc32 = ? WHERE id = ?');
  for (const d of datasets) {
    if (d.labels) setLabelsCrc.run(crc32(d.labels), d.id);
    const rowBytes = 8 * d.n_features;
    if (d.n_rows === 0 || rowBytes === 0) continue;
    const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
    for (let first = 0, index = 0; first < d.n_rows; first += rowsPerBlock, index++) {
      const rows = Math.min(rowsPerBlock, d.n_rows - first);
      const { data } = slice.get(first * rowBytes + 1, rows * rowBytes, d.id) as { data: Buffer };
      insertBlock.run(d.id, index, first, rows, data, crc32(data));
    }
  }
}

export const migration006: Migration = {
  version: 6,
  name: 'dataset-blocks',
  rebuildsTables: true,
  sql: /* sql */ `
CREATE TABLE datasets_rebuilt (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  source_file    TEXT,                               -- file name as imported (no folder)
  source_sha256  TEXT,                               -- sha256 of the imported file's bytes
  source_format  TEXT,                               -- csv | tsv | arff | libsvm | npy | idx | sample
  feature_names  TEXT    NOT NULL,                   -- JSON array of n_features strings
  class_names    TEXT    NOT NULL,                   -- JSON array; [] for unlabeled data
  n_rows         INTEGER NOT NULL CHECK (n_rows >= 0),
  n_features     INTEGER NOT NULL CHECK (n_features >= 0),
  labels         BLOB,                               -- Int32 (n_rows) class index, -1 = unknown; NULL = unlabeled
  labels_crc32   INTEGER,                            -- CRC-32 of the labels BLOB; NULL when unlabeled
  image_shape    TEXT,                               -- JSON [height, width] for image data, else NULL
  import_options TEXT    NOT NULL DEFAULT '{}',      -- JSON: the options the import used
  warnings       TEXT    NOT NULL DEFAULT '[]',      -- JSON array of import warnings
  content_hash   TEXT    NOT NULL,                   -- sha256 of shape + float64 features + labels (see datasets-repository)
  created_at     TEXT    NOT NULL,
  CHECK (labels IS NULL OR length(labels) = 4 * n_rows),
  CHECK ((labels IS NULL) = (labels_crc32 IS NULL))
);
INSERT INTO datasets_rebuilt (${DATASET_COLUMNS}, labels_crc32)
  SELECT ${DATASET_COLUMNS}, CASE WHEN labels IS NULL THEN NULL ELSE 0 END FROM datasets;

CREATE TABLE dataset_blocks (
  id           INTEGER PRIMARY KEY,
  dataset_id   INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  block_index  INTEGER NOT NULL CHECK (block_index >= 0),
  first_row    INTEGER NOT NULL CHECK (first_row >= 0),
  n_rows       INTEGER NOT NULL CHECK (n_rows > 0),
  encoding     TEXT    NOT NULL CHECK (encoding IN ('u8', 'f32', 'f64')),  -- u8: integers 0…255; f32/f64: little-endian
  data         BLOB    NOT NULL,                     -- rows first_row … first_row + n_rows − 1, row-major, in encoding
  crc32        INTEGER NOT NULL,                     -- CRC-32 of data
  UNIQUE (dataset_id, block_index)
);
`,
  up(db) {
    moveFeaturesIntoBlocks(db);
    db.exec('DROP TABLE datasets; ALTER TABLE datasets_rebuilt RENAME TO datasets;');
  },
};

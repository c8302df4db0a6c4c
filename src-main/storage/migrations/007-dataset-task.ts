/**
 * Migration 7: a dataset's task. A dataset imported with a numeric target column (`workbench import FILE --target
 * NAME`) is a regression dataset: `task` says so, `target_name` is the column's name and `targets` holds one Float64
 * (little-endian) per row, bit-exact, with its CRC-32 (checked on every read, as the feature blocks are). Classification datasets (every dataset stored before) keep `task =
 * 'classification'` and NULL target columns; their content hash is unchanged.
 */
import type { Migration } from './types.ts';

export const migration007: Migration = {
  version: 7,
  name: 'dataset-task',
  sql: /* sql */ `
ALTER TABLE datasets ADD COLUMN task TEXT NOT NULL DEFAULT 'classification' CHECK (task IN ('classification', 'regression'));
ALTER TABLE datasets ADD COLUMN target_name TEXT;            -- the regression target's column name, NULL for classification
ALTER TABLE datasets ADD COLUMN targets BLOB;                -- Float64 LE, one per row, NULL for classification
ALTER TABLE datasets ADD COLUMN targets_crc32 INTEGER;       -- CRC-32 of the targets BLOB (checked on every read); NULL with it
`,
};

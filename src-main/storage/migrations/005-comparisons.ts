/**
 * Migration 5: relative comparisons. A comparison (anchor, closer, farther) says row `anchor` is closer to row
 * `closer` than to row `farther`; one row per ordered triple per dataset, `seq` keeping the labeling order, `origin`
 * where it came from. Its mirror (anchor, farther, closer) contradicts it: the repository refuses it, naming the
 * stored one.
 */
import type { Migration } from './types.ts';

export const migration005: Migration = {
  version: 5,
  name: 'comparisons',
  sql: /* sql */ `
CREATE TABLE comparisons (
  id          INTEGER PRIMARY KEY,
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  anchor      INTEGER NOT NULL CHECK (anchor >= 0),
  closer      INTEGER NOT NULL CHECK (closer >= 0),
  farther     INTEGER NOT NULL CHECK (farther >= 0),
  origin      TEXT    NOT NULL CHECK (origin IN ('manual', 'generated', 'imported')),
  created_at  TEXT    NOT NULL,
  seq         INTEGER NOT NULL,                      -- labeling order within the dataset (1, 2, …)
  CHECK (anchor <> closer AND anchor <> farther AND closer <> farther),
  UNIQUE (dataset_id, anchor, closer, farther)
);
CREATE INDEX comparisons_by_dataset_seq ON comparisons (dataset_id, seq);
`,
};

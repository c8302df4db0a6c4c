/**
 * Migration 4: scores on held-out test sets. A run's metric, trained on the run's dataset, scored on another
 * dataset with the same features (`workbench score --run ID --dataset TEST`): one row per run, test dataset and
 * k; scoring again replaces it. The test dataset's name and content hash are kept, so the record still says what
 * it was scored on after that dataset is deleted (`test_dataset_id` then becomes NULL).
 */
import type { Migration } from './types.ts';

export const migration004: Migration = {
  version: 4,
  name: 'test-scores',
  sql: /* sql */ `
CREATE TABLE test_scores (
  id                 INTEGER PRIMARY KEY,
  run_id             INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  test_dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  test_dataset_name  TEXT    NOT NULL,
  test_dataset_hash  TEXT    NOT NULL,               -- datasets.content_hash of the test set when scored
  k                  INTEGER NOT NULL CHECK (k >= 1),
  score              TEXT    NOT NULL,               -- JSON: accuracy, nmi, ari, precisionAt1, mapAtR, trainRows, testRows, …
  created_at         TEXT    NOT NULL
);
CREATE INDEX test_scores_by_run ON test_scores (run_id);
`,
};

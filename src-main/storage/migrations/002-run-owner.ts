/**
 * Migration 2: which process owns a queued or running run. The job runner writes `owner` (`pid@hostname`)
 * when it queues a run; crash recovery then turns into `interrupted` only the runs whose owner process is
 * gone, so a CLI job started while the desktop app runs another one does not interrupt the app's run.
 * Runs without an owner (written before this migration) are recovered as before.
 */
import type { Migration } from './types.ts';

export const migration002: Migration = {
  version: 2,
  name: 'run-owner',
  sql: /* sql */ `
ALTER TABLE runs ADD COLUMN owner TEXT;                -- 'pid@hostname' of the process running the job, or NULL
`,
};

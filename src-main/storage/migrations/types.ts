import type { Database } from 'better-sqlite3';

/** One schema migration (see index.ts for the rules). */
export interface Migration {
  /** 1, 2, 3 … without gaps. */
  version: number;
  name: string;
  /** SQL run with `db.exec` (several statements allowed) … */
  sql?: string;
  /** … and/or code, for data changes SQL cannot express. Runs after `sql`, inside the same transaction. */
  up?: (db: Database) => void;
  /**
   * The migration rebuilds a table that others reference (create new, copy, drop old, rename): it runs with foreign
   * keys off, so that dropping the old table cascades nowhere, and `PRAGMA foreign_key_check` must find nothing
   * before it commits.
   */
  rebuildsTables?: boolean;
}

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
}

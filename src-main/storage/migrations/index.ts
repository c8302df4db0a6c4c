/**
 * The schema migrations, in order. Forward-only: a migration is never edited once released; a change to the
 * schema is a new file `NNN-name.ts` exporting a {@link Migration} with the next version, added to
 * {@link MIGRATIONS}. The database's `PRAGMA user_version` is the number of the last migration applied.
 */
import type { Database } from 'better-sqlite3';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-run-owner.ts';
import { migration003 } from './003-test-scores.ts';

export interface Migration {
  /** 1, 2, 3 … without gaps. */
  version: number;
  name: string;
  /** SQL run with `db.exec` (several statements allowed) … */
  sql?: string;
  /** … and/or code, for data changes SQL cannot express. Runs after `sql`, inside the same transaction. */
  up?: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];

/** The schema version this build writes and understands. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;

/**
 * The schema migrations, in order. Forward-only: a migration is never edited once released; a change to the
 * schema is a new file `NNN-name.ts` exporting a {@link Migration} with the next version, added to
 * {@link MIGRATIONS}. The database's `PRAGMA user_version` is the number of the last migration applied.
 */
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-run-owner.ts';
import { migration003 } from './003-grids.ts';
import { migration004 } from './004-test-scores.ts';
import { migration005 } from './005-comparisons.ts';
import { migration006 } from './006-dataset-blocks.ts';
import { migration007 } from './007-dataset-task.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007];

/** The schema version this build writes and understands. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;

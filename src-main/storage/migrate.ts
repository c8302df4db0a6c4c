/** Applies the numbered migrations, one transaction each, tracked with `PRAGMA user_version`. */
import type { Database } from 'better-sqlite3';
import { WorkbenchError } from '../../shared/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';

/** Refusal to touch a database written by a newer version (code DATABASE_TOO_NEW). */
export class DatabaseTooNewError extends WorkbenchError {
  readonly schemaVersion: number;
  constructor(path: string, schemaVersion: number) {
    super(
      'DATABASE_TOO_NEW',
      `The database ${path} was written by a newer version of Metric Workbench (schema version ${schemaVersion}; ` +
        `this version understands up to ${LATEST_SCHEMA_VERSION}). It was not changed. ` +
        'Update Metric Workbench, or use another database file with --db.',
    );
    this.name = 'DatabaseTooNewError';
    this.schemaVersion = schemaVersion;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` from its current `user_version` up to `target` (default: the latest), applying each missing
 * migration in its own transaction together with the version bump, so a failure leaves the previous version.
 * @returns the versions applied, in order.
 * @throws DatabaseTooNewError if the database is already past the latest version this build knows.
 */
export function migrate(db: Database, options: { target?: number; path?: string; migrations?: readonly Migration[] } = {}): number[] {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length;
  const target = options.target ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new RangeError(`migrate: target version must be an integer in 0…${latest}, got ${target}.`);
  }
  migrations.forEach((m, k) => {
    if (m.version !== k + 1) throw new Error(`Migration list is out of order: entry ${k} has version ${m.version}.`);
  });
  const current = schemaVersion(db);
  if (current > latest) throw new DatabaseTooNewError(options.path ?? db.name, current);
  const applied: number[] = [];
  for (const m of migrations.slice(current, target)) {
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it.
    const foreignKeysWereOn = m.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (foreignKeysWereOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        if (m.sql) db.exec(m.sql);
        m.up?.(db);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
          if (broken.length > 0) {
            throw new Error(`Migration ${m.version} (${m.name}) left ${broken.length} rows of ${broken[0]!.table} without their ${broken[0]!.parent} row.`);
          }
        }
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } finally {
      if (foreignKeysWereOn) db.pragma('foreign_keys = ON');
    }
    applied.push(m.version);
  }
  return applied;
}

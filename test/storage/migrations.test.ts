import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors.ts';
import { DatabaseTooNewError, migrate, schemaVersion } from '../../src-main/storage/migrate.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src-main/storage/migrations/index.ts';
import { openStore } from '../../src-main/storage/store.ts';

/** The schema version from which a dataset's features are stored in checksummed row blocks. */
const BLOCKS_VERSION = MIGRATIONS.find((m) => m.name === 'dataset-blocks')!.version;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Tables, columns, indexes and constraints as SQLite reports them, for comparing two databases. */
function schemaOf(db: Database.Database): string[] {
  return (db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[]).map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('migrations', () => {
  it('are numbered 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, k) => k + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('bring an empty database to the latest version with every table', () => {
    const store = openStore(join(dir, 'fresh.sqlite'));
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['constraints', 'datasets', 'evaluation_folds', 'evaluations', 'metrics', 'runs', 'sweeps']));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
  });

  it('create the folder of a database path that does not exist yet', () => {
    const path = join(dir, 'a', 'b', 'workbench.sqlite');
    openStore(path).close();
    expect(existsSync(path)).toBe(true);
  });

  for (let from = 0; from < LATEST_SCHEMA_VERSION; from++) {
    it(`upgrade a version-${from} database to the same schema as a fresh one, keeping its data`, () => {
      const oldPath = join(dir, `v${from}.sqlite`);
      const old = openStore(oldPath, { targetVersion: from });
      expect(old.schemaVersion).toBe(from);
      const value = Buffer.from(new Float64Array([42]).buffer);
      if (from >= 1 && from < BLOCKS_VERSION) {
        old.db
          .prepare(
            `INSERT INTO datasets (name, feature_names, class_names, n_rows, n_features, features, content_hash, created_at)
             VALUES ('kept', '["x"]', '[]', 1, 1, ?, 'h', '2026-01-01T00:00:00.000Z')`,
          )
          .run(value);
      } else if (from >= BLOCKS_VERSION) {
        // From the row-block schema on, the features live in dataset_blocks with a CRC-32 of their bytes.
        const { lastInsertRowid } = old.db
          .prepare(
            `INSERT INTO datasets (name, feature_names, class_names, n_rows, n_features, content_hash, created_at)
             VALUES ('kept', '["x"]', '[]', 1, 1, 'h', '2026-01-01T00:00:00.000Z')`,
          )
          .run();
        old.db
          .prepare("INSERT INTO dataset_blocks (dataset_id, block_index, first_row, n_rows, encoding, data, crc32) VALUES (?, 0, 0, 1, 'f64', ?, ?)")
          .run(lastInsertRowid, value, crc32(value));
      }
      old.close();

      const upgraded = openStore(oldPath);
      expect(upgraded.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      const fresh = openStore(join(dir, 'fresh.sqlite'));
      expect(schemaOf(upgraded.db)).toEqual(schemaOf(fresh.db));
      if (from >= 1) {
        const kept = upgraded.datasets.getByName('kept')!;
        expect(kept.rows).toBe(1);
        expect(Array.from(upgraded.datasets.loadMatrix(kept.id).features)).toEqual([42]);
      }
      upgraded.close();
      fresh.close();
    });
  }

  it('do nothing on a database that is already current', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('roll back a failing migration and keep the previous version', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);' }];
    expect(() => migrate(db, { migrations: broken })).toThrow(/no such table: nowhere/);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuse a database written by a newer version and leave its bytes unchanged', () => {
    const path = join(dir, 'newer.sqlite');
    const store = openStore(path);
    store.db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    store.close();
    const before = sha256(path);
    const files = ['newer.sqlite-wal', 'newer.sqlite-shm'].filter((f) => existsSync(join(dir, f)));

    let caught: unknown;
    try {
      openStore(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseTooNewError);
    expect((caught as WorkbenchError).code).toBe('DATABASE_TOO_NEW');
    expect((caught as Error).message).toBe(
      `The database ${path} was written by a newer version of Metric Workbench (schema version ${LATEST_SCHEMA_VERSION + 1}; ` +
        `this version understands up to ${LATEST_SCHEMA_VERSION}). It was not changed. Update Metric Workbench, or use another database file with --db.`,
    );
    expect(sha256(path)).toBe(before);
    expect(['newer.sqlite-wal', 'newer.sqlite-shm'].filter((f) => existsSync(join(dir, f)))).toEqual(files);
  });

  it('refuse a newer database that is still in rollback-journal mode without switching it to WAL', () => {
    const path = join(dir, 'newer-delete.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = sha256(path);
    expect(() => openStore(path)).toThrow(DatabaseTooNewError);
    expect(sha256(path)).toBe(before);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('refuse a newer database whose version change is still only in its WAL file', () => {
    const path = join(dir, 'crashed.sqlite');
    openStore(path).close();
    const writer = new Database(path);
    writer.pragma('wal_autocheckpoint = 0');
    writer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    // `writer` stays open, as if the newer app had crashed: the main file's header still says the old version.
    const before = sha256(path);
    expect(() => openStore(path)).toThrow(DatabaseTooNewError);
    expect(sha256(path)).toBe(before);
    writer.close();
  });

  it('refuse a file that is not an SQLite database', () => {
    const path = join(dir, 'notes.sqlite');
    writeFileSync(path, 'these are not the bytes you are looking for\n'.repeat(200));
    expect(() => openStore(path)).toThrow(`The file ${path} is not a Metric Workbench database (it is not an SQLite database).`);
  });
});

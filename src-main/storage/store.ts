/**
 * The experiment store: one SQLite file (better-sqlite3, WAL, foreign keys on) holding datasets, pair
 * constraints, runs, learned metrics, evaluations and sweeps. Open it with {@link openStore}; use the typed
 * repositories (`store.datasets`, `store.constraints`, `store.runs`, `store.metrics`, `store.evaluations`,
 * `store.sweeps`); group several writes with {@link Store.transaction}.
 *
 * better-sqlite3 is synchronous: a Store belongs to one thread (the Electron main process, the CLI or the server).
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { WorkbenchError } from '../../shared/errors.ts';
import { ComparisonsRepository } from './comparisons-repository.ts';
import { ConstraintsRepository } from './constraints-repository.ts';
import { DatasetsRepository } from './datasets-repository.ts';
import { EvaluationsRepository } from './evaluations-repository.ts';
import { GridsRepository } from './grids-repository.ts';
import { MetricsRepository } from './metrics-repository.ts';
import { DatabaseTooNewError, migrate, schemaVersion } from './migrate.ts';
import { LATEST_SCHEMA_VERSION } from './migrations/index.ts';
import { RunsRepository } from './runs-repository.ts';
import { SweepsRepository } from './sweeps-repository.ts';
import { diagnoseStorageError, truncationOf, whyNotWritable } from './storage-errors.ts';
import { TestScoresRepository } from './test-scores-repository.ts';

// SQLite reads `file:` names as URIs only when asked before its first connection in the process: a database that
// cannot be written is opened as `file:…?immutable=1` (see openStore), which creates no -wal/-shm beside it.
process.env.SQLITE_USE_URI ??= '1';

export interface OpenStoreOptions {
  /** Open read-only (no migrations; the schema must already be current). Default false. */
  readonly?: boolean;
  /** How long a write waits for another connection's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Migrate only up to this version (tests of the migration path). Default: the latest. */
  targetVersion?: number;
}

export class Store {
  /** The underlying connection, for repositories added later (prefer the typed repositories). */
  readonly db: Database.Database;
  /** The file path, or ':memory:'. */
  readonly path: string;
  readonly datasets: DatasetsRepository;
  readonly constraints: ConstraintsRepository;
  /** Relative comparisons (anchor, closer, farther) per dataset. */
  readonly comparisons: ComparisonsRepository;
  readonly runs: RunsRepository;
  readonly metrics: MetricsRepository;
  readonly evaluations: EvaluationsRepository;
  readonly sweeps: SweepsRepository;
  /** Experiment grids and their cells. */
  readonly grids: GridsRepository;
  readonly testScores: TestScoresRepository;
  /**
   * Why this store was opened read-only because its file or folder cannot be written ("its folder /x cannot be
   * written"), or null. Reads work; writes fail with DATABASE_READ_ONLY.
   */
  readonly readOnlyBecause: string | null;

  constructor(db: Database.Database, path: string, readOnlyBecause: string | null = null) {
    this.db = db;
    this.path = path;
    this.readOnlyBecause = readOnlyBecause;
    this.datasets = new DatasetsRepository(db);
    this.constraints = new ConstraintsRepository(db);
    this.comparisons = new ComparisonsRepository(db);
    this.runs = new RunsRepository(db);
    this.metrics = new MetricsRepository(db);
    this.evaluations = new EvaluationsRepository(db);
    this.sweeps = new SweepsRepository(db);
    this.grids = new GridsRepository(db);
    this.testScores = new TestScoresRepository(db);
  }

  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE): all of its writes are committed together, or none if it
   * throws. Nested calls become savepoints. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** The schema version (PRAGMA user_version). */
  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Closes the connection (the WAL is checkpointed into the main file). Safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating if needed, with its folder) the store at `path` and migrates it to the latest schema.
 * A database whose schema is newer than this build is refused before anything is written: it is first opened
 * read-only, so not even its journal mode changes. A database whose file or folder cannot be written is opened
 * read-only (reading commands work, writes fail with DATABASE_READ_ONLY), as an immutable file when no -wal/-shm
 * exist, so that none are left behind in a folder the user cannot write.
 * @throws DatabaseTooNewError (code DATABASE_TOO_NEW) for a newer database.
 * @throws WorkbenchError DATABASE_READ_ONLY (cannot be created, or must be upgraded but cannot be written),
 *   DATABASE_TRUNCATED, DATABASE_DAMAGED, DATABASE_DISK_FULL (storage-errors.ts), or INVALID_ARGUMENT when the file
 *   is not an SQLite database.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const memory = path === ':memory:' || path === '';
  const exists = !memory && existsSync(path) && statSync(path).size > 0;
  if (exists) {
    const truncated = truncationOf(path);
    if (truncated) throw truncated;
    checkVersionReadOnly(path);
  } else if (!memory && options.readonly) {
    throw new WorkbenchError('NOT_FOUND', `The database ${path} does not exist.`);
  } else if (!memory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new WorkbenchError('DATABASE_READ_ONLY', `Cannot create the database ${path}: ${(error as Error).message}; choose a folder you can write with --db.`, { cause: error });
    }
    const why = whyNotWritable(path);
    if (why) throw new WorkbenchError('DATABASE_READ_ONLY', `Cannot create the database ${path}: ${why}; choose a folder you can write with --db.`);
  }
  const readOnlyBecause = exists && !options.readonly ? whyNotWritable(path) : null;
  const readonly = (options.readonly ?? false) || readOnlyBecause !== null;
  const immutable = readOnlyBecause !== null && !existsSync(`${path}-wal`) && !existsSync(`${path}-shm`);
  let db: Database.Database;
  try {
    db = new Database(memory ? ':memory:' : immutable ? `${pathToFileURL(path).href}?immutable=1` : path, {
      readonly,
      fileMustExist: readonly,
    });
  } catch (error) {
    const diagnosed = diagnoseStorageError(path, error);
    if (diagnosed !== error) throw diagnosed;
    throw new WorkbenchError('INVALID_ARGUMENT', `Cannot open the database ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    if (readonly) {
      const version = schemaVersion(db);
      if (version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(path, version);
      if (version < LATEST_SCHEMA_VERSION && readOnlyBecause !== null) {
        throw new WorkbenchError(
          'DATABASE_READ_ONLY',
          `The database ${path} must be upgraded to schema version ${LATEST_SCHEMA_VERSION} (it has ${version}) but is read-only (${readOnlyBecause}): make it writable once, or copy it to a folder you can write and use --db.`,
        );
      }
      if (version < LATEST_SCHEMA_VERSION) {
        throw new WorkbenchError('INVALID_ARGUMENT', `The database ${path} has schema version ${version} and must be upgraded to ${LATEST_SCHEMA_VERSION}; open it read-write once.`);
      }
    } else {
      if (!memory) db.pragma('journal_mode = WAL');
      migrate(db, { path, target: options.targetVersion });
    }
  } catch (error) {
    db.close();
    throw diagnoseStorageError(path, error);
  }
  return new Store(db, memory ? ':memory:' : path, readOnlyBecause);
}

/**
 * Refuses a newer database without writing anything: the schema version is read from the file header
 * (offset 60, big-endian `user_version`), which needs no SQLite connection and so creates no -wal/-shm files.
 * Only when a -wal file exists (the header may then be stale) is the database also probed read-only.
 */
function checkVersionReadOnly(path: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') {
    throw new WorkbenchError('INVALID_ARGUMENT', `The file ${path} is not a Metric Workbench database (it is not an SQLite database).`);
  }
  const headerVersion = header.readInt32BE(60);
  if (headerVersion > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(path, headerVersion);
  if (!existsSync(`${path}-wal`)) return;
  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true });
    const version = schemaVersion(probe);
    if (version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(path, version);
  } catch (error) {
    throw diagnoseStorageError(path, error);
  } finally {
    probe?.close();
  }
}

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
import { TestScoresRepository } from './test-scores-repository.ts';

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
  /** Experiment grids and their cells (issue 13). */
  readonly grids: GridsRepository;
  readonly testScores: TestScoresRepository;

  constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
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
 * read-only, so not even its journal mode changes.
 * @throws DatabaseTooNewError (code DATABASE_TOO_NEW) for a newer database.
 * @throws WorkbenchError (INVALID_ARGUMENT) when the file is not an SQLite database.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const memory = path === ':memory:' || path === '';
  if (!memory) {
    if (existsSync(path) && statSync(path).size > 0) checkVersionReadOnly(path);
    else if (options.readonly) throw new WorkbenchError('NOT_FOUND', `The database ${path} does not exist.`);
    else mkdirSync(dirname(path), { recursive: true });
  }
  let db: Database.Database;
  try {
    db = new Database(memory ? ':memory:' : path, { readonly: options.readonly ?? false });
  } catch (error) {
    throw new WorkbenchError('INVALID_ARGUMENT', `Cannot open the database ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    if (options.readonly) {
      const version = schemaVersion(db);
      if (version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(path, version);
      if (version < LATEST_SCHEMA_VERSION) {
        throw new WorkbenchError('INVALID_ARGUMENT', `The database ${path} has schema version ${version} and must be upgraded to ${LATEST_SCHEMA_VERSION}; open it read-write once.`);
      }
    } else {
      if (!memory) db.pragma('journal_mode = WAL');
      migrate(db, { path, ...(options.targetVersion === undefined ? {} : { target: options.targetVersion }) });
    }
  } catch (error) {
    db.close();
    throw notADatabase(path, error);
  }
  return new Store(db, memory ? ':memory:' : path);
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
    throw notADatabase(path, error);
  } finally {
    probe?.close();
  }
}

function notADatabase(path: string, error: unknown): unknown {
  if (error instanceof WorkbenchError || error instanceof RangeError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new WorkbenchError('INVALID_ARGUMENT', `The file ${path} is not a Metric Workbench database (it is not an SQLite database).`, { cause: error });
  }
  return error;
}

/**
 * Runs: one row per job (learn, evaluate, compare, sweep) with its inputs, status and timings. A compare or
 * sweep is a parent run whose children (`parentRunId`) are the individual learn / evaluate runs; a rerun
 * points at the run it repeats.
 *
 * Status life cycle: queued → running → succeeded | failed | cancelled | interrupted (queued may also go
 * straight to cancelled or interrupted). The last four are final: {@link RunsRepository.setStatus} refuses to
 * change them.
 */
import type { Database, Statement } from 'better-sqlite3';
import { JOB_KINDS as RUN_KINDS, JOB_STATUSES as RUN_STATUSES, type JobKind as RunKind, type JobStatus as RunStatus } from '../../shared/domain/enums.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { APP_VERSION } from './app-version.ts';
import { parseJsonColumn } from './blobs.ts';
import { statementCache } from './statements.ts';

/** A run's kind and status are its job's (the lists are declared once, in shared/domain/enums.ts). */
export { JOB_KINDS as RUN_KINDS, JOB_STATUSES as RUN_STATUSES, type JobKind as RunKind, type JobStatus as RunStatus } from '../../shared/domain/enums.ts';
/** Statuses a run never leaves. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

/** Named durations in seconds, e.g. `{ queuedSeconds, fitSeconds, evaluateSeconds, totalSeconds }`. */
export type RunTimings = Record<string, number>;

export interface RunRecord {
  id: number;
  /** Null only if the run is not tied to a dataset. */
  datasetId: number | null;
  /** The dataset's content hash when the run was created (ties results to exact data). */
  datasetHash: string | null;
  kind: RunKind;
  method: string | null;
  params: Record<string, unknown>;
  protocol: Record<string, unknown> | null;
  seed: number | null;
  status: RunStatus;
  appVersion: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  timings: RunTimings | null;
  errorCode: string | null;
  error: string | null;
  parentRunId: number | null;
}

export interface NewRun {
  datasetId: number | null;
  /** Defaults to the dataset's current content hash. */
  datasetHash?: string | null;
  kind: RunKind;
  method?: string | null;
  params?: Record<string, unknown>;
  protocol?: Record<string, unknown> | null;
  seed?: number | null;
  parentRunId?: number | null;
  /** Defaults to this build's version (package.json). */
  appVersion?: string;
  /** Defaults to 'queued'. */
  status?: RunStatus;
}

export interface RunFilter {
  datasetId?: number;
  kind?: RunKind;
  status?: RunStatus | readonly RunStatus[];
  method?: string;
  /** A number for the children of that run; null for top-level runs only. */
  parentRunId?: number | null;
  limit?: number;
  /** By id; default 'desc' (newest first). */
  order?: 'asc' | 'desc';
}

/** Extra fields {@link RunsRepository.setStatus} may record with the new status. */
export interface StatusDetails {
  timings?: RunTimings;
  /** Error code (shared/errors.ts) and message, for failed / cancelled / interrupted runs. */
  errorCode?: string | null;
  error?: string | null;
}

interface RunRow {
  id: number;
  dataset_id: number | null;
  dataset_hash: string | null;
  kind: RunKind;
  method: string | null;
  params: string;
  protocol: string | null;
  seed: number | null;
  status: RunStatus;
  app_version: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  timings: string | null;
  error_code: string | null;
  error: string | null;
  parent_run_id: number | null;
}

/** The message stored on runs that were running when the app stopped. */
export const INTERRUPTED_MESSAGE = 'The app stopped before this run finished.';

export class RunsRepository {
  readonly #db: Database;
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#prepare = statementCache(db);
  }

  /** Creates a run (status 'queued' unless given) and returns it. @throws NotFoundError for an unknown dataset or parent. */
  create(run: NewRun): RunRecord {
    if (!RUN_KINDS.includes(run.kind)) throw new ValidationError(`Run kind must be one of ${RUN_KINDS.join(', ')}, got '${run.kind}'.`);
    const status = run.status ?? 'queued';
    if (!RUN_STATUSES.includes(status)) throw new ValidationError(`Run status must be one of ${RUN_STATUSES.join(', ')}, got '${status}'.`);
    let datasetHash = run.datasetHash ?? null;
    if (run.datasetId !== null) {
      const row = this.#prepare('SELECT content_hash FROM datasets WHERE id = ?').get(run.datasetId) as { content_hash: string } | undefined;
      if (!row) throw new NotFoundError(`No dataset with id ${run.datasetId}.`);
      if (run.datasetHash === undefined) datasetHash = row.content_hash;
    }
    if (run.parentRunId != null && !this.get(run.parentRunId)) throw new NotFoundError(`No run with id ${run.parentRunId}.`);
    const now = new Date().toISOString();
    const info = this.#prepare(
      `INSERT INTO runs (dataset_id, dataset_hash, kind, method, params, protocol, seed, status, app_version, created_at, started_at, parent_run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.datasetId,
      datasetHash,
      run.kind,
      run.method ?? null,
      JSON.stringify(run.params ?? {}),
      run.protocol == null ? null : JSON.stringify(run.protocol),
      run.seed ?? null,
      status,
      run.appVersion ?? APP_VERSION,
      now,
      status === 'queued' ? null : now,
      run.parentRunId ?? null,
    );
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): RunRecord | null {
    const row = this.#prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  /** Like {@link get} but throws NotFoundError "No run with id N." */
  require(id: number): RunRecord {
    const run = this.get(id);
    if (!run) throw new NotFoundError(`No run with id ${id}.`);
    return run;
  }

  /**
   * Moves a run to `status`. 'running' sets startedAt (first time only); a final status sets finishedAt.
   * Timings are merged into the stored ones; error fields are replaced when given.
   * @throws NotFoundError for an unknown run; ValidationError when the run's status is already final
   *   ("Run 7 is already succeeded; it cannot become running.").
   */
  setStatus(id: number, status: RunStatus, details: StatusDetails = {}): RunRecord {
    if (!RUN_STATUSES.includes(status)) throw new ValidationError(`Run status must be one of ${RUN_STATUSES.join(', ')}, got '${status}'.`);
    return this.#db.transaction(() => {
      const run = this.require(id);
      if (FINAL_RUN_STATUSES.includes(run.status)) throw new ValidationError(`Run ${id} is already ${run.status}; it cannot become ${status}.`);
      const now = new Date().toISOString();
      const timings = details.timings ? { ...(run.timings ?? {}), ...details.timings } : run.timings;
      this.#prepare(
        `UPDATE runs SET status = ?, started_at = ?, finished_at = ?, timings = ?, error_code = ?, error = ? WHERE id = ?`,
      ).run(
        status,
        run.startedAt ?? (status === 'queued' ? null : now),
        FINAL_RUN_STATUSES.includes(status) ? now : null,
        timings ? JSON.stringify(timings) : null,
        details.errorCode !== undefined ? details.errorCode : run.errorCode,
        details.error !== undefined ? details.error : run.error,
        id,
      );
      return this.get(id)!;
    }).immediate();
  }

  /** Merges named durations into a run's timings (any status). */
  addTimings(id: number, timings: RunTimings): RunRecord {
    return this.#db.transaction(() => {
      const run = this.require(id);
      this.#prepare('UPDATE runs SET timings = ? WHERE id = ?').run(JSON.stringify({ ...(run.timings ?? {}), ...timings }), id);
      return this.get(id)!;
    }).immediate();
  }

  /**
   * Crash recovery, called once at start-up before any job runs: every run still 'running' (and, by default,
   * 'queued' — the queue lived in the stopped process) becomes 'interrupted' with code JOB_FAILED and
   * {@link INTERRUPTED_MESSAGE}. Returns the ids changed.
   */
  markRunningAsInterrupted(options: { includeQueued?: boolean } = {}): number[] {
    const statuses = options.includeQueued === false ? ['running'] : ['running', 'queued'];
    return this.#db.transaction(() => {
      const ids = (
        this.#prepare(`SELECT id FROM runs WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY id`).all(...statuses) as { id: number }[]
      ).map((r) => r.id);
      const now = new Date().toISOString();
      const update = this.#prepare(`UPDATE runs SET status = 'interrupted', finished_at = ?, error_code = 'JOB_FAILED', error = ? WHERE id = ?`);
      for (const id of ids) update.run(now, INTERRUPTED_MESSAGE, id);
      return ids;
    }).immediate();
  }

  /** Records which process owns run `id` (`pid@host#instance`, see src-main/services/run-ownership.ts). */
  setOwner(id: number, owner: string): void {
    this.#prepare('UPDATE runs SET owner = ? WHERE id = ?').run(owner, id);
  }

  /** Runs still 'running' or 'queued', oldest first, with the owner that queued them (null before migration 2). */
  listUnfinished(): Array<{ id: number; owner: string | null }> {
    return this.#prepare(`SELECT id, owner FROM runs WHERE status IN ('running', 'queued') ORDER BY id`).all() as Array<{ id: number; owner: string | null }>;
  }

  /**
   * Marks the given runs 'interrupted' (code JOB_FAILED, {@link INTERRUPTED_MESSAGE}) if they are still
   * 'running' or 'queued', in one transaction; returns how many changed.
   */
  markInterrupted(ids: readonly number[]): number {
    const now = new Date().toISOString();
    const update = this.#prepare(`UPDATE runs SET status = 'interrupted', finished_at = ?, error_code = 'JOB_FAILED', error = ? WHERE id = ? AND status IN ('running', 'queued')`);
    return this.#db.transaction(() => ids.reduce((changed, id) => changed + update.run(now, INTERRUPTED_MESSAGE, id).changes, 0)).immediate();
  }

  /** Runs matching `filter`, newest first unless `order: 'asc'`. */
  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.datasetId !== undefined) {
      where.push('dataset_id = ?');
      args.push(filter.datasetId);
    }
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    if (filter.method !== undefined) {
      where.push('method = ?');
      args.push(filter.method);
    }
    if (filter.status !== undefined) {
      const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
      where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
      args.push(...statuses);
    }
    if (filter.parentRunId === null) where.push('parent_run_id IS NULL');
    else if (filter.parentRunId !== undefined) {
      where.push('parent_run_id = ?');
      args.push(filter.parentRunId);
    }
    const order = filter.order === 'asc' ? 'ASC' : 'DESC';
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(filter.limit))}` : '';
    const sql = `SELECT * FROM runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order}${limit}`;
    return (this.#db.prepare(sql).all(...args) as RunRow[]).map(toRun);
  }

  /** Deletes a run with its metric, evaluation, sweep result and child runs. Returns false if there was none. */
  delete(id: number): boolean {
    return this.#prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetHash: row.dataset_hash,
    kind: row.kind,
    method: row.method,
    params: parseJsonColumn<Record<string, unknown>>(row.params, 'runs.params')!,
    protocol: parseJsonColumn<Record<string, unknown>>(row.protocol, 'runs.protocol'),
    seed: row.seed,
    status: row.status,
    appVersion: row.app_version,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    timings: parseJsonColumn<RunTimings>(row.timings, 'runs.timings'),
    errorCode: row.error_code,
    error: row.error,
    parentRunId: row.parent_run_id,
  };
}

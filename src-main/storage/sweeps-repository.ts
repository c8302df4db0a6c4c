/** Sweep results: one JSON document per sweep run (the engine's shape; NaN/±Infinity come back as null). */
import type { Database, Statement } from 'better-sqlite3';
import { NotFoundError } from '../../shared/errors.ts';
import { parseJsonColumn } from './blobs.ts';
import { statementCache } from './statements.ts';

export class SweepsRepository {
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#prepare = statementCache(db);
  }

  /** Saves (or replaces) the result of sweep run `runId`. @throws NotFoundError for an unknown run. */
  save<R>(runId: number, result: R): void {
    if (!this.#prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new NotFoundError(`No run with id ${runId}.`);
    this.#prepare('INSERT OR REPLACE INTO sweeps (run_id, result, created_at) VALUES (?, ?, ?)').run(runId, JSON.stringify(result), new Date().toISOString());
  }

  get<R = unknown>(runId: number): R | null {
    const row = this.#prepare('SELECT result FROM sweeps WHERE run_id = ?').get(runId) as { result: string } | undefined;
    return row ? parseJsonColumn<R>(row.result, 'sweeps.result') : null;
  }
}

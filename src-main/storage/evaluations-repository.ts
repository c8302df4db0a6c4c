/**
 * Evaluation results of a run: one summary plus one row per cross-validation fold, both JSON. The shapes are
 * the engine's (shared/engine/evaluation); the store does not interpret them. JSON cannot hold NaN or ±Infinity:
 * such numbers come back as null.
 */
import type { Database, Statement } from 'better-sqlite3';
import { NotFoundError } from '../../shared/errors.ts';
import { parseJsonColumn } from './blobs.ts';
import { statementCache } from './statements.ts';

export interface StoredEvaluation<S = Record<string, unknown>, F = Record<string, unknown>> {
  runId: number;
  summary: S;
  /** In fold order (0, 1, …). */
  folds: F[];
  createdAt: string;
}

export class EvaluationsRepository {
  readonly #db: Database;
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#prepare = statementCache(db);
  }

  /** Saves (or replaces) run `runId`'s evaluation: summary and folds in one transaction. @throws NotFoundError for an unknown run. */
  save<S, F>(runId: number, summary: S, folds: readonly F[]): void {
    this.#db.transaction(() => {
      if (!this.#prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new NotFoundError(`No run with id ${runId}.`);
      this.#prepare('DELETE FROM evaluations WHERE run_id = ?').run(runId);
      this.#prepare('INSERT INTO evaluations (run_id, summary, created_at) VALUES (?, ?, ?)').run(runId, JSON.stringify(summary), new Date().toISOString());
      const insertFold = this.#prepare('INSERT INTO evaluation_folds (run_id, fold, result) VALUES (?, ?, ?)');
      folds.forEach((fold, k) => insertFold.run(runId, k, JSON.stringify(fold)));
    }).immediate();
  }

  get<S = Record<string, unknown>, F = Record<string, unknown>>(runId: number): StoredEvaluation<S, F> | null {
    const row = this.#prepare('SELECT summary, created_at FROM evaluations WHERE run_id = ?').get(runId) as { summary: string; created_at: string } | undefined;
    if (!row) return null;
    const folds = (this.#prepare('SELECT result FROM evaluation_folds WHERE run_id = ? ORDER BY fold').all(runId) as { result: string }[]).map(
      (r) => parseJsonColumn<F>(r.result, 'evaluation_folds.result')!,
    );
    return { runId, summary: parseJsonColumn<S>(row.summary, 'evaluations.summary')!, folds, createdAt: row.created_at };
  }

  delete(runId: number): boolean {
    return this.#prepare('DELETE FROM evaluations WHERE run_id = ?').run(runId).changes > 0;
  }
}

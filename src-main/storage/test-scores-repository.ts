/**
 * Scores of runs on held-out test sets (migration 3). The score is the engine's JSON (shared/engine/evaluation
 * score.ts); the store does not interpret it. One record per run, test dataset and k: saving again replaces it.
 */
import type { Database, Statement } from 'better-sqlite3';
import { NotFoundError } from '../../shared/errors.ts';
import { parseJsonColumn } from './blobs.ts';
import { statementCache } from './statements.ts';
import type { TestScoreRecord } from '../../shared/ipc/schemas.ts';

/**
 * A run's score on one test set and k, with the score's own shape `S` (the service stores a TestSetScore):
 * declared once, as TestScoreRecordSchema in shared/domain/schemas/runs.ts. `testDatasetId` is null once the test
 * dataset was deleted (its name is kept).
 */
export type StoredTestScore<S = Record<string, unknown>> = Omit<TestScoreRecord, 'score'> & { score: S };

interface Row {
  id: number;
  run_id: number;
  test_dataset_id: number | null;
  test_dataset_name: string;
  test_dataset_hash: string;
  k: number;
  score: string;
  created_at: string;
}

const fromRow = <S>(row: Row): StoredTestScore<S> => ({
  id: row.id,
  runId: row.run_id,
  testDatasetId: row.test_dataset_id,
  testDatasetName: row.test_dataset_name,
  testDatasetHash: row.test_dataset_hash,
  k: row.k,
  score: parseJsonColumn<S>(row.score, 'test_scores.score')!,
  createdAt: row.created_at,
});

export class TestScoresRepository {
  readonly #db: Database;
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#prepare = statementCache(db);
  }

  /**
   * Saves the score of run `runId` on a test dataset with `k` neighbours, replacing an earlier one for the same
   * run, test dataset and k (one transaction).
   * @throws NotFoundError for an unknown run or test dataset.
   */
  save<S>(runId: number, test: { id: number; name: string; contentHash: string }, k: number, score: S): StoredTestScore<S> {
    return this.#db.transaction(() => {
      if (!this.#prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new NotFoundError(`No run with id ${runId}.`);
      if (!this.#prepare('SELECT 1 FROM datasets WHERE id = ?').get(test.id)) throw new NotFoundError(`No dataset with id ${test.id}.`);
      this.#prepare('DELETE FROM test_scores WHERE run_id = ? AND test_dataset_id = ? AND k = ?').run(runId, test.id, k);
      const info = this.#prepare(
        `INSERT INTO test_scores (run_id, test_dataset_id, test_dataset_name, test_dataset_hash, k, score, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(runId, test.id, test.name, test.contentHash, k, JSON.stringify(score), new Date().toISOString());
      return fromRow<S>(this.#prepare('SELECT * FROM test_scores WHERE id = ?').get(info.lastInsertRowid) as Row);
    }).immediate();
  }

  /** The test-set scores of run `runId`, oldest first. */
  list<S = Record<string, unknown>>(runId: number): StoredTestScore<S>[] {
    return (this.#prepare('SELECT * FROM test_scores WHERE run_id = ? ORDER BY id').all(runId) as Row[]).map((r) => fromRow<S>(r));
  }
}

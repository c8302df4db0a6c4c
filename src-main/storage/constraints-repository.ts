/**
 * Pair constraints: one row per unordered pair (i < j) per dataset; setting a pair again replaces its kind.
 * `seq` keeps the labeling order. The repository enforces the storage rules only (i < j, kinds, origins);
 * row ranges and self-pairs with friendly messages are checked by checkPair (shared/domain/constraints.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import { normalizePair, type ConstraintKind, type ConstraintOrigin, type ConstraintSetOutcome, type PairConstraint } from '../../shared/domain/constraints.ts';
import { ConstraintError } from '../../shared/errors.ts';
import { statementCache } from './statements.ts';

/** A constraint as stored. */
export interface StoredConstraint extends PairConstraint {
  origin: ConstraintOrigin;
  createdAt: string;
  /** Position in the labeling order of its dataset (1, 2, …; a relabeled pair moves to the end). */
  seq: number;
}

/** What happened to one pair in {@link ConstraintsRepository.set}. */
export type SetOutcome = ConstraintSetOutcome;

export interface BulkOutcome {
  added: number;
  relabeled: number;
  unchanged: number;
  /** Pairs left alone because they already existed and `overwrite` was false. */
  skipped: number;
}

interface ConstraintRow {
  i: number;
  j: number;
  kind: ConstraintKind;
  origin: ConstraintOrigin;
  created_at: string;
  seq: number;
}

export class ConstraintsRepository {
  readonly #db: Database;
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#prepare = statementCache(db);
  }

  /** The stored constraint for the unordered pair {i, j}, or null. */
  get(datasetId: number, i: number, j: number): StoredConstraint | null {
    const [a, b] = normalizePair(i, j);
    const row = this.#prepare('SELECT i, j, kind, origin, created_at, seq FROM constraints WHERE dataset_id = ? AND i = ? AND j = ?').get(datasetId, a, b) as
      | ConstraintRow
      | undefined;
    return row ? toConstraint(row) : null;
  }

  /**
   * Sets the kind of the unordered pair {i, j} (either order). A new pair is appended to the labeling order; a
   * pair whose kind changes takes the new kind and origin and moves to the end; the same kind again is a no-op.
   * @throws ConstraintError for i = j; SQLite rejects an unknown dataset (FOREIGN KEY).
   */
  set(datasetId: number, constraint: { i: number; j: number; kind: ConstraintKind; origin?: ConstraintOrigin }): SetOutcome {
    return this.#db.transaction(() => this.#setOne(datasetId, constraint, true, new Date().toISOString()) as SetOutcome).immediate();
  }

  #setOne(datasetId: number, c: { i: number; j: number; kind: ConstraintKind; origin?: ConstraintOrigin }, overwrite: boolean, now: string): SetOutcome | 'skipped' {
    if (c.i === c.j) throw new ConstraintError(`A row cannot be paired with itself (i = j = ${c.i}).`);
    const [i, j] = normalizePair(c.i, c.j);
    const existing = this.get(datasetId, i, j);
    if (existing && !overwrite) return 'skipped';
    if (existing && existing.kind === c.kind) return 'unchanged';
    const seq = (this.#prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM constraints WHERE dataset_id = ?').get(datasetId) as { next: number }).next;
    this.#prepare(
      `INSERT INTO constraints (dataset_id, i, j, kind, origin, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (dataset_id, i, j) DO UPDATE SET kind = excluded.kind, origin = excluded.origin,
         created_at = excluded.created_at, seq = excluded.seq`,
    ).run(datasetId, i, j, c.kind, c.origin ?? 'manual', now, seq);
    return existing ? 'relabeled' : 'added';
  }

  /**
   * Sets many pairs in one transaction (all or nothing), in the given order. With `overwrite: false`, pairs that
   * already exist keep their kind and are counted as skipped.
   */
  bulkInsert(
    datasetId: number,
    constraints: readonly { i: number; j: number; kind: ConstraintKind; origin?: ConstraintOrigin }[],
    options: { origin?: ConstraintOrigin; overwrite?: boolean } = {},
  ): BulkOutcome {
    const outcome: BulkOutcome = { added: 0, relabeled: 0, unchanged: 0, skipped: 0 };
    const now = new Date().toISOString();
    this.#db.transaction(() => {
      for (const c of constraints) {
        const origin = options.origin ?? c.origin ?? 'manual';
        outcome[this.#setOne(datasetId, { i: c.i, j: c.j, kind: c.kind, origin }, options.overwrite ?? true, now)]++;
      }
    }).immediate();
    return outcome;
  }

  /** Removes the unordered pair {i, j}. Returns false if it was not there. */
  remove(datasetId: number, i: number, j: number): boolean {
    const [a, b] = normalizePair(i, j);
    return this.#prepare('DELETE FROM constraints WHERE dataset_id = ? AND i = ? AND j = ?').run(datasetId, a, b).changes > 0;
  }

  /** The dataset's constraints in labeling order. */
  list(datasetId: number): StoredConstraint[] {
    return (this.#prepare('SELECT i, j, kind, origin, created_at, seq FROM constraints WHERE dataset_id = ? ORDER BY seq').all(datasetId) as ConstraintRow[]).map(
      toConstraint,
    );
  }

  count(datasetId: number): { total: number; must: number; cannot: number } {
    const row = this.#prepare(
      `SELECT count(*) AS total, coalesce(sum(kind = 'must'), 0) AS must, coalesce(sum(kind = 'cannot'), 0) AS cannot
       FROM constraints WHERE dataset_id = ?`,
    ).get(datasetId) as { total: number; must: number; cannot: number };
    return row;
  }

  /** Removes all of a dataset's constraints (or only those of one origin). Returns how many were removed. */
  clear(datasetId: number, origin?: ConstraintOrigin): number {
    return origin
      ? this.#prepare('DELETE FROM constraints WHERE dataset_id = ? AND origin = ?').run(datasetId, origin).changes
      : this.#prepare('DELETE FROM constraints WHERE dataset_id = ?').run(datasetId).changes;
  }
}

function toConstraint(row: ConstraintRow): StoredConstraint {
  return { i: row.i, j: row.j, kind: row.kind, origin: row.origin, createdAt: row.created_at, seq: row.seq };
}

/**
 * Relative comparisons: one row per ordered triple (anchor, closer, farther) per dataset; `seq` keeps the labeling
 * order. The repository enforces the storage rules (three different rows, origins) and refuses a comparison whose
 * mirror (anchor, farther, closer) is stored, naming it; row ranges are checked by checkComparison
 * (shared/domain/comparisons.ts) in the service.
 */
import type { Database, Statement } from 'better-sqlite3';
import { formatTriple, type Comparison, type ComparisonAddOutcome, type Triple } from '../../shared/domain/comparisons.ts';
import type { ConstraintOrigin } from '../../shared/domain/constraints.ts';
import { ConstraintError } from '../../shared/errors.ts';
import { statementCache } from './statements.ts';

/** A comparison as stored. */
export interface StoredComparison extends Comparison {
  origin: ConstraintOrigin;
  createdAt: string;
  /** Position in the labeling order of its dataset (1, 2, …). */
  seq: number;
}

/** What {@link ComparisonsRepository.bulkInsert} did. */
export interface ComparisonBulkOutcome {
  added: number;
  /** Triples that were stored already (counted once, kept where they were). */
  unchanged: number;
  /** With `skipConflicts`: triples left out because their mirror is stored. */
  skipped: number;
}

interface ComparisonRow {
  anchor: number;
  closer: number;
  farther: number;
  origin: ConstraintOrigin;
  created_at: string;
  seq: number;
}

const COLUMNS = 'anchor, closer, farther, origin, created_at, seq';

export class ComparisonsRepository {
  readonly #db: Database;
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#prepare = statementCache(db);
  }

  /** The stored comparison (anchor, closer, farther), or null. */
  get(datasetId: number, t: Triple): StoredComparison | null {
    const row = this.#prepare(`SELECT ${COLUMNS} FROM comparisons WHERE dataset_id = ? AND anchor = ? AND closer = ? AND farther = ?`).get(datasetId, ...t) as
      | ComparisonRow
      | undefined;
    return row ? toComparison(row) : null;
  }

  /**
   * Stores (anchor, closer, farther) at the end of the labeling order; the same triple again is a no-op.
   * @throws ConstraintError when two indices are equal or when its mirror (anchor, farther, closer) is stored;
   *   SQLite rejects an unknown dataset (FOREIGN KEY).
   */
  add(datasetId: number, t: Triple, origin: ConstraintOrigin = 'manual'): ComparisonAddOutcome {
    return this.#db.transaction(() => this.#addOne(datasetId, t, origin, new Date().toISOString(), false) as ComparisonAddOutcome).immediate();
  }

  #addOne(datasetId: number, t: Triple, origin: ConstraintOrigin, now: string, skipConflicts: boolean): ComparisonAddOutcome | 'skipped' {
    const [anchor, closer, farther] = t;
    if (anchor === closer || anchor === farther || closer === farther) {
      throw new ConstraintError(`The comparison ${formatTriple(t)} names a row twice: a comparison needs three different rows.`);
    }
    if (this.get(datasetId, t)) return 'unchanged';
    const mirror = this.get(datasetId, [anchor, farther, closer]);
    if (mirror) {
      if (skipConflicts) return 'skipped';
      throw new ConstraintError(
        `The comparison ${formatTriple(t)} (row ${anchor} closer to ${closer} than to ${farther}) contradicts the stored comparison ` +
          `${formatTriple([anchor, farther, closer])} (row ${anchor} closer to ${farther} than to ${closer}, ${mirror.origin}, #${mirror.seq}); remove that one first.`,
      );
    }
    const seq = (this.#prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM comparisons WHERE dataset_id = ?').get(datasetId) as { next: number }).next;
    this.#prepare('INSERT INTO comparisons (dataset_id, anchor, closer, farther, origin, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      datasetId,
      anchor,
      closer,
      farther,
      origin,
      now,
      seq,
    );
    return 'added';
  }

  /**
   * Stores many comparisons in one transaction, in the given order: all or nothing (a contradiction with a stored
   * comparison or an earlier one of the list throws and stores none), or with `skipConflicts` those whose mirror is
   * stored are left out and counted as skipped.
   */
  bulkInsert(datasetId: number, triples: readonly Triple[], options: { origin: ConstraintOrigin; skipConflicts?: boolean }): ComparisonBulkOutcome {
    const outcome: ComparisonBulkOutcome = { added: 0, unchanged: 0, skipped: 0 };
    const now = new Date().toISOString();
    this.#db.transaction(() => {
      for (const t of triples) outcome[this.#addOne(datasetId, t, options.origin, now, options.skipConflicts ?? false)]++;
    }).immediate();
    return outcome;
  }

  /** Removes (anchor, closer, farther). Returns false if it was not there. */
  remove(datasetId: number, t: Triple): boolean {
    return this.#prepare('DELETE FROM comparisons WHERE dataset_id = ? AND anchor = ? AND closer = ? AND farther = ?').run(datasetId, ...t).changes > 0;
  }

  /** The dataset's comparisons in labeling order. */
  list(datasetId: number): StoredComparison[] {
    return (this.#prepare(`SELECT ${COLUMNS} FROM comparisons WHERE dataset_id = ? ORDER BY seq`).all(datasetId) as ComparisonRow[]).map(toComparison);
  }

  count(datasetId: number): number {
    return (this.#prepare('SELECT count(*) AS total FROM comparisons WHERE dataset_id = ?').get(datasetId) as { total: number }).total;
  }

  /** Removes all of a dataset's comparisons (or only those of one origin). Returns how many were removed. */
  clear(datasetId: number, origin?: ConstraintOrigin): number {
    return origin
      ? this.#prepare('DELETE FROM comparisons WHERE dataset_id = ? AND origin = ?').run(datasetId, origin).changes
      : this.#prepare('DELETE FROM comparisons WHERE dataset_id = ?').run(datasetId).changes;
  }
}

function toComparison(row: ComparisonRow): StoredComparison {
  return { anchor: row.anchor, closer: row.closer, farther: row.farther, origin: row.origin, createdAt: row.created_at, seq: row.seq };
}

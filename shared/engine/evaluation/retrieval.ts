import type { GramDistanceTiles } from '../../math/distances/index.ts';
import { forEachRanking, type QueryRange } from '../../math/neighbours/index.ts';

export interface RetrievalScores {
  /** Fraction of queries whose nearest other row has the query's class. null when no query qualifies. */
  precisionAt1: number | null;
  /** Mean average precision at R (Musgrave et al. 2020). null when no query qualifies. */
  mapAtR: number | null;
  /** Queries scored: rows with at least one other row of their class. */
  queries: number;
}

/**
 * Retrieval within one set of rows Y (n, dims) with labels: each row in turn is the query and every other row is
 * ranked by distance (equal distances: lower row index first). With R = the number of other rows of the query's
 * class (queries with R = 0 are skipped):
 *
 *   precision@1 = [the top-ranked row has the query's class],
 *   AP@R = (1/R)·Σ_{i=1..R} rel(i)·P@i,   P@i = (relevant rows among the top i) / i,
 *
 * both averaged over queries. The rankings come from the shared exact kernel {@link forEachRanking} (Gram tiles,
 * exact re-ranking of the candidates, partial selection of the top R). Cost O(n²·dims + n·R·log R).
 */
export function retrievalScores(Y: Float64Array, labels: Int32Array, n: number, dims: number): RetrievalScores {
  return retrievalTotals(Y, labels, n, dims).scores();
}

/**
 * The sums behind {@link retrievalScores} for the queries in `range` (all by default): precision@1 hits, Σ AP@R and
 * the number of queries. Sums of row blocks, added in block order, give {@link retrievalScores}'s figures; pass
 * `tiles` of Y to reuse them across blocks.
 */
export function retrievalTotals(
  Y: Float64Array,
  labels: Int32Array,
  n: number,
  dims: number,
  range: QueryRange = {},
  tiles?: GramDistanceTiles,
): { p1: number; ap: number[]; queries: number; scores(): RetrievalScores } {
  const classSize = new Map<number, number>();
  for (let i = 0; i < n; i++) classSize.set(labels[i]!, (classSize.get(labels[i]!) ?? 0) + 1);
  let p1 = 0;
  const ap: number[] = [];
  forEachRanking(
    Y,
    n,
    dims,
    (q) => classSize.get(labels[q]!)! - 1,
    (q, order, R) => {
      if (labels[order[0]!] === labels[q]) p1++;
      let hits = 0;
      let sum = 0;
      for (let i = 0; i < R; i++) {
        if (labels[order[i]!] === labels[q]) {
          hits++;
          sum += hits / (i + 1);
        }
      }
      ap.push(sum / R);
    },
    range,
    tiles,
  );
  return {
    p1,
    ap,
    queries: ap.length,
    scores(): RetrievalScores {
      return combineRetrieval([this]);
    },
  };
}

/** Combines the totals of consecutive query blocks (in order) into the scores: the same bits as one block. */
export function combineRetrieval(parts: ReadonlyArray<{ p1: number; ap: readonly number[] }>): RetrievalScores {
  let p1 = 0;
  let map = 0;
  let queries = 0;
  for (const part of parts) {
    p1 += part.p1;
    for (const v of part.ap) map += v;
    queries += part.ap.length;
  }
  return queries === 0 ? { precisionAt1: null, mapAtR: null, queries } : { precisionAt1: p1 / queries, mapAtR: map / queries, queries };
}

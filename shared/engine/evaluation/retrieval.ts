import { rowSquaredDistance } from '../../math/distances.ts';

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
 * both averaged over queries. Cost O(n²·(dims + log n)).
 */
export function retrievalScores(Y: Float64Array, labels: Int32Array, n: number, dims: number): RetrievalScores {
  let p1 = 0;
  let map = 0;
  let queries = 0;
  const classSize = new Map<number, number>();
  for (let i = 0; i < n; i++) classSize.set(labels[i]!, (classSize.get(labels[i]!) ?? 0) + 1);
  const order: number[] = [];
  const dist = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const R = classSize.get(labels[q]!)! - 1;
    if (R === 0) continue;
    order.length = 0;
    for (let j = 0; j < n; j++) {
      if (j === q) continue;
      dist[j] = rowSquaredDistance(Y, q, Y, j, dims);
      order.push(j);
    }
    order.sort((a, b) => dist[a]! - dist[b]! || a - b);
    queries++;
    if (labels[order[0]!] === labels[q]) p1++;
    let hits = 0;
    let ap = 0;
    for (let i = 0; i < R; i++) {
      if (labels[order[i]!] === labels[q]) {
        hits++;
        ap += hits / (i + 1);
      }
    }
    map += ap / R;
  }
  return queries === 0 ? { precisionAt1: null, mapAtR: null, queries } : { precisionAt1: p1 / queries, mapAtR: map / queries, queries };
}

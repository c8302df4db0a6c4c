/** Candidate pairs of rows as a graph: each unordered pair once, with the pairs touching each row (CSR). */

/**
 * Unordered pairs {a_p, b_p} with a_p < b_p, sorted by (a, b), plus, per row, the list of pairs that touch it
 * (CSR: `rowPairs[rowStart[i] … rowStart[i+1])` are pair indices). Built once per candidate refresh.
 */
export interface PairGraph {
  n: number;
  count: number;
  a: Int32Array;
  b: Int32Array;
  rowStart: Int32Array;
  rowPairs: Int32Array;
}

/** Builds a {@link PairGraph} from per-row neighbour lists (the union: {i, j} is in if j ∈ N(i) or i ∈ N(j)). */
export function pairGraphFromNeighbours(n: number, neighbours: Int32Array[]): PairGraph {
  // Collect each unordered pair once as the key a·n + b, then sort; n² < 2⁵³ for every n we can hold.
  let total = 0;
  for (const list of neighbours) total += list.length;
  const keys = new Float64Array(total);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const list = neighbours[i]!;
    for (let t = 0; t < list.length; t++) {
      const j = list[t]!;
      if (j === i) continue;
      keys[m++] = i < j ? i * n + j : j * n + i;
    }
  }
  const sorted = keys.subarray(0, m).sort();
  let count = 0;
  for (let t = 0; t < m; t++) if (t === 0 || sorted[t] !== sorted[t - 1]) sorted[count++] = sorted[t]!;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const degree = new Int32Array(n + 1);
  for (let p = 0; p < count; p++) {
    const key = sorted[p]!;
    const ai = Math.floor(key / n);
    const bi = key - ai * n;
    a[p] = ai;
    b[p] = bi;
    degree[ai + 1]!++;
    degree[bi + 1]!++;
  }
  for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
  const rowStart = Int32Array.from(degree);
  const fill = Int32Array.from(degree.subarray(0, n));
  const rowPairs = new Int32Array(2 * count);
  for (let p = 0; p < count; p++) {
    rowPairs[fill[a[p]!]!++] = p;
    rowPairs[fill[b[p]!]!++] = p;
  }
  return { n, count, a, b, rowStart, rowPairs };
}

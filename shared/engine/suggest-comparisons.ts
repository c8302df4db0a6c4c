import type { Triple } from '../domain/comparisons.ts';
import { rowSquaredDistance } from '../math/distances/index.ts';
import { createRng } from '../math/random/index.ts';
import { selectSmallestSorted } from '../math/neighbours/index.ts';

/**
 * Which comparison should the researcher answer next ("is row a closer to b or to c?")? The comparisons
 * counterpart of ./suggest.ts, for a person answering (not the class-label oracle of ./active-comparisons.ts):
 *
 * - `uncertain`: an anchor a with two of its {@link CANDIDATE_NEIGHBOURS} nearest rows b, c whose distances from a
 *   under the current metric are nearest to equal, |d(a,b) − d(a,c)| / (d(a,b) + d(a,c)): the metric cannot tell
 *   which is closer, so the answer moves it most. Pairs (b, c) farther from each other than from a (b and c on
 *   different sides of a) come first: two near-duplicates make a question whose answer says little.
 * - `explore`: farthest-first over anchors (as the pair suggestions' explore): the anchor farthest from every row
 *   already in a comparison or a pair, with its two nearest rows chosen by the same rule, so new regions are asked
 *   about early.
 *
 * A query is (a, {b, c}): never one answered in either order, nor one in `closed` (the comparisons the pairs imply,
 * the queries skipped this session); each row appears in at most one suggestion of a queue, so a queue covers many
 * rows. Cost of one pass: anchors × candidates × e distance terms, kept under `budget` by examining a seeded sample of
 * the rows as candidates when the data set is large (at 60,000 rows of 784 features and the default 2·10⁸, 64
 * anchors against 3,986 rows).
 */
export type ComparisonStrategy = 'uncertain' | 'explore';

/** Nearest rows of an anchor among which its two candidates are chosen. */
export const CANDIDATE_NEIGHBOURS = 10;
/** Anchors whose distances to one candidate row are computed together (see poolDistances). */
const ANCHOR_BLOCK = 8;
/** Distance terms (anchors × candidates × e) of one pass, by default: the pair suggestions' recompute budget. */
export const SUGGEST_BUDGET = 2e8;

export interface ComparisonSuggestInput {
  /** (n, e) row-major: the points in the space of the current metric (X·Lᵀ, or preprocessed X). */
  points: Float64Array;
  n: number;
  e: number;
  /** The comparisons answered so far (either orientation closes the query). */
  answered: readonly Triple[];
  /** Further queries not to ask (derived from pairs, skipped), in either orientation. */
  closed?: readonly Triple[];
  /** Rows labeled in other ways (the pairs' rows): what `explore` moves away from, with the answered rows. */
  labeledRows?: readonly number[];
  strategy: ComparisonStrategy;
  count: number;
  seed?: number;
  /** Anchors examined (default 64). */
  maxAnchors?: number;
  /** Most distance terms of the pass (default {@link SUGGEST_BUDGET}). */
  budget?: number;
  /** The metric in words, for the reason ("the Euclidean metric (z-scored)", "run #4's learned metric (itml)"). */
  metricName?: string;
}

/** A candidate pair of an anchor: `rank` 0 when b and c lie on different sides of the anchor, else 1. */
interface Pair {
  b: number;
  c: number;
  db: number;
  dc: number;
  gap: number;
  rank: 0 | 1;
}

export interface ComparisonSuggestion {
  anchor: number;
  /** The two candidates, in the order the card shows them. */
  first: number;
  second: number;
  dFirst: number;
  dSecond: number;
  /** `uncertain`: the relative gap |d1 − d2| / (d1 + d2), lower is less sure; `explore`: the rank order. */
  score: number;
  reason: string;
}

/** The key of a query: anchor and the unordered candidates. */
export function queryKey(anchor: number, b: number, c: number): string {
  return b < c ? `${anchor}|${b}|${c}` : `${anchor}|${c}|${b}`;
}

/** @throws RangeError if `points` does not hold n·e numbers or count is negative. */
export function suggestComparisons(input: ComparisonSuggestInput): ComparisonSuggestion[] {
  const { points, n, e, strategy } = input;
  if (points.length !== n * e) {
    throw new RangeError(`suggestComparisons: points has ${points.length} numbers, expected n·e = ${n}·${e} = ${n * e}`);
  }
  if (!(input.count >= 0)) throw new RangeError(`suggestComparisons: count must be ≥ 0, got ${input.count}`);
  if (n < 3 || input.count === 0) return [];
  const metricName = input.metricName ?? 'the current metric';
  const closed = new Set<string>();
  const labeled = new Set<number>(input.labeledRows ?? []);
  for (const [a, b, c] of input.answered) {
    closed.add(queryKey(a, b, c));
    labeled.add(a).add(b).add(c);
  }
  for (const [a, b, c] of input.closed ?? []) closed.add(queryKey(a, b, c));

  const rng = createRng(input.seed ?? 0);
  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  const budget = input.budget ?? SUGGEST_BUDGET;
  const anchorCount = Math.min(n, input.maxAnchors ?? 64);
  // Candidates: every row, or the first m rows of the seeded order when anchors × n × e would pass the budget.
  const m = Math.min(n, Math.max(2 * CANDIDATE_NEIGHBOURS + 1, Math.floor(budget / (anchorCount * Math.max(1, e)))));
  const pool = Int32Array.from(order.slice(0, m));
  const anchors = strategy === 'explore' ? order.slice(0, anchorCount).filter((a) => !labeled.has(a)) : order.slice(0, anchorCount);
  /**
   * Squared distances of `list`'s anchors to every pool row: (list.length, m) row-major. Anchors go in blocks of
   * {@link ANCHOR_BLOCK} against one pool row at a time, so each pool row is read from memory once per block rather
   * than once per anchor (at 60,000 × 784 the pool is 25 MB, far beyond the caches). Each sum runs over the features
   * in order, as rowSquaredDistance does, so the values are the same bits.
   */
  const poolDistances = (list: readonly number[]): Float64Array => {
    const out = new Float64Array(list.length * m);
    for (let s = 0; s < list.length; s += ANCHOR_BLOCK) {
      const block = list.slice(s, s + ANCHOR_BLOCK);
      for (let t = 0; t < m; t++) {
        const ob = pool[t]! * e;
        let k = 0;
        // Four anchors side by side: four independent sums keep the adder busy, and the pool row is loaded once.
        for (; k + 4 <= block.length; k += 4) {
          const o0 = block[k]! * e, o1 = block[k + 1]! * e, o2 = block[k + 2]! * e, o3 = block[k + 3]! * e;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let f = 0; f < e; f++) {
            const y = points[ob + f]!;
            const d0 = points[o0 + f]! - y, d1 = points[o1 + f]! - y, d2 = points[o2 + f]! - y, d3 = points[o3 + f]! - y;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
          }
          out[(s + k) * m + t] = s0;
          out[(s + k + 1) * m + t] = s1;
          out[(s + k + 2) * m + t] = s2;
          out[(s + k + 3) * m + t] = s3;
        }
        for (; k < block.length; k++) {
          const oa = block[k]! * e;
          let sum = 0;
          for (let f = 0; f < e; f++) {
            const diff = points[oa + f]! - points[ob + f]!;
            sum += diff * diff;
          }
          out[(s + k) * m + t] = sum;
        }
      }
    }
    return out;
  };
  const byRow = new Float64Array(n);
  const idx = new Int32Array(m);
  const used = new Set<number>();
  const dist = (a: number, b: number): number => Math.sqrt(rowSquaredDistance(points, a, points, b, e));

  /**
   * The anchor's best open (b, c) among its nearest pool rows: the least sure pair with b and c on different sides
   * of a (farther from each other than from a); when there is none (an outlier, whose neighbours all lie on one
   * side), the least sure pair, ranked after every pair of the first kind (`rank` 1 instead of 0).
   */
  const bestPair = (a: number, poolDist: Float64Array): Pair | null => {
    let count = 0;
    for (let t = 0; t < m; t++) {
      const r = pool[t]!;
      if (r === a || used.has(r)) continue;
      byRow[r] = Math.sqrt(poolDist[t]!);
      idx[count++] = r;
    }
    const k = selectSmallestSorted(byRow, idx, count, CANDIDATE_NEIGHBOURS);
    let sided: Pair | null = null;
    let any: Pair | null = null;
    for (let s = 0; s < k; s++) {
      for (let t = s + 1; t < k; t++) {
        const b = idx[s]!, c = idx[t]!;
        const db = byRow[b]!, dc = byRow[c]!;
        const sum = db + dc;
        const gap = sum > 0 ? Math.abs(db - dc) / sum : 0;
        if (sided && gap >= sided.gap) continue;
        if (closed.has(queryKey(a, b, c))) continue;
        if (dist(b, c) > Math.max(db, dc)) sided = { b, c, db, dc, gap, rank: 0 };
        else if (!any || gap < any.gap) any = { b, c, db, dc, gap, rank: 1 };
      }
    }
    return sided ?? any;
  };

  const out: ComparisonSuggestion[] = [];
  const take = (a: number, p: { b: number; c: number; db: number; dc: number }, score: number, reason: string): void => {
    used.add(a).add(p.b).add(p.c);
    out.push({ anchor: a, first: p.b, second: p.c, dFirst: p.db, dSecond: p.dc, score, reason });
  };
  const distances = (p: { b: number; c: number; db: number; dc: number }): string =>
    `${p.db.toPrecision(4)} from row ${p.b} and ${p.dc.toPrecision(4)} from row ${p.c}`;

  if (strategy === 'uncertain') {
    const candidates: { a: number; rank: number; p: Pair }[] = [];
    const all = poolDistances(anchors);
    anchors.forEach((a, rank) => {
      const p = bestPair(a, all.subarray(rank * m, (rank + 1) * m));
      if (p) candidates.push({ a, rank, p });
    });
    candidates.sort((x, y) => x.p.rank - y.p.rank || x.p.gap - y.p.gap || x.rank - y.rank);
    for (const { a, p } of candidates) {
      if (out.length >= input.count) break;
      if (used.has(a) || used.has(p.b) || used.has(p.c)) continue;
      const reason =
        `least sure under ${metricName}: row ${a} is ${distances(p)}, ${(p.gap * 100).toPrecision(2)} % apart ` +
        `(of its ${CANDIDATE_NEIGHBOURS} nearest rows, the two it is most nearly halfway between)`;
      take(a, p, p.gap, reason);
    }
    return out;
  }

  const visited = [...labeled].filter((r) => r < n).sort((x, y) => x - y);
  const remaining = [...anchors];
  while (out.length < input.count && remaining.length > 0) {
    let pick = -1, bestMin = -1, at = -1;
    remaining.forEach((a, k) => {
      if (used.has(a)) return;
      let minD = visited.length === 0 ? 0 : Infinity;
      for (const v of visited) minD = Math.min(minD, dist(a, v));
      if (minD > bestMin) { bestMin = minD; pick = a; at = k; }
    });
    if (pick < 0) break;
    remaining.splice(at, 1);
    const p = bestPair(pick, poolDistances([pick]));
    if (!p) continue;
    visited.push(pick);
    const where = bestMin > 0 && Number.isFinite(bestMin)
      ? `far from everything labeled so far (${bestMin.toPrecision(4)} from the nearest labeled row under ${metricName})`
      : 'nothing is labeled yet: a first anchor';
    take(pick, p, out.length, `${where}; row ${pick} is ${distances(p)}`);
  }
  return out;
}

import type { ConstraintKind, PairConstraint } from '../domain/constraints.ts';
import { rowSquaredDistance } from '../math/distances/index.ts';
import { createRng } from '../math/random/index.ts';
import { median } from '../math/statistics/index.ts';
import { closeConstraints, impliedKind } from './constraint-closure.ts';

/**
 * Which pair should the researcher label next? Three strategies (active learning of pairwise
 * constraints):
 *
 * - `uncertain`: pairs whose distance under the current metric lies closest to the threshold θ that
 *   separates must-link from cannot-link pairs. θ is the midpoint of the mean labeled must-link distance
 *   and the mean labeled cannot-link distance; with no labels of one kind it falls back to the median
 *   distance between anchors and their partners. A label there moves the metric most.
 * - `explore`: farthest-first traversal (Basu, Banerjee & Mooney 2004, "Active semi-supervision for
 *   pairwise constrained clustering"): the point farthest from every labeled point, paired with its
 *   nearest labeled point, so new regions of the data are visited early.
 * - `consolidate` (same paper): an unlabeled point paired with the nearest point that already has a
 *   label, which grows the existing must-link neighbourhoods.
 *
 * Pairs that are already labeled or implied by the constraint closure are never suggested, and each
 * point appears in at most one suggestion so a queue covers many points. Cost: O(a·n·e) for `a`
 * anchors (at most `maxAnchors`), n points and e embedded dimensions.
 */
export type SuggestStrategy = 'uncertain' | 'explore' | 'consolidate';

export interface SuggestInput {
  /** (n, e) row-major: the points in the space of the current metric (X·Lᵀ, or preprocessed X). */
  points: Float64Array;
  n: number;
  e: number;
  constraints: readonly Pick<PairConstraint, 'i' | 'j' | 'kind'>[];
  strategy: SuggestStrategy;
  count: number;
  seed?: number;
  /** Upper bound on the points examined as first members of a pair (default 200). */
  maxAnchors?: number;
}

export interface PairSuggestion {
  i: number;
  j: number;
  /** Lower is more informative for `uncertain` (|d − θ|/θ); for the others, the rank order. */
  score: number;
  distance: number;
  reason: string;
}

/** @throws RangeError if `points` does not hold n·e numbers or count is negative. */
export function suggestPairs(input: SuggestInput): PairSuggestion[] {
  const { points, n, e, constraints, strategy } = input;
  if (points.length !== n * e) {
    throw new RangeError(`suggestPairs: points has ${points.length} numbers, expected n·e = ${n}·${e} = ${n * e}`);
  }
  if (!(input.count >= 0)) throw new RangeError(`suggestPairs: count must be ≥ 0, got ${input.count}`);
  if (n < 2 || input.count === 0) return [];
  const rng = createRng(input.seed ?? 0);
  const closure = closeConstraints(constraints, 0);
  const labeledPoints = new Set<number>();
  for (const c of constraints) {
    labeledPoints.add(c.i);
    labeledPoints.add(c.j);
  }
  const labeledKeys = new Set(constraints.map((c) => (c.i < c.j ? `${c.i},${c.j}` : `${c.j},${c.i}`)));
  // Only a pair whose two ends both carry a label can be labeled or implied already: test that first, so the
  // O(a·n) scan builds no string keys for the vast majority of pairs.
  const open = (i: number, j: number): boolean => {
    if (i === j) return false;
    if (!labeledPoints.has(i) || !labeledPoints.has(j)) return true;
    return !labeledKeys.has(i < j ? `${i},${j}` : `${j},${i}`) && impliedKind(closure, constraints, i, j) === null;
  };

  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  const anchors = order.slice(0, Math.min(n, input.maxAnchors ?? 200));
  const used = new Set<number>();
  const out: PairSuggestion[] = [];
  const dist = (a: number, b: number): number => Math.sqrt(rowSquaredDistance(points, a, points, b, e));

  if (strategy === 'uncertain') {
    const byKind = (kind: ConstraintKind): number[] =>
      constraints.filter((c) => c.kind === kind && c.i < n && c.j < n).map((c) => dist(c.i, c.j));
    const must = byKind('must'), cannot = byKind('cannot');
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    let theta: number;
    const fromLabels = must.length > 0 && cannot.length > 0;
    if (fromLabels) theta = (mean(must) + mean(cannot)) / 2;
    else {
      const sample = anchors.slice(0, 50).flatMap((a) => anchors.slice(0, 50).filter((b) => b > a).map((b) => dist(a, b)));
      theta = (sample.length > 0 ? median(sample) : 1) / 2;
    }
    theta = Math.max(theta, 1e-12);
    const candidates: PairSuggestion[] = [];
    for (const a of anchors) {
      let best = -1, bestScore = Infinity, bestD = 0;
      for (let b = 0; b < n; b++) {
        if (b === a || !open(a, b)) continue;
        const d = dist(a, b);
        const score = Math.abs(d - theta) / theta;
        if (score < bestScore) { bestScore = score; best = b; bestD = d; }
      }
      // Four digits and the gap in percent: at three digits most suggestions read "3.55 is near 3.55".
      const where = fromLabels ? 'halfway between your mean must-link and cannot-link distances' : 'half the median distance, until you have labeled both kinds';
      if (best >= 0) {
        candidates.push({
          i: Math.min(a, best), j: Math.max(a, best), score: bestScore, distance: bestD,
          reason: `distance ${bestD.toPrecision(4)}, ${(bestScore * 100).toFixed(1)} % from the must/cannot threshold ${theta.toPrecision(4)} (${where})`,
        });
      }
    }
    candidates.sort((p, q) => p.score - q.score || p.i - q.i || p.j - q.j);
    for (const c of candidates) {
      if (out.length >= input.count) break;
      if (used.has(c.i) || used.has(c.j)) continue;
      used.add(c.i);
      used.add(c.j);
      out.push(c);
    }
    return out;
  }

  const labeledList = [...labeledPoints].filter((p) => p < n).sort((a, b) => a - b);
  const nearestOf = (a: number, pool: readonly number[]): [number, number] => {
    let best = -1, bestD = Infinity;
    for (const b of pool) {
      if (b === a || used.has(b) || !open(a, b)) continue;
      const d = dist(a, b);
      if (d < bestD) { bestD = d; best = b; }
    }
    return [best, bestD];
  };
  const everyPoint = order.slice().sort((a, b) => a - b);
  const visited = [...labeledList];
  const candidatesPool = anchors.filter((a) => !labeledPoints.has(a));
  while (out.length < input.count && candidatesPool.length > 0) {
    let pick = -1;
    if (strategy === 'explore') {
      let bestMin = -1;
      for (const a of candidatesPool) {
        if (used.has(a)) continue;
        let minD = Infinity;
        for (const v of visited) minD = Math.min(minD, dist(a, v));
        if (visited.length === 0) minD = 0;
        if (minD > bestMin) { bestMin = minD; pick = a; }
      }
    } else {
      pick = candidatesPool.find((a) => !used.has(a)) ?? -1;
    }
    if (pick < 0) break;
    candidatesPool.splice(candidatesPool.indexOf(pick), 1);
    const pool = visited.length > 0 ? visited : everyPoint;
    const [partner, d] = nearestOf(pick, pool);
    if (partner < 0) continue;
    used.add(pick);
    used.add(partner);
    visited.push(pick);
    out.push({
      i: Math.min(pick, partner), j: Math.max(pick, partner), score: out.length, distance: d,
      reason: strategy === 'explore' ? 'far from everything labeled so far' : 'unlabeled point beside a labeled neighbourhood',
    });
  }
  return out;
}

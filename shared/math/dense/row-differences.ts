/**
 * Pair differences: the one view of the data that the pair-based learners (MMC, MMC-diagonal, ITML) need.
 * A pair (i, j) enters every objective only through δ = xᵢ − xⱼ, so each learner gathers the differences once
 * and never touches X again.
 */
import { ValidationError } from '../../errors.ts';
import type { PairSet } from '../../domain/constraints.ts';

/** Differences of the must-link and the cannot-link pairs, each (count, d) row-major. */
export interface PairDifferences {
  /** (mustCount, d): row p is x_left − x_right of the p-th must-link pair. */
  must: Float64Array;
  mustCount: number;
  /** (cannotCount, d): row p is x_left − x_right of the p-th cannot-link pair. */
  cannot: Float64Array;
  cannotCount: number;
  d: number;
}

/**
 * Gathers δ = X[left] − X[right] for every pair, split by kind, in the order of `pairs`.
 * Cost O(pairs·d).
 * @throws ValidationError naming the method and the pair when a row index is outside [0, n).
 */
export function pairDifferences(method: string, X: Float64Array, n: number, d: number, pairs: PairSet): PairDifferences {
  const total = pairs.left.length;
  if (pairs.right.length !== total || pairs.similar.length !== total) {
    throw new RangeError(
      `${method}: the pair set's arrays differ in length (left ${total}, right ${pairs.right.length}, similar ${pairs.similar.length}).`,
    );
  }
  let mustCount = 0;
  for (let p = 0; p < total; p++) if (pairs.similar[p] === 1) mustCount++;
  const cannotCount = total - mustCount;
  const must = new Float64Array(mustCount * d);
  const cannot = new Float64Array(cannotCount * d);
  let mi = 0;
  let ci = 0;
  for (let p = 0; p < total; p++) {
    const a = pairs.left[p]!;
    const b = pairs.right[p]!;
    if (a < 0 || a >= n || b < 0 || b >= n) {
      throw new ValidationError(`${method}: pair ${p} (${a}, ${b}) refers to a row outside 0…${n - 1}.`);
    }
    const similar = pairs.similar[p] === 1;
    subtractRows(X, a * d, b * d, similar ? must : cannot, (similar ? mi++ : ci++) * d, d);
  }
  return { must, mustCount, cannot, cannotCount, d };
}

/**
 * out[at … at + d) = X[a … a + d) − X[b … b + d). A small function of its own so the engine compiles it after a
 * few calls, where a loop inside a long function called once per fit would run unoptimized.
 */
function subtractRows(X: Float64Array, a: number, b: number, out: Float64Array, at: number, d: number): void {
  for (let f = 0; f < d; f++) out[at + f] = X[a + f]! - X[b + f]!;
}

/** Squared differences δ∘δ of each row of `D` (count, d) → (count, d). */
export function squaredDifferences(D: Float64Array): Float64Array {
  const out = new Float64Array(D.length);
  for (let i = 0; i < D.length; i++) out[i] = D[i]! * D[i]!;
  return out;
}

/**
 * δᵀMδ for every row δ of `D` (count, d), with a symmetric M (d, d) → (count). Uses the upper triangle of M only,
 * so the cost is O(count·d²/2).
 */
export function quadraticForms(D: Float64Array, count: number, d: number, M: Float64Array): Float64Array {
  const out = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const row = p * d;
    let s = 0;
    for (let i = 0; i < d; i++) {
      const di = D[row + i]!;
      if (di === 0) continue;
      const mRow = i * d;
      let t = 0.5 * M[mRow + i]! * di;
      for (let j = i + 1; j < d; j++) t += M[mRow + j]! * D[row + j]!;
      s += di * t;
    }
    out[p] = 2 * s;
  }
  return out;
}

/**
 * Σ_p w_p·δ_p·δ_pᵀ over the rows δ_p of `D` (count, d) → (d, d), symmetric; with w = null every weight is 1
 * (the scatter matrix of the differences). Accumulates the upper triangle only: O(count·d²/2).
 */
export function weightedOuterProductSum(D: Float64Array, count: number, d: number, w: Float64Array | null): Float64Array {
  const G = new Float64Array(d * d); // (d, d)
  for (let p = 0; p < count; p++) {
    const row = p * d;
    const weight = w ? w[p]! : 1;
    if (weight === 0) continue;
    for (let i = 0; i < d; i++) {
      const a = weight * D[row + i]!;
      if (a === 0) continue;
      const gRow = i * d;
      for (let j = i; j < d; j++) G[gRow + j]! += a * D[row + j]!;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) G[i * d + j] = G[j * d + i]!;
  return G;
}

import { ValidationError } from '../../errors.ts';
import { rowSquaredDistance } from '../../math/distances/index.ts';
import type { GramDistanceTiles } from '../../math/distances/index.ts';
import { nearestNeighbours, type QueryRange } from '../../math/neighbours/index.ts';
import { BoundedTopK } from '../../math/neighbours/index.ts';

/**
 * The k nearest reference rows of one query: indices into the reference rows and their squared distances,
 * nearest first. Rows at equal distance are ordered by lower reference index, so the result is deterministic.
 * One query through the shared kernel ({@link nearestNeighbours}); batch queries with it directly.
 * Cost O(m·dims) for m reference rows.
 */
export function nearestNeighbors(
  query: Float64Array,
  queryRow: number,
  reference: Float64Array,
  m: number,
  dims: number,
  k: number,
): { index: Int32Array; squaredDistance: Float64Array } {
  const kk = Math.min(k, m);
  const top = new BoundedTopK(kk);
  for (let j = 0; j < m; j++) top.offer(rowSquaredDistance(query, queryRow, reference, j, dims), j);
  return { index: top.index, squaredDistance: top.value };
}

/**
 * How kNN breaks a tie between classes with the same number of votes:
 * - `lowest-class` (default): the lowest class index wins. This is scikit-learn's rule (`KNeighborsClassifier`
 *   with uniform weights takes the mode, and the mode of a tie is the smallest label), so with the same folds our
 *   accuracies reproduce scikit-learn's figures exactly;
 * - `nearest`: the class whose voting neighbours have the smallest summed (Euclidean) distance wins, then the
 *   lowest class index.
 */
export type KnnTieBreak = 'lowest-class' | 'nearest';

/**
 * k-nearest-neighbour classification in a (mapped) Euclidean space, with a deterministic tie rule:
 *
 * 1. The k training rows nearest to the query are taken; rows at equal distance are taken in order of lower
 *    training row index.
 * 2. Each neighbour gives one vote (uniform weights) to its class; the class with the most votes wins.
 * 3. Ties between classes with the most votes follow `tieBreak` (see {@link KnnTieBreak}; default: the lowest
 *    class index wins, as in scikit-learn).
 *
 * `train` (m, dims) with labels `trainLabels`, `test` (t, dims) → predicted class per test row (with a `range`, for
 * test rows [first, end) only, so row blocks can go to different workers). The neighbours come from the shared exact
 * kernel {@link nearestNeighbours} (Gram-identity tiles, exact re-ranking; pass `tiles` of `train` to reuse them across
 * row blocks). Cost O(t·m·dims).
 * @throws ValidationError when k is not an integer in 1…m.
 */
export function knnPredict(
  train: Float64Array,
  trainLabels: Int32Array,
  m: number,
  test: Float64Array,
  t: number,
  dims: number,
  k: number,
  tieBreak: KnnTieBreak = 'lowest-class',
  range: QueryRange = {},
  tiles?: GramDistanceTiles,
): Int32Array {
  const byDistance = tieBreak === 'nearest';
  if (!Number.isInteger(k) || k < 1) throw new ValidationError(`k must be an integer ≥ 1, got ${k}.`);
  if (k > m) throw new ValidationError(`k (${k}) cannot be greater than the number of training rows (${m}).`);
  let nClasses = 0;
  for (let j = 0; j < m; j++) nClasses = Math.max(nClasses, trainLabels[j]! + 1);
  const votes = new Int32Array(nClasses);
  const summed = new Float64Array(nClasses);
  const first = range.first ?? 0;
  const end = range.end ?? t;
  const predictions = new Int32Array(Math.max(0, end - first));
  const { index, squaredDistance } = nearestNeighbours(test, t, train, m, dims, k, { first, end }, tiles);
  for (let q = 0; q < end - first; q++) {
    votes.fill(0);
    summed.fill(0);
    for (let r = q * k; r < (q + 1) * k; r++) {
      const c = trainLabels[index[r]!]!;
      votes[c]!++;
      summed[c]! += Math.sqrt(squaredDistance[r]!);
    }
    let best = -1;
    for (let c = 0; c < nClasses; c++) {
      if (votes[c] === 0) continue;
      if (best < 0 || votes[c]! > votes[best]! || (byDistance && votes[c] === votes[best] && summed[c]! < summed[best]!)) best = c;
    }
    predictions[q] = best;
  }
  return predictions;
}

/** Fraction of positions where `predicted` equals `actual` (0 for empty input). */
export function accuracyScore(predicted: Int32Array, actual: Int32Array): number {
  if (predicted.length !== actual.length) throw new RangeError(`accuracyScore: ${predicted.length} predictions for ${actual.length} labels.`);
  if (actual.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) hits++;
  return hits / actual.length;
}

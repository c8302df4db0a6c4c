import { ValidationError } from '../../errors.ts';
import { rowSquaredDistance } from '../../math/distances.ts';

/**
 * The k nearest reference rows of one query: indices into the reference rows and their squared distances,
 * nearest first. Rows at equal distance are ordered by lower reference index, so the result is deterministic.
 * Cost O(m·(k + dims)) for m reference rows.
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
  const index = new Int32Array(kk);
  const dist = new Float64Array(kk);
  let size = 0;
  for (let j = 0; j < m; j++) {
    const dj = rowSquaredDistance(query, queryRow, reference, j, dims);
    // j increases, so a later row only enters when strictly nearer than the current k-th.
    if (size === kk && !(dj < dist[kk - 1]!)) continue;
    let pos = size < kk ? size++ : kk - 1;
    while (pos > 0 && dist[pos - 1]! > dj) {
      dist[pos] = dist[pos - 1]!;
      index[pos] = index[pos - 1]!;
      pos--;
    }
    dist[pos] = dj;
    index[pos] = j;
  }
  return { index, squaredDistance: dist };
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
 * `train` (m, dims) with labels `trainLabels`, `test` (t, dims) → predicted class per test row. Cost O(t·m·dims).
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
): Int32Array {
  const byDistance = tieBreak === 'nearest';
  if (!Number.isInteger(k) || k < 1) throw new ValidationError(`k must be an integer ≥ 1, got ${k}.`);
  if (k > m) throw new ValidationError(`k (${k}) cannot be greater than the number of training rows (${m}).`);
  let nClasses = 0;
  for (let j = 0; j < m; j++) nClasses = Math.max(nClasses, trainLabels[j]! + 1);
  const votes = new Int32Array(nClasses);
  const summed = new Float64Array(nClasses);
  const predictions = new Int32Array(t);
  for (let q = 0; q < t; q++) {
    const { index, squaredDistance } = nearestNeighbors(test, q, train, m, dims, k);
    votes.fill(0);
    summed.fill(0);
    for (let r = 0; r < index.length; r++) {
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

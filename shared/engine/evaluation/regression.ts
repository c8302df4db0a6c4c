/**
 * kNN regression and its figures, for datasets whose supervision is a numeric target per row.
 *
 * The prediction of a query row is the mean of the targets of its k nearest reference rows (uniform weights, as
 * scikit-learn's `KNeighborsRegressor(n_neighbors=k)`); among reference rows at equal distance the lower row index
 * is taken first (scikit-learn's choice among equidistant rows is arbitrary, so figures agree with it on data
 * without tied distances). The neighbours come from the exact kernel shared with classification
 * ({@link nearestNeighbours}: screening tiles, exact re-ranking), so predictions are those of brute force.
 */
import { ValidationError } from '../../errors.ts';
import type { GramDistanceTiles } from '../../math/distances/index.ts';
import { nearestNeighbours, type QueryRange } from '../../math/neighbours/index.ts';

/**
 * Predicted target of every test row (rows [first, end) with a `range`): the mean of the targets of its k nearest
 * training rows. `train` (m, dims) with `trainTargets` (m), `test` (t, dims). Cost O(t·m·dims).
 * @throws ValidationError when k is not an integer in 1…m.
 */
export function knnRegress(
  train: Float64Array,
  trainTargets: Float64Array,
  m: number,
  test: Float64Array,
  t: number,
  dims: number,
  k: number,
  range: QueryRange = {},
  tiles?: GramDistanceTiles,
): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new ValidationError(`k must be an integer ≥ 1, got ${k}.`);
  if (k > m) throw new ValidationError(`k (${k}) cannot be greater than the number of training rows (${m}).`);
  const first = range.first ?? 0;
  const end = range.end ?? t;
  const predictions = new Float64Array(Math.max(0, end - first));
  const { index } = nearestNeighbours(test, t, train, m, dims, k, { first, end }, tiles);
  for (let q = 0; q < end - first; q++) {
    let sum = 0;
    for (let r = q * k; r < (q + 1) * k; r++) sum += trainTargets[index[r]!]!;
    predictions[q] = sum / k;
  }
  return predictions;
}

/** The figures of a regression's predictions against the true targets. */
export interface RegressionFigures {
  /** Root mean squared error, √(Σ(y − ŷ)²/n). */
  rmse: number;
  /** Mean absolute error, Σ|y − ŷ|/n. */
  mae: number;
  /**
   * Coefficient of determination 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ȳ the mean of `actual` (scikit-learn's `r2_score`: 1 when
   * the targets are constant and predicted exactly, 0 when constant and not).
   */
  r2: number;
}

/** RMSE, MAE and R² of `predicted` against `actual`. @throws RangeError for different lengths or no rows. */
export function regressionFigures(predicted: Float64Array, actual: Float64Array): RegressionFigures {
  const n = actual.length;
  if (predicted.length !== n) throw new RangeError(`regressionFigures: ${predicted.length} predictions for ${n} targets.`);
  if (n === 0) throw new RangeError('regressionFigures: no rows to score.');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i]!;
  mean /= n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i]! - predicted[i]!;
    squared += e * e;
    absolute += Math.abs(e);
    total += (actual[i]! - mean) ** 2;
  }
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2 };
}

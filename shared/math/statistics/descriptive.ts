/** Descriptive statistics of row-major data: column means and variances, covariance and scatter matrices, the median. */
import { columnMeans } from '../dense/matrix.ts';
import { centeredGram, type GramTeam } from '../dense/gram-blocks.ts';

/**
 * Sample covariance of X (n, d) → (d, d): Σ (x_i − x̄)(x_i − x̄)ᵀ / (n − ddof). Default ddof = 1 (numpy's
 * `np.cov`). Cost O(n·d²/2), in row blocks ({@link centeredGram}), shared out over `team`'s threads when given (the same bits).
 */
export function covarianceMatrix(X: Float64Array, n: number, d: number, ddof = 1, team?: GramTeam): Float64Array {
  const C = centeredGram(X, n, d, columnMeans(X, n, d), true, team);
  const denominator = Math.max(n - ddof, 1);
  for (let i = 0; i < C.length; i++) C[i]! /= denominator;
  return C;
}

/**
 * Within-class and between-class scatter of labeled X (n, d), labels in [0, nClasses):
 *   S_w = Σ_c Σ_{i∈c} (x_i − μ_c)(x_i − μ_c)ᵀ (d, d),   S_b = Σ_c n_c (μ_c − μ)(μ_c − μ)ᵀ = GᵀG,
 * S_b given by its factor G (nClasses, d), row c = √n_c·(μ_c − μ): S_b has rank < nClasses, so products with it
 * cost O(nClasses·d) a vector through G. S_w + S_b is the total scatter. Cost O(n·d²/2), in row blocks, shared out over `team`'s threads when given (the same bits).
 */
export function classScatter(X: Float64Array, n: number, d: number, labels: Int32Array, nClasses: number, team?: GramTeam): {
  within: Float64Array;
  betweenFactor: Float64Array;
  classCounts: Int32Array;
} {
  const counts = new Int32Array(nClasses);
  const means = new Float64Array(nClasses * d); // (nClasses, d)
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let f = 0; f < d; f++) means[c * d + f]! += X[i * d + f]!;
  }
  for (let c = 0; c < nClasses; c++) {
    if (counts[c] === 0) continue;
    for (let f = 0; f < d; f++) means[c * d + f]! /= counts[c]!;
  }
  const within = centeredGram(X, n, d, { of: labels, means }, true, team); // rows centered by their class mean
  const overall = columnMeans(X, n, d);
  const betweenFactor = new Float64Array(nClasses * d); // (nClasses, d): √n_c (μ_c − μ)
  for (let c = 0; c < nClasses; c++) {
    const w = Math.sqrt(counts[c]!);
    for (let f = 0; f < d; f++) betweenFactor[c * d + f] = w * (means[c * d + f]! - overall[f]!);
  }
  return { within, betweenFactor, classCounts: counts };
}

/**
 * Column means and population variances (ddof 0, two passes: Σ(x − mean)² / n) of n rows of X (·, d): its first n
 * rows, or the rows listed in `rows` (n entries) → { mean (d), variance (d) }, both zero when n = 0. Cost O(n·d).
 */
export function columnMeanAndVariance(X: Float64Array, n: number, d: number, rows?: ArrayLike<number> | null): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = (rows ? rows[i]! : i) * d;
    for (let f = 0; f < d; f++) mean[f]! += X[row + f]!;
  }
  for (let f = 0; f < d; f++) mean[f]! /= Math.max(n, 1);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = (rows ? rows[i]! : i) * d;
    for (let f = 0; f < d; f++) {
      const t = X[row + f]! - mean[f]!;
      variance[f]! += t * t;
    }
  }
  for (let f = 0; f < d; f++) variance[f]! /= Math.max(n, 1);
  return { mean, variance };
}

/**
 * The median: the middle value of the sorted values for an odd count, the mean of the two middle values for an even
 * count (numpy's `np.median`). NaN for no values.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Scatter and covariance matrices of row-major data. */
import { centerRows, columnMeans, gram } from '../dense/matrix.ts';

/**
 * Sample covariance of X (n, d) → (d, d): Σ (x_i − x̄)(x_i − x̄)ᵀ / (n − ddof). Default ddof = 1 (numpy's
 * `np.cov`). Cost O(n·d²/2).
 */
export function covarianceMatrix(X: Float64Array, n: number, d: number, ddof = 1): Float64Array {
  const C = gram(centerRows(X, n, d, columnMeans(X, n, d)), n, d);
  const denominator = Math.max(n - ddof, 1);
  for (let i = 0; i < C.length; i++) C[i]! /= denominator;
  return C;
}

/**
 * Within-class and between-class scatter of labeled X (n, d), labels in [0, nClasses):
 *   S_w = Σ_c Σ_{i∈c} (x_i − μ_c)(x_i − μ_c)ᵀ,   S_b = Σ_c n_c (μ_c − μ)(μ_c − μ)ᵀ.
 * Both (d, d); S_w + S_b is the total scatter. Cost O(n·d²).
 */
export function classScatter(X: Float64Array, n: number, d: number, labels: Int32Array, nClasses: number): {
  within: Float64Array;
  between: Float64Array;
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
  const centered = new Float64Array(n * d); // (n, d): x_i − μ_{label(i)}
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    for (let f = 0; f < d; f++) centered[i * d + f] = X[i * d + f]! - means[c * d + f]!;
  }
  const within = gram(centered, n, d);
  const overall = columnMeans(X, n, d);
  const weighted = new Float64Array(nClasses * d); // √n_c (μ_c − μ)
  for (let c = 0; c < nClasses; c++) {
    const w = Math.sqrt(counts[c]!);
    for (let f = 0; f < d; f++) weighted[c * d + f] = w * (means[c * d + f]! - overall[f]!);
  }
  const between = gram(weighted, nClasses, d);
  return { within, between, classCounts: counts };
}

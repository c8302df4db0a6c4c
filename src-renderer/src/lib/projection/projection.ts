import type { Preprocessing } from '../../../../shared/domain/learned-metric.ts';
import { matmulTransB } from '../../../../shared/math/dense/index.ts';
import { symmetricEigen } from '../../../../shared/math/decompositions/index.ts';

/** A 2-D view of a dataset: one (x, y) per row, plus how much variance the two axes keep. */
export interface Projection2D {
  xs: Float64Array;
  ys: Float64Array;
  /** Fraction of the total variance along each axis (0…1). */
  explained: [number, number];
}

/**
 * Column-wise z-score with population std; constant columns become 0. Returns new data (n, d). Two-pass
 * (mean, then Σ(x − mean)²), both passes row by row so that 60,000 × 784 stays in cache order.
 */
export function zscoreColumns(X: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0, at = i * d; f < d; f++, at++) mean[f]! += X[at]!;
  for (let f = 0; f < d; f++) mean[f]! /= Math.max(n, 1);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let f = 0, at = i * d; f < d; f++, at++) {
      const c = X[at]! - mean[f]!;
      sq[f]! += c * c;
    }
  }
  const inv = new Float64Array(d);
  for (let f = 0; f < d; f++) {
    const std = Math.sqrt(sq[f]! / Math.max(n, 1));
    inv[f] = std > 1e-12 ? std : 0;
  }
  for (let i = 0; i < n; i++) {
    for (let f = 0, at = i * d; f < d; f++, at++) out[at] = inv[f]! > 0 ? (X[at]! - mean[f]!) / inv[f]! : 0;
  }
  return out;
}

/** Work budget of the covariance (rows × d²) before {@link pca2d} fits its axes on a subsample of rows. */
export const PCA_COVARIANCE_BUDGET = 1.2e9;
/** Above this many features the top two axes come from subspace iteration instead of a full eigendecomposition. */
export const PCA_FULL_EIGEN_MAX_FEATURES = 100;

/**
 * Principal component projection onto the top two axes: eigenvectors of the covariance (d, d).
 * Signs are fixed so that the largest-magnitude loading of each axis is positive, so the picture does
 * not flip between runs. Cost O(n·d² + d³) for small data.
 *
 * At real size (60,000 Fashion-MNIST images, d = 784) both terms are too slow for a UI, so the axes are fitted
 * on what the budget allows and every row is then projected (O(n·d)):
 * - the covariance uses every row when n·d² ≤ `budget` (default {@link PCA_COVARIANCE_BUDGET}), else m = ⌊budget / d²⌋ rows
 *   (at least 500) taken at an even stride (rows 0, s, 2s, …), so the picture is the same every time;
 * - for d > {@link PCA_FULL_EIGEN_MAX_FEATURES} the top two eigenvectors come from deterministic subspace
 *   iteration (6 vectors, Rayleigh–Ritz), O(iterations·d²), instead of an O(d³) decomposition.
 * The mean used for centering is always that of every row. `explained` is each axis' eigenvalue over the
 * covariance trace.
 */
export function pca2d(X: Float64Array, n: number, d: number, budget = PCA_COVARIANCE_BUDGET): Projection2D {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  if (n === 0 || d === 0) return { xs, ys, explained: [0, 0] };
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += X[i * d + f]! / n;
  const m = n * d * d <= budget ? n : Math.min(n, Math.max(500, Math.floor(budget / (d * d))));
  const stride = n / m;
  const C = new Float64Array(d * d); // (d, d)
  const row = new Float64Array(d);
  for (let r = 0; r < m; r++) {
    const i = m === n ? r : Math.floor(r * stride);
    for (let f = 0; f < d; f++) row[f] = X[i * d + f]! - mean[f]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) C[a * d + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) C[b * d + a] = C[a * d + b]! /= Math.max(m - 1, 1);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += Math.max(C[a * d + a]!, 0);
  const wide = d > PCA_FULL_EIGEN_MAX_FEATURES;
  const top = wide ? { ...topEigenpairs(C, d, 2), total: trace } : fullTop(C, d, 2);
  const total = top.total || 1;
  const axis = (rank: number): { v: Float64Array; share: number } => {
    const v = new Float64Array(d);
    if (rank >= top.values.length) return { v, share: 0 };
    let big = 0;
    for (let f = 0; f < d; f++) {
      v[f] = top.vectors[rank]![f]!;
      if (Math.abs(v[f]!) > Math.abs(big)) big = v[f]!;
    }
    if (big < 0) for (let f = 0; f < d; f++) v[f] = -v[f]!;
    return { v, share: Math.max(top.values[rank]!, 0) / total };
  };
  const a1 = axis(0), a2 = axis(1);
  for (let i = 0; i < n; i++) {
    let x = 0, y = 0;
    for (let f = 0; f < d; f++) {
      const c = X[i * d + f]! - mean[f]!;
      x += c * a1.v[f]!;
      y += c * a2.v[f]!;
    }
    xs[i] = x;
    ys[i] = y;
  }
  return { xs, ys, explained: [a1.share, a2.share] };
}

/** The `count` largest eigenpairs of a symmetric C (d, d) from a full decomposition, and the sum of positive eigenvalues. */
function fullTop(C: Float64Array, d: number, count: number): { values: number[]; vectors: Float64Array[]; total: number } {
  const { values, vectors } = symmetricEigen(C, d);
  const out: { values: number[]; vectors: Float64Array[]; total: number } = { values: [], vectors: [], total: 0 };
  for (const v of values) out.total += Math.max(v, 0);
  for (let rank = 0; rank < Math.min(count, d); rank++) {
    const col = d - 1 - rank;
    const v = new Float64Array(d);
    for (let f = 0; f < d; f++) v[f] = vectors[f * d + col]!;
    out.values.push(values[col]!);
    out.vectors.push(v);
  }
  return out;
}

/** Orthonormalises the p columns of V (d, p), row-major, in place (modified Gram–Schmidt). */
function orthonormalize(V: Float64Array, d: number, p: number): void {
  for (let j = 0; j < p; j++) {
    for (let q = 0; q < j; q++) {
      let dot = 0;
      for (let f = 0; f < d; f++) dot += V[f * p + j]! * V[f * p + q]!;
      for (let f = 0; f < d; f++) V[f * p + j]! -= dot * V[f * p + q]!;
    }
    let norm = 0;
    for (let f = 0; f < d; f++) norm += V[f * p + j]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let f = 0; f < d; f++) V[f * p + j]! /= norm;
  }
}

/**
 * The `count` largest eigenpairs of a symmetric positive semi-definite C (d, d) by subspace iteration:
 * V ← orth(C·V) with p = count + 4 columns from a fixed start, then Rayleigh–Ritz (the eigenvectors of
 * Vᵀ·C·V, p × p). Stops when the Ritz values change by less than 1e-10 relative, or after 300 iterations.
 * Cost O(iterations·d²·p). Deterministic: same C, same result.
 */
export function topEigenpairs(C: Float64Array, d: number, count: number): { values: number[]; vectors: Float64Array[] } {
  const p = Math.min(d, count + 4);
  let V = new Float64Array(d * p); // (d, p)
  // A fixed, well-spread start: a cosine pattern per column (never a coordinate axis only).
  for (let f = 0; f < d; f++) for (let j = 0; j < p; j++) V[f * p + j] = Math.cos((f + 1) * (j + 1) * 0.7548776662) + (f % (j + 2) === 0 ? 0.5 : 0);
  orthonormalize(V, d, p);
  const W = new Float64Array(d * p);
  let last = new Float64Array(p);
  const ritz = (): { T: Float64Array } => {
    // T = Vᵀ·C·V (p, p), with W = C·V already computed.
    const T = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += V[f * p + a]! * W[f * p + b]!;
      T[a * p + b] = s;
    }
    return { T };
  };
  const multiply = () => {
    W.fill(0);
    for (let a = 0; a < d; a++) {
      const rowC = a * d;
      for (let b = 0; b < d; b++) {
        const c = C[rowC + b]!;
        if (c === 0) continue;
        for (let j = 0; j < p; j++) W[a * p + j]! += c * V[b * p + j]!;
      }
    }
  };
  for (let iteration = 0; iteration < 300; iteration++) {
    multiply();
    const diag = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += V[f * p + j]! * W[f * p + j]!;
      diag[j] = s;
    }
    let change = 0;
    for (let j = 0; j < count; j++) change = Math.max(change, Math.abs(diag[j]! - last[j]!) / (Math.abs(diag[j]!) || 1));
    last = diag;
    if (iteration > 5 && change < 1e-10) break;
    V = Float64Array.from(W);
    orthonormalize(V, d, p);
  }
  multiply();
  const { T } = ritz();
  const { values, vectors } = symmetricEigen(T, p);
  const out: { values: number[]; vectors: Float64Array[] } = { values: [], vectors: [] };
  for (let rank = 0; rank < count; rank++) {
    const col = p - 1 - rank;
    const v = new Float64Array(d);
    for (let f = 0; f < d; f++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += V[f * p + j]! * vectors[j * p + col]!;
      v[f] = s;
    }
    out.values.push(values[col]!);
    out.vectors.push(v);
  }
  return out;
}

/** Maps raw rows (n, inputFeatures) through a metric's preprocessing → (n, kept.length). */
export function applyPreprocessing(X: Float64Array, n: number, prep: Preprocessing): Float64Array {
  const d = prep.inputFeatures;
  const k = prep.kept.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < k; f++) {
      const scale = prep.scale[f]! || 1;
      out[i * k + f] = (X[i * d + prep.kept[f]!]! - prep.center[f]!) / scale;
    }
  }
  return out;
}

/** The learned space: preprocess, then X·Lᵀ with L (k, d) → (n, k). */
export function learnedEmbedding(X: Float64Array, n: number, prep: Preprocessing, L: Float64Array, k: number): Float64Array {
  const Z = applyPreprocessing(X, n, prep);
  return matmulTransB(Z, n, prep.kept.length, L, k);
}

/** PCA of an embedding; a 1-D embedding is drawn on the x axis with y = 0. */
export function projectEmbedding(E: Float64Array, n: number, k: number): Projection2D {
  if (k >= 2) return pca2d(E, n, k);
  return { xs: Float64Array.from(E.subarray(0, n)), ys: new Float64Array(n), explained: [1, 0] };
}

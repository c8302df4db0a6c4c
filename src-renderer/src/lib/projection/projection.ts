import type { Preprocessing } from '../../../../shared/domain/learned-metric.ts';
import { matmulTransB } from '../../../../shared/math/dense.ts';
import { symmetricEigen } from '../../../../shared/math/eigen.ts';

/** A 2-D view of a dataset: one (x, y) per row, plus how much variance the two axes keep. */
export interface Projection2D {
  xs: Float64Array;
  ys: Float64Array;
  /** Fraction of the total variance along each axis (0…1). */
  explained: [number, number];
}

/** Column-wise z-score with population std; constant columns become 0. Returns new data (n, d). */
export function zscoreColumns(X: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let f = 0; f < d; f++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X[i * d + f]!;
    mean /= Math.max(n, 1);
    let v = 0;
    for (let i = 0; i < n; i++) v += (X[i * d + f]! - mean) ** 2;
    const std = Math.sqrt(v / Math.max(n, 1));
    for (let i = 0; i < n; i++) out[i * d + f] = std > 1e-12 ? (X[i * d + f]! - mean) / std : 0;
  }
  return out;
}

/**
 * Principal component projection onto the top two axes: eigenvectors of the covariance (d, d).
 * Signs are fixed so that the largest-magnitude loading of each axis is positive, so the picture does
 * not flip between runs. Cost O(n·d² + d³).
 */
export function pca2d(X: Float64Array, n: number, d: number): Projection2D {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  if (n === 0 || d === 0) return { xs, ys, explained: [0, 0] };
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += X[i * d + f]! / n;
  const C = new Float64Array(d * d); // (d, d)
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) row[f] = X[i * d + f]! - mean[f]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) C[a * d + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) C[b * d + a] = C[a * d + b]! /= Math.max(n - 1, 1);
  const { values, vectors } = symmetricEigen(C, d);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0) || 1;
  const axis = (rank: number): { v: Float64Array; share: number } => {
    const col = d - 1 - rank;
    const v = new Float64Array(d);
    if (col < 0) return { v, share: 0 };
    let big = 0;
    for (let f = 0; f < d; f++) {
      v[f] = vectors[f * d + col]!;
      if (Math.abs(v[f]!) > Math.abs(big)) big = v[f]!;
    }
    if (big < 0) for (let f = 0; f < d; f++) v[f] = -v[f]!;
    return { v, share: Math.max(values[col]!, 0) / total };
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

/**
 * Every *use* of a learned Mahalanobis metric, whatever algorithm learned it. A metric is its components
 * L (k, d) (scikit-learn's `components_`) plus the preprocessing it expects:
 *
 *   d_M(x, x') = √((z − z')ᵀ M (z − z')) = ‖L z − L z'‖,   M = LᵀL,   z = preprocess(x).
 *
 * Because the map z ↦ Lz is linear, a distance is the Euclidean distance between mapped rows, and the distance
 * of a pair only needs the mapped difference L(z − z').
 */
import type { LearnedMetric } from '../domain/learned-metric.ts';
import { applyPreprocessing } from '../engine/preprocess.ts';
import { dotRows, matmulTransB } from '../math/dense/index.ts';
import { crossSquaredDistances, exactSquaredDistanceMatrix } from '../math/distances/index.ts';
import { metricFromComponents } from '../math/decompositions/index.ts';

/** The part of a metric that maps preprocessed rows: L (k, d). */
export type MetricComponents = Pick<LearnedMetric, 'L' | 'nComponents' | 'nFeatures'>;

function checkComponents(metric: MetricComponents): void {
  if (metric.L.length !== metric.nComponents * metric.nFeatures) {
    throw new RangeError(
      `Metric components L should be ${metric.nComponents}×${metric.nFeatures} = ${metric.nComponents * metric.nFeatures} entries, got ${metric.L.length}.`,
    );
  }
}

/**
 * Y = Z·Lᵀ for already preprocessed rows Z (n, d) → Y (n, k). Cost O(n·d·k). With `reuseZ` (Z is the caller's
 * scratch, e.g. a fit's preprocessed training rows), the identity metric's result is written over Z.
 * @throws RangeError when Z does not have `metric.nFeatures` columns.
 */
export function transformPreprocessed(metric: MetricComponents, Z: Float64Array, n: number, reuseZ = false): Float64Array {
  return project(metric, Z, n, reuseZ);
}

/** Z·Lᵀ; with `reuseZ` (Z is the caller's own scratch) the identity metric's result is written over Z. */
function project(metric: MetricComponents, Z: Float64Array, n: number, reuseZ: boolean): Float64Array {
  checkComponents(metric);
  if (Z.length !== n * metric.nFeatures) {
    throw new RangeError(`transform: expected ${n} rows × ${metric.nFeatures} features = ${n * metric.nFeatures} entries, got ${Z.length}.`);
  }
  // L = I (the Euclidean baseline, and any learner that keeps the identity): Z·Iᵀ is Z, bit for bit (each entry is
  // z + 0·…, and + 0 turns −0 into +0 as the product would), without the O(n·d²) product.
  if (isIdentity(metric.L, metric.nComponents, metric.nFeatures)) {
    const Y = reuseZ ? Z : new Float64Array(Z.length);
    for (let i = 0; i < Z.length; i++) Y[i] = Z[i]! + 0;
    return Y;
  }
  return matmulTransB(Z, n, metric.nFeatures, metric.L, metric.nComponents); // (n, k)
}

function isIdentity(L: Float64Array, k: number, d: number): boolean {
  if (k !== d) return false;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) if (L[i * d + j] !== (i === j ? 1 : 0)) return false;
  }
  return true;
}

/**
 * Maps raw rows X (n, inputFeatures) into the learned space: preprocess, then multiply by Lᵀ → (n, k); with `rows`,
 * the n rows rows[0 … n) of X, read in place. Cost O(n·(inputFeatures + d·k)).
 */
export function transform(metric: LearnedMetric, X: Float64Array, n: number, rows?: ArrayLike<number>): Float64Array {
  checkComponents(metric);
  const p = metric.preprocessing;
  // The preprocessed copy is ours: the identity metric reuses it instead of copying it again.
  if (isIdentity(metric.L, metric.nComponents, metric.nFeatures)) return project(metric, applyPreprocessing(p, X, n, rows), n, true);
  const k = metric.nComponents;
  const d = metric.nFeatures;
  const input = p.inputFeatures;
  if (rows === undefined ? X.length !== n * input : rows.length !== n) {
    throw new RangeError(`transform: expected ${n} rows of ${input} features, got ${rows === undefined ? `${X.length} entries` : `${rows.length} row indices`}.`);
  }
  // Row blocks: only one block's preprocessed rows exist at a time (not a second (n, d) matrix: 3.8 GB for 600,000
  // rows of 784 features). Every entry of Y is one dot product of its own row, so the bits are those of one product.
  const Y = new Float64Array(n * k); // (n, k)
  const blockRows = Math.max(1, Math.floor(TRANSFORM_BLOCK_VALUES / Math.max(1, input)));
  for (let first = 0; first < n; first += blockRows) {
    const count = Math.min(blockRows, n - first);
    const Z =
      rows === undefined
        ? applyPreprocessing(p, X.subarray(first * input, (first + count) * input), count)
        : applyPreprocessing(p, X, count, Int32Array.from({ length: count }, (_, i) => rows[first + i]!));
    dotRows(Z, count, metric.L, k, d, Y.subarray(first * k, (first + count) * k), k);
  }
  return Y;
}

/** Preprocessed values per row block of {@link transform} (8 MiB as float64). */
const TRANSFORM_BLOCK_VALUES = 1 << 20;

/**
 * d_M(a, b) for two raw rows (each of length `inputFeatures`): ‖L·(z_a − z_b)‖. The centering cancels, so only
 * the kept features and their scales matter. Cost O(d·k).
 */
export function pairDistance(metric: LearnedMetric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkComponents(metric);
  const p = metric.preprocessing;
  if (a.length !== p.inputFeatures || b.length !== p.inputFeatures) {
    throw new RangeError(`pairDistance: rows must have ${p.inputFeatures} features, got ${a.length} and ${b.length}.`);
  }
  const d = metric.nFeatures;
  const diff = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    const f = p.kept[c]!;
    diff[c] = (a[f]! - b[f]!) / p.scale[c]!;
  }
  let s = 0;
  for (let r = 0; r < metric.nComponents; r++) {
    const row = r * d;
    let t = 0;
    for (let c = 0; c < d; c++) t += metric.L[row + c]! * diff[c]!;
    s += t * t;
  }
  return Math.sqrt(s);
}

/** metric-learn's pair score: −d_M(a, b), so that larger means more similar. */
export function pairScore(metric: LearnedMetric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  return -pairDistance(metric, a, b);
}

/** D[i][j] = d_M(x_i, x_j)² for raw rows X (n, inputFeatures) → (n, n), symmetric, zero diagonal. Cost O(n²·k). */
export function pairwiseSquaredDistances(metric: LearnedMetric, X: Float64Array, n: number): Float64Array {
  return exactSquaredDistanceMatrix(transform(metric, X, n), n, metric.nComponents);
}

/** D[i][j] = d_M(x_i, x_j) for raw rows X (n, inputFeatures) → (n, n). */
export function pairwiseDistances(metric: LearnedMetric, X: Float64Array, n: number): Float64Array {
  const D = pairwiseSquaredDistances(metric, X, n);
  for (let i = 0; i < D.length; i++) D[i] = Math.sqrt(D[i]!);
  return D;
}

/** D[i][j] = d_M(a_i, b_j)² between raw rows A (m, inputFeatures) and B (n, inputFeatures) → (m, n). */
export function crossPairwiseSquaredDistances(metric: LearnedMetric, A: Float64Array, m: number, B: Float64Array, n: number): Float64Array {
  return crossSquaredDistances(transform(metric, A, m), m, transform(metric, B, n), n, metric.nComponents);
}

/** M = LᵀL (d, d), symmetric PSD, in the preprocessed feature space. Cost O(k·d²). */
export function mahalanobisMatrix(metric: MetricComponents): Float64Array {
  checkComponents(metric);
  return metricFromComponents(metric.L, metric.nComponents, metric.nFeatures);
}

/**
 * Feature preprocessing, fitted on one set of rows (the training part of a fold) and applied to any rows:
 *
 *   z[f] = (x[kept[f]] − center[f]) / scale[f]
 *
 * - `zscore` (default): center = mean, scale = population standard deviation (ddof 0);
 * - `minmax`: center = min, scale = max − min, so the fitting rows land in [0, 1] (the pyDML benchmark's choice);
 * - `none`: raw features, center 0, scale 1, every feature kept.
 *
 * `zscore` and `minmax` drop the features that are constant on the fitting rows (max = min): they carry no
 * information there and cannot be scaled.
 */
import { ValidationError } from '../errors.ts';
import { PREPROCESS_KINDS, type PreprocessKind, type Preprocessing } from '../domain/learned-metric.ts';
import { columnMeanAndVariance } from '../math/statistics/index.ts';

/** @throws ValidationError "preprocess must be one of 'zscore', 'minmax', 'none', got 'x'." */
export function checkPreprocessKind(kind: unknown): PreprocessKind {
  if (typeof kind !== 'string' || !(PREPROCESS_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError(
      `preprocess must be one of ${PREPROCESS_KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kind) ?? String(kind)}.`,
    );
  }
  return kind as PreprocessKind;
}

/** The preprocessing that changes nothing: every one of `d` features kept, center 0, scale 1. */
export function identityPreprocessing(d: number): Preprocessing {
  return {
    kind: 'none',
    inputFeatures: d,
    kept: Array.from({ length: d }, (_, f) => f),
    dropped: [],
    center: new Float64Array(d),
    scale: new Float64Array(d).fill(1),
  };
}

/**
 * The source row of each of n rows: `rows[i]` when given (a selection from a bigger X, e.g. a fold's training
 * part, read in place instead of copied first), else i. Checks that X holds those rows.
 */
function sourceRows(fn: string, X: Float64Array, n: number, d: number, rows: ArrayLike<number> | undefined): ArrayLike<number> | null {
  if (!rows) {
    if (X.length !== n * d) throw new RangeError(`${fn}: expected ${n} rows × ${d} features = ${n * d} entries, got ${X.length}.`);
    return null;
  }
  const available = d > 0 ? X.length / d : 0;
  if (rows.length !== n || !Number.isInteger(available)) {
    throw new RangeError(`${fn}: expected ${n} row indices into rows of ${d} features, got ${rows.length} indices and ${X.length} entries.`);
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!(Number.isInteger(r) && r >= 0 && r < available)) throw new RangeError(`${fn}: row index ${r} (entry ${i}) is outside 0…${available - 1}.`);
  }
  return rows;
}

/**
 * Fits `kind` on X (n, d), or, with `rows`, on the n rows rows[0 … n) of X (in that order: the same bits as fitting
 * a copy of them). Cost O(n·d).
 * @throws ValidationError for an unknown kind or when n = 0.
 */
export function fitPreprocessing(X: Float64Array, n: number, d: number, kind: PreprocessKind = 'zscore', rows?: ArrayLike<number>): Preprocessing {
  checkPreprocessKind(kind);
  const source = sourceRows('fitPreprocessing', X, n, d, rows);
  if (kind === 'none') return identityPreprocessing(d);
  if (n === 0) throw new ValidationError('Cannot fit preprocessing on 0 rows.');
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const row = (source ? source[i]! : i) * d;
    for (let f = 0; f < d; f++) {
      const v = X[row + f]!;
      if (v < min[f]!) min[f] = v;
      if (v > max[f]!) max[f] = v;
    }
  }
  const kept: number[] = [];
  const dropped: number[] = [];
  for (let f = 0; f < d; f++) (max[f]! > min[f]! ? kept : dropped).push(f);
  const center = new Float64Array(kept.length);
  const scale = new Float64Array(kept.length);
  if (kind === 'minmax') {
    kept.forEach((f, c) => {
      center[c] = min[f]!;
      scale[c] = max[f]! - min[f]!;
    });
  } else {
    // Population variance (ddof = 0), two passes.
    const { mean, variance } = columnMeanAndVariance(X, n, d, source);
    kept.forEach((f, c) => {
      center[c] = mean[f]!;
      const std = Math.sqrt(variance[f]!);
      // A non-constant feature can still have a std that underflows; fall back to its range.
      scale[c] = std > 0 ? std : max[f]! - min[f]!;
    });
  }
  return { kind, inputFeatures: d, kept, dropped, center, scale };
}

/**
 * Applies a fitted preprocessing to X (n, inputFeatures) → new (n, kept.length), or into `into` (that many entries:
 * a fit's threads share it); with `rows`, to the n rows rows[0 … n) of X (output row i is source row rows[i]).
 * Without `rows`, `into` may be the start of X itself (the rows transformed in place): output entry i·kept + c is
 * written after input entry i·inputFeatures + kept[c] ≥ it is read, and every later read lies beyond both.
 * Cost O(n·d).
 * @throws RangeError when X does not have `inputFeatures` columns.
 */
export function applyPreprocessing(p: Preprocessing, X: Float64Array, n: number, rows?: ArrayLike<number>, into?: Float64Array): Float64Array {
  const d = p.inputFeatures;
  const source = sourceRows('applyPreprocessing', X, n, d, rows);
  const out = p.kept.length;
  const Z = into ?? new Float64Array(n * out); // (n, kept)
  if (Z.length !== n * out) throw new RangeError(`applyPreprocessing: the output must hold ${n}×${out} entries, got ${Z.length}.`);
  // Typed copies of the (small) parameter lists keep the inner loop monomorphic; the arithmetic is unchanged.
  const kept = Int32Array.from(p.kept);
  const center = Float64Array.from(p.center);
  const scale = Float64Array.from(p.scale);
  for (let i = 0; i < n; i++) {
    const src = (source ? source[i]! : i) * d;
    const dst = i * out;
    for (let c = 0; c < out; c++) Z[dst + c] = (X[src + kept[c]!]! - center[c]!) / scale[c]!;
  }
  return Z;
}

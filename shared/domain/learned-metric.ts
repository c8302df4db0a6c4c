/**
 * A learned Mahalanobis metric as one plain value. It is plain data (typed arrays, numbers, strings), so it
 * travels worker → main → SQLite → renderer unchanged, and every *use* of it (transform, distances, export)
 * lives in `shared/metric/` and does not care which algorithm learned it.
 *
 *   d_M(x, x') = √((x − x')ᵀ M (x − x')),   M = Lᵀ L,
 *
 * where x and x' are raw feature vectors already mapped by {@link Preprocessing}.
 */
import type { FitSummary } from './schemas/runs.ts';
import type { PreprocessKind, StopReason } from './enums.ts';

export { PREPROCESS_KINDS, STOP_REASONS, type PreprocessKind, type StopReason } from './enums.ts';

/**
 * The preprocessing a metric expects. Applying it to a raw row x (length `inputFeatures`):
 *   z[f] = (x[kept[f]] − center[f]) / scale[f]   for f = 0 … kept.length − 1.
 * For `none`, center = 0 and scale = 1 (but constant features may still be dropped).
 */
export interface Preprocessing {
  kind: PreprocessKind;
  /** Number of raw features the metric was fitted from. */
  inputFeatures: number;
  /** Indices (into the raw features) of the features kept, ascending. */
  kept: number[];
  /** Indices of the raw features dropped because they were constant on the fitting data. */
  dropped: number[];
  /** Per kept feature: subtracted first (mean for zscore, min for minmax, 0 for none). */
  center: Float64Array;
  /** Per kept feature: divided by after centering (population std, max − min, or 1). */
  scale: Float64Array;
}

/**
 * Why an iterative learner stopped; one meaning for every learner.
 * - `tolerance`: its convergence test was met (the relative decrease of the objective or the largest gradient
 *   entry fell below `tol`) — the only L-BFGS reason with `converged: true`.
 * - `projections`: ITML's and MMC's own test was met — the constraint projections (ITML: the relative change of
 *   the dual variables; MMC: the rise of the projected ascent) settled below `tol`; also `converged: true`.
 * - `maxIter`: the iteration budget ran out first (also when the caller stopped the run early).
 * - `saturated`: NCA only — every row's softmax put its mass on one neighbour while Σ p_i < n, so the gradient
 *   vanished without an optimum (the scale of L blew up); see shared/engine/learners/nca.ts.
 * - `stalled`: no step along any tried direction decreased the objective before the tolerance was met.
 */
// STOP_REASONS (the list) is declared in ./enums.ts and re-exported above.

/** `converged` as every learner means it: the learner's own tolerance test was met. */
export function convergedFor(reason: StopReason | null): boolean {
  return reason === null || reason === 'tolerance' || reason === 'projections';
}

/** A stop reason in words (the reason only; see {@link describeConvergence} for the whole verdict). */
export function describeStopReason(reason: StopReason | null): string {
  switch (reason) {
    case null:
      return 'closed form, no iterations';
    case 'tolerance':
      return 'the change fell below the tolerance';
    case 'projections':
      return 'the constraint projections settled below the tolerance';
    case 'maxIter':
      return 'stopped at the iteration limit';
    case 'saturated':
      return 'the softmax saturated (every point on one neighbour) before an optimum';
    case 'stalled':
      return 'no step could decrease the objective before the tolerance was met';
  }
}

/** "converged: <reason>" or "not converged: <reason>", e.g. "not converged: stopped at the iteration limit". */
export function describeConvergence(summary: Pick<FitSummary, 'converged' | 'stopReason'>): string {
  return `${summary.converged ? 'converged' : 'not converged'}: ${describeStopReason(summary.stopReason)}`;
}

/** A final objective for display: 6 significant digits, exponent form outside [10⁻³, 10⁶). */
export function formatObjective(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? value.toExponential(5) : String(Number(value.toPrecision(6)));
}

/** How a fit went: declared once, as FitSummarySchema in ./schemas/runs.ts (the wire carries it unchanged). */
export type { FitSummary } from './schemas/runs.ts';

export interface LearnedMetric {
  method: string;
  /** Validated parameters, defaults filled in. */
  params: Record<string, unknown>;
  seed: number;
  /** (nComponents, nFeatures) row-major: scikit-learn's `components_`. */
  L: Float64Array;
  nComponents: number;
  /** Dimension after preprocessing: `preprocessing.kept.length`. */
  nFeatures: number;
  preprocessing: Preprocessing;
  summary: FitSummary;
}

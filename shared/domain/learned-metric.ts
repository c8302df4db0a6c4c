/**
 * A learned Mahalanobis metric as one plain value. It is plain data (typed arrays, numbers, strings), so it
 * travels worker → main → SQLite → renderer unchanged, and every *use* of it (transform, distances, export)
 * lives in `shared/metric/` and does not care which algorithm learned it.
 *
 *   d_M(x, x') = √((x − x')ᵀ M (x − x')),   M = Lᵀ L,
 *
 * where x and x' are raw feature vectors already mapped by {@link Preprocessing}.
 */
export type PreprocessKind = 'zscore' | 'minmax' | 'none';
export const PREPROCESS_KINDS = ['zscore', 'minmax', 'none'] as const;

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

/** How a fit went. */
export interface FitSummary {
  iterations: number;
  converged: boolean;
  /** Objective after each iteration (may be empty for closed-form methods). */
  objectiveTrace: number[];
  fitSeconds: number;
}

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

import type { LearnedMetric, StopReason } from '../domain/learned-metric.ts';
import { matmulTransA } from '../math/dense/index.ts';
import type { NamedArray } from './npz.ts';

/** The schema id and version every exported JSON carries (docs/export-format.md). */
export const METRIC_SCHEMA = 'metric-workbench/metric';
export const METRIC_SCHEMA_VERSION = 1;

/** What an export needs besides the metric itself. */
export interface MetricExportInput {
  metric: LearnedMetric;
  /** Names of the dataset's raw features (length `metric.preprocessing.inputFeatures`). */
  inputFeatureNames: readonly string[];
  dataset: { id?: number | null; name: string; contentHash: string };
  /** Run id in the history, when the metric comes from a stored run. */
  runId?: number | null;
  /** Evaluation results to carry along (any JSON value), or null. */
  results?: unknown;
  /** ISO 8601 timestamp of the run (not of the export), so exports of one run are byte-identical. */
  created: string;
  appVersion?: string | null;
}

/** The JSON document, version 1. Every matrix is a list of rows (row-major). */
export interface MetricDocumentV1 {
  schema: typeof METRIC_SCHEMA;
  version: typeof METRIC_SCHEMA_VERSION;
  method: string;
  params: Record<string, unknown>;
  seed: number;
  /** [k, d]: L is k×d, M is d×d, with d = number of kept features. */
  shape: { L: [number, number]; M: [number, number] };
  /** (k, d) scikit-learn's `components_`. */
  L: number[][];
  /** (d, d) M = LᵀL. */
  M: number[][];
  /** Names of the d kept features, in the column order of L and M. */
  featureNames: string[];
  preprocessing: {
    kind: LearnedMetric['preprocessing']['kind'];
    inputFeatures: number;
    inputFeatureNames: string[];
    /** 0-based indices of the raw features kept. */
    kept: number[];
    /** 0-based indices of the raw features dropped as constant. */
    dropped: number[];
    droppedNames: string[];
    /** Per kept feature: value subtracted (mean for zscore, min for minmax, 0 for none). */
    mean: number[];
    /** Same numbers as `mean`, under the name the engine uses. */
    center: number[];
    /** Per kept feature: divisor after centering (population std, max − min, or 1). */
    scale: number[];
  };
  dataset: { id: number | null; name: string; contentHash: string };
  runId: number | null;
  /** `stopReason` and `objective` as in FitSummary (shared/domain/learned-metric.ts): why the fit stopped, its final objective. */
  summary: { iterations: number; converged: boolean; stopReason: StopReason | null; objective: number | null; fitSeconds: number };
  results: unknown;
  created: string;
  appVersion: string | null;
}

/** M = LᵀL, (d, d) row-major. */
export function metricMatrix(metric: LearnedMetric): Float64Array {
  return matmulTransA(metric.L, metric.nComponents, metric.nFeatures, metric.L, metric.nFeatures);
}

export function toRows(data: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from({ length: cols }, (_, j) => data[i * cols + j]!));
  return out;
}

function checkFinite(name: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new RangeError(`export: ${name}[${i}] is ${data[i]}, not a finite number.`);
  }
}

/** Builds the version-1 document (see docs/export-format.md). @throws RangeError on a non-finite entry or bad shapes. */
export function buildMetricDocument(input: MetricExportInput): MetricDocumentV1 {
  const { metric } = input;
  const k = metric.nComponents;
  const d = metric.nFeatures;
  const pre = metric.preprocessing;
  if (metric.L.length !== k * d) throw new RangeError(`export: L has ${metric.L.length} entries, expected ${k}×${d}.`);
  if (pre.kept.length !== d) throw new RangeError(`export: preprocessing keeps ${pre.kept.length} features, L has ${d} columns.`);
  if (input.inputFeatureNames.length !== pre.inputFeatures) {
    throw new RangeError(`export: ${input.inputFeatureNames.length} feature names given for ${pre.inputFeatures} input features.`);
  }
  checkFinite('L', metric.L);
  const M = metricMatrix(metric);
  const center = Array.from(pre.center);
  return {
    schema: METRIC_SCHEMA,
    version: METRIC_SCHEMA_VERSION,
    method: metric.method,
    params: metric.params,
    seed: metric.seed,
    shape: { L: [k, d], M: [d, d] },
    L: toRows(metric.L, k, d),
    M: toRows(M, d, d),
    featureNames: pre.kept.map((f) => input.inputFeatureNames[f]!),
    preprocessing: {
      kind: pre.kind,
      inputFeatures: pre.inputFeatures,
      inputFeatureNames: [...input.inputFeatureNames],
      kept: [...pre.kept],
      dropped: [...pre.dropped],
      droppedNames: pre.dropped.map((f) => input.inputFeatureNames[f]!),
      mean: center,
      center,
      scale: Array.from(pre.scale),
    },
    dataset: { id: input.dataset.id ?? null, name: input.dataset.name, contentHash: input.dataset.contentHash },
    runId: input.runId ?? null,
    summary: {
      iterations: metric.summary.iterations,
      converged: metric.summary.converged,
      stopReason: metric.summary.stopReason,
      objective: metric.summary.objective,
      fitSeconds: metric.summary.fitSeconds,
    },
    results: input.results ?? null,
    created: input.created,
    appVersion: input.appVersion ?? null,
  };
}

/** The arrays the binary formats (npz, mat) hold: L (k, d), M (d, d), mean (d), scale (d), kept (d, 0-based). */
export function metricArrays(metric: LearnedMetric): Record<'L' | 'M' | 'mean' | 'scale' | 'kept', NamedArray> {
  const k = metric.nComponents;
  const d = metric.nFeatures;
  return {
    L: { data: metric.L, shape: [k, d] },
    M: { data: metricMatrix(metric), shape: [d, d] },
    mean: { data: metric.preprocessing.center, shape: [d] },
    scale: { data: metric.preprocessing.scale, shape: [d] },
    kept: { data: Float64Array.from(metric.preprocessing.kept), shape: [d] },
  };
}

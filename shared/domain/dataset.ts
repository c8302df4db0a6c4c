/**
 * The most feature values one dataset may hold: 2³² bytes as float64 (536,870,912 values, e.g. 684,800 rows of 784
 * features), the largest Float64Array the jobs work on. Importers refuse a larger file from its header.
 */
export const MAX_DATASET_VALUES = 2 ** 32 / 8;

/** {@link MAX_DATASET_VALUES} in words, for messages. */
export const MAX_DATASET_VALUES_TEXT = '536,870,912 feature values (4 GiB as float64)';

/**
 * A dataset as the engine sees it: a dense row-major feature matrix plus optional class labels.
 * Row indices are 0-based in the order of the imported file; constraints refer to them.
 */
export interface DatasetMatrix {
  /** Number of samples (rows). */
  nRows: number;
  /** Number of features (columns of `features`). */
  nFeatures: number;
  /** (nRows, nFeatures), row-major: feature f of row i is `features[i * nFeatures + f]`. */
  features: Float64Array;
  /** One name per feature column. */
  featureNames: string[];
  /** Class index per row into `classNames`, or null for an unlabeled dataset. */
  labels: Int32Array | null;
  /** Class names in index order (empty for unlabeled data). */
  classNames: string[];
  /**
   * Numeric regression target per row (nRows entries), or absent / null for a classification or unlabeled dataset.
   * A dataset has class labels or a target, never both.
   */
  targets?: Float64Array | null;
  /** Set for image datasets (e.g. digits 8×8): features are pixels in row-major image order. */
  imageShape?: [number, number] | null;
}

import { columnMeanAndVariance } from '../math/statistics/index.ts';
import type { DatasetTask } from './enums.ts';
import type { DatasetRecord, DatasetSummary, FeatureStats } from './schemas/datasets.ts';

/** What lists and the CLI show about a stored dataset (no feature data). */
export type { DatasetSummary } from './schemas/datasets.ts';

/**
 * The dataset object the CLI prints (`{"dataset": DatasetInfo}`) — a contract scripts rely on; a regression dataset
 * also says its task and its target column (a classification dataset's object is unchanged).
 */
export type DatasetInfo = Pick<DatasetSummary, 'id' | 'name' | 'rows' | 'features' | 'classes' | 'labeled'> &
  Partial<Pick<DatasetSummary, 'task' | 'target'>>;

/** The contract fields of a dataset (extra fields of `dataset` are dropped). */
export function toDatasetInfo(dataset: DatasetSummary): DatasetInfo {
  const info = { id: dataset.id, name: dataset.name, rows: dataset.rows, features: dataset.features, classes: dataset.classes, labeled: dataset.labeled };
  return dataset.task === 'regression' ? { ...info, task: dataset.task, target: dataset.target } : info;
}

/** The summary fields of a stored dataset (what `datasets.list` shows; extra fields of `dataset` are dropped). */
export function toDatasetSummary(dataset: DatasetSummary): DatasetSummary {
  return {
    id: dataset.id,
    name: dataset.name,
    rows: dataset.rows,
    features: dataset.features,
    classes: dataset.classes,
    labeled: dataset.labeled,
    sourceFile: dataset.sourceFile,
    sourceSha256: dataset.sourceSha256,
    contentHash: dataset.contentHash,
    createdAt: dataset.createdAt,
    constraintCount: dataset.constraintCount,
    comparisonCount: dataset.comparisonCount,
    imageShape: dataset.imageShape ?? null,
    task: dataset.task,
    target: dataset.target,
  };
}

/** The summary plus the import metadata the store keeps beside it (`datasets.resolve`; no feature data is read). */
export function toDatasetRecord(dataset: DatasetRecord): DatasetRecord {
  return { ...toDatasetSummary(dataset), featureNames: dataset.featureNames, format: dataset.format, importOptions: dataset.importOptions, warnings: dataset.warnings };
}

/** Per-feature mean, population std (ddof 0), min and max (all 0 for an empty dataset); rows per class. */
export function datasetStatistics(matrix: DatasetMatrix): { stats: FeatureStats[]; classCounts: number[] } {
  const { nRows: n, nFeatures: d, features } = matrix;
  const { mean, variance } = columnMeanAndVariance(features, n, d);
  const stats = matrix.featureNames.map((name, f) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = features[i * d + f]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { name, mean: mean[f]!, std: Math.sqrt(variance[f]!), min: n > 0 ? min : 0, max: n > 0 ? max : 0 };
  });
  const classCounts = matrix.classNames.map(() => 0);
  if (matrix.labels) for (const c of matrix.labels) if (c >= 0 && c < classCounts.length) classCounts[c]!++;
  return { stats, classCounts };
}

/** Copies the rows listed in `rows` (in that order) into a new DatasetMatrix. */
export function selectRows(data: DatasetMatrix, rows: ArrayLike<number>): DatasetMatrix {
  const d = data.nFeatures;
  const features = new Float64Array(rows.length * d);
  const labels = data.labels ? new Int32Array(rows.length) : null;
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r]!;
    features.set(data.features.subarray(src * d, src * d + d), r * d);
    if (labels && data.labels) labels[r] = data.labels[src]!;
  }
  const targets = data.targets ? Float64Array.from(rows, (r) => data.targets![r]!) : null;
  return { ...data, nRows: rows.length, features, labels, ...(targets ? { targets } : {}) };
}

/** A dataset's task: regression when it has a numeric target, else classification (also for unlabeled data). */
export function datasetTask(data: Pick<DatasetMatrix, 'targets'>): DatasetTask {
  return data.targets ? 'regression' : 'classification';
}

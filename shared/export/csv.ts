import type { DatasetMatrix } from '../domain/dataset.ts';
import type { LearnedMetric } from '../domain/learned-metric.ts';
import { matmulTransB } from '../math/dense/index.ts';
import { metricMatrix } from './metric-record.ts';

/** RFC 4180 field: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const csvLine = (fields: readonly string[]): string => fields.map(csvField).join(',') + '\n';

/**
 * L and M in one CSV file:
 *
 *   matrix,row,<feature 1>,…,<feature d>
 *   L,component_1,…            k rows of L
 *   M,<feature 1>,…            d rows of M = LᵀL
 *
 * The feature names are those of the kept features (the columns of L). In pandas:
 * `df = pd.read_csv(p); L = df[df.matrix == 'L'].iloc[:, 2:].to_numpy()`.
 */
export function exportCsv(metric: LearnedMetric, inputFeatureNames: readonly string[]): string {
  const k = metric.nComponents;
  const d = metric.nFeatures;
  const names = metric.preprocessing.kept.map((f) => inputFeatureNames[f] ?? `feature_${f + 1}`);
  const M = metricMatrix(metric);
  let out = csvLine(['matrix', 'row', ...names]);
  for (let i = 0; i < k; i++) {
    out += csvLine(['L', `component_${i + 1}`, ...Array.from(metric.L.subarray(i * d, i * d + d), String)]);
  }
  for (let i = 0; i < d; i++) {
    out += csvLine(['M', names[i]!, ...Array.from(M.subarray(i * d, i * d + d), String)]);
  }
  return out;
}

/**
 * Applies a metric's preprocessing to raw rows: z[f] = (x[kept[f]] − center[f]) / scale[f]. (n, d).
 * @throws RangeError when the data does not have the metric's number of input features.
 */
export function preprocessRows(data: DatasetMatrix, metric: LearnedMetric): Float64Array {
  const pre = metric.preprocessing;
  if (data.nFeatures !== pre.inputFeatures) {
    throw new RangeError(`export: the dataset has ${data.nFeatures} features, the metric expects ${pre.inputFeatures}.`);
  }
  const d = pre.kept.length;
  const Z = new Float64Array(data.nRows * d); // (n, d)
  for (let i = 0; i < data.nRows; i++) {
    for (let f = 0; f < d; f++) {
      Z[i * d + f] = (data.features[i * data.nFeatures + pre.kept[f]!]! - pre.center[f]!) / pre.scale[f]!;
    }
  }
  return Z;
}

/**
 * The dataset in the learned space: the preprocessed features times Lᵀ, one row per sample, header
 * `component_1,…,component_k[,label]` (the label column holds class names, only for labeled data).
 */
export function exportTransformedCsv(data: DatasetMatrix, metric: LearnedMetric): string {
  const k = metric.nComponents;
  const Z = preprocessRows(data, metric);
  const Y = matmulTransB(Z, data.nRows, metric.nFeatures, metric.L, k); // (n, k)
  const labeled = data.labels !== null;
  let out = csvLine([...Array.from({ length: k }, (_, c) => `component_${c + 1}`), ...(labeled ? ['label'] : [])]);
  for (let i = 0; i < data.nRows; i++) {
    const row = Array.from(Y.subarray(i * k, i * k + k), String);
    if (labeled) row.push(data.classNames[data.labels![i]!] ?? String(data.labels![i]));
    out += csvLine(row);
  }
  return out;
}

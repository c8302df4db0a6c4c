import type { DatasetMatrix } from '../../../shared/domain/dataset.ts';
import { loadSample } from '../../jobs/helpers.ts';

/**
 * A bundled sample split in two datasets with the same features: rows with index % 3 === 0 are the test set, the
 * others the training set (digits: 1198 / 599 rows), as a held-out test set comes with its own file.
 */
export function splitDataset(name: 'iris' | 'wine' | 'digits' | 'breast_cancer'): { train: DatasetMatrix; test: DatasetMatrix } {
  const all = loadSample(name);
  const pick = (keep: (i: number) => boolean): DatasetMatrix => {
    const rows = [...Array(all.nRows).keys()].filter(keep);
    const d = all.nFeatures;
    const features = new Float64Array(rows.length * d);
    rows.forEach((i, r) => features.set(all.features.subarray(i * d, (i + 1) * d), r * d));
    return { ...all, nRows: rows.length, features, labels: Int32Array.from(rows, (i) => all.labels![i]!) };
  };
  return { train: pick((i) => i % 3 !== 0), test: pick((i) => i % 3 === 0) };
}

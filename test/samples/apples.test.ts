import { describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { evaluateMethod } from '../../shared/engine/evaluation/evaluate.ts';
import { stratifiedKFold } from '../../shared/engine/evaluation/folds.ts';
import { knnPredict } from '../../shared/engine/evaluation/knn.ts';
import {
  APPLE_FEATURES,
  APPLE_VARIETIES,
  APPLES_DEFAULT_ROWS,
  generateApples,
} from '../../shared/samples/apples.ts';

/** Mean 5-fold (stratified, seed 0) accuracy of 3-NN on the columns `columns`, after `scale` per column. */
function knnAccuracy(data: DatasetMatrix, columns: number[], scale: (f: number) => number = () => 1): number {
  const { nRows: n, nFeatures: d } = data;
  const labels = data.labels!;
  const k = columns.length;
  const x = new Float64Array(n * k); // (n, k)
  for (let i = 0; i < n; i++) columns.forEach((f, c) => (x[i * k + c] = data.features[i * d + f]! * scale(f)));
  let correct = 0;
  for (const { train, test } of stratifiedKFold(labels, 5, 0)) {
    const pick = (rows: Int32Array) => {
      const out = new Float64Array(rows.length * k);
      rows.forEach((r, i) => out.set(x.subarray(r * k, r * k + k), i * k));
      return out;
    };
    const predicted = knnPredict(pick(train), Int32Array.from(train, (r) => labels[r]!), train.length, pick(test), test.length, k, 3);
    test.forEach((r, i) => (correct += predicted[i] === labels[r] ? 1 : 0));
  }
  return correct / n;
}

/** 1 / standard deviation of each feature (z-scoring; the shift does not change distances). */
function inverseStd(data: DatasetMatrix): (f: number) => number {
  const { nRows: n, nFeatures: d, features } = data;
  const inv = Array.from({ length: d }, (_, f) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += features[i * d + f]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (features[i * d + f]! - mean) ** 2;
    return 1 / Math.sqrt(v / n);
  });
  return (f) => inv[f]!;
}

const all = APPLE_FEATURES.map((_, f) => f);

describe('apples sample generator', () => {
  const apples = generateApples();

  it('has the documented shape: 300 rows, 12 named features, 3 balanced varieties', () => {
    expect(apples.nRows).toBe(APPLES_DEFAULT_ROWS);
    expect(apples.nRows).toBe(300);
    expect(apples.featureNames).toEqual([...APPLE_FEATURES]);
    expect(apples.featureNames.slice(0, 3)).toEqual(['redness', 'size_mm', 'weight_g']);
    expect(apples.classNames).toEqual([...APPLE_VARIETIES]);
    const counts = [0, 0, 0];
    for (const c of apples.labels!) counts[c]!++;
    expect(counts).toEqual([100, 100, 100]);
    expect(apples.features.every(Number.isFinite)).toBe(true);
  });

  it('is deterministic from the seed and changes with it', () => {
    expect(generateApples()).toEqual(apples);
    expect(generateApples({ seed: 8 }).features).not.toEqual(apples.features);
    expect(generateApples({ seed: 3, rows: 30 }).nRows).toBe(30);
    expect(() => generateApples({ rows: 2 })).toThrow(new RangeError('rows must be an integer ≥ 3, got 2'));
  });

  it('size and weight are on far larger scales than redness', () => {
    const sd = inverseStd(apples);
    expect(1 / sd(0)).toBeLessThan(0.5); // redness
    expect(1 / sd(1)).toBeGreaterThan(5); // size_mm
    expect(1 / sd(2)).toBeGreaterThan(30); // weight_g
  });

  it('Euclidean 3-NN is poor on raw features (≤ 60 %) and after z-scoring (≤ 70 %); color alone is ≥ 95 %', () => {
    const raw = knnAccuracy(apples, all);
    const zscored = knnAccuracy(apples, all, inverseStd(apples));
    const colorOnly = knnAccuracy(apples, [0]);
    // A diagonal metric that weights redness 100× over the z-scored noise features:
    const sd = inverseStd(apples);
    const weighted = knnAccuracy(apples, all, (f) => sd(f) * (f === 0 ? 100 : 1));
    console.info(
      `apples 3-NN, 5-fold: raw ${(100 * raw).toFixed(1)} %, z-scored ${(100 * zscored).toFixed(1)} %, ` +
        `redness only ${(100 * colorOnly).toFixed(1)} %, z-scored with redness ×100 ${(100 * weighted).toFixed(1)} %`,
    );
    expect(raw).toBeLessThanOrEqual(0.6);
    expect(zscored).toBeLessThanOrEqual(0.7);
    expect(colorOnly).toBeGreaterThanOrEqual(0.95);
    expect(weighted).toBeGreaterThanOrEqual(0.95);
  });

  it('the gap holds for other seeds too (not a lucky default)', () => {
    for (const seed of [1, 2, 3]) {
      const data = generateApples({ seed });
      const zscored = knnAccuracy(data, all, inverseStd(data));
      const colorOnly = knnAccuracy(data, [0]);
      expect(colorOnly - zscored).toBeGreaterThan(0.2);
      expect(knnAccuracy(data, all)).toBeLessThanOrEqual(0.6);
    }
  });
});

describe('apples through the engine evaluation (5-fold, 3-NN)', () => {
  const apples = generateApples();
  const accuracy = (method: string, preprocess: 'none' | 'zscore') =>
    evaluateMethod(apples, { method, preprocess, protocol: { preprocess } }).accuracy!.mean;

  it('Euclidean is poor raw and z-scored; a learned diagonal metric (MMC-diagonal) is near-perfect', () => {
    const raw = accuracy('euclidean', 'none');
    const zscored = accuracy('euclidean', 'zscore');
    const diagonal = accuracy('mmc-diagonal', 'zscore');
    console.info(
      `apples evaluateMethod: euclidean raw ${(100 * raw).toFixed(1)} %, euclidean z-scored ${(100 * zscored).toFixed(1)} %, ` +
        `mmc-diagonal ${(100 * diagonal).toFixed(1)} %`,
    );
    expect(raw).toBeLessThanOrEqual(0.6);
    expect(zscored).toBeLessThanOrEqual(0.7);
    expect(diagonal).toBeGreaterThanOrEqual(0.95);
  });
});

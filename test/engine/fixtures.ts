/** Small deterministic datasets for engine tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { TrainingData } from '../../shared/engine/learner.ts';
import { createRng } from '../../shared/math/random/seeded-random.ts';

/**
 * `perClass` rows per class around class centers spaced `separation` apart along alternating axes, Gaussian
 * noise of unit scale, plus `noiseFeatures` pure-noise features. Seeded.
 */
export function blobs(options: { classes?: number; perClass?: number; features?: number; separation?: number; seed?: number } = {}): DatasetMatrix {
  const { classes = 3, perClass = 8, features = 4, separation = 4, seed = 1 } = options;
  const rng = createRng(seed);
  const n = classes * perClass;
  const X = new Float64Array(n * features);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let f = 0; f < features; f++) {
      const center = f === c % features ? separation * (1 + Math.floor(c / features)) : 0;
      X[i * features + f] = center + rng.normal() * (f === features - 1 ? 3 : 1);
    }
  }
  return {
    nRows: n,
    nFeatures: features,
    features: X,
    featureNames: Array.from({ length: features }, (_, f) => `f${f}`),
    labels,
    classNames: Array.from({ length: classes }, (_, c) => `class ${c}`),
  };
}

/** Reads a numeric CSV with a header whose last column is an integer label (class names "0", "1", …). */
export function csvDataset(path: string): DatasetMatrix {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const d = header.length - 1;
  const n = lines.length - 1;
  const features = new Float64Array(n * d);
  const labels = new Int32Array(n);
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map(Number);
    for (let f = 0; f < d; f++) features[i * d + f] = cells[f]!;
    labels[i] = cells[d]!;
  });
  const nClasses = Math.max(...labels) + 1;
  return { nRows: n, nFeatures: d, features, featureNames: header.slice(0, d), labels, classNames: Array.from({ length: nClasses }, (_, c) => String(c)) };
}

/** Reads one of the bundled sample CSVs (numeric features, last column = integer label). */
export function sampleDataset(name: 'iris' | 'wine' | 'breast_cancer' | 'digits'): DatasetMatrix {
  return csvDataset(join(import.meta.dirname, '..', '..', 'src-main', 'samples', 'data', `${name}.csv`));
}

/** Random (m, n) matrix with entries uniform in [−1, 1). */
export function randomMatrix(m: number, n: number, seed = 7): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: m * n }, () => 2 * rng.next() - 1);
}

/** Largest absolute entry-wise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Gaussian classes (row i in class i mod `classes`) around seeded random centers `spread` apart; (n, d) row-major. */
export function gaussianClasses(n: number, d: number, classes: number, seed: number, spread = 1.5): TrainingData {
  const rng = createRng(seed);
  const centers = Float64Array.from({ length: classes * d }, () => rng.normal() * spread);
  const X = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let f = 0; f < d; f++) X[i * d + f] = centers[c * d + f]! + rng.normal();
  }
  return { X, n, d, labels, nClasses: classes, pairs: null };
}

/** Random (k, d) linear map with standard normal entries times `scale`. Seeded. */
export function randomL(k: number, d: number, seed: number, scale = 0.5): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: k * d }, () => rng.normal() * scale);
}

/** ‖a − b‖ / ‖b‖ (Euclidean norms over all entries). */
export function relativeError(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < a.length; t++) {
    num += (a[t]! - b[t]!) ** 2;
    den += b[t]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Q·diag(values)·Qᵀ for a seeded random orthogonal Q (Gram–Schmidt, twice over, of a normal matrix). */
export function withSpectrum(values: number[], seed: number): Float64Array {
  const n = values.length;
  const rng = createRng(seed);
  const Q = new Float64Array(n * n); // columns orthonormal
  for (let j = 0; j < n; j++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Q[i * n + p]! * v[i]!;
        for (let i = 0; i < n; i++) v[i]! -= s * Q[i * n + p]!;
      }
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) Q[i * n + j] = v[i]! / norm;
  }
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let p = 0; p < n; p++) S[i * n + j]! += Q[i * n + p]! * values[p]! * Q[j * n + p]!;
  return S;
}

import { describe, expect, it } from 'vitest';
import { evaluateMethod } from '../../shared/engine/evaluation/evaluate.ts';
import { sweepConstraints } from '../../shared/engine/sweep.ts';
import { fitMetric, prepareFit, runPreparedFit } from '../../shared/engine/fit.ts';
import { buildMetricDocument } from '../../shared/export/metric-record.ts';
import { ProtocolSchema } from '../../shared/ipc/schemas.ts';
import { transform } from '../../shared/metric/mahalanobis.ts';
import { ValidationError } from '../../shared/errors.ts';
import { sampleDataset } from './fixtures.ts';

const wine = sampleDataset('wine');

/** Y = X·Lᵀ (n, k) for X (n, d), L (k, d). */
function mapRows(X: Float64Array, n: number, d: number, L: Float64Array, k: number): Float64Array {
  const Y = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) for (let f = 0; f < d; f++) Y[i * k + r]! += X[i * d + f]! * L[r * d + f]!;
  return Y;
}

function expectClose(actual: Float64Array, expected: Float64Array, relTol: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(relTol * scale);
}

describe('PCA first (reduce)', () => {
  it('fits the learner on the top K principal directions and returns L·P, which maps raw rows as the learner mapped its rows', () => {
    const prepared = prepareFit(wine, { method: 'lmnn', seed: 0, reduce: 5 });
    expect(prepared.training.d).toBe(5);
    expect(prepared.projection).toHaveLength(5 * 13);
    // The learner's own L (k, 5) over the rows it saw (the projected ones), fitted again: same bits (deterministic).
    const own = prepared.learner.fit(prepared.training, prepared.params, { seed: 0, hooks: {} });
    const metric = runPreparedFit(prepared);
    expect(metric.nFeatures).toBe(13);
    expect(metric.L).toHaveLength(metric.nComponents * 13);
    const learnerSpace = mapRows(prepared.training.X, wine.nRows, 5, own.L, own.nComponents);
    // The app's transform of the raw rows (preprocessing, then the composed L).
    const app = transform(metric, wine.features, wine.nRows);
    expectClose(app, learnerSpace, 1e-12);
    // The export: raw rows → (x[kept] − mean) / scale → · Lᵀ with the document's arrays gives the same rows.
    const doc = buildMetricDocument({ metric, inputFeatureNames: wine.featureNames, dataset: { name: 'wine', contentHash: 'x' }, created: 'now' });
    const { kept, mean, scale } = doc.preprocessing;
    const Z = new Float64Array(wine.nRows * kept.length);
    for (let i = 0; i < wine.nRows; i++) kept.forEach((f, j) => (Z[i * kept.length + j] = (wine.features[i * wine.nFeatures + f]! - mean[j]!) / scale[j]!));
    expectClose(mapRows(Z, wine.nRows, kept.length, Float64Array.from(doc.L.flat()), doc.L.length), app, 1e-12);
  });

  it('with K = every feature is a rotation (the Euclidean 5-fold kNN figures are those without PCA); with fewer, Euclidean is PCA', () => {
    const plain = evaluateMethod(wine, { method: 'euclidean' });
    const rotated = evaluateMethod(wine, { method: 'euclidean', protocol: { reduce: 13 } });
    expect(rotated.protocol.reduce).toBe(13);
    expect(rotated.accuracy!.folds).toEqual(plain.accuracy!.folds);
    // With K < features the Euclidean metric after PCA is the pca learner's projection itself.
    const fewer = fitMetric(wine, { method: 'euclidean', reduce: 2 });
    expect(fewer.nComponents).toBe(2);
    expect(Array.from(fewer.L)).toEqual(Array.from(fitMetric(wine, { method: 'pca', params: { components: 2 } }).L));
  });

  it('refuses K above the features left after preprocessing, naming the field', () => {
    expect(() => fitMetric(wine, { method: 'itml', reduce: 14 })).toThrow(ValidationError);
    expect(() => fitMetric(wine, { method: 'itml', reduce: 14 })).toThrow(/reduce must be an integer from 1 to 13 \(the features left after 'zscore' preprocessing on the fitting rows\), got 14/);
    expect(() => evaluateMethod(wine, { method: 'lmnn', protocol: { reduce: 20 } })).toThrow(/reduce must be an integer from 1 to 13/);
    const wire = ProtocolSchema.safeParse({ reduce: 0 });
    expect(wire.success).toBe(false);
    expect(wire.error!.issues[0]!.path).toEqual(['reduce']);
  });

  it('is reproducible: the same protocol gives the same bits', () => {
    const a = evaluateMethod(wine, { method: 'itml', seed: 3, protocol: { reduce: 4 } });
    const b = evaluateMethod(wine, { method: 'itml', seed: 3, protocol: { reduce: 4 } });
    expect(b.accuracy).toEqual(a.accuracy);
    expect(Array.from(fitMetric(wine, { method: 'itml', seed: 3, reduce: 4 }).L)).toEqual(Array.from(fitMetric(wine, { method: 'itml', seed: 3, reduce: 4 }).L));
  });

  it('reaches a sweep, suggested (active) pairs included: every point is evaluated after the same PCA', () => {
    const sweep = sweepConstraints(wine, { method: 'itml', counts: [0, 10], seeds: 1, protocol: { reduce: 3, folds: 3 }, constraintSource: 'suggested' });
    expect(sweep.protocol.reduce).toBe(3);
    // N = 0 is the Euclidean metric after PCA to 3: the same figures as evaluating it directly.
    const direct = evaluateMethod(wine, { method: 'euclidean', protocol: { reduce: 3, folds: 3 } });
    expect(sweep.points[0]!.accuracies).toEqual([direct.accuracy!.mean]);
    expect(sweep.points[1]!.mean).not.toBeNull();
  });
});

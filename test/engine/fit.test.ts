import { describe, expect, it } from 'vitest';
import { ConstraintError, ValidationError } from '../../shared/errors.ts';
import { fitMetric, prepareFit } from '../../shared/engine/fit.ts';
import { selectRows } from '../../shared/domain/dataset.ts';
import { blobs } from './fixtures.ts';

describe('fitMetric', () => {
  const data = blobs();

  it('returns a LearnedMetric with preprocessing, validated params and a timed summary', () => {
    const metric = fitMetric(data, { method: 'pca', params: { components: 2 } });
    expect(metric.method).toBe('pca');
    expect(metric.params).toEqual({ components: 2, whiten: false });
    expect(metric.seed).toBe(0);
    expect(metric.nComponents).toBe(2);
    expect(metric.nFeatures).toBe(4);
    expect(metric.L.length).toBe(8);
    expect(metric.preprocessing.kind).toBe('zscore');
    expect(metric.summary.iterations).toBe(1);
    expect(metric.summary.fitSeconds).toBeGreaterThanOrEqual(0);
  });

  it('fits the preprocessing on the given rows and drops constant features', () => {
    const withConstant = { ...data, nFeatures: 5, featureNames: [...data.featureNames, 'c'], features: new Float64Array(data.nRows * 5) };
    for (let i = 0; i < data.nRows; i++) {
      withConstant.features.set(data.features.subarray(i * 4, i * 4 + 4), i * 5);
      withConstant.features[i * 5 + 4] = 3;
    }
    const metric = fitMetric(withConstant, { method: 'euclidean', preprocess: 'minmax' });
    expect(metric.preprocessing.dropped).toEqual([4]);
    expect(metric.nFeatures).toBe(4);
    expect(fitMetric(withConstant, { method: 'euclidean', preprocess: 'none' }).nFeatures).toBe(5);
  });

  it('fits on selected rows read in place exactly as on a copy of them (labels, pairs, preprocessing, X)', () => {
    const rows = Array.from({ length: data.nRows }, (_, i) => (i * 7) % data.nRows).filter((_, i) => i % 3 !== 0);
    const copy = selectRows(data, rows);
    for (const method of ['lda', 'itml', 'euclidean']) {
      const inPlace = prepareFit(data, { method, seed: 3 }, rows);
      const copied = prepareFit(copy, { method, seed: 3 });
      expect(inPlace.training, method).toEqual(copied.training);
      expect(inPlace.preprocessing, method).toEqual(copied.preprocessing);
    }
    const hand = [{ i: 0, j: 1, kind: 'must' as const }, { i: 2, j: rows.length - 1, kind: 'cannot' as const }];
    expect(prepareFit(data, { method: 'itml', constraints: hand }, rows).training.pairs).toEqual(prepareFit(copy, { method: 'itml', constraints: hand }).training.pairs);
    expect(() => prepareFit(data, { method: 'itml', constraints: [{ i: 0, j: rows.length, kind: 'must' }] }, rows)).toThrow(ConstraintError);
  });

  it('gives label learners the labels and pair learners pairs (generated, or the user’s own)', () => {
    const labelsFit = prepareFit(data, { method: 'lda' });
    expect(labelsFit.training.labels).toBe(data.labels);
    expect(labelsFit.training.pairs).toBeNull();
    const generated = prepareFit(data, { method: 'itml' });
    expect(generated.constraintSource).toBe('generated');
    expect(generated.training.labels).toBeNull();
    expect(generated.training.pairs!.left.length).toBeGreaterThan(0);
    const labeled = prepareFit(data, {
      method: 'itml',
      constraints: [
        { i: 0, j: 3, kind: 'must' },
        { i: 0, j: 1, kind: 'cannot' },
      ],
    });
    expect(labeled.constraintSource).toBe('labeled');
    expect(Array.from(labeled.training.pairs!.similar)).toEqual([1, 0]);
    const forced = prepareFit(data, { method: 'itml', constraintSource: 'generated', constraints: [{ i: 0, j: 3, kind: 'must' }], pairCount: 5 });
    expect(forced.training.pairs!.left.length).toBe(10);
  });

  it('rejects bad specs with exact messages', () => {
    expect(() => fitMetric(data, { method: 'nope' })).toThrow(
      new ValidationError('Unknown method \'nope\'. Known methods: euclidean, covariance, pca, lda, nca, mmc, mmc-diagonal, itml, lmnn, mlkr.'),
    );
    expect(() => fitMetric(data, { method: 'pca', params: { components: 0 } })).toThrow(
      new ValidationError("pca: parameter 'components' must be an integer ≥ 1 (or null), got 0."),
    );
    expect(() => fitMetric(data, { method: 'pca', params: { colour: 1 } })).toThrow(
      new ValidationError("pca: unknown parameter 'colour'. Known parameters: components, whiten."),
    );
    expect(() => fitMetric(data, { method: 'pca', seed: -1 })).toThrow(new ValidationError('seed must be an integer in 0…4294967295, got -1.'));
    expect(() => fitMetric({ ...data, labels: null }, { method: 'lda' })).toThrow(
      new ValidationError('lda learns from class labels, but the dataset has none.'),
    );
    expect(() => fitMetric({ ...data, labels: null }, { method: 'itml' })).toThrow(
      new ValidationError('itml learns from must-link / cannot-link pairs: label some pairs, or use a dataset with class labels to generate them.'),
    );
    expect(() => fitMetric(data, { method: 'itml', constraintSource: 'labeled' })).toThrow(
      new ValidationError('itml was asked to use labeled constraints, but the dataset has no labeled pairs.'),
    );
    expect(() => fitMetric(data, { method: 'itml', constraints: [{ i: 0, j: 99, kind: 'must' }] })).toThrow(
      new ConstraintError('Constraint 0 (0, 99): row 99 is outside 0…23.'),
    );
  });
});

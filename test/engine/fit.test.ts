import { describe, expect, it } from 'vitest';
import { ConstraintError, ValidationError } from '../../shared/errors.ts';
import { fitMetric, prepareFit, subsampleRows } from '../../shared/engine/fit.ts';
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

  it('with overwriteFeatures, preprocesses over the raw rows and learns the same metric, bit for bit', () => {
    const withConstant = { ...data, nFeatures: 5, featureNames: [...data.featureNames, 'c'], features: new Float64Array(data.nRows * 5) };
    for (let i = 0; i < data.nRows; i++) {
      withConstant.features.set(data.features.subarray(i * 4, i * 4 + 4), i * 5);
      withConstant.features[i * 5 + 4] = 3;
    }
    const spec = { method: 'nca', params: { components: 2, maxIter: 20 } };
    const onCopy = fitMetric({ ...withConstant, features: Float64Array.from(withConstant.features) }, spec);
    const raw = withConstant.features;
    const overwritten = fitMetric(withConstant, spec, {}, { overwriteFeatures: true });
    expect(Array.from(overwritten.L)).toEqual(Array.from(onCopy.L));
    expect(overwritten.summary.objective).toBe(onCopy.summary.objective);
    // The raw rows now hold the z-scored ones (the constant feature dropped), as the metric's preprocessing maps them.
    const first = (data.features[0]! - overwritten.preprocessing.center[0]!) / overwritten.preprocessing.scale[0]!;
    expect(raw[0]).toBe(first);
    expect(raw[4]).toBe((data.features[4]! - overwritten.preprocessing.center[0]!) / overwritten.preprocessing.scale[0]!);
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

  it('gives chunklet, triplet and quadruplet learners supervision generated from the training labels, seeded', () => {
    const rows = Array.from({ length: data.nRows - 3 }, (_, i) => i + 3);
    const rca = prepareFit(data, { method: 'rca', seed: 2 }, rows);
    const chunks = rca.training.chunklets!;
    expect(chunks).toHaveLength(rows.length);
    // 21 rows, 7 per class: at most 3 chunklets of 2 per class, so 9 of the 100 asked, with the warning.
    expect(Math.max(...chunks) + 1).toBe(9);
    expect(rca.warnings).toEqual(['Only 9 chunklets of 2 rows could be drawn from the class labels (100 asked).']);
    expect(prepareFit(data, { method: 'rca', seed: 2 }, rows).training.chunklets).toEqual(chunks);
    expect(prepareFit(data, { method: 'rca', seed: 2, pairCount: 4 }, rows).training.chunklets!.filter((c) => c >= 0)).toHaveLength(8);
    const fromParams = prepareFit(data, { method: 'rca', seed: 2, params: { numChunks: 3, chunkSize: 3 } }, rows).training.chunklets!;
    expect(fromParams.filter((c) => c >= 0)).toHaveLength(9);
    const lsml = prepareFit(data, { method: 'lsml', seed: 1 });
    // 20·C² = 180 asked; the 24 rows allow 168 ordered same-class pairs, of which the sampler draws 160.
    expect(lsml.training.quadruplets).toHaveLength(4 * 160);
    expect(lsml.warnings).toEqual(['Only 160 quadruplets could be drawn from the class labels (180 asked).']);
    expect(lsml.training.labels).toBe(data.labels);
    // scml: every (3 genuine) × (10 impostor) nearest-neighbour triplet of each of the 24 rows.
    expect(prepareFit(data, { method: 'scml' }).training.triplets).toHaveLength(3 * 24 * 3 * 10);
    expect(prepareFit(data, { method: 'scml', pairCount: 50 }).training.triplets).toHaveLength(150);
    expect(prepareFit(data, { method: 'scml', params: { kGenuine: 2, kImpostor: 4 } }).training.triplets).toHaveLength(3 * 24 * 2 * 4);
    const unlabeled = { ...data, labels: null };
    expect(() => prepareFit(unlabeled, { method: 'lsml' })).toThrow(new ValidationError('lsml learns from quadruplets: label some in the dataset, or use a dataset with class labels to generate them.'));
  });

  it('rejects bad specs with exact messages', () => {
    expect(() => fitMetric(data, { method: 'nope' })).toThrow(
      new ValidationError('Unknown method \'nope\'. Known methods: euclidean, covariance, pca, lda, nca, mmc, mmc-diagonal, itml, lmnn, rca, lfda, sdml, lsml, scml, mlkr.'),
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

describe('fitting on a subsample of the rows', () => {
  const data = blobs();

  it('draws distinct rows in ascending order, the same for a seed and different for another', () => {
    const rows = subsampleRows(1000, 100, 4);
    expect(rows.length).toBe(100);
    expect(new Set(rows).size).toBe(100);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!).toBeGreaterThan(rows[i - 1]!);
    expect(rows[0]!).toBeGreaterThanOrEqual(0);
    expect(rows.at(-1)!).toBeLessThan(1000);
    expect(subsampleRows(1000, 100, 4)).toEqual(rows);
    expect(subsampleRows(1000, 100, 5)).not.toEqual(rows);
    expect(() => subsampleRows(10, 10, 0)).toThrow(ValidationError);
    expect(() => subsampleRows(10, 1, 0)).toThrow(ValidationError);
  });

  it('is the fit on a copy of the drawn rows, bit for bit (labels and generated pairs)', () => {
    const count = Math.floor(data.nRows / 2);
    const copy = selectRows(data, subsampleRows(data.nRows, count, 3));
    for (const method of ['nca', 'itml', 'pca']) {
      const sub = fitMetric(data, { method, seed: 3, subsample: count, params: method === 'nca' ? { maxIter: 5 } : {} });
      const whole = fitMetric(copy, { method, seed: 3, params: method === 'nca' ? { maxIter: 5 } : {} });
      expect(Array.from(sub.L)).toEqual(Array.from(whole.L));
      expect(sub.preprocessing).toEqual(whole.preprocessing);
    }
  });

  it('refuses hand-labeled pairs, whose row indices are of the whole dataset', () => {
    const hand = [{ i: 0, j: 1, kind: 'must' as const }, { i: 0, j: data.nRows - 1, kind: 'cannot' as const }];
    expect(() => fitMetric(data, { method: 'itml', constraints: hand, subsample: 20 })).toThrow(/hand-labeled ones name rows of the whole dataset/);
    // A learner of class labels ignores the dataset's pairs.
    expect(fitMetric(data, { method: 'lda', constraints: hand, subsample: 20 }).nFeatures).toBe(data.nFeatures);
  });
});

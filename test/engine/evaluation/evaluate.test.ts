import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../../shared/domain/constraints.ts';
import { selectRows } from '../../../shared/domain/dataset.ts';
import { JobCancelledError, ValidationError } from '../../../shared/errors.ts';
import { compareMethods, evaluateMethod, stratifiedKFold } from '../../../shared/engine/evaluation/index.ts';
import { accuracyScore, knnPredict } from '../../../shared/engine/evaluation/knn.ts';
import { applyPreprocessing, fitPreprocessing } from '../../../shared/engine/preprocess.ts';
import { blobs, sampleDataset } from '../fixtures.ts';

describe('evaluateMethod', () => {
  const data = blobs({ perClass: 10 });

  it('returns the CLI evaluation shape with fractions in [0, 1]', () => {
    const r = evaluateMethod(data, { method: 'euclidean', dataset: 7 });
    expect(Object.keys(r).sort()).toEqual(
      ['accuracy', 'ari', 'dataset', 'fitSeconds', 'folds', 'mapAtR', 'method', 'nmi', 'pairAuc', 'pairAucPairs', 'pairAucSource', 'params', 'precisionAt1', 'protocol', 'supervision'].sort(),
    );
    expect(r.dataset).toBe(7);
    expect(r.protocol).toEqual({ folds: 5, k: 3, seed: 0, preprocess: 'zscore' });
    expect(r.accuracy!.folds).toHaveLength(5);
    expect(r.fitSeconds.folds).toHaveLength(5);
    for (const v of [r.accuracy!.mean, r.nmi, r.precisionAt1!, r.mapAtR!, r.pairAuc!]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const mean = r.accuracy!.folds.reduce((a, b) => a + b, 0) / 5;
    expect(r.accuracy!.mean).toBeCloseTo(mean, 14);
    expect(r.accuracy!.std).toBeCloseTo(Math.sqrt(r.accuracy!.folds.reduce((s, a) => s + (a - mean) ** 2, 0) / 5), 14);
    expect(r.folds.map((f) => f.trainSize + f.testSize)).toEqual([30, 30, 30, 30, 30]);
  });

  it('fits preprocessing on the training part only', () => {
    // Feature 1 is 0 except on row 4: constant on every training part that lacks row 4.
    const X = Float64Array.from(data.features);
    const d = data.nFeatures;
    for (let i = 0; i < data.nRows; i++) X[i * d + 1] = i === 4 ? 50 : 0;
    const spiked = { ...data, features: X };
    const r = evaluateMethod(spiked, { method: 'euclidean' });
    const splits = stratifiedKFold(data.labels!, 5, 0);
    splits.forEach((split, f) => {
      const rowInTest = Array.from(split.test).includes(4);
      expect(r.folds[f]!.droppedFeatures).toEqual(rowInTest ? [1] : []);
      // The fold accuracy is what a train-only z-score + 3-NN gives.
      const train = selectRows(spiked, split.train);
      const test = selectRows(spiked, split.test);
      const p = fitPreprocessing(train.features, train.nRows, d, 'zscore');
      const k = p.kept.length;
      const predicted = knnPredict(applyPreprocessing(p, train.features, train.nRows), train.labels!, train.nRows, applyPreprocessing(p, test.features, test.nRows), test.nRows, k, 3);
      expect(r.folds[f]!.accuracy).toBe(accuracyScore(predicted, test.labels!));
    });
  });

  it('restricts hand-labeled constraints to the training part and scores held-out ones', () => {
    const constraints: PairConstraint[] = [];
    for (let i = 0; i < data.nRows; i++) {
      for (let j = i + 1; j < data.nRows; j += 7) constraints.push({ i, j, kind: data.labels![i] === data.labels![j] ? 'must' : 'cannot' });
    }
    const r = evaluateMethod(data, { method: 'itml', constraints });
    const splits = stratifiedKFold(data.labels!, 5, 0);
    splits.forEach((split, f) => {
      const train = new Set(split.train);
      const test = new Set(split.test);
      expect(r.folds[f]!.trainPairs).toBe(constraints.filter((c) => train.has(c.i) && train.has(c.j)).length);
      expect(r.folds[f]!.testPairs).toBe(constraints.filter((c) => test.has(c.i) && test.has(c.j)).length);
    });
    expect(r.pairAucPairs).toBe(r.folds.reduce((n, f) => n + (f.pairAuc === null ? 0 : f.testPairs), 0));
    expect(r.pairAucSource).toBe('labeled');
    expect(r.supervision).toEqual({ kind: 'pairs', source: 'labeled', count: constraints.length });
  });

  it('scores every method of a comparison on the same held-out pairs, whatever each learned from', () => {
    const constraints: PairConstraint[] = [];
    for (let i = 0; i < data.nRows; i++) {
      for (let j = i + 1; j < data.nRows; j += 5) constraints.push({ i, j, kind: data.labels![i] === data.labels![j] ? 'must' : 'cannot' });
    }
    // ITML on generated pairs, Euclidean and ITML on the hand labels: all scored on the held-out hand labels.
    const generated = evaluateMethod(data, { method: 'itml', constraintSource: 'generated', constraints, heldOutPairs: 'labeled' });
    const labeled = evaluateMethod(data, { method: 'itml', constraints, heldOutPairs: 'labeled' });
    const euclidean = evaluateMethod(data, { method: 'euclidean', constraints, heldOutPairs: 'labeled' });
    for (const r of [generated, labeled, euclidean]) {
      expect(r.pairAucSource).toBe('labeled');
      expect(r.folds.map((f) => f.testPairs)).toEqual(labeled.folds.map((f) => f.testPairs));
      expect(r.pairAucPairs).toBe(labeled.pairAucPairs);
    }
    expect(generated.supervision).toEqual({ kind: 'pairs', source: 'generated', perFold: generated.folds[0]!.trainPairs });
    expect(euclidean.supervision).toEqual({ kind: 'none' });
    // Without heldOutPairs, a run on generated pairs is scored on pairs generated from the test labels.
    const own = evaluateMethod(data, { method: 'itml', constraintSource: 'generated', constraints });
    expect(own.pairAucSource).toBe('generated');
    expect(own.pairAucPairs).not.toBe(labeled.pairAucPairs);
    expect(evaluateMethod(data, { method: 'lmnn', protocol: { folds: 3 } }).supervision).toEqual({ kind: 'labels' });
  });

  it('reproduces the published scikit-learn figures for the Euclidean and covariance baselines on iris', () => {
    // REFERENCE.md (the reference figures in the project brief): iris, StratifiedKFold(5, shuffle=True, random_state=0), z-score, 3-NN:
    // euclidean 95.3 ± 3.4 %, covariance 90.0 ± 3.7 %.
    const iris = sampleDataset('iris');
    const [euclidean, covariance] = compareMethods(iris, ['euclidean', 'covariance']);
    expect(euclidean!.accuracy!.mean * 100).toBeCloseTo(95.3, 1);
    expect(euclidean!.accuracy!.std * 100).toBeCloseTo(3.4, 1);
    expect(covariance!.accuracy!.mean * 100).toBeCloseTo(90.0, 1);
    expect(covariance!.accuracy!.std * 100).toBeCloseTo(3.7, 1);
  });

  it('reports folds, passes learner hooks through, and stops with JobCancelledError', () => {
    const seen: number[] = [];
    let iterations = 0;
    evaluateMethod(data, { method: 'pca', protocol: { folds: 3 } }, { onFold: (f, n) => seen.push(f * 10 + n), onIteration: () => iterations++ });
    expect(seen).toEqual([3, 13, 23]);
    expect(iterations).toBe(3);
    let calls = 0;
    expect(() => evaluateMethod(data, { method: 'pca' }, { shouldStop: () => ++calls > 1 })).toThrow(JobCancelledError);
  });

  it('compareMethods evaluates each method on the same folds, in order', () => {
    const results = compareMethods(data, ['pca', 'euclidean'], { protocol: { folds: 4, k: 1 }, paramsByMethod: { pca: { components: 4 } } });
    expect(results.map((r) => r.method)).toEqual(['pca', 'euclidean']);
    expect(results[0]!.params).toEqual({ components: 4, whiten: false });
    // A full-rank PCA is a rotation: the same distances, so the same kNN predictions.
    expect(results[0]!.accuracy!.folds).toEqual(results[1]!.accuracy!.folds);
    expect(() => compareMethods(data, [])).toThrow(new ValidationError('compare needs at least one method.'));
  });

  it('rejects unlabeled data and bad protocols', () => {
    expect(() => evaluateMethod({ ...data, labels: null }, { method: 'euclidean' })).toThrow(
      new ValidationError('Evaluation needs class labels: kNN accuracy is measured against them, but the dataset has none.'),
    );
    expect(() => evaluateMethod(data, { method: 'euclidean', protocol: { k: 0 } })).toThrow(new ValidationError('k must be an integer ≥ 1, got 0.'));
    expect(() => evaluateMethod(data, { method: 'euclidean', protocol: { folds: 1.5 } })).toThrow(new ValidationError('folds must be an integer ≥ 2, got 1.5.'));
    expect(() => evaluateMethod(data, { method: 'euclidean', protocol: { k: 40 } })).toThrow(
      new ValidationError('k (40) cannot be greater than the number of training rows in a fold (24).'),
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../../shared/domain/dataset.ts';
import { compareMethods, evaluateMethod } from '../../../shared/engine/evaluation/evaluate.ts';
import { kFold } from '../../../shared/engine/evaluation/folds.ts';
import { knnRegress, regressionFigures } from '../../../shared/engine/evaluation/regression.ts';
import { loadSample } from '../../../src-main/samples/index.ts';
import { sampleDataset } from '../fixtures.ts';

const diabetes = async (): Promise<DatasetMatrix> => (await loadSample('diabetes')).matrix;

describe('kFold: scikit-learn KFold(shuffle=True, random_state=seed) reproduced', () => {
  it('diabetes, 5 folds, seed 0: the fold sizes and test rows of scikit-learn 1.2.1', () => {
    // /usr/bin/python3: [list(te) for _, te in KFold(5, shuffle=True, random_state=0).split(np.zeros(442))]
    const splits = kFold(442, 5, 0);
    expect(splits.map((s) => s.test.length)).toEqual([89, 89, 88, 88, 88]);
    expect(Array.from(splits[0]!.test.slice(0, 10))).toEqual([1, 6, 10, 12, 15, 21, 37, 49, 52, 54]);
    expect(Array.from(splits[4]!.test.slice(-5))).toEqual([413, 425, 426, 428, 440]);
    // Every row is tested exactly once and trained on in the other folds.
    const tested = new Int32Array(442);
    for (const s of splits) {
      for (const r of s.test) tested[r]!++;
      expect(s.train.length + s.test.length).toBe(442);
    }
    expect(tested.every((c) => c === 1)).toBe(true);
  });

  it('10 rows, 3 folds, seed 7: every fold as scikit-learn gives it (first folds one larger)', () => {
    // KFold(3, shuffle=True, random_state=7).split(np.zeros(10))
    expect(kFold(10, 3, 7).map((s) => Array.from(s.test))).toEqual([[0, 2, 5, 8], [1, 7, 9], [3, 4, 6]]);
  });

  it('refuses folds out of range', () => {
    expect(() => kFold(4, 5, 0)).toThrow('folds (5) cannot be greater than the number of rows (4).');
    expect(() => kFold(10, 1, 0)).toThrow('folds must be an integer ≥ 2, got 1.');
  });
});

describe('knnRegress', () => {
  it('predicts the mean of the k nearest targets', () => {
    const train = Float64Array.from([0, 1, 2, 10]); // (4, 1)
    const targets = Float64Array.from([1, 2, 6, 100]);
    const test = Float64Array.from([0.9, 9]); // (2, 1)
    expect(Array.from(knnRegress(train, targets, 4, test, 2, 1, 2))).toEqual([1.5, 53]);
    expect(Array.from(knnRegress(train, targets, 4, test, 2, 1, 3))).toEqual([3, 36]);
  });

  it('takes the lower row index among equidistant neighbours', () => {
    // Rows 1 and 2 are both at distance 1 from the query 0; with k = 2, row 0 and row 1 (the lower index) are taken.
    const train = Float64Array.from([0, 1, -1, 5]);
    const targets = Float64Array.from([10, 20, 40, 80]);
    expect(Array.from(knnRegress(train, targets, 4, Float64Array.from([0]), 1, 1, 2))).toEqual([15]);
    // Reordered so the other equidistant row comes first: it is then the one taken.
    const swapped = Float64Array.from([0, -1, 1, 5]);
    expect(Array.from(knnRegress(swapped, Float64Array.from([10, 40, 20, 80]), 4, Float64Array.from([0]), 1, 1, 2))).toEqual([25]);
  });

  it('refuses k outside 1…training rows', () => {
    const X = Float64Array.from([0, 1]);
    expect(() => knnRegress(X, X, 2, X, 2, 1, 3)).toThrow('k (3) cannot be greater than the number of training rows (2).');
    expect(() => knnRegress(X, X, 2, X, 2, 1, 0)).toThrow('k must be an integer ≥ 1, got 0.');
  });
});

describe('regressionFigures', () => {
  it('RMSE, MAE and R² by their definitions', () => {
    const actual = Float64Array.from([1, 2, 3, 4]);
    const predicted = Float64Array.from([1, 3, 3, 2]);
    const f = regressionFigures(predicted, actual);
    // squared errors 0, 1, 0, 4; absolute 0, 1, 0, 2; Σ(y − ȳ)² = 5.
    expect(f.rmse).toBeCloseTo(Math.sqrt(5 / 4), 15);
    expect(f.mae).toBeCloseTo(3 / 4, 15);
    expect(f.r2).toBeCloseTo(1 - 5 / 5, 15);
  });

  it('constant targets: R² is 1 when predicted exactly, else 0 (scikit-learn r2_score)', () => {
    const y = Float64Array.from([2, 2, 2]);
    expect(regressionFigures(y, y).r2).toBe(1);
    expect(regressionFigures(Float64Array.from([2, 2, 3]), y).r2).toBe(0);
  });

  it('refuses mismatched lengths', () => {
    expect(() => regressionFigures(new Float64Array(2), new Float64Array(3))).toThrow('regressionFigures: 2 predictions for 3 targets.');
  });
});

describe('evaluate on a regression dataset', () => {
  it('diabetes, z-scored, KFold(5, seed 0), 3-NN: the per-fold RMSE, MAE and R² of scikit-learn', async () => {
    // /usr/bin/python3, scikit-learn 1.2.1: for tr, te in KFold(5, shuffle=True, random_state=0).split(X):
    //   sc = StandardScaler().fit(X[tr]); p = KNeighborsRegressor(3).fit(sc.transform(X[tr]), y[tr]).predict(sc.transform(X[te]))
    //   mean_squared_error(y[te], p) ** 0.5, mean_absolute_error(y[te], p), r2_score(y[te], p)
    const rmse = [67.00313034221186, 55.63638190304006, 58.42320998239026, 67.4182070843229, 61.805566337531694];
    const mae = [51.36704119850187, 44.962546816479396, 45.46590909090909, 53.356060606060616, 47.776515151515156];
    const r2 = [0.12451572537935052, 0.42148175095343055, 0.46699800652933876, 0.23844717539488924, 0.4382735166248586];
    const e = evaluateMethod(await diabetes(), { method: 'euclidean' });
    e.rmse!.folds.forEach((v, f) => expect(v).toBeCloseTo(rmse[f]!, 9));
    e.mae!.folds.forEach((v, f) => expect(v).toBeCloseTo(mae[f]!, 9));
    e.r2!.folds.forEach((v, f) => expect(v).toBeCloseTo(r2[f]!, 12));
    expect(e.rmse!.mean).toBeCloseTo(62.05729912989934, 9);
  });

  it('has the shape of a classification evaluation, with rmse / mae / r2 and null classification figures', async () => {
    const e = evaluateMethod(await diabetes(), { method: 'pca', params: { components: 3 }, dataset: 'diabetes' });
    expect(Object.keys(e)).toEqual([
      'dataset', 'method', 'params', 'protocol', 'accuracy', 'fitSeconds', 'nmi', 'ari', 'precisionAt1', 'mapAtR', 'pairAuc', 'rmse', 'mae', 'r2', 'folds',
    ]);
    expect(e).toMatchObject({ dataset: 'diabetes', method: 'pca', accuracy: null, nmi: null, ari: null, precisionAt1: null, mapAtR: null, pairAuc: null });
    for (const key of ['rmse', 'mae', 'r2'] as const) {
      const figure = e[key]!;
      expect(figure.folds).toHaveLength(5);
      expect(figure.mean).toBeCloseTo(figure.folds.reduce((s, v) => s + v, 0) / 5, 12);
      expect(figure.std).toBeGreaterThan(0);
    }
    expect(e.folds[0]).toMatchObject({ fold: 0, trainSize: 353, testSize: 89, accuracy: null, nmi: null, ari: null, nComponents: 3 });
    expect(e.folds.map((f) => f.rmse)).toEqual(e.rmse!.folds);
  });

  it('refuses label learners with the reason, and runs pair learners on hand-labeled pairs', async () => {
    const data = await diabetes();
    expect(() => evaluateMethod(data, { method: 'nca' })).toThrow('nca learns from class labels, but the dataset is a regression dataset (a numeric target, no classes).');
    const constraints = Array.from({ length: 40 }, (_, p) => ({ i: p, j: p + 200, kind: (p % 2 ? 'must' : 'cannot') as 'must' | 'cannot' }));
    const e = evaluateMethod(data, { method: 'mmc-diagonal', constraints, constraintSource: 'labeled' });
    expect(e.rmse!.folds).toHaveLength(5);
    expect(e.folds.every((f) => f.trainPairs > 0)).toBe(true);
  });

  it('compare: every method on the same KFold folds', async () => {
    const [euclidean, covariance] = compareMethods(await diabetes(), ['euclidean', 'covariance']);
    expect(euclidean!.folds.map((f) => f.testSize)).toEqual(covariance!.folds.map((f) => f.testSize));
    expect(covariance!.rmse!.mean).not.toBe(euclidean!.rmse!.mean);
  });

  it('a classification dataset keeps its figures and has no regression fields', () => {
    const e = evaluateMethod(sampleDataset('iris'), { method: 'euclidean' });
    expect(e.accuracy!.mean).toBeGreaterThan(0.9);
    expect('rmse' in e || 'mae' in e || 'r2' in e).toBe(false);
    expect(e.folds.every((f) => !('rmse' in f))).toBe(true);
  });
});

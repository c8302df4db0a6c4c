import { describe, expect, it } from 'vitest';
import type { Triple } from '../../shared/domain/comparisons.ts';
import { selectRows, type DatasetMatrix } from '../../shared/domain/dataset.ts';
import { ValidationError } from '../../shared/errors.ts';
import { activeSuggestedComparisons, NEIGHBOURS } from '../../shared/engine/active-comparisons.ts';
import { evaluateMethod } from '../../shared/engine/evaluation/evaluate.ts';
import { stratifiedKFold } from '../../shared/engine/evaluation/folds.ts';
import { fitMetric } from '../../shared/engine/fit.ts';
import { sweepConstraints } from '../../shared/engine/sweep.ts';
import { transform } from '../../shared/metric/mahalanobis.ts';
import { sampleDataset } from './fixtures.ts';

const iris = sampleDataset('iris');
const spec = { method: 'scml', seed: 3, preprocess: 'zscore' as const };

/** The class rule: the anchor and the closer row share a class, the farther row is of another. */
function followsClasses(t: Triple, labels: Int32Array): boolean {
  const [a, b, c] = t;
  return a !== b && labels[a] === labels[b] && labels[a] !== labels[c];
}

describe('activeSuggestedComparisons', () => {
  it('returns N distinct comparisons of the given rows labeled from their classes, the same for the same seed', () => {
    const triples = activeSuggestedComparisons(iris, { ...spec, count: 30 });
    expect(triples).toHaveLength(30);
    expect(new Set(triples.map((t) => t.join(','))).size).toBe(30);
    for (const t of triples) {
      expect(followsClasses(t, iris.labels!)).toBe(true);
      for (const r of t) expect(r).toBeLessThan(iris.nRows);
    }
    expect(activeSuggestedComparisons(iris, { ...spec, count: 30 })).toEqual(triples);
    expect(activeSuggestedComparisons(iris, { ...spec, seed: 4, count: 30 })).not.toEqual(triples);
    expect(activeSuggestedComparisons(iris, { ...spec, count: 0 })).toEqual([]);
  });

  it('the first round picks, among nearby rows, comparisons whose two Euclidean distances are nearly equal', () => {
    const triples = activeSuggestedComparisons(iris, { ...spec, count: 5 });
    const euclid = fitMetric(iris, { method: 'euclidean', preprocess: 'zscore' });
    const Y = transform(euclid, iris.features, iris.nRows);
    const e = euclid.nComponents;
    const dist = (i: number, j: number): number => Math.hypot(...Array.from({ length: e }, (_, f) => Y[i * e + f]! - Y[j * e + f]!));
    const gap = ([a, b, c]: Triple): number => Math.abs(dist(a, b) - dist(a, c)) / (dist(a, b) + dist(a, c));
    // Each chosen comparison is at least as uncertain as the one of its anchor with its nearest rows of each kind.
    const labels = iris.labels!;
    for (const t of triples) {
      const a = t[0];
      const others = Array.from(labels.keys()).filter((r) => r !== a);
      const nearest = (rows: number[]): number => rows.sort((x, y) => dist(a, x) - dist(a, y))[0]!;
      const plain: Triple = [a, nearest(others.filter((r) => labels[r] === labels[a])), nearest(others.filter((r) => labels[r] !== labels[a]))];
      expect(gap(t)).toBeLessThanOrEqual(gap(plain) + 1e-12);
      expect(gap(t)).toBeLessThan(0.2);
      // b and c are among the anchor's NEIGHBOURS nearest rows of their kind.
      const sameRank = others.filter((r) => labels[r] === labels[a] && dist(a, r) < dist(a, t[1])).length;
      expect(sameRank).toBeLessThan(NEIGHBOURS);
    }
  });

  it('uses only the training part under cross-validation: the fit gets each fold\'s suggested comparisons', () => {
    const splits = stratifiedKFold(iris.labels!, 3, 0);
    const seen: Array<{ rows: number; triples: Triple[] }> = [];
    const evaluation = evaluateMethod(iris, {
      method: 'scml',
      params: { maxIter: 1000, outputIter: 100 },
      protocol: { folds: 3 },
      constraintSource: 'generated',
      foldComparisons: (train, fold) => {
        // The training part, and nothing else, is what the chooser sees.
        expect(train.features).toEqual(selectRows(iris, splits[fold]!.train).features);
        const triples = activeSuggestedComparisons(train, { ...spec, count: 12 });
        seen.push({ rows: train.nRows, triples });
        return triples;
      },
    });
    expect(evaluation.folds.map((f) => f.trainPairs)).toEqual([12, 12, 12]);
    expect(evaluation.supervision).toMatchObject({ source: 'suggested' });
    seen.forEach(({ rows, triples }, fold) => {
      const trainLabels = Int32Array.from(splits[fold]!.train, (r) => iris.labels![r]!);
      for (const t of triples) {
        for (const r of t) expect(r).toBeLessThan(rows);
        expect(followsClasses(t, trainLabels)).toBe(true);
      }
    });
  });

  it('stops when no open comparison is left, and refuses an unlabeled dataset', () => {
    const tiny = selectRows(iris, [0, 1, 50, 100]);
    // Rows 0 and 1 are the only same-class pair: 2 anchors × 1 closer × 2 farther.
    expect(activeSuggestedComparisons(tiny, { ...spec, method: 'lsml', count: 50 })).toHaveLength(4);
    const unlabeled: DatasetMatrix = { ...iris, labels: null };
    expect(() => activeSuggestedComparisons(unlabeled, { ...spec, count: 10 })).toThrow(
      new ValidationError('suggested constraints are labeled from class labels, but the dataset has none.'),
    );
  });
});

describe("sweepConstraints with constraintSource 'suggested' for learners of comparisons", () => {
  it('scml: one point per N with N suggested comparisons per fold, repeatable from the seed', () => {
    const options = { method: 'scml', counts: [0, 10, 30], seeds: 1, protocol: { folds: 3 }, constraintSource: 'suggested' as const };
    const sweep = sweepConstraints(iris, options);
    expect(sweep.constraintSource).toBe('suggested');
    expect(sweep.points.map((p) => [p.count, p.used, p.error])).toEqual([[0, [0], undefined], [10, [10], undefined], [30, [30], undefined]]);
    for (const p of sweep.points) expect(p.accuracies[0]).toBeGreaterThan(0.8);
    expect(sweepConstraints(iris, options)).toEqual(sweep);
  });

  it('lsml: the quadruplets (a, b, a, c) of the suggested comparisons', () => {
    const sweep = sweepConstraints(iris, { method: 'lsml', counts: [10], seeds: 1, protocol: { folds: 3 }, constraintSource: 'suggested' });
    expect(sweep.points.map((p) => [p.used, p.error])).toEqual([[[10], undefined]]);
  });
});

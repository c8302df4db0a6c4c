import { describe, expect, it } from 'vitest';
import { selectRows, type DatasetMatrix } from '../../shared/domain/dataset.ts';
import { ValidationError } from '../../shared/errors.ts';
import { activeSuggestedPairs } from '../../shared/engine/active-pairs.ts';
import { evaluateMethod } from '../../shared/engine/evaluation/evaluate.ts';
import { stratifiedKFold } from '../../shared/engine/evaluation/folds.ts';
import { resolveSweep, sweepConstraints } from '../../shared/engine/sweep.ts';
import { generateApples } from '../../shared/samples/apples.ts';
import { sampleDataset } from './fixtures.ts';

const apples = generateApples({ rows: 90 });
const iris = sampleDataset('iris');
const spec = { method: 'mmc-diagonal', seed: 3, preprocess: 'zscore' as const };

describe('activeSuggestedPairs', () => {
  it('returns N distinct pairs of the given rows, labeled by the class-label oracle, the same for the same seed', () => {
    const pairs = activeSuggestedPairs(apples, { ...spec, count: 30 });
    expect(pairs).toHaveLength(30);
    const keys = new Set(pairs.map((p) => `${p.i},${p.j}`));
    expect(keys.size).toBe(30);
    for (const p of pairs) {
      expect(p.i).toBeLessThan(p.j);
      expect(p.j).toBeLessThan(apples.nRows);
      expect(p.kind).toBe(apples.labels![p.i] === apples.labels![p.j] ? 'must' : 'cannot');
    }
    expect(activeSuggestedPairs(apples, { ...spec, count: 30 })).toEqual(pairs);
    expect(activeSuggestedPairs(apples, { ...spec, seed: 4, count: 30 })).not.toEqual(pairs);
  });

  it('the first pairs do not depend on the budget beyond the first round, and N = 0 gives none', () => {
    const small = activeSuggestedPairs(iris, { ...spec, count: 5 });
    const large = activeSuggestedPairs(iris, { ...spec, count: 40 });
    expect(large.slice(0, 5)).toEqual(small);
    expect(activeSuggestedPairs(iris, { ...spec, count: 0 })).toEqual([]);
  });

  it('a small budget still gets both kinds: later rounds explore while one kind is missing', () => {
    // Fold 3 of 5 (split seed 1) of the bundled apples: the 10 pairs nearest the cold-start threshold are all
    // same-variety pairs, which mmc-diagonal cannot learn from.
    const full = generateApples();
    const train = selectRows(full, stratifiedKFold(full.labels!, 5, 1)[2]!.train);
    const pairs = activeSuggestedPairs(train, { ...spec, seed: 1, count: 10 });
    expect(pairs).toHaveLength(10);
    expect(new Set(pairs.map((p) => p.kind))).toEqual(new Set(['must', 'cannot']));
    expect(pairs.slice(0, 5).every((p) => p.kind === 'must')).toBe(true);
  });

  it('stops when the rows run out of open pairs', () => {
    const tiny = selectRows(iris, [0, 1, 50, 51, 100, 101]);
    const pairs = activeSuggestedPairs(tiny, { ...spec, count: 100 });
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.length).toBeLessThanOrEqual(15);
    expect(new Set(pairs.map((p) => `${p.i},${p.j}`)).size).toBe(pairs.length);
  });

  it('refuses an unlabeled dataset', () => {
    const unlabeled: DatasetMatrix = { ...apples, labels: null };
    expect(() => activeSuggestedPairs(unlabeled, { ...spec, count: 10 })).toThrow(ValidationError);
    expect(() => activeSuggestedPairs(unlabeled, { ...spec, count: 10 })).toThrow(
      'suggested constraints are labeled from class labels, but the dataset has none.',
    );
  });
});

describe('evaluateMethod foldConstraints', () => {
  it('sees exactly the training rows of each fold, never a test row', () => {
    const protocol = { folds: 4, seed: 2 };
    const splits = stratifiedKFold(apples.labels!, 4, 2);
    const seen: number[][] = [];
    // Row i of the dataset is recognisable by its first feature replaced with i.
    const tagged: DatasetMatrix = { ...apples, features: Float64Array.from(apples.features) };
    for (let i = 0; i < tagged.nRows; i++) tagged.features[i * tagged.nFeatures] = i;
    evaluateMethod(tagged, {
      method: 'mmc-diagonal',
      protocol,
      constraintSource: 'generated',
      foldConstraints: (train, fold) => {
        seen[fold] = Array.from({ length: train.nRows }, (_, r) => train.features[r * train.nFeatures]!);
        return activeSuggestedPairs(train, { ...spec, count: 10 });
      },
    });
    expect(seen).toHaveLength(4);
    splits.forEach((split, fold) => {
      expect(seen[fold]).toEqual(Array.from(split.train));
      const test = new Set(split.test);
      expect(seen[fold]!.some((row) => test.has(row))).toBe(false);
    });
  });
});

describe("sweepConstraints with constraintSource 'suggested'", () => {
  it('gives one point per N, uses N pairs per fold, and repeats exactly for the same seed', () => {
    const options = { method: 'mmc-diagonal', counts: [0, 10, 20], seeds: 2, seed: 5, protocol: { folds: 3 }, constraintSource: 'suggested' as const };
    const sweep = sweepConstraints(iris, options);
    expect(sweep.constraintSource).toBe('suggested');
    expect(sweep.seeds).toEqual([5, 6]);
    expect(sweep.points.map((p) => p.count)).toEqual([0, 10, 20]);
    expect(sweep.points.map((p) => p.used)).toEqual([[0, 0], [10, 10], [20, 20]]);
    for (const p of sweep.points) {
      expect(p.accuracies).toHaveLength(2);
      expect(p.error).toBeUndefined();
      for (const a of p.accuracies) {
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
      }
    }
    expect(sweepConstraints(iris, options)).toEqual(sweep);
  });

  it('the N = 0 point equals the generated sweep on the same folds and seeds (the shared Euclidean baseline)', () => {
    const common = { method: 'mmc-diagonal', counts: [0, 10], seeds: 2, protocol: { folds: 3 } };
    const suggested = sweepConstraints(apples, { ...common, constraintSource: 'suggested' });
    const generated = sweepConstraints(apples, { ...common, constraintSource: 'generated' });
    expect(suggested.points[0]).toEqual(generated.points[0]);
    expect(suggested.protocol).toEqual(generated.protocol);
  });

  it('names every source in the error for an unknown one', () => {
    expect(() => resolveSweep({ method: 'mmc', constraintSource: 'random' as never })).toThrow(
      `sweep: constraints must be one of 'labeled', 'generated', 'suggested', got "random".`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { evaluateMethod } from '../../shared/engine/evaluation/evaluate.ts';
import { answersSweepTasks, resolveAnswersSweep, sweepAnswers, type AnswersSweepSpec } from '../../shared/engine/answers-sweep.ts';
import { sweepConstraints } from '../../shared/engine/sweep.ts';
import { ValidationError } from '../../shared/errors.ts';
import { loadSample } from '../jobs/helpers.ts';

const iris = loadSample('iris');
const protocol = { folds: 3 };
const spec: AnswersSweepSpec = { pairsMethod: 'itml', comparisonsMethod: 'scml', answers: [0, 10, 30], seeds: 2, protocol };

describe('sweepAnswers (pairs vs comparisons)', () => {
  const sweep = sweepAnswers(iris, spec);

  it('has one curve per supervision, with a point per number of answers and an accuracy per seed', () => {
    expect(sweep.kind).toBe('answers');
    expect(sweep.answers).toEqual([0, 10, 30]);
    expect(sweep.seeds).toEqual([0, 1]);
    expect(sweep.constraintSource).toBe('generated');
    expect(sweep.curves.map((c) => [c.supervision, c.method, c.source])).toEqual([
      ['pairs', 'itml', 'generated'],
      ['comparisons', 'scml', 'generated'],
    ]);
    for (const curve of sweep.curves) {
      expect(curve.points.map((p) => p.answers)).toEqual([0, 10, 30]);
      for (const p of curve.points) {
        expect(p.accuracies).toHaveLength(2);
        expect(p.mean).toBeCloseTo((p.accuracies[0]! + p.accuracies[1]!) / 2, 14);
        expect(p.std).toBeCloseTo(Math.abs(p.accuracies[0]! - p.accuracies[1]!) / 2, 14);
      }
    }
    // Every generated answer is used: N pairs (N/2 of each kind) or N comparisons in each training fold.
    expect(sweep.curves[0]!.points.map((p) => p.used)).toEqual([[0, 0], [10, 10], [30, 30]]);
    expect(sweep.curves[1]!.points.map((p) => p.used)).toEqual([[0, 0], [10, 10], [30, 30]]);
  });

  it('is the Euclidean evaluation at 0 answers, on both curves and as the baseline, seed by seed', () => {
    const euclidean = [0, 1].map((s) => evaluateMethod(iris, { method: 'euclidean', seed: s, protocol: { ...protocol, seed: s } }).accuracy!.mean);
    expect(sweep.baseline.accuracies).toEqual(euclidean);
    expect(sweep.curves[0]!.points[0]!.accuracies).toEqual(euclidean);
    expect(sweep.curves[1]!.points[0]!.accuracies).toEqual(euclidean);
  });

  it('gives each curve exactly the points of its own sweep (same folds, seeds and answers)', () => {
    const pairs = sweepConstraints(iris, { method: 'itml', counts: [10, 30], seeds: 2, protocol, constraintSource: 'generated' });
    const comparisons = sweepConstraints(iris, { method: 'scml', counts: [10, 30], seeds: 2, protocol, constraintSource: 'generated', answersOnly: true });
    expect(sweep.curves[0]!.points.slice(1).map((p) => p.accuracies)).toEqual(pairs.points.map((p) => p.accuracies));
    expect(sweep.curves[1]!.points.slice(1).map((p) => p.accuracies)).toEqual(comparisons.points.map((p) => p.accuracies));
  });

  it('gives the comparison learner the answers alone: without the class labels scml builds triplet-difference bases, which need as many comparisons as features', () => {
    const few = sweepAnswers(iris, { ...spec, answers: [3, 10], seeds: 1 });
    expect(few.curves[1]!.points[0]).toMatchObject({ answers: 3, mean: null, error: "scml: 4 features but only 3 triplets; basis 'triplet_diffs' needs at least as many triplets as features." });
    expect(few.curves[1]!.points[1]!.mean).not.toBeNull();
    // An ordinary sweep of scml on generated comparisons reads the labels (its 'lda' bases) and runs at 3.
    expect(sweepConstraints(iris, { method: 'scml', counts: [3], seeds: 1, protocol }).points[0]!.mean).not.toBeNull();
    // The pair learner runs at 3 answers (2 must-link and 2 cannot-link pairs).
    expect(few.curves[0]!.points[0]!.used).toEqual([4]);
  });

  it('is reproducible from its seed, and another first seed gives other figures', () => {
    expect(sweepAnswers(iris, spec)).toEqual(sweep);
    const other = sweepAnswers(iris, { ...spec, seed: 5 });
    expect(other.seeds).toEqual([5, 6]);
    expect(other.curves.map((c) => c.points.map((p) => p.accuracies))).not.toEqual(sweep.curves.map((c) => c.points.map((p) => p.accuracies)));
  });

  it('suggested: active-learning pairs and comparisons, N of each per fold, reproducible', () => {
    const suggested = { ...spec, answers: [0, 12], constraintSource: 'suggested' as const };
    const a = sweepAnswers(iris, suggested);
    expect(a.curves.map((c) => c.source)).toEqual(['suggested', 'suggested']);
    expect(a.curves.map((c) => c.points[1]!.used)).toEqual([[12, 12], [12, 12]]);
    expect(sweepAnswers(iris, suggested)).toEqual(a);
  });

  it('evaluates the baseline once per seed and each curve only above 0 answers', () => {
    const tasks = answersSweepTasks(resolveAnswersSweep(spec));
    expect(tasks.map((t) => [t.curve, t.answers, t.seed])).toEqual([
      ['baseline', 0, 0], ['baseline', 0, 1],
      ['pairs', 10, 0], ['pairs', 10, 1], ['pairs', 30, 0], ['pairs', 30, 1],
      ['comparisons', 10, 0], ['comparisons', 10, 1], ['comparisons', 30, 0], ['comparisons', 30, 1],
    ]);
  });

  it('refuses a pairs method that does not learn from pairs and a comparisons method that does not learn from comparisons', () => {
    expect(() => resolveAnswersSweep({ ...spec, pairsMethod: 'scml' })).toThrow(
      new ValidationError("sweep: --pairs-method must learn from must-link / cannot-link pairs (mmc, mmc-diagonal, itml, sdml), got 'scml' (it learns from relative comparisons (a is closer to b than to c))."),
    );
    expect(() => resolveAnswersSweep({ ...spec, comparisonsMethod: 'itml' })).toThrow(/^sweep: --comparisons-method must learn from relative comparisons \(scml, lsml\), got 'itml'/);
    expect(() => resolveAnswersSweep({ ...spec, answers: [-1] })).toThrow(/counts must be integers ≥ 0/);
  });
});

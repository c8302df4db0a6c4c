import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import { JobCancelledError } from '../../shared/errors.ts';
import { evaluateMethod } from '../../shared/engine/evaluation/evaluate.ts';
import { sweepConstraints } from '../../shared/engine/sweep.ts';
import { createRng } from '../../shared/math/random/seeded-random.ts';
import { loadSample } from './helpers.ts';

const iris = loadSample('iris');

/** 40 hand labels in a fixed, shuffled order (as a user would click them). */
function handLabels(count: number): PairConstraint[] {
  const rng = createRng(11);
  const out: PairConstraint[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const i = rng.int(150);
    const j = rng.int(150);
    if (i === j || seen.has(`${Math.min(i, j)},${Math.max(i, j)}`)) continue;
    seen.add(`${Math.min(i, j)},${Math.max(i, j)}`);
    out.push({ i: Math.min(i, j), j: Math.max(i, j), kind: iris.labels![i] === iris.labels![j] ? 'must' : 'cannot' });
  }
  return out;
}

describe('sweepConstraints', () => {
  it('labeled: uses the first N pairs in labeling order, capped at what exists; N = 0 is the Euclidean baseline', () => {
    const labels = handLabels(40);
    const protocol = { folds: 3 };
    const sweep = sweepConstraints(iris, { method: 'mmc-diagonal', counts: [0, 25, 60], seeds: 2, protocol, constraints: labels });
    expect(sweep.constraintSource).toBe('labeled');
    expect(sweep.points.map((p) => p.used)).toEqual([[0, 0], [25, 25], [40, 40]]);

    const euclid = evaluateMethod(iris, { method: 'euclidean', seed: 1, protocol: { ...protocol, seed: 1 } });
    expect(sweep.points[0]!.accuracies[1]).toBe(euclid.accuracy!.mean);
    const first25 = evaluateMethod(iris, {
      method: 'mmc-diagonal',
      seed: 0,
      protocol: { ...protocol, seed: 0 },
      constraintSource: 'labeled',
      constraints: labels.slice(0, 25),
    });
    expect(sweep.points[1]!.accuracies[0]).toBe(first25.accuracy!.mean);
    for (const p of sweep.points) {
      const mean = (p.accuracies[0]! + p.accuracies[1]!) / 2;
      expect(p.mean).toBeCloseTo(mean, 14);
      expect(p.std).toBeCloseTo(Math.abs(p.accuracies[0]! - p.accuracies[1]!) / 2, 14);
    }
  });

  it('leaves a gap with the reason where a fold has no labeled pair in its training part', () => {
    const sweep = sweepConstraints(iris, { method: 'mmc-diagonal', counts: [1, 40], seeds: 1, protocol: { folds: 5 }, constraints: handLabels(40) });
    expect(sweep.points[0]).toMatchObject({ count: 1, mean: null, std: null, accuracies: [] });
    expect(sweep.points[0]!.error).toMatch(/^mmc-diagonal: fold \d of 5 has none of the labeled pairs inside its training part/);
    expect(sweep.points[1]!.mean).not.toBeNull();
  });

  it('generated: N/2 pairs of each kind from each fold\'s training labels, reproducible', () => {
    const spec = { method: 'mmc-diagonal', counts: [10, 30], seeds: 2, protocol: { folds: 3 } };
    const a = sweepConstraints(iris, spec);
    const b = sweepConstraints(iris, spec);
    expect(a.constraintSource).toBe('generated');
    expect(a.points.map((p) => p.used)).toEqual([[10, 10], [30, 30]]);
    expect(a).toEqual(b);
  });

  it('reports steps and stops with JobCancelledError once shouldStop() is true', () => {
    const steps: string[] = [];
    let stop = false;
    expect(() =>
      sweepConstraints(
        iris,
        { method: 'mmc-diagonal', counts: [0, 10, 20], seeds: 2, protocol: { folds: 3 } },
        {
          onStep(step, total, count, seed) {
            steps.push(`${step}/${total}:${count}@${seed}`);
            if (step === 2) stop = true;
          },
          shouldStop: () => stop,
        },
      ),
    ).toThrow(JobCancelledError);
    expect(steps).toEqual(['0/6:0@0', '1/6:0@1', '2/6:10@0']);
  });

  it('validates method, counts and seeds, naming the rule', () => {
    expect(() => sweepConstraints(iris, { method: 'mmc-diagonal', counts: [10, -1] })).toThrow('sweep: counts must be integers ≥ 0, got -1.');
    expect(() => sweepConstraints(iris, { method: 'mmc-diagonal', counts: [] })).toThrow('sweep: counts must list at least one number of constraints.');
    expect(() => sweepConstraints(iris, { method: 'mmc-diagonal', seeds: 0 })).toThrow('sweep: seeds must be an integer in 1…100, got 0.');
    expect(() => sweepConstraints(iris, { method: 'itml', constraintSource: 'labeled' })).toThrow(
      'sweep: labeled constraints were asked for, but the dataset has no labeled pairs.',
    );
  });
});

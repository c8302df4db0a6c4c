/**
 * The supervision kinds (shared/engine/supervision/kinds.ts) over every learner in the registry: what prepareFit
 * gives each learner, generated or from the user's pairs and comparisons, what a fold gives it in evaluation
 * (the user's supervision restricted to its training rows), and what it refuses without its supervision.
 */
import { describe, expect, it } from 'vitest';
import type { Triple } from '../../../shared/domain/comparisons.ts';
import type { PairConstraint } from '../../../shared/domain/constraints.ts';
import { LEARNER_INPUTS } from '../../../shared/domain/enums.ts';
import { describeSupervision, supervisionText } from '../../../shared/domain/supervision.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { evaluateMethod } from '../../../shared/engine/evaluation/evaluate.ts';
import { stratifiedKFold } from '../../../shared/engine/evaluation/folds.ts';
import { prepareFit } from '../../../shared/engine/fit.ts';
import type { TrainingData } from '../../../shared/engine/learner.ts';
import { restrictPairsToRows } from '../../../shared/engine/pairs.ts';
import { LEARNERS } from '../../../shared/engine/registry.ts';
import { chunkletsFromPairs, quadrupletsFromComparisons, quadrupletsFromPairs, restrictTriplesToRows } from '../../../shared/engine/supervision/derive.ts';
import { SUPERVISION, countsSupervision, resolveSupervisionSource, supervisionOf, takesSource } from '../../../shared/engine/supervision/kinds.ts';
import { blobs } from '../fixtures.ts';

const data = blobs({ classes: 3, perClass: 10, features: 4 });
const labels = data.labels!;
/** The same rows as a regression dataset (a numeric target per row, no classes), for learners whose input is 'targets'. */
const regressionData = {
  ...data,
  labels: null,
  classNames: [],
  targets: Float64Array.from({ length: data.nRows }, (_, i) => data.features[i * 4]! - data.features[i * 4 + 1]!),
};
const n = data.nRows;
const rowsOf = (c: number): number[] => Array.from(labels.keys()).filter((r) => labels[r] === c);

/** Pairs and comparisons that agree with the class labels: two must-link chains, cannot-links across classes. */
const [a, b, c] = [rowsOf(0), rowsOf(1), rowsOf(2)];
const pairs: PairConstraint[] = [
  ...a.slice(0, 6).slice(1).map((r, k) => ({ i: a[k]!, j: r, kind: 'must' as const })),
  ...b.slice(0, 4).slice(1).map((r, k) => ({ i: b[k]!, j: r, kind: 'must' as const })),
  ...a.slice(0, 6).map((r, k) => ({ i: Math.min(r, c[k]!), j: Math.max(r, c[k]!), kind: 'cannot' as const })),
];
/** Each row: closer to the next row of its class than to a row of the next class (30 comparisons). */
const classes = [a, b, c];
const comparisons: Triple[] = classes.flatMap((rows, cls) => rows.map((r, k): Triple => [r, rows[(k + 1) % rows.length]!, classes[(cls + 1) % 3]![k]!]));

/** The TrainingData field each kind fills. */
const FIELD = { none: null, labels: 'labels', pairs: 'pairs', chunklets: 'chunklets', triplets: 'triplets', quadruplets: 'quadruplets', targets: 'targets' } as const;

function flat(t: readonly Triple[]): number[] {
  return t.flatMap((x) => [...x]);
}

describe('supervision kinds: one declaration per learner input', () => {
  it('declares every input, with what to label, in words, and the sources it takes', () => {
    for (const input of LEARNER_INPUTS) {
      const kind = SUPERVISION[input];
      expect(kind.input).toBe(input);
      expect(kind.noun.length).toBeGreaterThan(3);
      expect(kind.whatToLabel.length).toBeGreaterThan(10);
      expect(supervisionText(describeSupervision(input, { source: 'generated', generatedCount: 3 })).length).toBeGreaterThan(3);
    }
    expect(SUPERVISION.pairs.sources).toEqual(['labeled', 'generated', 'suggested']);
    expect(SUPERVISION.triplets.sources).toEqual(['labeled', 'generated', 'suggested']);
    expect(SUPERVISION.quadruplets.sources).toEqual(['labeled', 'generated', 'suggested']);
    expect(SUPERVISION.chunklets.sources).toEqual(['labeled', 'generated']);
    const bare = { labeled: false, pairs: { must: 0, cannot: 0 }, comparisons: 3 };
    expect(SUPERVISION.triplets.lacks('scml', bare, 'suggested')).toBe('scml: suggested comparisons are labeled from class labels, but the dataset has none.');
    expect(SUPERVISION.triplets.lacks('scml', { ...bare, labeled: true }, 'suggested')).toBeNull();
    expect(SUPERVISION.labels.sources).toEqual([]);
    // A run's supervision in words comes from the one describer the app shows (shared/domain/supervision.ts).
    expect(supervisionText(describeSupervision('triplets', { source: 'labeled', labeledCount: 40 }))).toBe('triplets: labeled (40)');
    expect(supervisionText(describeSupervision('chunklets', { source: 'generated', generatedCount: 1 }))).toBe('chunklets: generated (1)');
    expect(supervisionText(describeSupervision('pairs', { source: 'suggested', generatedPerFold: 30 }))).toBe('pairs: suggested (30 per fold)');
  });

  it("'targets' gives a regression learner the fitting rows' numeric targets, and refuses a dataset without one naming the fix", () => {
    const targets = SUPERVISION.targets;
    expect(targets.supported).toBe(true);
    expect(countsSupervision(targets)).toBe(false);
    const message = 'mlkr learns from a numeric regression target, but the dataset has none (import it with a target column: workbench import FILE --target NAME).';
    expect(targets.lacks('mlkr', { labeled: true, pairs: { must: 3, cannot: 3 }, comparisons: 3 }, 'generated')).toBe(message);
    expect(targets.lacks('mlkr', { labeled: false, pairs: { must: 0, cannot: 0 }, comparisons: 0, regression: true }, 'generated')).toBeNull();
    const request = { learner: 'mlkr', X: data.features, d: 4, nRows: n, labels: null, source: 'generated' as const, pairs: [], comparisons: [], derived: false, seed: 0, count: undefined, params: {}, warnings: [] };
    expect(() => targets.build({ ...request, targets: null })).toThrow(new ValidationError(message));
    const y = Float64Array.from({ length: n }, (_, i) => 0.5 * i);
    const built = targets.build({ ...request, targets: y });
    expect(built.fields.targets).toBe(y);
    expect(built.count).toBe(n);
  });
});

describe.each(LEARNERS.map((l) => [l.name, l.input] as const))('supervision contract: %s', (name, input) => {
  const kind = supervisionOf(input);
  const field = FIELD[input];

  function checkField(training: TrainingData, count: number): void {
    for (const other of ['pairs', 'chunklets', 'triplets', 'quadruplets', 'targets'] as const) {
      if (other !== field) expect(training[other] ?? null, other).toBeNull();
    }
    switch (field) {
      case 'labels':
        expect(training.labels).toEqual(labels);
        break;
      case 'pairs':
        expect(training.pairs!.left.length).toBe(count);
        break;
      case 'chunklets':
        expect(training.chunklets!.length).toBe(n);
        expect(Math.max(...training.chunklets!) + 1).toBe(count);
        break;
      case 'triplets':
        expect(training.triplets!.length).toBe(3 * count);
        break;
      case 'quadruplets':
        expect(training.quadruplets!.length).toBe(4 * count);
        break;
      case 'targets':
        expect(training.targets).toEqual(regressionData.targets);
        expect(count).toBe(n);
        break;
      default:
        break;
    }
  }

  it('prepareFit gives the learner its kind, generated from the class labels', () => {
    const prepared = prepareFit(input === 'targets' ? regressionData : data, { method: name, constraintSource: 'generated' });
    expect(prepared.constraintSource).toBe(takesSource(kind) ? 'generated' : null);
    checkField(prepared.training, prepared.supervisionCount);
    if (takesSource(kind)) expect(prepared.supervisionCount).toBeGreaterThan(0);
  });

  it("prepareFit gives the learner its kind from the user's pairs and comparisons", () => {
    if (!takesSource(kind)) return;
    expect(resolveSupervisionSource(name, kind, undefined, { pairs, comparisons: comparisons.length, derived: false })).toBe('labeled');
    const prepared = prepareFit(data, { method: name, constraints: pairs, comparisons });
    expect(prepared.constraintSource).toBe('labeled');
    checkField(prepared.training, prepared.supervisionCount);
    const t = prepared.training;
    if (field === 'pairs') expect(Array.from(t.pairs!.left)).toEqual(pairs.map((p) => p.i));
    if (field === 'chunklets') expect(t.chunklets).toEqual(chunkletsFromPairs(pairs, n).chunklets);
    if (field === 'triplets') expect(Array.from(t.triplets!)).toEqual(flat(comparisons));
    if (field === 'quadruplets') expect(Array.from(t.quadruplets!)).toEqual([...quadrupletsFromComparisons(comparisons), ...quadrupletsFromPairs(pairs)]);
    if (t.labels !== null) expect(field).toBe('labels');
  });

  it('evaluation gives each fold the user\'s supervision restricted to its training rows', () => {
    if (!takesSource(kind)) return;
    const evaluation = evaluateMethod(data, { method: name, constraintSource: 'labeled', constraints: pairs, comparisons, protocol: { folds: 3 } });
    const splits = stratifiedKFold(labels, 3, 0);
    const expected = splits.map(({ train }) => {
      const p = restrictPairsToRows(pairs, train);
      const t = restrictTriplesToRows(comparisons, train);
      if (field === 'pairs') return p.length;
      if (field === 'chunklets') return chunkletsFromPairs(p, train.length).count;
      if (field === 'triplets') return t.length;
      return quadrupletsFromComparisons(t).length / 4 + quadrupletsFromPairs(p).length / 4;
    });
    expect(evaluation.folds.map((f) => f.trainPairs)).toEqual(expected);
  });

  it('scores a fit on comparisons alone on held-out pairs generated from the test labels (pair ROC-AUC)', () => {
    if (SUPERVISION[input].labeledFrom !== 'comparisons') return;
    const evaluation = evaluateMethod(data, { method: name, constraintSource: 'labeled', comparisons, protocol: { folds: 3 } });
    for (const f of evaluation.folds) expect([f.testPairs > 0, f.pairAuc !== null]).toEqual([true, true]);
  });

  it('refuses, with its kind\'s sentence, a dataset without class labels and without its supervision', () => {
    const unlabeled = { ...data, labels: null, classNames: [] };
    const held = { labeled: false, pairs: { must: 0, cannot: 0 }, comparisons: 0 };
    const reason = kind.lacks(name, held, 'generated');
    if (input === 'none') {
      expect(reason).toBeNull();
      expect(prepareFit(unlabeled, { method: name }).training.labels).toBeNull();
      return;
    }
    expect(reason).toMatch(new RegExp(`^${name} `));
    expect(() => prepareFit(unlabeled, { method: name })).toThrow(ValidationError);
    if (takesSource(kind)) expect(kind.lacks(name, held, 'labeled')).toMatch(new RegExp(`^${name} was asked to use labeled `));
  });
});

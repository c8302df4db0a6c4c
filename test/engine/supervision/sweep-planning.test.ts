/**
 * Sweeps and run planning read the supervision kinds: a sweep of a comparison learner varies the number of
 * comparisons (labeled: the first N in labeling order; generated: N drawn per fold; suggested: N chosen per fold by
 * active learning, shared/engine/active-comparisons.ts), a kind that cannot be suggested (chunklets) refuses it,
 * and planning refuses what a dataset lacks with the kind's sentence and records the exact comparisons a run used.
 */
import { describe, expect, it } from 'vitest';
import type { Triple } from '../../../shared/domain/comparisons.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { sweepConstraints } from '../../../shared/engine/sweep.ts';
import { SUPERVISION } from '../../../shared/engine/supervision/kinds.ts';
import { planJob, type StoredProtocol } from '../../../src-main/services/run-planning.ts';
import { openStore } from '../../../src-main/storage/store.ts';
import { blobs } from '../fixtures.ts';

const data = blobs({ classes: 3, perClass: 12, features: 3 });
const labels = data.labels!;
const rows = [0, 1, 2].map((c) => Array.from(labels.keys()).filter((r) => labels[r] === c));
/** 36 comparisons that agree with the labels, in labeling order: the anchors' classes take turns. */
const comparisons: Triple[] = rows[0]!.flatMap((_, k) => rows.map((own, c): Triple => [own[k]!, own[(k + 1) % own.length]!, rows[(c + 1) % 3]![k]!]));
const scml = { method: 'scml', params: { basis: 'triplet_diffs' }, seeds: 1, protocol: { folds: 3 } } as const;

describe('a sweep of a comparison learner', () => {
  it('labeled: the first N comparisons in labeling order, each fold keeping those inside its training part', () => {
    const sweep = sweepConstraints(data, { ...scml, counts: [0, 24, 36], constraintSource: 'labeled', comparisons });
    expect(sweep.constraintSource).toBe('labeled');
    expect(sweep.points.map((p) => [p.used, p.error])).toEqual([[[0], undefined], [[24], undefined], [[36], undefined]]);
    for (const p of sweep.points) expect(p.accuracies[0]).toBeGreaterThan(0.5);
  });

  it('generated: N comparisons drawn from each fold\'s training labels; chunklets refuse suggested with the kind\'s sources', () => {
    const sweep = sweepConstraints(data, { ...scml, counts: [20, 40] });
    expect(sweep.constraintSource).toBe('generated');
    expect(sweep.points.map((p) => p.used)).toEqual([[20], [40]]);
    expect(() => sweepConstraints(data, { method: 'rca', seeds: 1, protocol: { folds: 3 }, counts: [10], constraintSource: 'suggested' })).toThrow(
      new ValidationError(`sweep: rca learns from ${SUPERVISION.chunklets.noun}; constraints must be one of 'labeled', 'generated', got 'suggested'.`),
    );
    expect(() => sweepConstraints(data, { ...scml, counts: [10], constraintSource: 'labeled', constraints: [{ i: 0, j: 3, kind: 'must' }] })).toThrow(
      new ValidationError('sweep: labeled constraints were asked for, but the dataset has no labeled comparisons.'),
    );
  });
});

describe('run planning reads the supervision kinds', () => {
  it('refuses what a dataset lacks with the kind\'s sentence, and records the comparisons and pairs a run learns from', () => {
    const store = openStore(':memory:');
    try {
      const labeled = store.datasets.insert({ name: 'blobs', matrix: data }).id;
      const bare = store.datasets.insert({ name: 'bare', matrix: { ...data, labels: null, classNames: [] } }).id;
      const held = { labeled: false, pairs: { must: 0, cannot: 0 }, comparisons: 0 };
      for (const [method, input] of [['rca', 'chunklets'], ['scml', 'triplets'], ['lsml', 'quadruplets'], ['sdml', 'pairs']] as const) {
        expect(() => planJob(store, { kind: 'learn', datasetId: bare, method })).toThrow(new ValidationError(SUPERVISION[input].lacks(method, held, 'generated')!));
        expect(() => planJob(store, { kind: 'learn', datasetId: labeled, method, constraintSource: 'labeled' })).toThrow(
          new ValidationError(SUPERVISION[input].lacks(method, { ...held, labeled: true }, 'labeled')!),
        );
      }
      // Generated from the labels: nothing recorded but the source.
      const generated = planJob(store, { kind: 'evaluate', datasetId: labeled, method: 'scml' }).runs[0]!.protocol;
      expect([generated.constraintSource, generated.comparisons, generated.constraints]).toEqual(['generated', undefined, undefined]);

      store.transaction(() => {
        store.comparisons.bulkInsert(labeled, comparisons.slice(0, 5), { origin: 'manual' });
        store.constraints.set(labeled, { i: rows[0]![0]!, j: rows[0]![1]!, kind: 'must' });
      });
      const plan = planJob(store, { kind: 'compare', datasetId: labeled, methods: [{ method: 'scml' }, { method: 'rca' }, { method: 'lfda' }], derived: true });
      expect(plan.spec).toMatchObject({ constraintSource: 'labeled', derived: true });
      const [parent, scmlRun, rcaRun, lfdaRun] = plan.runs.map((r) => r.protocol as StoredProtocol);
      expect(scmlRun!.comparisons).toEqual(comparisons.slice(0, 5).map((t) => [...t]));
      expect(scmlRun!.constraints).toEqual([[rows[0]![0], rows[0]![1], 1]]);
      expect(rcaRun!.comparisons).toBeUndefined();
      expect(rcaRun!.constraintSource).toBe('labeled');
      expect([lfdaRun!.constraintSource, lfdaRun!.constraints, lfdaRun!.comparisons]).toEqual([undefined, undefined, undefined]);
      expect(parent!.comparisons).toHaveLength(5);
    } finally {
      store.close();
    }
  });
});

/**
 * One resolution per evaluation: prepareEvaluation checks the protocol, the learner, its parameters and its
 * supervision once, into an immutable plan; the folds receive that plan and check nothing again.
 */
import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../../shared/domain/constraints.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { assembleEvaluation, evaluateFold, evaluateMethod, planFromPortable, portablePlan, prepareEvaluation } from '../../../shared/engine/evaluation/evaluate.ts';
import { blobs } from '../fixtures.ts';

const data = blobs({ perClass: 12, seed: 3 });
const pairs: PairConstraint[] = [
  { i: 0, j: 1, kind: 'must' },
  { i: 0, j: 20, kind: 'cannot' },
  { i: 2, j: 3, kind: 'must' },
  { i: 5, j: 30, kind: 'cannot' },
];

describe('the evaluation plan', () => {
  it('resolves the learner, its parameters (defaults filled in), the seed and the supervision once, and is frozen', () => {
    const plan = prepareEvaluation(data, { method: 'itml', params: { gamma: 2 }, seed: 4, constraints: pairs, protocol: { folds: 3, preprocess: 'minmax' } });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.fit)).toBe(true);
    expect(plan.fit.learner.name).toBe('itml');
    expect(plan.fit.params).toMatchObject({ gamma: 2 });
    expect(Object.keys(plan.fit.params).length).toBeGreaterThan(1);
    expect({ seed: plan.fit.seed, preprocess: plan.fit.preprocess, source: plan.fit.source }).toEqual({ seed: 4, preprocess: 'minmax', source: 'labeled' });
    expect({ pairSource: plan.pairSource, heldOutPairs: plan.heldOutPairs, perFold: plan.perFold }).toEqual({ pairSource: 'labeled', heldOutPairs: 'labeled', perFold: null });
    expect(plan.splits).toHaveLength(3);
    expect(prepareEvaluation(data, { method: 'lda' }).fit.source).toBeNull();
  });

  it('refuses bad parameters and a source the learner does not take before any fold starts', () => {
    const started: number[] = [];
    const onFold = (fold: number) => started.push(fold);
    expect(() => evaluateMethod(data, { method: 'itml', params: { gamma: -1 } }, { onFold })).toThrow(ValidationError);
    expect(() => evaluateMethod(data, { method: 'itml', seed: -1 }, { onFold })).toThrow('seed must be an integer in 0…4294967295, got -1.');
    expect(() => evaluateMethod(data, { method: 'itml', params: { noSuchParameter: 1 } }, { onFold })).toThrow(ValidationError);
    expect(started).toEqual([]);
  });

  it('gives the folds everything they need: folds of the plan assemble to evaluateMethod, bit for bit', () => {
    const spec = { method: 'itml', constraints: pairs, protocol: { folds: 3 }, dataset: 'blobs' } as const;
    const plan = prepareEvaluation(data, spec);
    const folds = plan.splits.map((_, fold) => evaluateFold(data, plan, fold));
    const whole = evaluateMethod(data, spec);
    expect({ ...assembleEvaluation(plan, folds), fitSeconds: null, folds: null }).toEqual({ ...whole, fitSeconds: null, folds: null });
    expect(folds.map((f) => ({ ...f.result, fitSeconds: 0 }))).toEqual(whole.folds.map((f) => ({ ...f, fitSeconds: 0 })));
  });
});

describe('a plan carried to another thread', () => {
  it('crosses a structured clone (as a fold task does) and gives every fold the same bits, its learner looked up by name', () => {
    const plan = prepareEvaluation(data, { method: 'itml', params: { gamma: 2 }, seed: 4, constraints: pairs, protocol: { folds: 3 } });
    const carried = planFromPortable(structuredClone(portablePlan(plan)));
    expect(Object.isFrozen(carried)).toBe(true);
    expect(carried.fit.learner).toBe(plan.fit.learner);
    expect(carried.fit.supervision).toBe(plan.fit.supervision);
    expect({ ...carried, fit: { ...carried.fit } }).toEqual({ ...plan, fit: { ...plan.fit } });
    for (let fold = 0; fold < plan.splits.length; fold++) {
      const { fitSeconds: _a, ...here } = evaluateFold(data, plan, fold).result;
      const { fitSeconds: _b, ...there } = evaluateFold(data, carried, fold).result;
      expect(JSON.stringify(there)).toBe(JSON.stringify(here));
    }
  });

  it('refuses a plan whose supervision is chosen per fold (it stays on its thread)', () => {
    const plan = prepareEvaluation(data, { method: 'itml', foldConstraints: () => pairs, protocol: { folds: 3 } });
    expect(plan.perFold).not.toBeNull();
    expect(() => portablePlan(plan)).toThrow(/cannot leave its thread/);
  });
});

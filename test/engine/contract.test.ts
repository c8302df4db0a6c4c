/**
 * One contract, every learner in the registry (metric-learn's test_mahalanobis_mixin in spirit): a learner that
 * lands in LEARNERS is covered here without editing this file.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { convergedFor, STOP_REASONS } from '../../shared/domain/learned-metric.ts';
import { fitMetric, prepareFit } from '../../shared/engine/fit.ts';
import { LEARNER_INPUTS, type LearnerDefinition, type ParamSpec } from '../../shared/engine/learner.ts';
import { paramRule, validateParams } from '../../shared/engine/params.ts';
import { LEARNERS } from '../../shared/engine/registry.ts';
import { SUPERVISION } from '../../shared/engine/supervision/kinds.ts';
import { isPsd } from '../../shared/math/decompositions/psd.ts';
import { mahalanobisMatrix, pairDistance, pairwiseDistances, transform } from '../../shared/metric/index.ts';
import { blobs } from './fixtures.ts';

const labeled = blobs({ classes: 3, perClass: 8, features: 4 });
/** The same rows as a regression dataset (a numeric target per row, no classes), for learners whose input is 'targets'. */
const regression = {
  ...labeled,
  labels: null,
  classNames: [],
  targets: Float64Array.from({ length: labeled.nRows }, (_, i) => labeled.features[i * 4]! + 2 * labeled.features[i * 4 + 1]! ** 2),
};
const n = labeled.nRows;

/** Parameters that make an iterative learner run for a long time if it ignored shouldStop. */
function longRunParams(learner: LearnerDefinition): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(learner.params)) {
    if (spec.type === 'int' && /iter/i.test(key)) params[key] = Math.min(spec.max ?? 100_000, 100_000);
    if (spec.type === 'float' && /^(tol|tolerance|convergenceThreshold)$/i.test(key)) {
      const min = spec.min ?? 0;
      params[key] = spec.exclusiveMin ? (min === 0 ? 1e-300 : min * (1 + 1e-12) + 1e-300) : min;
    }
  }
  return params;
}

/** A value each spec must reject. */
function badValues(spec: ParamSpec): unknown[] {
  switch (spec.type) {
    case 'int':
      return [1.5, 'three', ...(spec.min !== undefined ? [spec.min - 1] : []), ...(spec.max !== undefined ? [spec.max + 1] : []), ...(spec.nullable ? [] : [null])];
    case 'float':
      return ['x', Number.POSITIVE_INFINITY, ...(spec.min !== undefined ? [spec.exclusiveMin ? spec.min : spec.min - 1] : [])];
    case 'enum':
      return ['not-a-choice', 3];
    case 'bool':
      return ['yes', 1];
  }
}

describe.each(LEARNERS.map((l) => [l.name, l] as const))('learner contract: %s', (name, learner) => {
  afterEach(() => vi.restoreAllMocks());
  const data = learner.input === 'targets' ? regression : labeled;

  it('declares itself completely', () => {
    expect(learner.title.length).toBeGreaterThan(0);
    expect(learner.description.length).toBeGreaterThan(20);
    expect(LEARNER_INPUTS).toContain(learner.input);
    expect(SUPERVISION[learner.input].supported).toBe(true);
    for (const spec of Object.values(learner.params)) expect(spec.description.length).toBeGreaterThan(0);
  });

  it('returns L (k, d) and a transform of shape (n, k)', () => {
    const metric = fitMetric(data, { method: name });
    expect(metric.nFeatures).toBe(4);
    expect(metric.nComponents).toBeGreaterThanOrEqual(1);
    expect(metric.L.length).toBe(metric.nComponents * 4);
    expect(transform(metric, data.features, n).length).toBe(n * metric.nComponents);
    expect(metric.summary.iterations).toBeGreaterThanOrEqual(0);
    expect(typeof metric.summary.converged).toBe('boolean');
    for (const v of metric.summary.objectiveTrace) expect(typeof v).toBe('number');
  });

  it('says why it stopped, with one meaning of converged, and stores its final objective', () => {
    const metric = fitMetric(data, { method: name });
    const { converged, stopReason, objective, objectiveTrace } = metric.summary;
    expect([null, ...STOP_REASONS]).toContain(stopReason);
    expect(converged).toBe(convergedFor(stopReason));
    if (stopReason === null) {
      expect(converged).toBe(true); // closed form
    } else {
      // Iterative: the final objective is a number of the trace (NCA returns its best iterate, the others their last).
      expect(Number.isFinite(objective)).toBe(true);
      const expected = name === 'nca' ? Math.max(...objectiveTrace) : objectiveTrace[objectiveTrace.length - 1];
      if (objectiveTrace.length > 0) expect(objective).toBe(expected);
    }
    // Stopped by the caller before the tolerance: not converged, and the reason is the budget, not the tolerance.
    if (stopReason !== null) {
      const prepared = prepareFit(data, { method: name, params: longRunParams(learner) });
      const early = learner.fit(prepared.training, prepared.params, { seed: 0, hooks: { shouldStop: () => true } });
      expect(early).toMatchObject({ converged: false, stopReason: 'maxIter' });
    }
  });

  it('learns a PSD M = LᵀL', () => {
    const metric = fitMetric(data, { method: name });
    expect(isPsd(mahalanobisMatrix(metric), 4)).toBe(true);
  });

  it('gives a pseudo-metric: d ≥ 0, symmetric, d(a, a) = 0, triangle inequality', () => {
    const metric = fitMetric(data, { method: name });
    const D = pairwiseDistances(metric, data.features, n);
    let scale = 0;
    for (const v of D) scale = Math.max(scale, v);
    const eps = 1e-9 * Math.max(scale, 1);
    const violations = { diagonal: 0, negative: 0, asymmetric: 0, triangle: 0, selfPair: 0 };
    for (let i = 0; i < n; i++) {
      if (D[i * n + i] !== 0) violations.diagonal++;
      const row = data.features.subarray(i * 4, i * 4 + 4);
      if (pairDistance(metric, row, row) !== 0) violations.selfPair++;
      for (let j = 0; j < n; j++) {
        if (!(D[i * n + j]! >= 0)) violations.negative++;
        if (D[i * n + j] !== D[j * n + i]) violations.asymmetric++;
        for (let k = 0; k < n; k++) if (!(D[i * n + j]! <= D[i * n + k]! + D[k * n + j]! + eps)) violations.triangle++;
      }
    }
    expect(violations).toEqual({ diagonal: 0, negative: 0, asymmetric: 0, triangle: 0, selfPair: 0 });
  });

  it('is reproducible: the same seed gives a bitwise-identical L', () => {
    const a = fitMetric(data, { method: name, seed: 3 });
    const b = fitMetric(data, { method: name, seed: 3 });
    expect(new Uint8Array(b.L.buffer, b.L.byteOffset, b.L.byteLength)).toEqual(new Uint8Array(a.L.buffer, a.L.byteOffset, a.L.byteLength));
  });

  it('is silent without hooks', () => {
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m)),
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
    ];
    const prepared = prepareFit(data, { method: name });
    learner.fit(prepared.training, prepared.params, { seed: 0, hooks: {} });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('reports progress and stops within one iteration once shouldStop() is true', () => {
    const prepared = prepareFit(data, { method: name, params: longRunParams(learner) });
    const reported: number[] = [];
    let stop = false;
    const outcome = learner.fit(prepared.training, prepared.params, {
      seed: 0,
      hooks: {
        onIteration: (p) => {
          reported.push(p.iteration);
          expect(Number.isFinite(p.elapsedMs)).toBe(true);
          stop = true;
        },
        shouldStop: () => stop,
      },
    });
    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(reported.length).toBeLessThanOrEqual(2);
    expect(outcome.iterations).toBeLessThanOrEqual(reported[0]! + 1);
    expect(outcome.L.length).toBe(outcome.nComponents * 4);
    for (const v of outcome.L) expect(Number.isFinite(v)).toBe(true);

    // Asked to stop before it starts: at most one iteration.
    const early = learner.fit(prepared.training, prepared.params, { seed: 0, hooks: { shouldStop: () => true } });
    expect(early.iterations).toBeLessThanOrEqual(1);
    expect(early.L.length).toBe(early.nComponents * 4);
  });

  it('validates every parameter with an exact message naming the parameter, the value and the rule', () => {
    for (const [key, spec] of Object.entries(learner.params)) {
      for (const bad of badValues(spec)) {
        const message = `${name}: parameter '${key}' must be ${paramRule(spec)}, got ${JSON.stringify(bad) ?? String(bad)}.`;
        expect(() => validateParams(name, learner.params, { [key]: bad })).toThrow(new ValidationError(message));
        expect(() => fitMetric(data, { method: name, params: { [key]: bad } })).toThrow(new ValidationError(message));
      }
    }
    const known = Object.keys(learner.params);
    expect(() => fitMetric(data, { method: name, params: { noSuchParameter: 1 } })).toThrow(
      new ValidationError(`${name}: unknown parameter 'noSuchParameter'. Known parameters: ${known.length ? known.join(', ') : '(none)'}.`),
    );
    // Defaults are valid and filled in.
    expect(Object.keys(validateParams(name, learner.params, {})).sort()).toEqual([...known].sort());
  });
});

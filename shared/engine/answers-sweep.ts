/**
 * Pairs or comparisons: which gets more per answer? Two learning curves on one axis, the number of answers a
 * labeler gives: a pair learner (mmc, mmc-diagonal, itml, sdml) given N pairs ("same or different?") and a
 * comparison learner (scml on triplets, lsml on the quadruplets (a,b,a,c) of its comparisons) given N comparisons
 * ("is a closer to b or to c?"), both answered by an oracle that knows the training fold's class labels.
 *
 * Each curve is an ordinary sweep (shared/engine/sweep.ts) with the same answers, seeds, protocol and source
 * (`generated`: drawn at random from the training fold's labels; `suggested`: chosen by active learning,
 * active-pairs.ts and active-comparisons.ts; `labeled`: the first N of the user's own). The learner sees the N
 * answers and nothing else: N/2 must-link and N/2 cannot-link pairs drawn uniformly, or N comparisons drawn
 * uniformly (an anchor, a row of its class, a row of another; `answersOnly` of the sweep), never the class labels
 * themselves. (An ordinary `sweep` of a comparison learner on generated comparisons draws nearest-neighbour
 * triplets from all the training labels and lets scml build its bases from those labels: a fair study of what an
 * answer is worth cannot.) So scml's bases are triplet differences, which need at least as many comparisons as
 * features: below that a point is a gap with the reason. The Euclidean baseline (the identity metric under the
 * same protocol, one evaluation per seed) is evaluated once and is both curves' point at 0 answers.
 *
 * The work is a list of sweep steps ({@link answersSweepTasks}): the baseline's, then each curve's steps at N > 0.
 * Each is a pure function of (data, its sweep spec, its step index), so src-main/jobs runs them on any number of
 * threads and {@link assembleAnswersSweep} puts the outcomes together with the same bits as {@link sweepAnswers}.
 */
import type { Triple } from '../domain/comparisons.ts';
import type { PairConstraint } from '../domain/constraints.ts';
import { BASELINE_METHOD, type SweepConstraintSource } from '../domain/enums.ts';
import { definedFields } from '../objects.ts';
import { datasetTask, type DatasetMatrix } from '../domain/dataset.ts';
import type { AnswersSweepCurve, AnswersSweepResult, SweepResult } from '../domain/job.ts';
import { JobCancelledError, ValidationError } from '../errors.ts';
import { mean, populationStd, type Protocol } from './evaluation/evaluate.ts';
import { getLearner } from './registry.ts';
import { supervisionOf } from './supervision/kinds.ts';
import { assembleSweep, checkSweepData, evaluateSweepStep, resolveSweep, sweepSteps, type ResolvedSweep, type SweepHooks, type SweepSpec, type SweepStepOutcome } from './sweep.ts';

export interface AnswersSweepSpec {
  /** A learner of pairs: mmc, mmc-diagonal, itml, sdml. */
  pairsMethod: string;
  pairsParams?: Record<string, unknown>;
  /** A learner of comparisons: scml (triplets) or lsml (quadruplets). */
  comparisonsMethod: string;
  comparisonsParams?: Record<string, unknown>;
  /** Numbers of answers; default 0, 10, 20, 50, 100, 200. */
  answers?: readonly number[];
  /** How many seeds per N; default 3. */
  seeds?: number;
  /** First seed; default 0. */
  seed?: number;
  protocol?: Partial<Protocol>;
  /** Default 'generated'. */
  constraintSource?: SweepConstraintSource;
  /** The user's hand-labeled pairs (a labeled sweep's pairs curve takes the first N). */
  constraints?: readonly PairConstraint[];
  /** The user's comparisons (a labeled sweep's comparisons curve takes the first N). */
  comparisons?: readonly Triple[];
}

export const DEFAULT_ANSWERS: readonly number[] = [0, 10, 20, 50, 100, 200];

/** One curve of the sweep: which supervision, as the ordinary sweep that computes it. */
interface ResolvedCurve {
  supervision: 'pairs' | 'comparisons';
  spec: SweepSpec;
  resolved: ResolvedSweep;
}

/** The two curves and the baseline (a sweep of the pairs method at N = 0 only: the Euclidean evaluation per seed). */
export interface ResolvedAnswersSweep {
  answers: number[];
  curves: [ResolvedCurve, ResolvedCurve];
  baseline: { spec: SweepSpec; resolved: ResolvedSweep };
}

/** One step to evaluate: step `step` of the sweep `spec` (its index into sweepSteps(resolveSweep(spec))). */
export interface AnswersSweepTask {
  spec: SweepSpec;
  step: number;
  /** For progress: which curve ('baseline' for the Euclidean steps), its N and seed. */
  curve: 'baseline' | 'pairs' | 'comparisons';
  answers: number;
  seed: number;
}

/**
 * Checks and fills in the spec: the pairs method must learn from pairs, the comparisons method from comparisons
 * (triplets or quadruplets), and each must take the source.
 * @throws ValidationError naming the field, its value and the rule.
 */
export function resolveAnswersSweep(spec: AnswersSweepSpec): ResolvedAnswersSweep {
  const pairsLearner = getLearner(spec.pairsMethod);
  if (pairsLearner.input !== 'pairs') {
    throw new ValidationError(`sweep: --pairs-method must learn from must-link / cannot-link pairs (mmc, mmc-diagonal, itml, sdml), got '${pairsLearner.name}' (it learns from ${supervisionOf(pairsLearner.input).noun}).`);
  }
  const comparisonsLearner = getLearner(spec.comparisonsMethod);
  if (supervisionOf(comparisonsLearner.input).labeledFrom !== 'comparisons') {
    throw new ValidationError(`sweep: --comparisons-method must learn from relative comparisons (scml, lsml), got '${comparisonsLearner.name}' (it learns from ${supervisionOf(comparisonsLearner.input).noun}).`);
  }
  const answers = [...(spec.answers ?? DEFAULT_ANSWERS)];
  const common = {
    seeds: spec.seeds,
    seed: spec.seed ?? 0,
    protocol: spec.protocol,
    constraintSource: spec.constraintSource ?? 'generated',
    constraints: spec.constraints ?? [],
    comparisons: spec.comparisons ?? [],
  } satisfies Partial<SweepSpec>;
  const curve = (supervision: 'pairs' | 'comparisons', method: string, params: Record<string, unknown> | undefined): ResolvedCurve => {
    const sweepSpec: SweepSpec = { ...common, method, ...definedFields({ params }), counts: answers, ...(supervision === 'comparisons' ? { answersOnly: true } : {}) };
    return { supervision, spec: sweepSpec, resolved: resolveSweep(sweepSpec) };
  };
  const curves: [ResolvedCurve, ResolvedCurve] = [curve('pairs', pairsLearner.name, spec.pairsParams), curve('comparisons', comparisonsLearner.name, spec.comparisonsParams)];
  const baselineSpec: SweepSpec = { ...curves[0].spec, counts: [0] };
  return { answers, curves, baseline: { spec: baselineSpec, resolved: resolveSweep(baselineSpec) } };
}

/** The steps to evaluate, in order: the baseline's (one per seed), then each curve's steps at N > 0. */
export function answersSweepTasks(resolved: ResolvedAnswersSweep): AnswersSweepTask[] {
  const tasks: AnswersSweepTask[] = sweepSteps(resolved.baseline.resolved).map((step) => ({ spec: resolved.baseline.spec, step: step.index, curve: 'baseline', answers: 0, seed: step.seed }));
  for (const curve of resolved.curves) {
    for (const step of sweepSteps(curve.resolved)) {
      if (step.count > 0) tasks.push({ spec: curve.spec, step: step.index, curve: curve.supervision, answers: step.count, seed: step.seed });
    }
  }
  return tasks;
}

/** Puts the outcomes of {@link answersSweepTasks} (same order; a step after its N's first gap may be missing) together. */
export function assembleAnswersSweep(resolved: ResolvedAnswersSweep, outcomes: ReadonlyArray<SweepStepOutcome | undefined>): AnswersSweepResult {
  const tasks = answersSweepTasks(resolved);
  const baseline = outcomes.slice(0, resolved.baseline.resolved.seeds.length);
  const curves: AnswersSweepCurve[] = resolved.curves.map((curve) => {
    const own: Array<SweepStepOutcome | undefined> = [];
    for (const step of sweepSteps(curve.resolved)) {
      if (step.count === 0) own[step.index] = baseline[step.s];
      else own[step.index] = outcomes[tasks.findIndex((t) => t.spec === curve.spec && t.step === step.index)];
    }
    return toCurve(curve.supervision, assembleSweep(curve.spec, curve.resolved, own));
  });
  const accuracies = baseline.flatMap((o) => (o !== undefined && 'accuracy' in o ? [o.accuracy] : []));
  const { protocol, seeds, source } = resolved.curves[0].resolved;
  return {
    kind: 'answers',
    answers: resolved.answers,
    constraintSource: source,
    protocol,
    seeds,
    baseline: { method: BASELINE_METHOD, accuracies, mean: mean(accuracies), std: populationStd(accuracies) },
    curves,
  };
}

function toCurve(supervision: 'pairs' | 'comparisons', sweep: SweepResult): AnswersSweepCurve {
  return {
    supervision,
    method: sweep.method,
    params: sweep.params,
    source: sweep.constraintSource,
    points: sweep.points.map(({ count, ...rest }) => ({ answers: count, ...rest })),
  };
}

export interface AnswersSweepHooks extends Omit<SweepHooks, 'onStep'> {
  /** Called before each step: task `index` (0-based) of `total`. */
  onTask?(index: number, total: number, task: AnswersSweepTask): void;
}

/**
 * Runs the sweep (see the module comment) step after step on this thread; src-main/jobs spreads the same steps
 * over helper threads with the same bits. Cancellation as for {@link sweepConstraints}.
 * @throws ValidationError for a regression dataset or a bad spec.
 */
export function sweepAnswers(data: DatasetMatrix, spec: AnswersSweepSpec, hooks: AnswersSweepHooks = {}): AnswersSweepResult {
  checkSweepData(datasetTask(data));
  const resolved = resolveAnswersSweep(spec);
  const tasks = answersSweepTasks(resolved);
  const outcomes: Array<SweepStepOutcome | undefined> = [];
  const gaps = new Set<string>();
  const resolvedOf = new Map<SweepSpec, ResolvedSweep>([[resolved.baseline.spec, resolved.baseline.resolved], ...resolved.curves.map((c) => [c.spec, c.resolved] as const)]);
  for (const [index, task] of tasks.entries()) {
    if (hooks.shouldStop?.()) throw new JobCancelledError();
    hooks.onTask?.(index, tasks.length, task);
    const own = resolvedOf.get(task.spec)!;
    const step = sweepSteps(own)[task.step]!;
    // As in one sweep: after a gap at an N, its later seeds are not evaluated.
    const gapKey = `${task.curve}:${step.c}`;
    if (gaps.has(gapKey)) continue;
    const outcome = evaluateSweepStep(data, task.spec, own, step, hooks);
    outcomes[index] = outcome;
    if ('error' in outcome) gaps.add(gapKey);
  }
  return assembleAnswersSweep(resolved, outcomes);
}

/**
 * Accuracy against the number of constraints: the learning curve of a method whose supervision is counted (pairs:
 * mmc, mmc-diagonal, itml; chunklets, comparisons and quadruplets: shared/engine/supervision/kinds.ts). For each N
 * in `counts` and each of `seeds` seeds, the method is cross-validated with N constraints (pairs, or comparisons
 * for the learners of comparisons and quadruplets):
 *
 * - `labeled`: the first N of the user's hand-labeled pairs (or comparisons), in the order they were labeled (each
 *   fold keeps those inside its training part, as in every evaluation);
 * - `generated`: ⌈N/2⌉ must-link and ⌈N/2⌉ cannot-link pairs (or N chunklets, comparisons, quadruplets) drawn from
 *   each fold's training labels, seeded.
 * - `suggested` (pairs, comparisons and quadruplets): N pairs or comparisons chosen by active learning on each fold's
 *   training part (the most uncertain under the metric learned so far, refitted every ~N/4) and labeled by an
 *   oracle from that part's class labels: see shared/engine/active-pairs.ts and active-comparisons.ts (a
 *   quadruplet learner gets (a, b, a, c) of each comparison). Same folds and seeds as `generated`, so the two
 *   curves compare active against random supervision.
 *
 * N = 0 is the Euclidean baseline (no constraint, the identity metric) under the same protocol. Seed s
 * (s = 0 … seeds − 1) uses learner seed `seed + s` and fold split `protocol.seed + s`, so the spread across
 * seeds covers both the constraint draw and the split. The result is one value the charts draw directly.
 */
import type { Triple } from '../domain/comparisons.ts';
import type { PairConstraint } from '../domain/constraints.ts';
import { BASELINE_METHOD, type DatasetTask, type LearnerInput } from '../domain/enums.ts';
import { definedFields } from '../objects.ts';
import { datasetTask, type DatasetMatrix } from '../domain/dataset.ts';
import { DEFAULT_SWEEP_COUNTS, DEFAULT_SWEEP_SEEDS, SWEEP_CONSTRAINT_SOURCES, type SweepConstraintSource, type SweepPoint, type SweepResult } from '../domain/job.ts';
import { JobCancelledError, ValidationError } from '../errors.ts';
import { activeSuggestedComparisons } from './active-comparisons.ts';
import { activeSuggestedPairs } from './active-pairs.ts';
import { evaluateMethod, mean, populationStd, resolveProtocol, type EvaluationHooks, type EvaluationResult, type Protocol } from './evaluation/evaluate.ts';
import { checkSeed } from './fit.ts';
import { validateParams } from './params.ts';
import { getLearner, LEARNERS } from './registry.ts';
import { generateTriplets } from './supervision/generate.ts';
import { countsSupervision, supervisionOf, type SupervisionKind } from './supervision/kinds.ts';

export interface SweepSpec {
  method: string;
  params?: Record<string, unknown>;
  /** Numbers of constraints; default 0, 10, 20, 50, 100, 200, 500. */
  counts?: readonly number[];
  /** How many seeds per N; default 3. */
  seeds?: number;
  /** First seed; default 0. */
  seed?: number;
  protocol?: Partial<Protocol>;
  /** Default: 'labeled' when `constraints` is non-empty, otherwise 'generated'. */
  constraintSource?: SweepConstraintSource;
  /** The user's hand-labeled pairs in labeling order. */
  constraints?: readonly PairConstraint[];
  /** The user's comparisons in labeling order (the N of a labeled sweep of a comparison or quadruplet learner counts these). */
  comparisons?: readonly Triple[];
  /** Comparison and quadruplet learners also use the comparisons the labeled pairs imply. */
  derived?: boolean;
  /**
   * Generated comparisons as answers (shared/engine/answers-sweep.ts): N comparisons drawn uniformly from each fold's
   * training labels (an anchor, a row of its class, a row of another class) and given to the learner alone, without
   * the class labels, as suggested ones are; otherwise a comparison learner's generated supervision is the
   * nearest-neighbour triplets of all the training labels, which it may also read (scml's 'lda' bases).
   */
  answersOnly?: boolean;
}

/** What a labeled sweep takes the first N of: the kind's labeled items (shared/engine/supervision/kinds.ts). */
function labeledItems(kind: SupervisionKind, spec: Pick<SweepSpec, 'constraints' | 'comparisons'>): readonly unknown[] {
  return (kind.labeledFrom === 'comparisons' ? spec.comparisons : spec.constraints) ?? [];
}

/** Seeds each fold's answers apart: fold f of seed s draws with s + stride·f. */
const ANSWER_SEED_STRIDE = 7919;

export interface SweepHooks extends EvaluationHooks {
  /** Called before each evaluation: step `step` (0-based) of `steps`, with its N and seed. */
  onStep?(step: number, steps: number, count: number, seed: number): void;
}

/** Methods whose supervision is counted (pairs, chunklets, comparisons, quadruplets): what a sweep varies. */
const SWEEPABLE_METHODS = (): string[] => LEARNERS.filter((l) => sweepable(l.input)).map((l) => l.name);

function sweepable(input: LearnerInput): boolean {
  return countsSupervision(supervisionOf(input));
}

/** @throws ValidationError for a regression dataset: a sweep's curve is kNN accuracy, which needs classes. */
export function checkSweepData(task: DatasetTask): void {
  if (task === 'regression') throw new ValidationError('sweep: the curve is kNN accuracy, which needs class labels, but the dataset is a regression dataset (a numeric target).');
}

/** A step's mean accuracy (a classification evaluation always has one). */
function sweepAccuracy(evaluation: EvaluationResult): number {
  if (evaluation.accuracy === null) throw new RangeError('sweep: a regression evaluation has no accuracy.');
  return evaluation.accuracy.mean;
}

/** Checks and fills in a sweep spec. @throws ValidationError naming the field, its value and the rule. */
export function resolveSweep(spec: SweepSpec): { counts: number[]; seeds: number[]; protocol: Protocol; source: SweepConstraintSource; params: Record<string, unknown> } {
  const learner = getLearner(spec.method);
  if (!sweepable(learner.input)) {
    throw new ValidationError(
      `sweep: method '${learner.name}' does not learn from constraints (pairs, chunklets, comparisons or quadruplets); use one of ${SWEEPABLE_METHODS().join(', ')}.`,
    );
  }
  const kind = supervisionOf(learner.input);
  const params = validateParams(learner.name, learner.params, spec.params ?? {});
  const counts = [...(spec.counts ?? DEFAULT_SWEEP_COUNTS)];
  if (counts.length === 0) throw new ValidationError('sweep: counts must list at least one number of constraints.');
  for (const n of counts) {
    if (!Number.isInteger(n) || n < 0) throw new ValidationError(`sweep: counts must be integers ≥ 0, got ${JSON.stringify(n)}.`);
  }
  const nSeeds = spec.seeds ?? DEFAULT_SWEEP_SEEDS;
  if (!Number.isInteger(nSeeds) || nSeeds < 1 || nSeeds > 100) {
    throw new ValidationError(`sweep: seeds must be an integer in 1…100, got ${JSON.stringify(nSeeds)}.`);
  }
  const base = checkSeed(spec.seed ?? 0);
  const source = spec.constraintSource ?? (labeledItems(kind, spec).length > 0 ? 'labeled' : 'generated');
  if (!(SWEEP_CONSTRAINT_SOURCES as readonly string[]).includes(source)) {
    throw new ValidationError(`sweep: constraints must be one of 'labeled', 'generated', 'suggested', got ${JSON.stringify(source)}.`);
  }
  if (!kind.sources.includes(source)) {
    throw new ValidationError(`sweep: ${learner.name} learns from ${kind.noun}; constraints must be one of ${kind.sources.map((s) => `'${s}'`).join(', ')}, got '${source}'.`);
  }
  if (source === 'labeled' && labeledItems(kind, spec).length === 0) {
    throw new ValidationError(`sweep: labeled constraints were asked for, but the dataset has no labeled ${kind.labeledFrom === 'comparisons' ? 'comparisons' : 'pairs'}.`);
  }
  const protocol = resolveProtocol({ protocol: spec.protocol, seed: base });
  return { counts, seeds: Array.from({ length: nSeeds }, (_, s) => base + s), protocol, source, params };
}

/** The resolved sweep ({@link resolveSweep}). */
export type ResolvedSweep = ReturnType<typeof resolveSweep>;

/** One (N, seed) evaluation of a sweep, in the order the sweep runs them. */
export interface SweepStep {
  index: number;
  /** Index of the count in `counts` (counts may repeat). */
  c: number;
  count: number;
  /** Index of the seed in `seeds`. */
  s: number;
  seed: number;
}

/** What one step gives: its accuracy and the pairs used, or the message of the ValidationError that left a gap. */
export type SweepStepOutcome = { accuracy: number; used: number } | { error: string };

/** The steps of a resolved sweep: counts in order, seeds in order within each count. */
export function sweepSteps(resolved: ResolvedSweep): SweepStep[] {
  const steps: SweepStep[] = [];
  resolved.counts.forEach((count, c) => {
    for (const [s, seed] of resolved.seeds.entries()) steps.push({ index: steps.length, c, count, s, seed });
  });
  return steps;
}

/**
 * Cross-validates one step. A pure function of (data, spec, step): steps can run on any thread.
 * @throws JobCancelledError and any error other than the ValidationError that leaves a gap in the curve.
 */
export function evaluateSweepStep(data: DatasetMatrix, spec: SweepSpec, resolved: ResolvedSweep, step: SweepStep, hooks: EvaluationHooks = {}): SweepStepOutcome {
  const { protocol, source, params } = resolved;
  const { count, s, seed } = step;
  const stepProtocol = { ...protocol, seed: protocol.seed + s };
  try {
    if (count === 0) {
      const evaluation = evaluateMethod(data, { method: BASELINE_METHOD, seed, protocol: stepProtocol }, hooks);
      return { accuracy: sweepAccuracy(evaluation), used: 0 };
    }
    const kind = supervisionOf(getLearner(spec.method).input);
    if (source === 'labeled') {
      // The first N of the kind's labeled items; a comparison learner's sweep over comparisons leaves the pairs out.
      const labeled =
        kind.labeledFrom === 'comparisons'
          ? { constraints: [], comparisons: spec.comparisons!.slice(0, count) }
          : { constraints: spec.constraints!.slice(0, count) };
      const evaluation = evaluateMethod(data, { method: spec.method, params, seed, protocol: stepProtocol, constraintSource: 'labeled', ...labeled, derived: spec.derived }, hooks);
      return { accuracy: sweepAccuracy(evaluation), used: labeled.comparisons?.length ?? labeled.constraints.length };
    }
    if (source === 'suggested') {
      const stop = hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {};
      const active = { method: spec.method, params, seed, preprocess: protocol.preprocess, reduce: protocol.reduce, count };
      const perFold =
        kind.labeledFrom === 'comparisons'
          ? { foldComparisons: (train: DatasetMatrix) => activeSuggestedComparisons(train, active, stop) }
          : { foldConstraints: (train: DatasetMatrix) => activeSuggestedPairs(train, active, stop) };
      const evaluation = evaluateMethod(data, { method: spec.method, params, seed, protocol: stepProtocol, constraintSource: 'generated', ...perFold }, hooks);
      return { accuracy: sweepAccuracy(evaluation), used: Math.round(mean(evaluation.folds.map((f) => f.trainPairs))) };
    }
    if (spec.answersOnly && kind.labeledFrom === 'comparisons') {
      const foldComparisons = (train: DatasetMatrix, fold: number): Triple[] => {
        const flat = generateTriplets(train.labels!, count, (seed + ANSWER_SEED_STRIDE * fold) >>> 0);
        return Array.from({ length: flat.length / 3 }, (_, t) => [flat[3 * t]!, flat[3 * t + 1]!, flat[3 * t + 2]!] as const);
      };
      const evaluation = evaluateMethod(data, { method: spec.method, params, seed, protocol: stepProtocol, constraintSource: 'generated', foldComparisons }, hooks);
      return { accuracy: sweepAccuracy(evaluation), used: Math.round(mean(evaluation.folds.map((f) => f.trainPairs))) };
    }
    // Pairs are drawn N/2 of each kind; the other kinds draw N items.
    const pairCount = kind.input === 'pairs' ? Math.ceil(count / 2) : count;
    const evaluation = evaluateMethod(data, { method: spec.method, params, seed, protocol: stepProtocol, constraintSource: 'generated', pairCount }, hooks);
    return { accuracy: sweepAccuracy(evaluation), used: Math.round(mean(evaluation.folds.map((f) => f.trainPairs))) };
  } catch (e) {
    // A point that cannot be evaluated (e.g. too few labeled pairs for every fold) leaves a gap in the
    // curve rather than failing the whole sweep; anything else (cancel, numerical failure) propagates.
    if (!(e instanceof ValidationError) || e instanceof JobCancelledError) throw e;
    return { error: e.message };
  }
}

/**
 * Puts step outcomes (indexed by step; steps after a count's first gap may be missing) together into the result,
 * exactly as the one-thread sweep does: per count, the outcomes up to the first gap, in seed order.
 */
export function assembleSweep(spec: SweepSpec, resolved: ResolvedSweep, outcomes: ReadonlyArray<SweepStepOutcome | undefined>): SweepResult {
  const { counts, seeds, protocol, source, params } = resolved;
  const points: SweepPoint[] = [];
  let index = 0;
  for (const count of counts) {
    const accuracies: number[] = [];
    const used: number[] = [];
    let error: string | undefined;
    for (let s = 0; s < seeds.length; s++, index++) {
      if (error !== undefined) continue;
      const outcome = outcomes[index]!;
      if ('error' in outcome) error = outcome.error;
      else {
        accuracies.push(outcome.accuracy);
        used.push(outcome.used);
      }
    }
    points.push({
      count,
      used,
      accuracies,
      mean: error === undefined ? mean(accuracies) : null,
      std: error === undefined ? populationStd(accuracies) : null,
      ...definedFields({ error }),
    });
  }
  return { method: spec.method, params, constraintSource: source, protocol, seeds, points };
}

/**
 * Runs the sweep (see the module comment) step after step on this thread (src-main/jobs spreads the steps over
 * several threads with {@link sweepSteps}, {@link evaluateSweepStep} and {@link assembleSweep}, with the same bits).
 * Cancellation: `hooks.shouldStop()` is checked by every learner iteration and between evaluations; the sweep then
 * throws JobCancelledError.
 * @throws ValidationError for a method that is not pair-based, bad counts, seeds or protocol, an unlabeled dataset.
 */
export function sweepConstraints(data: DatasetMatrix, spec: SweepSpec, hooks: SweepHooks = {}): SweepResult {
  checkSweepData(datasetTask(data));
  const resolved = resolveSweep(spec);
  const steps = sweepSteps(resolved);
  const outcomes: Array<SweepStepOutcome | undefined> = [];
  const gap = new Set<number>();
  for (const step of steps) {
    if (hooks.shouldStop?.()) throw new JobCancelledError();
    hooks.onStep?.(step.index, steps.length, step.count, step.seed);
    if (gap.has(step.c)) continue;
    const outcome = evaluateSweepStep(data, spec, resolved, step, hooks);
    outcomes[step.index] = outcome;
    if ('error' in outcome) gap.add(step.c);
  }
  return assembleSweep(spec, resolved, outcomes);
}

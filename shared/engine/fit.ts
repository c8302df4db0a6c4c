/**
 * Fitting one metric: parameters → preprocessing → training data (its kind of supervision, see
 * shared/engine/supervision/kinds.ts) → learner → LearnedMetric.
 * This is what `workbench learn` runs on the whole dataset and what evaluation runs on each training part.
 */
import { ValidationError, NumericalError } from '../errors.ts';
import { definedFields } from '../objects.ts';
import type { Triple } from '../domain/comparisons.ts';
import type { PairConstraint } from '../domain/constraints.ts';
import type { DatasetMatrix } from '../domain/dataset.ts';
import { convergedFor, type LearnedMetric, type PreprocessKind, type Preprocessing } from '../domain/learned-metric.ts';
import type { BlockProducts, LearnerDefinition, LearnerHooks, ParamValues, ParamSpecs, TrainingData } from './learner.ts';
import { createRng } from '../math/random/index.ts';
import { validateParams } from './params.ts';
import { fitPca } from './learners/pca.ts';
import { applyPreprocessing, checkPreprocessKind, fitPreprocessing } from './preprocess.ts';
import { getLearner } from './registry.ts';
import { resolveSupervisionSource, supervisionOf, type SupervisionKind } from './supervision/kinds.ts';

import { CONSTRAINT_SOURCES, type ConstraintSource } from '../domain/job.ts';

export interface FitSpec {
  /** A method name from the registry, e.g. `nca`, `mmc-diagonal`. */
  method: string;
  /** Raw parameters; validated against the learner's declarations, defaults filled in. */
  params?: Record<string, unknown>;
  /** Default 0. */
  seed?: number;
  /** Default `zscore`. */
  preprocess?: PreprocessKind;
  /**
   * PCA first: the preprocessed fitting rows are projected onto their top `reduce` principal directions before the
   * supervision is built and the learner runs; the learned L (k, reduce) is returned composed with the projection,
   * L·P (k, features kept), so the metric applies to preprocessed rows as every other one does. Default: no PCA.
   */
  reduce?: number;
  /**
   * For pair-based learners: `labeled` uses `constraints` (the user's own pairs), `generated` draws pairs from
   * the class labels (metric-learn's supervised convention). Default: `labeled` when `constraints` is non-empty,
   * otherwise `generated`. Ignored by the other learners.
   */
  constraintSource?: ConstraintSource;
  /** The user's labeled pairs, in row indices of the data being fitted. */
  constraints?: readonly PairConstraint[];
  /** The user's relative comparisons (anchor, closer, farther), in row indices of the data being fitted. */
  comparisons?: readonly Triple[];
  /** Learners of comparisons and quadruplets also use the comparisons the labeled pairs imply (shared/engine/supervision/derive.ts). */
  derived?: boolean;
  /**
   * How many items of generated supervision: for pairs, of each kind (default 20·C²); for chunklets, triplets and
   * quadruplets, what their kind's `generatedCount` says (shared/engine/supervision/kinds.ts).
   */
  pairCount?: number;
  /**
   * Fit on this many rows drawn at random without replacement (seeded by `seed`, kept in dataset order) instead of
   * every row: preprocessing and learner see only them (for datasets too big to fit on whole; the metric then maps
   * every row). Needs class labels or generated supervision: hand-labeled pairs and comparisons name rows of the whole
   * dataset. Must be at least 2 and below the dataset's rows.
   */
  subsample?: number;
}

/**
 * A fit resolved once, before any data is read: the learner, its validated parameters, the seed, the preprocessing
 * kind and the learner's supervision (its kind, and the source it resolved to) with the user's items it learns from.
 * Immutable: the whole-data fit and every fold of an evaluation receive the same value (a fold only swaps in its
 * training part's items, {@link foldFitPlan}), so nothing is looked up or checked again.
 */
export interface FitPlan {
  readonly learner: LearnerDefinition;
  readonly params: ParamValues<ParamSpecs>;
  readonly seed: number;
  readonly preprocess: PreprocessKind;
  /** The learner's kind of supervision (shared/engine/supervision/kinds.ts). */
  readonly supervision: SupervisionKind;
  /** Where its supervision comes from; null for learners that take none (labels, targets, none). */
  readonly source: ConstraintSource | null;
  /** The user's labeled pairs and comparisons, in row indices of the data being fitted. */
  readonly constraints: readonly PairConstraint[];
  readonly comparisons: readonly Triple[];
  readonly derived: boolean;
  readonly pairCount: number | undefined;
  /** PCA first: the number of principal directions the preprocessed rows are projected onto ({@link FitSpec.reduce}). */
  readonly reduce: number | undefined;
}

/** The resolved inputs of a fit on its data. */
export interface PreparedFit {
  learner: LearnerDefinition;
  params: ParamValues<ParamSpecs>;
  seed: number;
  preprocessing: Preprocessing;
  training: TrainingData;
  /** The source of the learner's supervision; null for learners that take none (labels, none). */
  constraintSource: ConstraintSource | null;
  /** How many items of supervision the learner gets (pairs, chunklets, comparisons, quadruplets; rows for labels). */
  supervisionCount: number;
  /** What preparing the supervision had to change (fewer chunklets than asked …), in words. */
  warnings: string[];
  /** With {@link FitSpec.reduce}: the PCA projection P (reduce, features kept) that `training.X` went through. */
  projection: Float64Array | null;
  /** The fitting rows after the preprocessing (n, features kept), what the returned metric applies to: `training.X` without a projection. */
  preprocessed: Float64Array;
}

/** Number of classes of a labeled dataset: its class names, or max label + 1 when larger. */
export function classCount(data: Pick<DatasetMatrix, 'classNames' | 'labels'>): number {
  let max = -1;
  if (data.labels) for (const c of data.labels) if (c > max) max = c;
  return Math.max(data.classNames.length, max + 1);
}

/** @throws ValidationError when the seed is not an integer in [0, 2³²). */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ValidationError(`seed must be an integer in 0…4294967295, got ${JSON.stringify(seed) ?? String(seed)}.`);
  }
  return seed;
}

/** Resolves which constraints a pair learner gets (see {@link FitSpec.constraintSource}); other kinds: resolveSupervisionSource. */
export function resolveConstraintSource(spec: Pick<FitSpec, 'constraintSource' | 'constraints'>): ConstraintSource {
  const source = spec.constraintSource ?? (spec.constraints && spec.constraints.length > 0 ? 'labeled' : 'generated');
  if (!(CONSTRAINT_SOURCES as readonly string[]).includes(source)) {
    throw new ValidationError(`constraints must be one of 'labeled', 'generated', got ${JSON.stringify(source)}.`);
  }
  return source;
}

/**
 * Resolves and checks a fit spec once: {@link planFitChecked} after checking its seed and preprocessing kind.
 * @throws ValidationError for an unknown method, bad parameters, seed, preprocessing or pair count, or a source the
 *   learner does not take.
 */
export function planFit(spec: FitSpec): FitPlan {
  return planFitChecked(spec, checkSeed(spec.seed ?? 0), checkPreprocessKind(spec.preprocess ?? 'zscore'));
}

/**
 * {@link planFit} with the seed and preprocessing kind already checked by the caller (an evaluation's protocol), and
 * the learner already looked up when the caller has it.
 * @throws ValidationError as {@link planFit}.
 */
export function planFitChecked(spec: FitSpec, seed: number, preprocess: PreprocessKind, learner: LearnerDefinition = getLearner(spec.method)): FitPlan {
  const params = validateParams(learner.name, learner.params, spec.params ?? {});
  if (spec.pairCount !== undefined && (!Number.isInteger(spec.pairCount) || spec.pairCount < 1)) {
    throw new ValidationError(`pairCount must be an integer ≥ 1, got ${JSON.stringify(spec.pairCount)}.`);
  }
  const supervision = supervisionOf(learner.input);
  const derived = spec.derived ?? false;
  const constraints = spec.constraints ?? [];
  const comparisons = spec.comparisons ?? [];
  const source = resolveSupervisionSource(learner.name, supervision, spec.constraintSource, { pairs: constraints, comparisons: comparisons.length, derived });
  if (source === 'suggested') throw new ValidationError(`${learner.name}: suggested constraints are chosen per fold by a sweep; a fit takes 'labeled' or 'generated'.`);
  return Object.freeze({ learner, params, seed, preprocess, supervision, source, constraints, comparisons, derived, pairCount: spec.pairCount, reduce: spec.reduce });
}

/** A plan's fit on one fold's training part: the same resolution with that part's own items of supervision. */
export function foldFitPlan(plan: FitPlan, part: Pick<FitPlan, 'source' | 'constraints' | 'comparisons' | 'derived'>): FitPlan {
  return Object.freeze({ ...plan, ...part });
}

/**
 * Validates a spec against the data and builds everything the learner needs, without fitting: {@link planFit}, then
 * {@link preparePlannedFit}. With `rows`, the fit is on those rows of `data` (see there).
 * @throws ValidationError for an unknown method, bad parameters, seed or preprocessing, a labels-based method on
 *   an unlabeled dataset, or a pair-based method with neither hand-labeled pairs nor class labels.
 * @throws ConstraintError for hand-labeled pairs that do not fit the dataset.
 */
export function prepareFit(data: DatasetMatrix, spec: FitSpec, rows?: ArrayLike<number>): PreparedFit {
  return preparePlannedFit(data, planFit(spec), rows);
}

/**
 * Builds a planned fit's inputs from the data: the preprocessing fitted on the rows, the preprocessed rows, and the
 * learner's supervision. With `rows`, the fit is on those rows of `data` (a fold's training part), read in place:
 * the same bits as fitting `selectRows(data, rows)`, without the copy; the plan's items are then in indices of the
 * selection. With `products`, the preprocessed rows are written where the fit's team of threads can read them.
 * @throws ValidationError for fewer than 2 rows, no feature left, or supervision the data cannot give.
 * @throws ConstraintError for hand-labeled pairs that do not fit the dataset.
 */
export function preparePlannedFit(data: DatasetMatrix, plan: FitPlan, rows?: ArrayLike<number>, products?: BlockProducts, placement: RowPlacement = {}): PreparedFit {
  const { learner, params, seed, supervision, source } = plan;
  const nRows = rows ? rows.length : data.nRows;
  if (nRows < 2) throw new ValidationError(`${learner.name}: needs at least 2 rows, got ${nRows}.`);
  const preprocessing = fitPreprocessing(data.features, nRows, data.nFeatures, plan.preprocess, rows);
  const d = preprocessing.kept.length;
  if (d === 0) {
    throw new ValidationError(`${learner.name}: every feature is constant on the fitting rows, so no feature is left after '${plan.preprocess}' preprocessing.`);
  }
  // Over the raw rows when the caller lets go of them; else, with a team of threads, where the team can read them
  // (no later shared copy).
  const into = placement.overwriteFeatures && !rows ? data.features.subarray(0, nRows * d) : products?.alloc(nRows * d);
  const preprocessed = applyPreprocessing(preprocessing, data.features, nRows, rows, into);
  const projection = plan.reduce === undefined ? null : principalProjection(preprocessed, nRows, d, checkReduce(plan.reduce, d, plan.preprocess), products);
  const X = projection ? projectRows(preprocessed, nRows, d, projection) : preprocessed;
  const dims = projection ? plan.reduce! : d;
  const dataLabels = data.labels && rows ? Int32Array.from(rows, (r) => data.labels![r]!) : data.labels;
  const nClasses = classCount({ classNames: data.classNames, labels: dataLabels });
  const warnings: string[] = [];
  const { fields, count } = supervision.build({
    learner: learner.name,
    X,
    d: dims,
    nRows,
    labels: dataLabels,
    targets: data.targets && rows ? Float64Array.from(rows, (r) => data.targets![r]!) : (data.targets ?? null),
    source: source ?? 'generated',
    pairs: plan.constraints,
    comparisons: plan.comparisons,
    derived: plan.derived,
    seed,
    count: plan.pairCount,
    params,
    warnings,
  });
  const training: TrainingData = { X, n: nRows, d: dims, nClasses, ...fields };
  return { learner, params, seed, preprocessing, training, constraintSource: source, supervisionCount: count, warnings, projection, preprocessed };
}

/** @throws ValidationError naming `reduce` when it is not an integer in 1 … the features left after preprocessing. */
export function checkReduce(reduce: unknown, features: number, kind: PreprocessKind): number {
  if (typeof reduce !== 'number' || !Number.isInteger(reduce) || reduce < 1 || reduce > features) {
    throw new ValidationError(
      `reduce must be an integer from 1 to ${features} (the features left after '${kind}' preprocessing on the fitting rows), got ${JSON.stringify(reduce) ?? String(reduce)}.`,
    );
  }
  return reduce;
}

/**
 * The top `components` principal directions of the rows X (n, d), as the `pca` learner finds them: P (components, d);
 * its covariance on the fit's team of threads with `products` (the same bits).
 */
function principalProjection(X: Float64Array, n: number, d: number, components: number, products?: BlockProducts): Float64Array {
  return fitPca({ X, n, d, nClasses: 0, labels: null, pairs: null }, components, false, products ? { products } : {}).L;
}

/** X·Pᵀ (n, k) for X (n, d) and P (k, d). */
function projectRows(X: Float64Array, n: number, d: number, P: Float64Array): Float64Array {
  const k = P.length / d;
  const Y = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += X[i * d + f]! * P[r * d + f]!;
      Y[i * k + r] = s;
    }
  }
  return Y;
}

/** L·P (k, d) for L (k, m) and P (m, d): the learner's map after the projection, over the preprocessed features. */
function composeProjection(L: Float64Array, k: number, P: Float64Array, d: number): Float64Array {
  const m = P.length / d;
  const out = new Float64Array(k * d);
  for (let r = 0; r < k; r++) {
    for (let j = 0; j < m; j++) {
      const l = L[r * m + j]!;
      if (l === 0) continue;
      for (let f = 0; f < d; f++) out[r * d + f]! += l * P[j * d + f]!;
    }
  }
  return out;
}

/** Wall-clock milliseconds (performance.now exists in Node, workers and browsers). */
export function nowMs(): number {
  return performance.now();
}

/**
 * Fits `spec.method` on `data` and returns the learned metric, with the preprocessing it expects and a summary.
 * Preprocessing is fitted on `data` itself (pass only the training rows to keep a test part unseen).
 * `fitSeconds` times the learner only, not preprocessing or pair generation.
 * @throws see {@link prepareFit}; NumericalError when the learner returns a non-finite or wrongly shaped L.
 */
export function fitMetric(data: DatasetMatrix, spec: FitSpec, hooks: LearnerHooks = {}, placement: RowPlacement = {}): LearnedMetric {
  const plan = planFit(spec);
  if (spec.subsample === undefined) return fitPlanned(data, plan, hooks, placement);
  if (plan.source === 'labeled') {
    throw new ValidationError(`${plan.learner.name}: a subsample fit learns from class labels or generated ${plan.supervision.noun}; the hand-labeled ones name rows of the whole dataset.`);
  }
  const rows = subsampleRows(data.nRows, spec.subsample, plan.seed);
  // The rows' own labels drive generated supervision; no hand-labeled row index reaches the selection.
  const onRows = foldFitPlan(plan, { source: plan.source, constraints: [], comparisons: [], derived: plan.derived });
  return runPreparedFit(preparePlannedFit(data, onRows, rows, hooks.products), hooks);
}

/**
 * Fits a plan on every row of `data`: what {@link fitMetric} returns for the spec it was planned from (an
 * evaluation's plan gives the metric of its method on the whole dataset without resolving anything again).
 * @throws see {@link preparePlannedFit} and {@link runPreparedFit}.
 */
export function fitPlanned(data: DatasetMatrix, plan: FitPlan, hooks: LearnerHooks = {}, placement: RowPlacement = {}): LearnedMetric {
  return runPreparedFit(preparePlannedFit(data, plan, undefined, hooks.products, placement), hooks);
}

/**
 * `count` distinct rows of 0 … n − 1 drawn by a seeded partial Fisher–Yates shuffle, in ascending order.
 * @throws ValidationError unless 2 ≤ count < n.
 */
export function subsampleRows(n: number, count: number, seed: number): Int32Array {
  if (!Number.isInteger(count) || count < 2 || count >= n) {
    throw new ValidationError(`subsample must be an integer from 2 to the dataset's rows − 1 (${n - 1}), got ${JSON.stringify(count)}.`);
  }
  return createRng(seed).sortedSubset(n, count);
}

/** Where a fit on every row may put its preprocessed rows. */
export interface RowPlacement {
  /**
   * The caller never reads `data.features` again (nor does anyone else): the preprocessed rows are written over the
   * raw ones, the first n·(features kept) entries, instead of into a copy of the data.
   */
  overwriteFeatures?: boolean;
}

/** Runs the learner of a {@link PreparedFit}: the timed part of {@link fitMetric}. */
export function runPreparedFit(prepared: PreparedFit, hooks: LearnerHooks = {}): LearnedMetric {
  const { learner, params, seed, preprocessing, training } = prepared;
  const start = nowMs();
  const cpuStart = hooks.cpuSeconds?.();
  const outcome = learner.fit(training, params, { seed, hooks });
  const fitSeconds = (nowMs() - start) / 1000;
  const fitCpuSeconds = cpuStart === undefined ? undefined : hooks.cpuSeconds!() - cpuStart;
  const { L, nComponents } = outcome;
  if (!Number.isInteger(nComponents) || nComponents < 1 || L.length !== nComponents * training.d) {
    throw new NumericalError(
      `${learner.name}: the learner returned L with ${L.length} entries for ${nComponents} components × ${training.d} features.`,
    );
  }
  for (let i = 0; i < L.length; i++) {
    if (!Number.isFinite(L[i]!)) throw new NumericalError(`${learner.name}: the learned metric has a non-finite entry (${L[i]}).`);
  }
  if (outcome.converged !== convergedFor(outcome.stopReason)) {
    throw new NumericalError(
      `${learner.name}: the learner reported converged = ${outcome.converged} with stop reason ${JSON.stringify(outcome.stopReason)}; converged must mean the tolerance was met.`,
    );
  }
  const features = preprocessing.kept.length;
  return {
    method: learner.name,
    params,
    seed,
    L: prepared.projection ? composeProjection(L, nComponents, prepared.projection, features) : L,
    nComponents,
    nFeatures: features,
    preprocessing,
    summary: {
      iterations: outcome.iterations,
      converged: outcome.converged,
      stopReason: outcome.stopReason,
      objective: outcome.objective,
      objectiveTrace: outcome.objectiveTrace,
      fitSeconds,
      ...definedFields({ fitCpuSeconds }),
      ...withWarnings([...prepared.warnings, ...(outcome.warnings ?? [])]),
    },
  };
}

/** The summary's `warnings` field, present only when there is one (so summaries without warnings keep their shape). */
function withWarnings(warnings: string[]): { warnings?: string[] } {
  return warnings.length > 0 ? { warnings } : {};
}

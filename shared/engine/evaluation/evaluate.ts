/**
 * Honest evaluation of a method by stratified k-fold cross-validation. Per fold, only the training part is
 * seen when fitting: the preprocessing (zscore statistics, constant features) and the metric are fitted on it,
 * hand-labeled constraints are restricted to pairs inside it, and generated constraints are drawn from its
 * labels. The test part is then mapped by L and scored:
 *
 * - accuracy: kNN trained on the mapped training part (uniform votes; neighbours at equal distance by lower row
 *   index; class ties to the lowest class index, scikit-learn's rule; see {@link knnPredict});
 * - nmi, ari: seeded k-means++ on the mapped test part, k = number of classes, against the test labels;
 * - precisionAt1, mapAtR: retrieval within the mapped test part (see {@link retrievalScores});
 * The training part's supervision is the learner's kind (shared/engine/supervision/kinds.ts): hand-labeled pairs and
 * comparisons restricted to the training rows, or generated from its labels.
 *
 * - pairAuc: ROC-AUC of the learned distances on held-out constraints inside the test part: the hand-labeled
 *   ones (`heldOutPairs` 'labeled'; by default when the spec's constraint source is 'labeled'), otherwise pairs
 *   generated from the test labels. A comparison fixes `heldOutPairs` once for all its methods, so every method is
 *   scored on the same pairs; `pairAucPairs` counts them (pair-auc.ts `pairAucText` shows too few as n/a).
 *
 * Every figure is a fraction in [0, 1] (ARI may be negative); summaries are means over folds.
 *
 * A regression dataset (a numeric target per row) is split by scikit-learn's `KFold(shuffle=True, random_state=seed)`
 * instead ({@link kFold}), and each fold is scored by kNN regression (the mean of the k nearest training targets,
 * {@link knnRegress}): RMSE, MAE and R² ({@link regressionFigures}), with mean ± std over the folds. The classification
 * figures (accuracy, NMI, ARI, P@1, MAP@R) are null there; pairAuc is measured on held-out hand-labeled pairs only.
 */
import { JobCancelledError, ValidationError } from '../../errors.ts';
import { definedFields } from '../../objects.ts';
import type { PairConstraint } from '../../domain/constraints.ts';
import type { Triple } from '../../domain/comparisons.ts';
import type { ConstraintSource, DatasetTask } from '../../domain/enums.ts';
import { describeSupervision, type Supervision } from '../../domain/supervision.ts';
import { datasetTask, selectRows, type DatasetMatrix } from '../../domain/dataset.ts';
import type { EvaluationResult, FoldResult } from '../../domain/schemas/runs.ts';
import { DEFAULT_PROTOCOL, type Protocol } from '../../domain/job.ts';
import { rowSquaredDistance } from '../../math/distances/index.ts';
import { median } from '../../math/statistics/index.ts';
import { transform, transformPreprocessed } from '../../metric/mahalanobis.ts';
import { checkSeed, classCount, foldFitPlan, planFitChecked, preparePlannedFit, resolveConstraintSource, runPreparedFit, type FitPlan, type FitSpec } from '../fit.ts';
import type { LearnerHooks } from '../learner.ts';
import { distinctLabelCount, generateSupervisedPairs, restrictPairsToRows, validateConstraints } from '../pairs.ts';
import { checkPreprocessKind } from '../preprocess.ts';
import { getLearner } from '../registry.ts';
import { restrictTriplesToRows } from '../supervision/derive.ts';
import { supervisionOf, takesSource } from '../supervision/kinds.ts';
import { adjustedRandIndex, kMeans, normalizedMutualInformation } from './clustering.ts';
import { kFold, stratifiedKFold, type FoldSplit } from './folds.ts';
import { accuracyScore, knnPredict } from './knn.ts';
import { knnRegress, regressionFigures } from './regression.ts';
import { pairDistanceAuc } from './pair-auc.ts';
import { retrievalScores } from './retrieval.ts';

/** The cross-validation protocol: one definition, in shared/domain/job.ts. */
export { DEFAULT_PROTOCOL, type Protocol } from '../../domain/job.ts';

export interface EvaluationSpec extends FitSpec {
  protocol?: Partial<Protocol>;
  /** Echoed in the result (the CLI passes the dataset id). */
  dataset?: string | number | null;
  /**
   * For pair-based methods: builds each fold's training pairs from that fold's training part alone (row indices
   * of `train`), replacing `constraintSource`/`constraints` for fitting. The sweep's `suggested` source uses it;
   * the held-out pairs of pairAuc are then generated from the test labels, as for generated constraints.
   */
  foldConstraints?: (train: DatasetMatrix, fold: number) => PairConstraint[];
  /**
   * The same for methods that learn from comparisons (triplets, and the quadruplets (a, b, a, c) they give): each
   * fold's training comparisons, in row indices of `train`, fitted as labeled comparisons.
   */
  foldComparisons?: (train: DatasetMatrix, fold: number) => Triple[];
  /**
   * Which held-out pairs pairAuc scores: the hand-labeled `constraints` inside each test part, or pairs generated
   * from the test labels. Default: 'labeled' when the resolved constraint source is 'labeled', else 'generated'.
   * A comparison sets it once for every method, whatever each method learned from.
   */
  heldOutPairs?: ConstraintSource;
}

export interface EvaluationHooks extends LearnerHooks {
  /** Called when fold `fold` (0-based) of `folds` starts. */
  onFold?(fold: number, folds: number): void;
}

/**
 * One fold's result and the whole evaluation: declared once, as FoldResultSchema / EvaluationSchema in
 * shared/domain/schemas/runs.ts (stored per fold, shown by `runs.get` and the CLI unchanged).
 */
export type { EvaluationResult, FoldResult } from '../../domain/schemas/runs.ts';

/** Arithmetic mean (NaN for an empty list). */
export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Population standard deviation (ddof 0), as numpy's default `std`. */
export function populationStd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) * (v - m), 0) / values.length);
}

function meanOfPresent(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? mean(present) : null;
}

/**
 * Fills in and checks a protocol. `preprocess` falls back to `spec.preprocess`, `reduce` to `spec.reduce`, `seed` to
 * `spec.seed`.
 * @throws ValidationError naming the field, its value and the rule.
 */
export function resolveProtocol(spec: Pick<EvaluationSpec, 'protocol' | 'seed' | 'preprocess' | 'reduce'>): Protocol {
  const p = spec.protocol ?? {};
  const protocol: Protocol = {
    folds: p.folds ?? DEFAULT_PROTOCOL.folds,
    k: p.k ?? DEFAULT_PROTOCOL.k,
    seed: checkSeed(p.seed ?? spec.seed ?? DEFAULT_PROTOCOL.seed),
    preprocess: checkPreprocessKind(p.preprocess ?? spec.preprocess ?? DEFAULT_PROTOCOL.preprocess),
    ...definedFields({ reduce: p.reduce ?? spec.reduce }),
  };
  if (protocol.reduce !== undefined && (!Number.isInteger(protocol.reduce) || protocol.reduce < 1)) {
    throw new ValidationError(`reduce must be an integer ≥ 1, got ${JSON.stringify(protocol.reduce)}.`);
  }
  if (!Number.isInteger(protocol.folds) || protocol.folds < 2) {
    throw new ValidationError(`folds must be an integer ≥ 2, got ${JSON.stringify(protocol.folds)}.`);
  }
  if (!Number.isInteger(protocol.k) || protocol.k < 1) {
    throw new ValidationError(`k must be an integer ≥ 1, got ${JSON.stringify(protocol.k)}.`);
  }
  return protocol;
}

/** A fold's own supervision, chosen on its training part (a sweep's 'suggested' source), in its row indices. */
export interface FoldSupervision {
  pairs?: (train: DatasetMatrix, fold: number) => PairConstraint[];
  comparisons?: (train: DatasetMatrix, fold: number) => Triple[];
}

/**
 * One evaluation resolved once, before anything is fitted ({@link prepareEvaluation}): the protocol, the folds, the
 * fit (learner, parameters, seed, preprocessing, supervision and its source) and where pairAuc's held-out pairs come
 * from. Immutable: every fold receives this value and checks nothing again.
 */
export interface EvaluationPlan {
  /** Echoed in the result. */
  readonly dataset: string | number | null;
  readonly method: string;
  readonly protocol: Protocol;
  readonly seed: number;
  /** Classification: stratified folds, kNN classification; regression: KFold, kNN regression. */
  readonly task: DatasetTask;
  readonly nClasses: number;
  readonly splits: readonly FoldSplit[];
  /** The fit on the whole data; each fold fits it on its training part with that part's items. */
  readonly fit: FitPlan;
  /** The pairs' source as the user's pairs give it (labeled when there are any), as the run records it. */
  readonly pairSource: ConstraintSource;
  /** Where pairAuc's held-out pairs come from (see {@link EvaluationSpec.heldOutPairs}). */
  readonly heldOutPairs: ConstraintSource;
  /** The per-fold supervision that replaces the user's, when a sweep suggests it for this learner's kind; else null. */
  readonly perFold: FoldSupervision | null;
}

/**
 * Validates an evaluation and draws its folds, before anything is fitted.
 * @throws ValidationError for an unlabeled dataset, a bad protocol, method or parameters.
 */
export function prepareEvaluation(data: DatasetMatrix, spec: EvaluationSpec): EvaluationPlan {
  const learner = getLearner(spec.method);
  const task = datasetTask(data);
  if (task === 'classification' && !data.labels) {
    throw new ValidationError('Evaluation needs class labels: kNN accuracy is measured against them, but the dataset has none.');
  }
  const protocol = resolveProtocol(spec);
  const seed = spec.seed === undefined ? protocol.seed : checkSeed(spec.seed);
  const nClasses = task === 'regression' ? 0 : classCount(data);
  const pairSource = resolveConstraintSource(spec);
  const heldOutPairs = spec.heldOutPairs ?? (pairSource === 'labeled' && (spec.constraints?.length ?? 0) > 0 ? 'labeled' : 'generated');
  // The user's pairs are read when the fit learns from them or pairAuc scores them.
  if (pairSource === 'labeled' || heldOutPairs === 'labeled') validateConstraints(spec.constraints ?? [], data.nRows);
  const splits = task === 'regression' ? kFold(data.nRows, protocol.folds, protocol.seed) : stratifiedKFold(data.labels!, protocol.folds, protocol.seed);
  for (const split of splits) {
    if (protocol.k > split.train.length) {
      throw new ValidationError(`k (${protocol.k}) cannot be greater than the number of training rows in a fold (${split.train.length}).`);
    }
  }
  // The protocol's `reduce` (PCA first) is part of every fold's fit and of the whole-data fit.
  const fit = planFitChecked(protocol.reduce === undefined ? spec : { ...spec, reduce: protocol.reduce }, seed, protocol.preprocess, learner);
  const kind = fit.supervision;
  const suggests = kind.sources.includes('suggested');
  const perFold: FoldSupervision | null =
    suggests && kind.labeledFrom === 'pairs' && spec.foldConstraints
      ? { pairs: spec.foldConstraints }
      : suggests && kind.labeledFrom === 'comparisons' && spec.foldComparisons
        ? { comparisons: spec.foldComparisons }
        : null;
  return Object.freeze({ dataset: spec.dataset ?? null, method: learner.name, protocol, seed, task, nClasses, splits, fit, pairSource, heldOutPairs, perFold });
}

/**
 * An {@link EvaluationPlan} that can cross a thread boundary (to a fold helper): the same resolution with its learner
 * named instead of held (a learner and its kind of supervision hold functions, which a message cannot carry).
 */
export interface PortableEvaluationPlan extends Omit<EvaluationPlan, 'fit' | 'perFold'> {
  readonly fit: Omit<FitPlan, 'learner' | 'supervision'> & { readonly learner: string };
}

/**
 * `plan` for another thread. A plan with per-fold supervision (a sweep's suggested source, chosen by functions of the
 * fold) stays on its thread: sweeps hand out whole steps instead.
 * @throws Error for such a plan (a programming error).
 */
export function portablePlan(plan: EvaluationPlan): PortableEvaluationPlan {
  if (plan.perFold) throw new Error(`portablePlan: the plan of ${plan.method} chooses its supervision per fold and cannot leave its thread.`);
  const { learner, supervision: _supervision, ...fit } = plan.fit;
  const { perFold: _perFold, ...rest } = plan;
  return { ...rest, fit: { ...fit, learner: learner.name } };
}

/** A {@link portablePlan} back on a thread: its learner looked up by name; nothing is checked or resolved again. */
export function planFromPortable(portable: PortableEvaluationPlan): EvaluationPlan {
  const learner = getLearner(portable.fit.learner);
  return Object.freeze({ ...portable, fit: Object.freeze({ ...portable.fit, learner, supervision: supervisionOf(learner.input) }), perFold: null });
}

/** One fold's figures and the parameters its metric was fitted with. */
export interface FoldEvaluation {
  result: FoldResult;
  params: Record<string, unknown>;
}

/**
 * Fits and scores fold `fold` of a prepared evaluation (see the module comment). A pure function of (data, plan,
 * fold): folds can run in any order, on any thread, and give the same bits (fitSeconds aside).
 * @throws JobCancelledError once `hooks.shouldStop()` is true.
 */
export function evaluateFold(data: DatasetMatrix, plan: EvaluationPlan, fold: number, hooks: LearnerHooks = {}): FoldEvaluation {
  const f = fitFold(data, plan, fold, hooks);
  if (plan.task === 'regression') return regressionFold(f, data.targets!, plan);
  const predicted = knnPredict(f.trainY, f.trainLabels!, f.trainRows, f.testY, f.testRows, f.k, plan.protocol.k);
  return combineFoldParts([{ first: 0, predicted, head: f.head, params: f.params, clusters: clusterFigures(f, plan), ...heldOutFigures(f, plan) }]);
}

/**
 * A regression fold's figures: kNN regression of the test part from the training part's targets (RMSE, MAE, R²),
 * and the distance AUC of held-out hand-labeled pairs when the method learned from them (else null).
 */
function regressionFold(f: FittedFold, targets: Float64Array, plan: EvaluationPlan): FoldEvaluation {
  const trainTargets = Float64Array.from(f.split.train, (r) => targets[r]!);
  const testTargets = Float64Array.from(f.split.test, (r) => targets[r]!);
  const predicted = knnRegress(f.trainY, trainTargets, f.trainRows, f.testY, f.testRows, f.k, plan.protocol.k);
  const pairs = f.heldOutLabels ? heldOutPairAuc(f, handLabeledTestPairs(f)) : { pairAuc: null, testPairs: 0 };
  const h = f.head;
  return {
    params: f.params,
    result: {
      fold: h.fold,
      trainSize: h.trainSize,
      testSize: h.testSize,
      accuracy: null,
      fitSeconds: h.fitSeconds,
      iterations: h.iterations,
      converged: h.converged,
      stopReason: h.stopReason,
      nComponents: h.nComponents,
      droppedFeatures: h.droppedFeatures,
      trainPairs: h.trainPairs,
      testPairs: pairs.testPairs,
      nmi: null,
      ari: null,
      precisionAt1: null,
      mapAtR: null,
      pairAuc: pairs.pairAuc,
      ...regressionFigures(predicted, testTargets),
    },
  };
}

/**
 * A fold can also be scored in two parts on two threads ({@link evaluateFoldPart}): part 0 holds the kNN predictions
 * of the first FOLD_PART_SPLIT of the test rows and the clustering, part 1 the rest of the predictions, retrieval
 * and the held-out pairs. Each part fits the fold itself, so the fold pool splits only folds of learners whose fit
 * costs nothing beyond preprocessing (`trivialFit`), and only those that would otherwise leave a worker idle. The
 * share balances the parts on real-size data (k-means costs about as much as a third of the kNN).
 */
const FOLD_PART_SPLIT = 0.35;

/** One part of a fold's scores; {@link combineFoldParts} puts a fold's parts together. */
export interface FoldPartEvaluation {
  /** The first test row of `predicted`. */
  first: number;
  predicted: Int32Array;
  head: FoldHead;
  params: Record<string, unknown>;
  clusters?: { nmi: number; ari: number };
  retrieval?: { precisionAt1: number | null; mapAtR: number | null };
  pairs?: { pairAuc: number | null; testPairs: number };
}

/** Part `part` of fold `fold`'s scores; parts 0 and 1 together ({@link combineFoldParts}) are {@link evaluateFold}'s bits. */
export function evaluateFoldPart(data: DatasetMatrix, plan: EvaluationPlan, fold: number, part: 0 | 1, hooks: LearnerHooks = {}): FoldPartEvaluation {
  if (plan.task === 'regression') throw new RangeError('evaluateFoldPart: regression folds are scored whole (evaluateFold).');
  const f = fitFold(data, plan, fold, hooks);
  const t = f.testRows;
  const split = Math.round(t * FOLD_PART_SPLIT);
  const [first, end] = part === 0 ? [0, split] : [split, t];
  const predicted = knnPredict(f.trainY, f.trainLabels!, f.trainRows, f.testY, t, f.k, plan.protocol.k, undefined, { first, end });
  if (hooks.shouldStop?.()) throw new JobCancelledError();
  const base = { first, predicted, head: f.head, params: f.params };
  return part === 0 ? { ...base, clusters: clusterFigures(f, plan) } : { ...base, ...heldOutFigures(f, plan) };
}

/** A fold's result from its parts (one whole part, or parts 0 and 1): the same bits as {@link evaluateFold}. */
export function combineFoldParts(parts: readonly FoldPartEvaluation[]): FoldEvaluation {
  const sorted = [...parts].sort((a, b) => a.first - b.first);
  const head = sorted[0]!.head;
  const predicted = new Int32Array(head.testSize);
  for (const p of sorted) predicted.set(p.predicted, p.first);
  const pick = <K extends 'clusters' | 'retrieval' | 'pairs'>(key: K): NonNullable<FoldPartEvaluation[K]> => {
    const found = parts.find((p) => p[key] !== undefined)?.[key];
    if (found === undefined) throw new RangeError(`combineFoldParts: fold ${head.fold + 1} has no part with its ${key} figures.`);
    return found as NonNullable<FoldPartEvaluation[K]>;
  };
  const { nmi, ari } = pick('clusters');
  const { precisionAt1, mapAtR } = pick('retrieval');
  const { pairAuc, testPairs } = pick('pairs');
  return {
    params: sorted[0]!.params,
    result: {
      fold: head.fold,
      trainSize: head.trainSize,
      testSize: head.testSize,
      accuracy: accuracyScore(predicted, head.testLabels!),
      fitSeconds: head.fitSeconds,
      iterations: head.iterations,
      converged: head.converged,
      stopReason: head.stopReason,
      nComponents: head.nComponents,
      droppedFeatures: head.droppedFeatures,
      trainPairs: head.trainPairs,
      testPairs,
      nmi,
      ari,
      precisionAt1,
      mapAtR,
      pairAuc,
    },
  };
}

/** The fields of a fold's result that come from its fit, and the test labels. */
interface FoldHead {
  fold: number;
  trainSize: number;
  testSize: number;
  fitSeconds: number;
  iterations: number;
  converged: boolean;
  stopReason: FoldResult['stopReason'];
  nComponents: number;
  droppedFeatures: number[];
  trainPairs: number;
  testLabels: Int32Array | null;
}

interface FittedFold {
  trainRows: number;
  testRows: number;
  /** The parts' class labels; null on a regression dataset. */
  trainLabels: Int32Array | null;
  testLabels: Int32Array | null;
  trainY: Float64Array;
  testY: Float64Array;
  k: number;
  /** The hand-labeled pairs whose test-part pairs pairAuc scores, or null to score pairs generated from the test labels. */
  heldOutLabels: readonly PairConstraint[] | null;
  split: FoldSplit;
  head: FoldHead;
  params: Record<string, unknown>;
}

/**
 * Fits fold `fold`'s metric on its training part and maps both parts into the learned space. The parts are read in
 * place from `data` (no copies of their raw rows); the fit's preprocessed training rows become the mapped training
 * part when the metric is the identity.
 */
function fitFold(data: DatasetMatrix, plan: EvaluationPlan, fold: number, hooks: LearnerHooks): FittedFold {
  const { protocol, fit, perFold } = plan;
  const { learner, supervision: kind, source } = fit;
  const split = plan.splits[fold]!;
  const heldOutLabels = plan.heldOutPairs === 'labeled' ? fit.constraints : null;
  if (hooks.shouldStop?.()) throw new JobCancelledError();
  // The user's supervision, restricted to the training part (in its row indices), as the fit sees it; or the
  // fold's own suggested supervision, which replaces it.
  const labeled = source === 'labeled';
  const trainConstraints: readonly PairConstraint[] = perFold?.pairs
    ? perFold.pairs(selectRows(data, split.train), fold)
    : !perFold?.comparisons && labeled ? restrictPairsToRows(fit.constraints, split.train) : [];
  const trainComparisons: readonly Triple[] = perFold?.comparisons
    ? perFold.comparisons(selectRows(data, split.train), fold)
    : labeled ? restrictTriplesToRows(fit.comparisons, split.train) : [];
  if (perFold?.pairs && trainConstraints.length === 0) {
    throw new ValidationError(`${learner.name}: no pair could be chosen inside the training part of fold ${fold + 1} of ${protocol.folds}.`);
  }
  if (perFold?.comparisons && trainComparisons.length === 0) {
    throw new ValidationError(`${learner.name}: no comparison could be chosen inside the training part of fold ${fold + 1} of ${protocol.folds}.`);
  }
  if (!perFold && labeled) {
    const count = kind.labeledFrom === 'pairs' ? trainConstraints.length : trainComparisons.length + trainConstraints.length;
    if (count === 0) {
      const what = kind.labeledFrom === 'pairs' ? 'pairs' : 'comparisons (or pairs)';
      throw new ValidationError(
        `${learner.name}: fold ${fold + 1} of ${protocol.folds} has none of the labeled ${what} inside its training part; label more ${kind.labeledFrom === 'pairs' ? 'pairs' : 'comparisons'} or use generated constraints.`,
      );
    }
  }
  const { onIteration, shouldStop } = hooks;
  const foldPlan = foldFitPlan(fit, {
    source: perFold ? 'labeled' : source,
    constraints: trainConstraints,
    comparisons: trainComparisons,
    derived: perFold ? false : fit.derived,
  });
  const prepared = preparePlannedFit(data, foldPlan, split.train);
  const metric = runPreparedFit(prepared, { onIteration, shouldStop });
  if (hooks.shouldStop?.()) throw new JobCancelledError();
  const k = metric.nComponents;
  const labels = data.labels;
  const trainLabels = labels ? Int32Array.from(split.train, (r) => labels[r]!) : null;
  const testLabels = labels ? Int32Array.from(split.test, (r) => labels[r]!) : null;
  return {
    trainRows: split.train.length,
    testRows: split.test.length,
    trainLabels,
    testLabels,
    trainY: transformPreprocessed(metric, prepared.preprocessed, split.train.length, true), // (nTrain, k)
    testY: transform(metric, data.features, split.test.length, split.test), // (nTest, k)
    k,
    heldOutLabels,
    split,
    params: metric.params,
    head: {
      fold,
      trainSize: split.train.length,
      testSize: split.test.length,
      fitSeconds: metric.summary.fitSeconds,
      iterations: metric.summary.iterations,
      converged: metric.summary.converged,
      stopReason: metric.summary.stopReason,
      nComponents: k,
      droppedFeatures: metric.preprocessing.dropped,
      trainPairs: takesSource(kind) ? prepared.supervisionCount : 0,
      testLabels,
    },
  };
}

/** k-means on the test part with the class count: NMI and ARI against the labels. */
function clusterFigures(f: FittedFold, plan: EvaluationPlan): { nmi: number; ari: number } {
  const labels = f.testLabels!;
  const clusters = kMeans(f.testY, f.testRows, f.k, plan.nClasses, { seed: plan.protocol.seed });
  return { nmi: normalizedMutualInformation(labels, clusters.assignments), ari: adjustedRandIndex(labels, clusters.assignments) };
}

/** Retrieval in the test part, and the held-out pairs' distance AUC. */
function heldOutFigures(f: FittedFold, plan: EvaluationPlan): Pick<FoldPartEvaluation, 'retrieval' | 'pairs'> {
  const { testY, k } = f;
  const testLabels = f.testLabels!;
  const retrieval = retrievalScores(testY, testLabels, f.testRows, k);
  const heldOut = f.heldOutLabels ? handLabeledTestPairs(f) : generateSupervisedPairs(testLabels, distinctLabelCount(testLabels), plan.seed, plan.fit.pairCount);
  return {
    retrieval: { precisionAt1: retrieval.precisionAt1, mapAtR: retrieval.mapAtR },
    pairs: heldOutPairAuc(f, heldOut),
  };
}

/** The hand-labeled pairs inside the fold's test part, in test-part row indices. */
function handLabeledTestPairs(f: FittedFold): { left: Int32Array; right: Int32Array; similar: Uint8Array } {
  const restricted = restrictPairsToRows(f.heldOutLabels!, f.split.test);
  return {
    left: Int32Array.from(restricted, (c) => c.i),
    right: Int32Array.from(restricted, (c) => c.j),
    similar: Uint8Array.from(restricted, (c) => (c.kind === 'must' ? 1 : 0)),
  };
}

/** ROC-AUC of the learned distances on held-out pairs of the test part. */
function heldOutPairAuc(f: FittedFold, heldOut: { left: Int32Array; right: Int32Array; similar: Uint8Array }): { pairAuc: number | null; testPairs: number } {
  const { testY, k } = f;
  const distances = new Float64Array(heldOut.left.length);
  for (let p = 0; p < distances.length; p++) distances[p] = Math.sqrt(rowSquaredDistance(testY, heldOut.left[p]!, testY, heldOut.right[p]!, k));
  return { pairAuc: pairDistanceAuc(distances, heldOut.similar), testPairs: distances.length };
}

/** Puts the folds of a prepared evaluation (in fold order) together into its result: means, std, medians. */
export function assembleEvaluation(plan: EvaluationPlan, folds: readonly FoldEvaluation[]): EvaluationResult {
  const foldResults = folds.map((f) => f.result);
  const params = folds.length ? folds[folds.length - 1]!.params : {};
  const fitTimes = foldResults.map((f) => f.fitSeconds);
  if (plan.task === 'regression') {
    const figure = (key: 'rmse' | 'mae' | 'r2') => {
      const values = foldResults.map((f) => f[key]!);
      return { mean: mean(values), std: populationStd(values), folds: values };
    };
    return {
      dataset: plan.dataset,
      method: plan.method,
      params,
      protocol: plan.protocol,
      accuracy: null,
      fitSeconds: { median: median(fitTimes), folds: fitTimes },
      nmi: null,
      ari: null,
      precisionAt1: null,
      mapAtR: null,
      pairAuc: meanOfPresent(foldResults.map((f) => f.pairAuc)),
      rmse: figure('rmse'),
      mae: figure('mae'),
      r2: figure('r2'),
      folds: foldResults,
    };
  }
  const accuracies = foldResults.map((f) => f.accuracy!);
  return {
    dataset: plan.dataset,
    method: plan.method,
    params,
    protocol: plan.protocol,
    accuracy: { mean: mean(accuracies), std: populationStd(accuracies), folds: accuracies },
    fitSeconds: { median: median(fitTimes), folds: fitTimes },
    nmi: mean(foldResults.map((f) => f.nmi!)),
    ari: mean(foldResults.map((f) => f.ari!)),
    precisionAt1: meanOfPresent(foldResults.map((f) => f.precisionAt1)),
    mapAtR: meanOfPresent(foldResults.map((f) => f.mapAtR)),
    pairAuc: meanOfPresent(foldResults.map((f) => f.pairAuc)),
    pairAucPairs: foldResults.reduce((total, f) => total + (f.pairAuc === null ? 0 : f.testPairs), 0),
    pairAucSource: plan.heldOutPairs,
    supervision: evaluationSupervision(plan, foldResults),
    folds: foldResults,
  };
}

/** What the method learned from: its input, and for pairs their source and count (generated: per training fold, rounded mean). */
function evaluationSupervision(plan: EvaluationPlan, folds: readonly FoldResult[]): Supervision {
  const { learner, supervision, constraints, comparisons } = plan.fit;
  const input = learner.input;
  if (!takesSource(supervision)) return describeSupervision(input);
  const perFold = folds.length ? Math.round(mean(folds.map((f) => f.trainPairs))) : undefined;
  if (plan.perFold) return describeSupervision(input, { source: 'suggested', ...definedFields({ generatedPerFold: perFold }) });
  const source = plan.pairSource;
  const labeledCount = input === 'triplets' || input === 'quadruplets' ? comparisons.length : constraints.length;
  return source === 'labeled'
    ? describeSupervision(input, { source, labeledCount })
    : describeSupervision(input, { source, generatedPerFold: perFold });
}

/**
 * Cross-validates `spec.method` on a labeled dataset (see the module comment for what is measured and how), fold
 * after fold on this thread (src-main/jobs runs folds on several workers with the same three steps:
 * {@link prepareEvaluation}, {@link evaluateFold}, {@link assembleEvaluation}).
 * Hooks: `onFold` before each fold; `onIteration` / `shouldStop` are passed to the learner. Once `shouldStop()`
 * is true the learner returns early and evaluation stops with JobCancelledError.
 * @throws ValidationError for an unlabeled dataset, a bad protocol, method or parameters.
 */
export function evaluateMethod(data: DatasetMatrix, spec: EvaluationSpec, hooks: EvaluationHooks = {}): EvaluationResult {
  return evaluatePlan(data, prepareEvaluation(data, spec), hooks);
}

/** Fits and scores every fold of a prepared evaluation on this thread, in fold order, and assembles the result. */
export function evaluatePlan(data: DatasetMatrix, plan: EvaluationPlan, hooks: EvaluationHooks = {}): EvaluationResult {
  const folds: FoldEvaluation[] = [];
  const { onIteration, shouldStop } = hooks;
  for (let fold = 0; fold < plan.splits.length; fold++) {
    if (hooks.shouldStop?.()) throw new JobCancelledError();
    hooks.onFold?.(fold, plan.protocol.folds);
    folds.push(evaluateFold(data, plan, fold, { ...(onIteration ? { onIteration } : {}), ...(shouldStop ? { shouldStop } : {}) }));
  }
  return assembleEvaluation(plan, folds);
}

export interface CompareOptions extends Omit<EvaluationSpec, 'method' | 'params'> {
  /** Parameters per method name; methods not listed use their defaults. */
  paramsByMethod?: Record<string, Record<string, unknown>>;
}

export interface CompareHooks extends EvaluationHooks {
  /** Called when method `index` (0-based) of `total` starts. */
  onMethod?(method: string, index: number, total: number): void;
}

/**
 * Evaluates several methods under the same protocol and seed (same folds for all), in the order given.
 * @throws ValidationError for an unknown method (before anything is fitted) or an empty list.
 */
export function compareMethods(data: DatasetMatrix, methods: readonly string[], options: CompareOptions = {}, hooks: CompareHooks = {}): EvaluationResult[] {
  if (methods.length === 0) throw new ValidationError('compare needs at least one method.');
  for (const m of methods) getLearner(m);
  const { paramsByMethod, ...shared } = options;
  return methods.map((method, index) => {
    hooks.onMethod?.(method, index, methods.length);
    return evaluateMethod(data, { ...shared, method, params: paramsByMethod?.[method] }, hooks);
  });
}

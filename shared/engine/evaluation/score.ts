/**
 * Scoring a learned metric on a held-out test set: a dataset of its own (often the official test split that
 * comes with the data, e.g. Fashion-MNIST's 10,000 test images), with the same features as the training dataset.
 *
 * With the metric fitted on the training dataset (its preprocessing included), train X (m, d) and test X' (t, d)
 * are mapped to Y = pre(X)·Lᵀ (m, k) and Y' = pre(X')·Lᵀ (t, k), and:
 *
 * - accuracy: kNN with the training rows as the reference set, predicting every test row (see {@link knnPredict});
 * - nmi, ari: seeded k-means++ on Y' with one cluster per class present in the test set, against the test labels;
 * - precisionAt1, mapAtR: retrieval within Y' (see {@link retrievalScores}).
 *
 * These are the figures cross-validation reports per fold, with the test set in place of a fold's test part.
 * Classes are matched by name: a test row whose class the training dataset does not have counts as an error for
 * kNN (it cannot be predicted) and is reported in `unmatchedClasses`.
 *
 * {@link scoreOnTestSet} is three parts, so a worker can run the kNN elsewhere (on a pool of threads, in row
 * blocks) and still get the same bits: {@link prepareTestSetScore} (checks, both sets mapped), {@link predictTestSet}
 * (the kNN, in row blocks that poll `shouldStop`) and {@link completeTestSetScore} (accuracy, k-means, retrieval).
 * Every test row's prediction depends on that row alone, and the retrieval sums of row blocks are added in block
 * order, so the block size never changes a figure.
 */
import { JobCancelledError, ValidationError } from '../../errors.ts';
import type { DatasetMatrix } from '../../domain/dataset.ts';
import type { LearnedMetric } from '../../domain/learned-metric.ts';
import { createGramDistanceTiles, TILE_ROWS } from '../../math/distances/index.ts';
import { transform } from '../../metric/mahalanobis.ts';
import { checkSeed } from '../fit.ts';
import { adjustedRandIndex, kMeans, normalizedMutualInformation } from './clustering.ts';
import { accuracyScore, knnPredict } from './knn.ts';
import { combineRetrieval, retrievalTotals } from './retrieval.ts';
import { knnRegress, regressionFigures } from './regression.ts';
import type { TestSetScore } from '../../domain/schemas/runs.ts';

/** The figures of a metric on a test set: declared once, as TestSetScoreSchema in shared/domain/schemas/runs.ts. */
export type { TestSetScore } from '../../domain/schemas/runs.ts';

/** A dataset with the name used in messages. */
export interface NamedDataset {
  name: string;
  data: DatasetMatrix;
}

const quote = (s: string) => `'${s}'`;

/**
 * Checks that the test set has exactly the training dataset's features (same count, same names in the same order).
 * @throws ValidationError naming both datasets, their feature counts and the first feature that differs.
 */
export function checkSameFeatures(train: NamedDataset, test: NamedDataset): void {
  const a = train.data.featureNames;
  const b = test.data.featureNames;
  if (train.data.nFeatures !== test.data.nFeatures) {
    throw new ValidationError(
      `The test set ${quote(test.name)} has ${test.data.nFeatures} features but the training dataset ${quote(train.name)} has ` +
        `${train.data.nFeatures}; a metric can only be scored on data with the same features.`,
    );
  }
  const at = a.findIndex((name, f) => name !== b[f]);
  if (at >= 0) {
    throw new ValidationError(
      `The test set ${quote(test.name)} and the training dataset ${quote(train.name)} both have ${a.length} features, but feature ${at + 1} ` +
        `is ${quote(b[at]!)} in ${quote(test.name)} and ${quote(a[at]!)} in ${quote(train.name)}; the features must be the same, in the same order.`,
    );
  }
}

/**
 * The test labels in the training dataset's class numbering (matched by class name); test classes the training
 * dataset lacks get the next numbers, in test-class order.
 */
export function matchClasses(train: DatasetMatrix, test: DatasetMatrix): { labels: Int32Array; unmatched: string[] } {
  const index = new Map(train.classNames.map((name, c) => [name, c]));
  const unmatched: string[] = [];
  const map = test.classNames.map((name) => {
    let c = index.get(name);
    if (c === undefined) {
      c = train.classNames.length + unmatched.length;
      unmatched.push(name);
      index.set(name, c);
    }
    return c;
  });
  const labels = new Int32Array(test.nRows);
  for (let i = 0; i < test.nRows; i++) labels[i] = map[test.labels![i]!]!;
  return { labels, unmatched };
}

/** What {@link TestSetScoreHooks.onProgress} reports on: the kNN, the k-means and the retrieval. */
export type TestSetStage = 'knn' | 'kmeans' | 'retrieval';

/** How a long score reports and stops (all optional; without them it runs silently to the end). */
export interface TestSetScoreHooks {
  /** Polled between row blocks of the kNN and the retrieval and before every k-means pass; true stops with JobCancelledError. */
  shouldStop?(): boolean;
  /** `done` of `total` test rows of `stage` are finished (k-means: 0 of t when it starts, t when it ends). */
  onProgress?(stage: TestSetStage, done: number, total: number): void;
  /** Test rows per block of the kNN and the retrieval; default {@link blockRows} (about 10⁹ multiply-adds). No figure depends on it. */
  blockRows?: number;
}

/** A test-set score's checked inputs, with both sets mapped by the metric ({@link prepareTestSetScore}). */
export interface TestSetScorePlan {
  /** Training rows mapped, (m, dims), and their labels. */
  trainY: Float64Array;
  trainLabels: Int32Array;
  /** Test rows mapped, (t, dims), and their labels in the training dataset's class numbering. */
  testY: Float64Array;
  testLabels: Int32Array;
  unmatched: string[];
  m: number;
  t: number;
  dims: number;
  k: number;
  seed: number;
}

/**
 * The checks {@link scoreOnTestSet} makes on its inputs, without mapping anything (cheap; callers run it before a
 * long fit): both datasets labeled, the same features, k in 1…training rows.
 * @throws ValidationError naming the dataset, the features or k.
 */
export function checkTestSetInputs(train: NamedDataset, test: NamedDataset, k: number): void {
  if (train.data.targets) {
    // Regression: both datasets have a numeric target (kNN regression).
    if (!test.data.targets) {
      throw new ValidationError(`The training dataset ${quote(train.name)} is a regression dataset, but the test set ${quote(test.name)} has no regression target to score against.`);
    }
  } else if (!train.data.labels) throw new ValidationError(`The training dataset ${quote(train.name)} has no class labels; kNN needs them.`);
  if (!train.data.targets && !test.data.labels) throw new ValidationError(`The test set ${quote(test.name)} has no class labels to score against.`);
  checkSameFeatures(train, test);
  if (!Number.isInteger(k) || k < 1 || k > train.data.nRows) {
    throw new ValidationError(`k must be an integer in 1…${train.data.nRows} (the training rows), got ${JSON.stringify(k)}.`);
  }
}

/**
 * Checks the inputs and maps both datasets with `metric` (fitted on `train`): the first part of {@link scoreOnTestSet}.
 * @throws ValidationError as {@link checkTestSetInputs}, for a bad seed, or when the metric does not take the training
 *   dataset's features.
 */
export function prepareTestSetScore(metric: LearnedMetric, train: NamedDataset, test: NamedDataset, options: { k: number; seed: number }): TestSetScorePlan {
  const { k } = options;
  const seed = checkSeed(options.seed);
  checkTestSetInputs(train, test, k);
  if (metric.preprocessing.inputFeatures !== train.data.nFeatures) {
    throw new ValidationError(
      `The metric takes ${metric.preprocessing.inputFeatures} features but the training dataset ${quote(train.name)} has ${train.data.nFeatures}.`,
    );
  }
  const { labels: testLabels, unmatched } = matchClasses(train.data, test.data);
  return {
    trainY: transform(metric, train.data.features, train.data.nRows), // (m, dims)
    trainLabels: train.data.labels!,
    testY: transform(metric, test.data.features, test.data.nRows), // (t, dims)
    testLabels,
    unmatched,
    m: train.data.nRows,
    t: test.data.nRows,
    dims: metric.nComponents,
    k,
    seed,
  };
}

/** About this many multiply-adds per row block (a fraction of a second), in whole tiles of TILE_ROWS rows. */
const BLOCK_WORK = 1e9;

/** Rows per block when each row costs `rowWork` multiply-adds. */
export function blockRows(rowWork: number): number {
  return Math.max(1, Math.floor(BLOCK_WORK / Math.max(1, rowWork) / TILE_ROWS)) * TILE_ROWS;
}

/** The block size of `hooks`, else the default for rows of `rowWork` multiply-adds; at least one row. */
const rowsPerBlock = (hooks: TestSetScoreHooks, rowWork: number): number =>
  hooks.blockRows === undefined ? blockRows(rowWork) : Math.max(1, Math.floor(hooks.blockRows));

function checkStop(hooks: TestSetScoreHooks): void {
  if (hooks.shouldStop?.()) throw new JobCancelledError();
}

/**
 * Runs `block` over the rows 0…t in blocks of {@link rowsPerBlock} rows (each costing `rowWork` multiply-adds):
 * `shouldStop` is polled before each block and `onProgress(stage, done, t)` called after it.
 * @throws JobCancelledError once `shouldStop()` is true.
 */
function forEachRowBlock(hooks: TestSetScoreHooks, stage: TestSetStage, t: number, rowWork: number, block: (rows: { first: number; end: number }) => void): void {
  const rows = rowsPerBlock(hooks, rowWork);
  for (let first = 0; first < t; first += rows) {
    checkStop(hooks);
    const end = Math.min(t, first + rows);
    block({ first, end });
    hooks.onProgress?.(stage, end, t);
  }
}

/**
 * The kNN prediction of every test row against the training rows ({@link knnPredict}), in row blocks: `shouldStop`
 * is polled and `onProgress('knn', done, t)` called after each block. The predictions are those of one call, bit
 * for bit. @throws JobCancelledError once `shouldStop()` is true.
 */
export function predictTestSet(plan: TestSetScorePlan, hooks: TestSetScoreHooks = {}): Int32Array {
  const { trainY, trainLabels, testY, m, t, dims, k } = plan;
  const predicted = new Int32Array(t);
  const tiles = createGramDistanceTiles(trainY, m, dims);
  forEachRowBlock(hooks, 'knn', t, m * dims, (rows) => {
    predicted.set(knnPredict(trainY, trainLabels, m, testY, t, dims, k, 'lowest-class', rows, tiles), rows.first);
  });
  return predicted;
}

/**
 * The figures from the kNN predictions: accuracy, then k-means (NMI, ARI) and retrieval (P@1, MAP@R, in row blocks)
 * on the mapped test set, polling `shouldStop` between them. @throws JobCancelledError once `shouldStop()` is true.
 */
export function completeTestSetScore(plan: TestSetScorePlan, predicted: Int32Array, hooks: TestSetScoreHooks = {}): TestSetScore {
  const { testY, testLabels, t, dims, k, seed } = plan;
  const accuracy = accuracyScore(predicted, testLabels);
  checkStop(hooks);
  hooks.onProgress?.('kmeans', 0, t);
  const present = new Set(testLabels).size;
  const clusters = kMeans(testY, t, dims, present, { seed, ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}) });
  hooks.onProgress?.('kmeans', t, t);
  const tiles = createGramDistanceTiles(testY, t, dims);
  const parts: ReturnType<typeof retrievalTotals>[] = [];
  forEachRowBlock(hooks, 'retrieval', t, t * dims, (rows) => {
    parts.push(retrievalTotals(testY, testLabels, t, dims, rows, tiles));
  });
  const retrieval = combineRetrieval(parts);
  return {
    accuracy,
    nmi: normalizedMutualInformation(testLabels, clusters.assignments),
    ari: adjustedRandIndex(testLabels, clusters.assignments),
    precisionAt1: retrieval.precisionAt1,
    mapAtR: retrieval.mapAtR,
    trainRows: plan.m,
    testRows: t,
    k,
    seed,
    nComponents: dims,
    unmatchedClasses: plan.unmatched,
  };
}

/**
 * Scores `metric` (fitted on a regression dataset `train`) on the regression test set `test`: kNN regression of every
 * test row from the training rows' targets ({@link knnRegress}, in row blocks that poll `shouldStop`), and its RMSE, MAE
 * and R² ({@link regressionFigures}). The classification figures are null.
 * @throws ValidationError as {@link checkTestSetInputs}; JobCancelledError once `hooks.shouldStop()` is true.
 */
export function scoreRegressionOnTestSet(
  metric: LearnedMetric,
  train: NamedDataset,
  test: NamedDataset,
  options: { k: number; seed: number },
  hooks: TestSetScoreHooks = {},
): TestSetScore {
  const { k } = options;
  const seed = checkSeed(options.seed);
  checkTestSetInputs(train, test, k);
  if (!train.data.targets) throw new ValidationError(`The training dataset ${quote(train.name)} is not a regression dataset.`);
  const m = train.data.nRows;
  const t = test.data.nRows;
  const dims = metric.nComponents;
  const trainY = transform(metric, train.data.features, m); // (m, dims)
  const testY = transform(metric, test.data.features, t); // (t, dims)
  const tiles = createGramDistanceTiles(trainY, m, dims);
  const predicted = new Float64Array(t);
  const trainTargets = train.data.targets;
  forEachRowBlock(hooks, 'knn', t, m * dims, (rows) => {
    predicted.set(knnRegress(trainY, trainTargets, m, testY, t, dims, k, rows, tiles), rows.first);
  });
  return {
    accuracy: null,
    nmi: null,
    ari: null,
    precisionAt1: null,
    mapAtR: null,
    ...regressionFigures(predicted, test.data.targets!),
    trainRows: m,
    testRows: t,
    k,
    seed,
    nComponents: dims,
    unmatchedClasses: [],
  };
}

/**
 * Scores `metric` (fitted on `train`) on `test`; see the module comment for the figures. The three parts in one
 * thread: {@link prepareTestSetScore}, {@link predictTestSet}, {@link completeTestSetScore}; a regression training
 * dataset is scored by {@link scoreRegressionOnTestSet}.
 * @throws ValidationError when either dataset is unlabeled, the features differ, k is not in 1…train rows, or
 *   the metric does not take the training dataset's features; JobCancelledError once `hooks.shouldStop()` is true.
 */
export function scoreOnTestSet(
  metric: LearnedMetric,
  train: NamedDataset,
  test: NamedDataset,
  options: { k: number; seed: number },
  hooks: TestSetScoreHooks = {},
): TestSetScore {
  if (train.data.targets) return scoreRegressionOnTestSet(metric, train, test, options, hooks);
  const plan = prepareTestSetScore(metric, train, test, options);
  return completeTestSetScore(plan, predictTestSet(plan, hooks), hooks);
}

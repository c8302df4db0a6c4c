import type { ReportRun } from '../../shared/report/comparison.ts';
import type { EvaluationResult, FoldResult } from '../../shared/ipc/schemas.ts';

/** A fold result with the given figures; sizes of a 5-fold CV of 150 rows. */
function fold(index: number, accuracy: number, extra: Partial<FoldResult> = {}): FoldResult {
  return {
    fold: index,
    trainSize: 120,
    testSize: 30,
    accuracy,
    fitSeconds: 0.5 + index / 100,
    iterations: 10,
    converged: true,
    stopReason: null,
    nComponents: 4,
    droppedFeatures: [],
    trainPairs: 0,
    testPairs: 0,
    nmi: 0.8 + index / 100,
    ari: 0.7,
    precisionAt1: 0.9,
    mapAtR: 0.85,
    pairAuc: null,
    ...extra,
  };
}

/** An evaluation from per-fold accuracies (seed 0, 5 folds, 3-NN, z-score). */
export function evaluation(method: string, accuracies: number[], extra: Partial<FoldResult> = {}, summary: Partial<EvaluationResult> = {}, seed = 0): EvaluationResult {
  const folds = accuracies.map((a, f) => fold(f, a, extra));
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return {
    dataset: 1,
    method,
    params: {},
    protocol: { folds: accuracies.length, k: 3, seed, preprocess: 'zscore' },
    accuracy: { mean: mean(accuracies), std: 0, folds: accuracies },
    fitSeconds: { median: 0.5, folds: folds.map((f) => f.fitSeconds) },
    nmi: mean(folds.map((f) => f.nmi!)),
    ari: 0.7,
    precisionAt1: 0.9,
    mapAtR: 0.85,
    pairAuc: null,
    folds,
    ...summary,
  };
}

/** Three runs of one comparison on "iris_{test}": Euclidean, NCA (labels), ITML (15 labeled pairs, 5 held out). */
export const SMALL_COMPARISON: ReportRun[] = [
  {
    runId: 11,
    method: 'euclidean',
    params: {},
    supervision: { kind: 'none' },
    evaluation: evaluation('euclidean', [0.9, 0.9333333333333333, 0.9, 0.8666666666666667, 0.9], { pairAuc: 0.75, testPairs: 3, nmi: 0.79 }, { pairAucPairs: 5, pairAucSource: 'labeled' }),
  },
  {
    runId: 12,
    method: 'nca',
    params: { max_iter: 100 },
    supervision: { kind: 'labels' },
    evaluation: evaluation('nca', [0.9666666666666667, 1, 0.9333333333333333, 0.9333333333333333, 0.9666666666666667], { pairAuc: 0.75, testPairs: 3 }, { pairAucPairs: 5, pairAucSource: 'labeled' }),
  },
  {
    runId: 13,
    method: 'itml',
    params: { gamma: 1 },
    supervision: { kind: 'pairs', source: 'labeled', count: 15 },
    evaluation: evaluation('itml', [0.9333333333333333, 0.9666666666666667, 0.9333333333333333, 0.9333333333333333, 0.9333333333333333], { pairAuc: 0.75, testPairs: 3 }, { pairAucPairs: 5, pairAucSource: 'labeled' }),
  },
];

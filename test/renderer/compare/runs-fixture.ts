import type { RunDetail, RunSummary } from '../../../src-renderer/src/lib/backend/types.ts';
import { backendWithDataset, type FakeBackend } from '../fake-backend.ts';

/**
 * The toy dataset (id 1, 2 features) after a comparison: evaluations of euclidean (#1), nca (#2) and mmc (#4),
 * and the metrics fitted on all rows, nca (#3) and mmc (#5, the newest). No held-out pairs were scored
 * (pairAuc null), as with a dozen labeled pairs.
 */
export const RUNS: RunSummary[] = [
  summary(1, 'evaluate', 'euclidean', 0.6),
  summary(2, 'evaluate', 'nca', 0.8),
  summary(3, 'learn', 'nca', null, [2, 2]),
  summary(4, 'evaluate', 'mmc', 0.7),
  summary(5, 'learn', 'mmc', null, [2, 2]),
].reverse();

function summary(id: number, kind: 'evaluate' | 'learn', method: string, accuracy: number | null, components: [number, number] | null = null): RunSummary {
  return {
    id, datasetId: 1, datasetHash: 'h', kind, method, params: {}, seed: 0, status: 'succeeded',
    createdAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', parentRunId: null, error: null, accuracy, components,
    testScore: null,
  };
}

/** M of each learned run, (2, 2) row-major; L is its Cholesky-like factor with M = LᵀL. */
export const METRICS: Record<number, { L: number[]; M: number[] }> = {
  3: { L: [2, 0, 0, 0.5], M: [4, 0, 0, 0.25] },
  5: { L: [1, -0.5, 0, 1], M: [1, -0.5, -0.5, 1.25] },
};

export function detailOf(id: number): RunDetail {
  const run = RUNS.find((r) => r.id === id)!;
  const base = {
    ...run, protocol: null, appVersion: 'test', startedAt: null, timings: null, errorCode: null,
    metric: null, evaluation: null, comparison: null, sweep: null, children: [], testScores: [],
  };
  if (run.kind === 'learn') {
    const { L, M } = METRICS[id]!;
    return {
      ...base,
      metric: {
        method: run.method!, params: {}, seed: 0, L, shape: [2, 2], M,
        preprocessing: { kind: 'zscore', inputFeatures: 2, kept: [0, 1], dropped: [], center: [0, 0], scale: [1, 1] },
        summary: { iterations: 3, converged: true, stopReason: 'tolerance', objective: 1, objectiveTrace: [3, 2, 1], fitSeconds: 0.01 },
      },
    } as RunDetail;
  }
  const acc = run.accuracy!;
  const folds = [acc - 0.1, acc + 0.1, acc];
  return {
    ...base,
    evaluation: {
      method: run.method!, params: {}, protocol: { folds: 3, k: 3, seed: 0, preprocess: 'zscore' },
      accuracy: { mean: acc, std: Math.sqrt(2 / 3) * 0.1, folds },
      fitSeconds: { median: 0.01, folds: [0.01, 0.01, 0.01] }, nmi: 0.5, ari: 0.4, precisionAt1: 0.7, mapAtR: 0.6, pairAuc: null,
      folds: folds.map((a, k) => ({
        fold: k + 1, trainSize: 4, testSize: 2, accuracy: a, fitSeconds: 0.01, iterations: 3, converged: true, stopReason: 'tolerance', nComponents: 2,
        trainPairs: 2, testPairs: 0, nmi: 0.5, ari: 0.4, precisionAt1: 0.7, mapAtR: 0.6, pairAuc: null,
      })),
    },
  } as RunDetail;
}

export function backendWithRuns(): FakeBackend {
  return backendWithDataset()
    .handle('runs.list', () => ({ runs: RUNS }))
    .handle('runs.get', ({ runId }) => ({ run: detailOf(runId) }));
}

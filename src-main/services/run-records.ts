/**
 * Runs in the store: creating a planned job's runs, recording how they end, and mapping stored runs to the
 * wire shapes the history shows (RunListItem, RunDetail, LearnedMetricWire — declared once, as zod schemas in
 * shared/domain/schemas/runs.ts). Each write is one transaction; only the main thread calls this module.
 */
import type { GridMark } from '../../shared/domain/grid.ts';
import { describeSupervision, type Supervision } from '../../shared/domain/supervision.ts';
import { definedFields } from '../../shared/objects.ts';
import { LEARNERS } from '../../shared/engine/registry.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import type { TestSetScore } from '../../shared/engine/evaluation/score.ts';
import { ValidationError } from '../../shared/errors.ts';
import { metricMatrix } from '../../shared/export/metric-record.ts';
import type { ComparisonEntry, EvaluationResult, LearnedMetricWire, RunDetail, RunListItem, SweepResult } from '../../shared/ipc/schemas.ts';
import type { JobResult, JobTimings } from '../jobs/types.ts';
import { FINAL_RUN_STATUSES, type RunRecord } from '../storage/runs-repository.ts';
import type { Store } from '../storage/store.ts';
import type { JobPlan, StoredProtocol } from './run-planning.ts';

export type { LearnedMetricWire, RunDetail, RunListItem } from '../../shared/ipc/schemas.ts';

/** A learned metric as plain JSON: L and M = LᵀL as number arrays, [k, d] as `shape`. */
export function toWireMetric(metric: LearnedMetric): LearnedMetricWire {
  const p = metric.preprocessing;
  return {
    method: metric.method,
    params: metric.params,
    seed: metric.seed,
    L: Array.from(metric.L),
    shape: [metric.nComponents, metric.nFeatures],
    M: Array.from(metricMatrix(metric)),
    preprocessing: { kind: p.kind, inputFeatures: p.inputFeatures, kept: [...p.kept], dropped: [...p.dropped], center: Array.from(p.center), scale: Array.from(p.scale) },
    summary: metric.summary,
  };
}

/**
 * Creates the runs of `plan` with status `queued` in one transaction (a compare: the parent, then its children
 * pointing at it); `claim` records the owning process on each. Returns their ids in plan order.
 */
export function createPlannedRuns(store: Store, plan: JobPlan, claim: (runId: number) => void): number[] {
  return store.transaction(() => {
    let parentRunId: number | null = null;
    return plan.runs.map((planned, index) => {
      const run = store.runs.create({
        datasetId: plan.dataset.id,
        datasetHash: plan.dataset.contentHash,
        kind: planned.kind,
        method: planned.method,
        params: planned.params,
        protocol: planned.protocol as unknown as Record<string, unknown>,
        seed: plan.seed,
        parentRunId,
      });
      claim(run.id);
      if (index === 0 && planned.kind === 'compare') parentRunId = run.id;
      return run.id;
    });
  });
}

export function markRunning(store: Store, runIds: readonly number[]): void {
  store.transaction(() => {
    for (const id of runIds) store.runs.setStatus(id, 'running');
  });
}

/** Stores a job's result and marks its runs succeeded, in one transaction. */
export function saveResult(store: Store, runIds: readonly number[], result: JobResult, timings: JobTimings): void {
  const times = timingSeconds(timings);
  const saveEvaluation = (runId: number, evaluation: EvaluationResult): void => {
    const { folds, ...summary } = evaluation;
    store.evaluations.save(runId, summary, folds);
  };
  store.transaction(() => {
    switch (result.kind) {
      case 'learn':
        store.metrics.save(runIds[0]!, result.metric);
        store.runs.setStatus(runIds[0]!, 'succeeded', { timings: { ...times, fitSeconds: result.metric.summary.fitSeconds } });
        break;
      case 'evaluate':
        saveEvaluation(runIds[0]!, result.evaluation);
        if (result.metric) store.metrics.save(runIds[0]!, result.metric);
        store.runs.setStatus(runIds[0]!, 'succeeded', { timings: { ...times, fitSeconds: sum(result.evaluation.fitSeconds.folds) } });
        break;
      case 'compare': {
        const [parent, ...children] = runIds;
        result.evaluations.forEach((evaluation, k) => {
          saveEvaluation(children[k]!, evaluation);
          store.runs.setStatus(children[k]!, 'succeeded', { timings: { fitSeconds: sum(evaluation.fitSeconds.folds) } });
        });
        store.evaluations.save(
          parent!,
          {
            comparison: result.evaluations.map((e, k) => ({
              runId: children[k],
              method: e.method,
              accuracy: e.accuracy,
              fitSeconds: e.fitSeconds,
              // Regression datasets: the kNN-regression RMSE and R² instead of an accuracy.
              ...(e.rmse ? { rmse: e.rmse, r2: e.r2 } : {}),
            })),
          },
          [],
        );
        store.runs.setStatus(parent!, 'succeeded', { timings: times });
        break;
      }
      case 'sweep':
        store.sweeps.save(runIds[0]!, result.sweep);
        store.runs.setStatus(runIds[0]!, 'succeeded', { timings: times });
        break;
    }
  });
}

/** Marks the runs that are not final yet failed or cancelled, with the error text, in one transaction. */
export function finishUnsuccessfully(store: Store, runIds: readonly number[], status: 'failed' | 'cancelled', message: string, timings: JobTimings): void {
  const times = timingSeconds(timings);
  store.transaction(() => {
    for (const id of runIds) {
      const run = store.runs.get(id);
      if (!run || FINAL_RUN_STATUSES.includes(run.status)) continue;
      store.runs.setStatus(id, status, { timings: times, errorCode: status === 'cancelled' ? 'JOB_CANCELLED' : 'JOB_FAILED', error: message });
    }
  });
}

/** A stored run as the history lists it: the record plus its headline (mean accuracy or [k, d]). */
export function listItem(store: Store, run: RunRecord): RunListItem {
  let accuracy: number | null = null;
  let regression: { rmse: number | null; r2: number | null } | null = null;
  let components: [number, number] | null = null;
  let recorded: Supervision | undefined;
  if (run.status === 'succeeded') {
    if (run.kind === 'evaluate') {
      const e = store.evaluations.get<{ accuracy?: { mean?: number } | null; rmse?: { mean?: number }; r2?: { mean?: number }; supervision?: Supervision }>(run.id);
      accuracy = e?.summary.accuracy?.mean ?? null;
      recorded = e?.summary.supervision;
      if (e?.summary.rmse) regression = { rmse: e.summary.rmse.mean ?? null, r2: e.summary.r2?.mean ?? null };
    }
    // learn runs, and grid cells (evaluate runs that also store the metric fitted on the whole data set)
    if (run.kind === 'learn' || (run.kind === 'evaluate' && (run.protocol as { grid?: unknown } | null)?.grid)) {
      components = store.metrics.shape(run.id);
    }
  }
  return {
    id: run.id,
    datasetId: run.datasetId,
    datasetHash: run.datasetHash,
    kind: run.kind,
    method: run.method,
    params: run.params,
    seed: run.seed,
    status: run.status,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    parentRunId: run.parentRunId,
    error: run.error,
    accuracy,
    ...(regression ?? {}),
    components,
    grid: ((run.protocol as { grid?: GridMark } | null)?.grid as GridMark | undefined) ?? null,
    testScore: latestTestScore(store, run.id),
    supervision: recorded ?? plannedSupervision(run),
  };
}

/**
 * A run's supervision from what it stores before it has results (and for learn and sweep runs): the method's
 * input, the source and the hand-labeled pairs (comparisons, for a comparison learner) it was given. Generated counts are known once an evaluation
 * is stored (its `supervision`). Null for a compare parent or a method this version does not know.
 */
function plannedSupervision(run: RunRecord): Supervision | null {
  if (run.method === null) return null;
  const learner = LEARNERS.find((l) => l.name === run.method);
  if (!learner) return null;
  const protocol = run.protocol as Partial<StoredProtocol> | null;
  const source = protocol?.constraintSource;
  // A comparison learner counts the comparisons it was given, a pair learner its pairs.
  const labeled = learner.input === 'triplets' ? protocol?.comparisons : protocol?.constraints;
  return describeSupervision(learner.input, {
    ...definedFields({ source }),
    ...(source === 'labeled' && labeled ? { labeledCount: labeled.length } : {}),
  });
}

/** The latest held-out test-set score of run `runId`'s metric (`workbench score`), or null. */
function latestTestScore(store: Store, runId: number): RunListItem['testScore'] {
  const scores = store.testScores.list<TestSetScore>(runId);
  const last = scores[scores.length - 1];
  if (!last) return null;
  const { rmse, r2 } = last.score;
  return { testDatasetName: last.testDatasetName, k: last.k, accuracy: last.score.accuracy, ...(rmse !== undefined && r2 !== undefined ? { rmse, r2 } : {}) };
}

/** An evaluate run's stored evaluation (summary and folds), or null for other kinds and unfinished runs. */
function evaluationOf(store: Store, run: RunRecord): RunDetail['evaluation'] {
  if (run.kind !== 'evaluate') return null;
  const stored = store.evaluations.get<Record<string, unknown>, Record<string, unknown>>(run.id);
  return stored ? ({ ...stored.summary, folds: stored.folds } as unknown as RunDetail['evaluation']) : null;
}

/** Everything stored about run `runId`. @throws NotFoundError "No run with id N." */
export function runDetail(store: Store, runId: number): RunDetail {
  const run = store.runs.require(runId);
  const metric = store.metrics.get(runId);
  // A compare parent stores {comparison: […]}: shown as `comparison`; `evaluation` is an evaluate run's own.
  const stored = run.kind === 'compare' ? store.evaluations.get<{ comparison?: ComparisonEntry[] }>(runId) : null;
  return {
    ...run,
    metric: metric ? toWireMetric(metric) : null,
    evaluation: evaluationOf(store, run),
    comparison: stored?.summary.comparison ?? null,
    sweep: store.sweeps.get<SweepResult>(runId),
    children: store.runs
      .list({ parentRunId: runId, order: 'asc' })
      .map((child) => ({ ...listItem(store, child), evaluation: evaluationOf(store, child), testScores: store.testScores.list<TestSetScore>(child.id) })),
    testScores: store.testScores.list<TestSetScore>(runId),
  };
}

/** The stored metric of a run, bit-exact. @throws NotFoundError / ValidationError when the run has none. */
export function storedMetric(store: Store, runId: number): { run: RunRecord; metric: LearnedMetric } {
  const run = store.runs.require(runId);
  const metric = store.metrics.get(runId);
  if (!metric) {
    const why = run.kind !== 'learn'
      ? `it is ${run.kind === 'evaluate' ? 'an' : 'a'} ${run.kind} run (only learn runs store a metric; run \`workbench learn\`)`
      : `its status is ${run.status}`;
    throw new ValidationError(`Run ${runId} has no learned metric: ${why}.`);
  }
  return { run, metric };
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

function timingSeconds(t: JobTimings): Record<string, number> {
  const out: Record<string, number> = { runSeconds: t.runMs / 1000 };
  if (t.startedAt) out.queuedSeconds = Math.max(0, (Date.parse(t.startedAt) - Date.parse(t.queuedAt)) / 1000);
  out.totalSeconds = Math.max(0, (Date.parse(t.finishedAt) - Date.parse(t.queuedAt)) / 1000);
  return out;
}

/**
 * Experiment history: how jobs become runs in the store, and how stored runs are listed, shown and re-run.
 *
 * Every run records the dataset id and content hash, method, validated params, protocol, seed, app version,
 * timings, status, per-fold results and the learned metric. The protocol JSON also holds the normalized job
 * spec and, for pair-based methods on hand-labeled constraints, the exact pairs used, so {@link RunsService.rerunSpec}
 * can reproduce a run bit for bit (same data, same pairs, same seed → the same L).
 *
 * Only the main thread calls this module (the job runner's {@link JobPersistence} is implemented here); each
 * change is one transaction.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import {
  CONSTRAINT_SOURCES,
  DEFAULT_PROTOCOL,
  SWEEP_CONSTRAINT_SOURCES,
  type ConstraintSource,
  type SweepConstraintSource,
  type JobSpec,
  type JobStatus,
  type MethodChoice,
  type Protocol,
  type SweepResult,
} from '../../shared/domain/job.ts';
import type { GridMark } from '../../shared/domain/grid.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { resolveProtocol, type EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import { checkSeed } from '../../shared/engine/fit.ts';
import type { LearnerDefinition } from '../../shared/engine/learner.ts';
import { validateParams } from '../../shared/engine/params.ts';
import { checkPreprocessKind } from '../../shared/engine/preprocess.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import { resolveSweep } from '../../shared/engine/sweep.ts';
import { metricMatrix } from '../../shared/export/metric-record.ts';
import type { JobPersistence, JobTimings, PreparedJob, SubmitOptions } from '../jobs/types.ts';
import { INTERRUPTED_MESSAGE, type RunRecord } from '../storage/runs-repository.ts';
import type { Store } from '../storage/store.ts';
import type { StoredTestScore } from '../storage/test-scores-repository.ts';
import type { TestSetScore } from '../../shared/engine/evaluation/score.ts';

/** What the protocol column of a run holds (beyond the CV protocol itself). */
export interface StoredProtocol extends Partial<Protocol> {
  preprocess: Protocol['preprocess'];
  /** Resolved source of pair constraints (pair-based methods only; 'suggested' for sweeps only). */
  constraintSource?: SweepConstraintSource;
  /** Generated pairs per kind, when given. */
  pairs?: number;
  /** The hand-labeled pairs used, in labeling order, as [i, j, 1 = must | 0 = cannot]. */
  constraints?: Array<[number, number, 0 | 1]>;
  /** The normalized job spec this run belongs to. */
  job: JobSpec;
  /** Set on a re-run: the run it repeats. */
  rerunOf?: number;
}

/** A run as `workbench runs` lists it: the record plus a one-line headline. */
export interface RunListItem {
  id: number;
  datasetId: number | null;
  datasetHash: string | null;
  kind: RunRecord['kind'];
  method: string | null;
  params: Record<string, unknown>;
  seed: number | null;
  status: RunRecord['status'];
  createdAt: string;
  finishedAt: string | null;
  parentRunId: number | null;
  error: string | null;
  /** Mean CV accuracy (evaluate), or null. */
  accuracy: number | null;
  /** [k, d] of the learned metric (learn, or a grid cell), or null. */
  components: [number, number] | null;
  /** The grid cell this run is (with where it ran), or null: see src-main/grid. */
  grid: GridMark | null;
  /** The latest held-out test-set score of the run's metric, or null. */
  testScore: { testDatasetName: string; k: number; accuracy: number } | null;
}

/** A learned metric as plain JSON (mirrors shared/ipc's LearnedMetricWire). */
export interface LearnedMetricWire {
  method: string;
  params: Record<string, unknown>;
  seed: number;
  L: number[];
  shape: [number, number];
  M: number[];
  preprocessing: { kind: string; inputFeatures: number; kept: number[]; dropped: number[]; center: number[]; scale: number[] };
  summary: LearnedMetric['summary'];
}

export interface RunDetail extends RunRecord {
  metric: LearnedMetricWire | null;
  evaluation: (EvaluationResult & Record<string, unknown>) | null;
  sweep: SweepResult | null;
  /** Compare: accuracy and fit time per method, in order (the full evaluations are the children's). */
  comparison: Array<{ runId: number; method: string; accuracy: EvaluationResult['accuracy']; fitSeconds: EvaluationResult['fitSeconds'] }> | null;
  /** Compare: the per-method evaluate runs in the order of the spec's methods, each with its evaluation (folds included). */
  children: Array<RunListItem & { evaluation: RunDetail['evaluation']; testScores: StoredTestScore<TestSetScore>[] }>;
  /** Held-out test-set scores of this run's metric (`workbench score --run`), oldest first. */
  testScores: StoredTestScore<TestSetScore>[];
}

export interface RunsService extends JobPersistence {
  /** Runs newest first; top-level runs only unless `includeChildren`. */
  list(filter?: { datasetId?: number; includeChildren?: boolean; limit?: number }): RunListItem[];
  /** @throws NotFoundError "No run with id N." */
  show(runId: number): RunDetail;
  /** The stored metric of a run, bit-exact. @throws NotFoundError / ValidationError when the run has none. */
  metric(runId: number): { run: RunRecord; metric: LearnedMetric };
  /**
   * The spec and exact constraints that reproduce run `runId`.
   * @throws NotFoundError for an unknown run; ValidationError when the dataset changed since (content hash)
   *   or the run is a compare child (re-run its parent).
   */
  rerunSpec(runId: number): { spec: JobSpec; constraints: PairConstraint[] | null; rerunOf: number };
  /** The owner string this service writes on the runs it queues (`pid@host#instance`). */
  readonly owner: string;
  /** Ends this service's ownership (after its runner closed): its leftover runs may then be recovered. */
  dispose(): void;
}

/** Owners of live runs services in this process. */
const liveOwners = new Set<string>();
const HOST = hostname();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the process (and, in this process, the runs service) that owns a run is still alive. */
function ownerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const match = /^(\d+)@(.*)#(.+)$/.exec(owner);
  if (!match) return false;
  const [, pidText, host] = match;
  if (host !== HOST) return true; // another machine sharing the file: cannot tell, leave its runs alone
  const pid = Number(pidText);
  if (pid === process.pid) return liveOwners.has(owner);
  return processAlive(pid);
}

const compactConstraints = (constraints: readonly PairConstraint[]): Array<[number, number, 0 | 1]> =>
  constraints.map((c) => [c.i, c.j, c.kind === 'must' ? 1 : 0]);

const expandConstraints = (compact: ReadonlyArray<[number, number, 0 | 1]>): PairConstraint[] =>
  compact.map(([i, j, m]) => ({ i, j, kind: m === 1 ? 'must' : 'cannot' }));

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

/** Everything checked and filled in for one method of a job. */
interface MethodPlan {
  learner: LearnerDefinition;
  params: Record<string, unknown>;
}

export function createRunsService(store: Store): RunsService {
  const owner = `${process.pid}@${HOST}#${randomUUID().slice(0, 8)}`;
  liveOwners.add(owner);
  const setOwner = store.db.prepare('UPDATE runs SET owner = ? WHERE id = ?');

  const planMethod = (method: string, params: Record<string, unknown> | undefined): MethodPlan => {
    const learner = getLearner(method);
    return { learner, params: validateParams(learner.name, learner.params, params ?? {}) };
  };

  /** Checks what a method needs from the dataset, before anything is queued. */
  const checkInputs = (plan: MethodPlan, labeled: boolean, source: SweepConstraintSource, constraintCount: number, needsLabels: boolean): void => {
    const name = plan.learner.name;
    if (needsLabels && !labeled) {
      throw new ValidationError('Evaluation needs class labels: kNN accuracy is measured against them, but the dataset has none.');
    }
    if (plan.learner.input === 'labels' && !labeled) throw new ValidationError(`${name} learns from class labels, but the dataset has none.`);
    if (plan.learner.input === 'pairs') {
      if (source === 'labeled' && constraintCount === 0) {
        throw new ValidationError(`${name} was asked to use labeled constraints, but the dataset has no labeled pairs.`);
      }
      if (source === 'suggested' && !labeled) {
        throw new ValidationError(`${name}: suggested constraints are labeled from class labels, but the dataset has none.`);
      }
      if (source === 'generated' && !labeled) {
        throw new ValidationError(`${name} learns from must-link / cannot-link pairs: label some pairs, or use a dataset with class labels to generate them.`);
      }
    }
  };

  const service: RunsService = {
    owner,

    prepare(spec: JobSpec, options: SubmitOptions = {}): PreparedJob {
      if (typeof spec !== 'object' || spec === null || !['learn', 'evaluate', 'compare', 'sweep'].includes((spec as JobSpec).kind)) {
        throw new ValidationError(`Job kind must be one of learn, evaluate, compare, sweep, got ${JSON.stringify((spec as { kind?: unknown })?.kind)}.`);
      }
      if (!Number.isInteger(spec.datasetId)) throw new ValidationError(`datasetId must be an integer, got ${JSON.stringify(spec.datasetId)}.`);
      const dataset = store.datasets.get(spec.datasetId);
      if (!dataset) throw new NotFoundError(`No dataset with id ${spec.datasetId}.`);
      const seed = checkSeed(spec.seed ?? 0);
      const preprocess = checkPreprocessKind(spec.protocol?.preprocess ?? DEFAULT_PROTOCOL.preprocess);
      const handLabels: PairConstraint[] = options.constraints
        ? options.constraints.map((c) => ({ i: c.i, j: c.j, kind: c.kind }))
        : store.constraints.list(dataset.id).map((c) => ({ i: c.i, j: c.j, kind: c.kind }));
      const source: SweepConstraintSource = spec.constraintSource ?? (handLabels.length > 0 ? 'labeled' : 'generated');
      if (spec.kind === 'sweep' ? !(SWEEP_CONSTRAINT_SOURCES as readonly string[]).includes(source) : !(CONSTRAINT_SOURCES as readonly string[]).includes(source)) {
        const allowed = (spec.kind === 'sweep' ? SWEEP_CONSTRAINT_SOURCES : CONSTRAINT_SOURCES).map((x) => `'${x}'`).join(', ');
        throw new ValidationError(`constraints must be one of ${allowed}, got ${JSON.stringify(source)}.`);
      }
      /** The source for learn, evaluate and compare (checked above: never 'suggested' there). */
      const plainSource = source as ConstraintSource;
      if (spec.pairs !== undefined && (!Number.isInteger(spec.pairs) || spec.pairs < 1)) {
        throw new ValidationError(`pairs must be an integer ≥ 1, got ${JSON.stringify(spec.pairs)}.`);
      }
      const evaluates = spec.kind !== 'learn';
      const protocol: Partial<Protocol> & { preprocess: Protocol['preprocess'] } = evaluates
        ? resolveProtocol({ protocol: spec.protocol, seed, preprocess })
        : { preprocess };
      const common = {
        datasetId: dataset.id,
        seed,
        protocol,
        constraintSource: plainSource,
        ...(spec.pairs === undefined ? {} : { pairs: spec.pairs }),
      };

      let normalized: JobSpec;
      let plans: MethodPlan[];
      switch (spec.kind) {
        case 'learn':
        case 'evaluate': {
          const plan = planMethod(spec.method, spec.params);
          plans = [plan];
          normalized = { ...common, kind: spec.kind, method: plan.learner.name, params: plan.params };
          break;
        }
        case 'compare': {
          if (!Array.isArray(spec.methods) || spec.methods.length === 0) throw new ValidationError('compare needs at least one method.');
          plans = spec.methods.map((m: MethodChoice) => planMethod(m.method, m.params));
          normalized = { ...common, kind: 'compare', methods: plans.map((p) => ({ method: p.learner.name, params: p.params })) };
          break;
        }
        case 'sweep': {
          const resolved = resolveSweep({
            method: spec.method,
            params: spec.params,
            counts: spec.counts,
            seeds: spec.seeds,
            seed,
            protocol,
            constraintSource: source,
            constraints: handLabels,
          });
          plans = [{ learner: getLearner(spec.method), params: resolved.params }];
          normalized = { ...common, constraintSource: source, kind: 'sweep', method: spec.method, params: resolved.params, counts: resolved.counts, seeds: resolved.seeds.length };
          break;
        }
      }
      for (const plan of plans) checkInputs(plan, dataset.labeled, source, handLabels.length, evaluates);
      const usesHandLabels = source === 'labeled' && plans.some((p) => p.learner.input === 'pairs');
      const stored = (plan: MethodPlan | null): StoredProtocol => ({
        ...protocol,
        ...(plan === null || plan.learner.input === 'pairs' ? { constraintSource: source } : {}),
        ...(spec.pairs === undefined ? {} : { pairs: spec.pairs }),
        ...(usesHandLabels && (plan === null || plan.learner.input === 'pairs') ? { constraints: compactConstraints(handLabels) } : {}),
        job: normalized,
        ...(options.rerunOf === undefined ? {} : { rerunOf: options.rerunOf }),
      });

      const runIds = store.transaction(() => {
        const create = (kind: RunRecord['kind'], plan: MethodPlan | null, parentRunId: number | null): number => {
          const run = store.runs.create({
            datasetId: dataset.id,
            datasetHash: dataset.contentHash,
            kind,
            method: plan?.learner.name ?? null,
            params: plan?.params ?? (normalized.kind === 'compare' ? { methods: normalized.methods } : {}),
            protocol: stored(plan) as unknown as Record<string, unknown>,
            seed,
            parentRunId,
          });
          setOwner.run(owner, run.id);
          return run.id;
        };
        if (normalized.kind === 'compare') {
          const parent = create('compare', null, null);
          return [parent, ...plans.map((plan) => create('evaluate', plan, parent))];
        }
        return [create(normalized.kind, plans[0]!, null)];
      });

      return {
        spec: normalized,
        runIds,
        dataset: { id: dataset.id, name: dataset.name, contentHash: dataset.contentHash },
        constraints: handLabels,
        loadDataset: (): DatasetMatrix => store.datasets.loadMatrix(dataset.id),
      };
    },

    markRunning(runIds, startedAt) {
      void startedAt;
      store.transaction(() => {
        for (const id of runIds) store.runs.setStatus(id, 'running');
      });
    },

    complete(runIds, result, timings) {
      const times = timingSeconds(timings);
      store.transaction(() => {
        switch (result.kind) {
          case 'learn':
            store.metrics.save(runIds[0]!, result.metric);
            store.runs.setStatus(runIds[0]!, 'succeeded', { timings: { ...times, fitSeconds: result.metric.summary.fitSeconds } });
            break;
          case 'evaluate':
            saveEvaluation(runIds[0]!, result.evaluation);
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
                comparison: result.evaluations.map((e, k) => ({ runId: children[k], method: e.method, accuracy: e.accuracy, fitSeconds: e.fitSeconds })),
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
    },

    finishUnsuccessfully(runIds, status, message, timings) {
      const times = timingSeconds(timings);
      store.transaction(() => {
        for (const id of runIds) {
          const run = store.runs.get(id);
          if (!run || ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(run.status)) continue;
          store.runs.setStatus(id, status, { timings: times, errorCode: status === 'cancelled' ? 'JOB_CANCELLED' : 'JOB_FAILED', error: message });
        }
      });
    },

    recoverInterrupted() {
      const rows = store.db.prepare(`SELECT id, owner FROM runs WHERE status IN ('running', 'queued') ORDER BY id`).all() as Array<{ id: number; owner: string | null }>;
      const stale = rows.filter((r) => !ownerAlive(r.owner));
      if (stale.length === 0) return 0;
      const now = new Date().toISOString();
      const update = store.db.prepare(`UPDATE runs SET status = 'interrupted', finished_at = ?, error_code = 'JOB_FAILED', error = ? WHERE id = ? AND status IN ('running', 'queued')`);
      store.transaction(() => {
        for (const r of stale) update.run(now, INTERRUPTED_MESSAGE, r.id);
      });
      return stale.length;
    },

    list(filter = {}) {
      const runs = store.runs.list({
        ...(filter.datasetId === undefined ? {} : { datasetId: filter.datasetId }),
        ...(filter.includeChildren ? {} : { parentRunId: null }),
        ...(filter.limit === undefined ? {} : { limit: filter.limit }),
      });
      return runs.map(listItem);
    },

    show(runId) {
      const run = store.runs.require(runId);
      const metric = store.metrics.get(runId);
      // A compare parent stores {comparison: […]}: shown as `comparison`; `evaluation` is an evaluate run's own.
      const stored = run.kind === 'compare' ? store.evaluations.get<{ comparison?: RunDetail['comparison'] }>(runId) : null;
      return {
        ...run,
        metric: metric ? toWireMetric(metric) : null,
        evaluation: evaluationOf(run),
        comparison: stored?.summary.comparison ?? null,
        sweep: store.sweeps.get<SweepResult>(runId),
        children: store.runs
          .list({ parentRunId: runId, order: 'asc' })
          .map((child) => ({ ...listItem(child), evaluation: evaluationOf(child), testScores: store.testScores.list<TestSetScore>(child.id) })),
        testScores: store.testScores.list<TestSetScore>(runId),
      };
    },

    metric(runId) {
      const run = store.runs.require(runId);
      const metric = store.metrics.get(runId);
      if (!metric) {
        const why = run.kind !== 'learn'
          ? `it is ${run.kind === 'evaluate' ? 'an' : 'a'} ${run.kind} run (only learn runs store a metric; run \`workbench learn\`)`
          : `its status is ${run.status}`;
        throw new ValidationError(`Run ${runId} has no learned metric: ${why}.`);
      }
      return { run, metric };
    },

    rerunSpec(runId) {
      const run = store.runs.require(runId);
      const protocol = run.protocol as unknown as StoredProtocol | null;
      if (!protocol?.job) throw new ValidationError(`Run ${runId} does not record its job, so it cannot be re-run.`);
      if (run.parentRunId !== null) {
        throw new ValidationError(`Run ${runId} is part of ${describeParent(store.runs.get(run.parentRunId))} run ${run.parentRunId}; re-run that one.`);
      }
      if (run.datasetId === null) throw new ValidationError(`Run ${runId} is not tied to a dataset any more, so it cannot be re-run.`);
      const dataset = store.datasets.get(run.datasetId);
      if (!dataset) throw new NotFoundError(`Run ${runId} used dataset ${run.datasetId}, which no longer exists.`);
      if (run.datasetHash !== null && dataset.contentHash !== run.datasetHash) {
        throw new ValidationError(
          `Run ${runId} was made on dataset ${dataset.id} with content hash ${run.datasetHash.slice(0, 12)}…, but the dataset now has ${dataset.contentHash.slice(0, 12)}…; it cannot be reproduced.`,
        );
      }
      const constraints = protocol.constraints ? expandConstraints(protocol.constraints) : null;
      return { spec: structuredClone(protocol.job), constraints, rerunOf: runId };
    },

    dispose() {
      liveOwners.delete(owner);
    },
  };

  const evaluationOf = (run: RunRecord): RunDetail['evaluation'] => {
    if (run.kind !== 'evaluate') return null;
    const stored = store.evaluations.get<Record<string, unknown>, Record<string, unknown>>(run.id);
    return stored ? ({ ...stored.summary, folds: stored.folds } as unknown as RunDetail['evaluation']) : null;
  };

  const saveEvaluation = (runId: number, evaluation: EvaluationResult): void => {
    const { folds, ...summary } = evaluation;
    store.evaluations.save(runId, summary, folds);
  };

  const listItem = (run: RunRecord): RunListItem => {
    let accuracy: number | null = null;
    let components: [number, number] | null = null;
    if (run.status === 'succeeded') {
      if (run.kind === 'evaluate') {
        const e = store.evaluations.get<{ accuracy?: { mean?: number } }>(run.id);
        accuracy = e?.summary.accuracy?.mean ?? null;
      }
      // learn runs, and grid cells (evaluate runs that also store the metric fitted on the whole data set)
      if (run.kind === 'learn' || (run.kind === 'evaluate' && (run.protocol as { grid?: unknown } | null)?.grid)) {
        const row = store.db.prepare('SELECT n_components, n_features FROM metrics WHERE run_id = ?').get(run.id) as
          | { n_components: number; n_features: number }
          | undefined;
        components = row ? [row.n_components, row.n_features] : null;
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
      components,
      grid: ((run.protocol as { grid?: GridMark } | null)?.grid as GridMark | undefined) ?? null,
      testScore: latestTestScore(run.id),
    };
  };

  const latestTestScore = (runId: number): RunListItem['testScore'] => {
    const scores = store.testScores.list<TestSetScore>(runId);
    const last = scores[scores.length - 1];
    return last ? { testDatasetName: last.testDatasetName, k: last.k, accuracy: last.score.accuracy } : null;
  };

  return service;
}

function describeParent(run: RunRecord | null): string {
  return run ? `the ${run.kind}` : 'a deleted';
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

export type { JobStatus };

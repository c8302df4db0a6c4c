/**
 * Experiment history: how jobs become runs in the store, and how stored runs are listed, shown and re-run.
 *
 * Every run records the dataset id and content hash, method, validated params, protocol, seed, app version,
 * timings, status, per-fold results and the learned metric. The protocol JSON also holds the normalized job
 * spec and, for pair-based methods on hand-labeled constraints, the exact pairs used, so {@link RunsService.rerunSpec}
 * can reproduce a run bit for bit (same data, same pairs, same seed → the same L).
 *
 * The service implements the job runner's {@link JobPersistence} port (src-main/jobs/types.ts) and composes
 * three modules, one per job:
 * - run-planning.ts: a spec → the runs it writes (validation, defaults, stored protocol); re-run specs;
 * - run-records.ts: creating and finishing runs in the store, and the wire shapes of the history;
 * - run-ownership.ts: which process owns a queued or running run, and crash recovery.
 *
 * Only the main thread calls this module; each change is one transaction.
 */
import type { Triple } from '../../shared/domain/comparisons.ts';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { JobSpec, JobStatus } from '../../shared/domain/job.ts';
import { definedFields } from '../../shared/objects.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import type { RunDetail, RunListItem } from '../../shared/ipc/schemas.ts';
import type { JobPersistence, PreparedJob, SubmitOptions } from '../jobs/types.ts';
import type { RunRecord } from '../storage/runs-repository.ts';
import type { Store } from '../storage/store.ts';
import { createRunOwnership } from './run-ownership.ts';
import { planJob, planRerun } from './run-planning.ts';
import { createPlannedRuns, finishUnsuccessfully, listItem, markRunning, runDetail, saveResult, storedMetric } from './run-records.ts';

export type { StoredProtocol } from './run-planning.ts';
export { toWireMetric } from './run-records.ts';
export type { LearnedMetricWire, RunDetail, RunListItem } from '../../shared/ipc/schemas.ts';

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
  rerunSpec(runId: number): { spec: JobSpec; constraints: PairConstraint[] | null; comparisons: Triple[] | null; rerunOf: number };
  /** The owner string this service writes on the runs it queues (`pid@host#instance`). */
  readonly owner: string;
  /** Ends this service's ownership (after its runner closed): its leftover runs may then be recovered. */
  dispose(): void;
}

export function createRunsService(store: Store): RunsService {
  const ownership = createRunOwnership(store);
  return {
    owner: ownership.owner,

    prepare(spec: JobSpec, options: SubmitOptions = {}): PreparedJob {
      const plan = planJob(store, spec, options);
      const runIds = createPlannedRuns(store, plan, ownership.claim);
      const { dataset } = plan;
      return {
        spec: plan.spec,
        runIds,
        dataset: { id: dataset.id, name: dataset.name, contentHash: dataset.contentHash },
        constraints: plan.constraints,
        comparisons: plan.comparisons,
        // Read straight into shared memory: the runner hands it to the job's worker without a copy.
        loadDataset: (): DatasetMatrix => store.datasets.loadMatrix(dataset.id, { shared: true }),
      };
    },
    markRunning: (runIds) => markRunning(store, runIds),
    complete: (runIds, result, timings) => saveResult(store, runIds, result, timings),
    finishUnsuccessfully: (runIds, status, message, timings) => finishUnsuccessfully(store, runIds, status, message, timings),
    recoverInterrupted: () => ownership.recoverInterrupted(),

    list(filter = {}) {
      const runs = store.runs.list({
        ...definedFields({ datasetId: filter.datasetId, limit: filter.limit }),
        ...(filter.includeChildren ? {} : { parentRunId: null }),
      });
      return runs.map((run) => listItem(store, run));
    },
    show: (runId) => runDetail(store, runId),
    metric: (runId) => storedMetric(store, runId),
    rerunSpec: (runId) => planRerun(store, runId),
    dispose: () => ownership.release(),
  };
}

export type { JobStatus };

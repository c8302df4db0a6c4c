/**
 * The jobs service: the `jobs.*` channels and the run history (`runs.list`, `runs.get`, `runs.rerun`) over the job
 * runner and the runs service. Outcomes reach the renderer as `job.finished` events, not through these calls.
 */
import { definedFields } from '../../shared/objects.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Store } from '../storage/store.ts';
import { resolveDataset } from './datasets.ts';
import type { Handler } from './ports.ts';
import type { RunsService } from './runs.ts';

export interface JobsServiceDeps {
  store: Store;
  runner: JobRunner;
  runs: RunsService;
}

/** The ids a submitted job answers with; its outcome arrives as events, so its promise needs no listener. */
function submitted(job: ReturnType<JobRunner['submit']>): { jobId: string; runIds: number[] } {
  job.done.catch(() => undefined);
  return { jobId: job.jobId, runIds: job.runIds };
}

export function createJobsService({ store, runner, runs }: JobsServiceDeps) {
  const start: Handler<'jobs.start'> = ({ spec, workers }) => submitted(runner.submit(spec, definedFields({ workers })));

  const cancel: Handler<'jobs.cancel'> = ({ jobId }) => ({ cancelled: runner.cancel(jobId) });

  const list: Handler<'jobs.list'> = () => ({ jobs: runner.list() });

  const listRuns: Handler<'runs.list'> = ({ datasetId, includeChildren, limit }) => {
    if (datasetId !== undefined) resolveDataset(store, datasetId);
    return {
      runs: runs.list({ ...definedFields({ datasetId, limit }), ...(includeChildren ? { includeChildren } : {}) }),
    };
  };

  const showRun: Handler<'runs.get'> = ({ runId }) => ({ run: runs.show(runId) });

  const rerun: Handler<'runs.rerun'> = ({ runId }) => {
    const { spec, constraints, comparisons, rerunOf } = runs.rerunSpec(runId);
    return submitted(runner.submit(spec, { rerunOf, ...(constraints ? { constraints } : {}), ...(comparisons ? { comparisons } : {}) }));
  };

  return { start, cancel, list, listRuns, showRun, rerun };
}

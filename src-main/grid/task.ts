/**
 * `workbench grid task DIR INDEX`: what one Slurm array task runs. It needs no store: the cell's data set comes
 * from the bundle (hash-checked), its spec is normalized and validated by the runs service against an
 * in-memory store holding that data set (the same code as a local run), and the evaluation and the metric are
 * computed in this process by one job (the evaluation that also fits on every row, cell.ts) with the same executor
 * the job workers use. The result (or the error) is written atomically to DIR/results/cell-NNNNN.json.
 */
import { join } from 'node:path';
import type { EvaluateJobSpec } from '../../shared/domain/job.ts';
import { toErrorPayload, ValidationError, type ErrorPayload } from '../../shared/errors.ts';
import type { EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import { executeJob } from '../jobs/execute.ts';
import { createReporter } from '../jobs/reporter.ts';
import { createRunsService } from '../services/runs.ts';
import { APP_VERSION } from '../storage/app-version.ts';
import { openStore } from '../storage/store.ts';
import { writeFileAtomicSync } from '../files/atomic-write.ts';
import { loadBundleDataset, readBundle, resultFileName } from './bundle.ts';
import { cellJobSpec, hostName, metricToFile, type MetricFile } from './cell.ts';
import type { JobResult, JobTimings } from '../jobs/types.ts';

export const RESULT_FORMAT = 'metric-workbench-grid-result';

/** Where a task ran. */
export interface TaskPlace {
  host: string;
  slurmJobId: string | null;
  slurmArrayTaskId: number | null;
}

/** DIR/results/cell-NNNNN.json. */
export type CellResultFile = {
  format: typeof RESULT_FORMAT;
  gridId: string;
  cell: number;
  versions: { app: string; node: string };
  ranOn: TaskPlace;
  timings: JobTimings;
} & (
  | { status: 'succeeded'; spec: EvaluateJobSpec; seed: number; evaluation: EvaluationResult; metric: MetricFile }
  | { status: 'failed'; error: ErrorPayload }
);

/** Where this process runs, from Slurm's environment. */
export function taskPlace(env: Readonly<Record<string, string | undefined>>): TaskPlace {
  const task = env.SLURM_ARRAY_TASK_ID;
  return {
    host: hostName(),
    slurmJobId: env.SLURM_ARRAY_JOB_ID ?? env.SLURM_JOB_ID ?? null,
    slurmArrayTaskId: task === undefined || task === '' ? null : Number(task),
  };
}

/**
 * Runs cell `index` of the bundle in `dir` and writes its result file; returns it. A failing cell (bad
 * parameter, a learner error) writes a `failed` result with the error and is returned, not thrown.
 * @throws ValidationError when `dir` is not a bundle or `index` is not one of its cells (nothing written).
 */
/**
 * A job run without `workers` executes in this thread and returns its result directly (only the fold pool of
 * a multi-worker job answers with a promise); an array task is one cell on one Slurm CPU allocation.
 */
function inThisThread(result: JobResult | Promise<JobResult>): JobResult {
  if (result instanceof Promise) throw new Error('grid task: a cell must run in this thread (no workers)');
  return result;
}

export function runGridTask(dir: string, index: number, env: Readonly<Record<string, string | undefined>> = process.env): CellResultFile {
  const manifest = readBundle(dir);
  const cell = manifest.cells[index];
  if (!Number.isInteger(index) || !cell) {
    throw new ValidationError(`INDEX must be a cell of the grid, 0…${manifest.cells.length - 1}, got ${index}.`);
  }
  const queuedAt = new Date().toISOString();
  const start = performance.now();
  const head = {
    format: RESULT_FORMAT,
    gridId: manifest.gridId,
    cell: index,
    versions: { app: APP_VERSION, node: process.version },
    ranOn: taskPlace(env),
  } as const;
  const timings = (): JobTimings => ({ queuedAt, startedAt: queuedAt, finishedAt: new Date().toISOString(), runMs: performance.now() - start });
  let result: CellResultFile;
  try {
    const { matrix, constraints, comparisons } = loadBundleDataset(dir, manifest, cell.dataset);
    const memory = openStore(':memory:');
    const runs = createRunsService(memory);
    let spec: EvaluateJobSpec;
    try {
      const local = memory.datasets.insert({ name: manifest.datasets[cell.dataset]!.name, matrix, targetName: manifest.datasets[cell.dataset]!.target ?? null });
      const prepared = runs.prepare({ ...cellJobSpec(cell.spec), datasetId: local.id }, { constraints, comparisons });
      spec = { ...(prepared.spec as EvaluateJobSpec), datasetId: cell.spec.datasetId };
    } finally {
      runs.dispose();
      memory.close();
    }
    const reporter = createReporter({ post: () => {}, cancelFlag: null });
    const payload = { dataset: { ...matrix, name: manifest.datasets[cell.dataset]!.name }, constraints, comparisons, runIds: [] as number[] };
    const outcome = inThisThread(executeJob({ ...payload, spec }, reporter));
    if (outcome.kind !== 'evaluate' || !outcome.metric) throw new Error('grid task: the cell did not return its evaluation and its metric');
    result = { ...head, status: 'succeeded', spec, seed: spec.seed ?? 0, evaluation: outcome.evaluation, metric: metricToFile(outcome.metric), timings: timings() };
  } catch (error) {
    result = { ...head, status: 'failed', error: toErrorPayload(error), timings: timings() };
  }
  writeFileAtomicSync(join(dir, 'results', resultFileName(index)), `${JSON.stringify(result)}\n`);
  return result;
}

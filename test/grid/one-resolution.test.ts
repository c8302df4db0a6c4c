/**
 * A grid cell is resolved once: it is ONE job (an evaluate job with `fitAllRows`) whose one EvaluationPlan gives both
 * the cross-validated evaluation and the metric fitted on every row — locally (one thread and with fold helpers) and
 * in a Slurm array task. The stored metric is bit for bit the one a plain learn job of the same spec stores, and the
 * figures those of a plain evaluate job.
 *
 * The engine's entry points are wrapped (the same functions, counted) to see how often this process resolves a
 * cell: `prepareEvaluation` once, and no second resolution by `fitMetric`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { expandGrid, type GridSpec } from '../../shared/domain/grid.ts';
import type { EvaluateJobSpec, JobSpec } from '../../shared/domain/job.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { fitMetric } from '../../shared/engine/fit.ts';
import { prepareEvaluation } from '../../shared/engine/evaluation/evaluate.ts';
import { writeBundle } from '../../src-main/grid/bundle.ts';
import { metricFromFile } from '../../src-main/grid/cell.ts';
import { methodCountsSupervision, startLocalGrid } from '../../src-main/grid/local.ts';
import { runGridTask } from '../../src-main/grid/task.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import { addDataset, tempStore } from '../jobs/helpers.ts';
import { figures } from './helpers.ts';

vi.mock('../../shared/engine/evaluation/evaluate.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/engine/evaluation/evaluate.ts')>();
  return { ...actual, prepareEvaluation: vi.fn(actual.prepareEvaluation) };
});
vi.mock('../../shared/engine/fit.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/engine/fit.ts')>();
  return { ...actual, fitMetric: vi.fn(actual.fitMetric) };
});

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameMetric(actual: LearnedMetric, expected: LearnedMetric): void {
  expect(bytes(actual.L).equals(bytes(expected.L)), 'L is bitwise the plain learn job’s').toBe(true);
  expect(bytes(actual.preprocessing.center).equals(bytes(expected.preprocessing.center))).toBe(true);
  expect(bytes(actual.preprocessing.scale).equals(bytes(expected.preprocessing.scale))).toBe(true);
  expect([actual.method, actual.params, actual.seed, actual.nComponents, actual.nFeatures]).toEqual([expected.method, expected.params, expected.seed, expected.nComponents, expected.nFeatures]);
  expect(actual.summary.iterations).toBe(expected.summary.iterations);
}

/** The learn job a user would submit for the cell's method, parameters, seed, preprocessing and supervision. */
const learnJobOf = (spec: EvaluateJobSpec): JobSpec => ({ ...spec, kind: 'learn' });

let t: ReturnType<typeof tempStore>;
let iris: number;
let runner: JobRunner | undefined;
const GRID = (datasetId: number): GridSpec => ({
  datasets: [datasetId],
  methods: ['lda', 'itml'],
  seeds: [0],
  params: { itml: { maxIter: [40] } },
  protocol: { folds: 3, reduce: 3 },
});

beforeAll(() => {
  t = tempStore();
  iris = addDataset(t.store, 'iris');
});
afterAll(() => t.cleanup());
beforeEach(() => vi.clearAllMocks());

describe('one resolution per grid cell', () => {
  afterAll(async () => {
    await runner?.close();
  });

  for (const workers of [1, 2]) {
    it(`a local grid (${workers} fold thread${workers > 1 ? 's' : ''}) runs one job per cell; its metric is the plain learn job's, its figures the plain evaluation's`, async () => {
      await runner?.close();
      runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, workers, recover: false });
      const queued = new Set<string>();
      const off = runner.subscribe((event) => {
        if (event.type === 'status' && event.status === 'queued') queued.add(event.jobId);
      });
      const grid = startLocalGrid(t.store, GRID(iris), { runner });
      const end = await grid.done;
      off();
      expect(end.status).toEqual(['succeeded', 'succeeded']);
      expect(queued.size).toBe(grid.cells.length);

      for (const cell of grid.cells) {
        const runId = end.runIds[cell.index]!;
        // Plain jobs of the same spec, on one thread.
        const learned = await runner.submit(learnJobOf(cell.spec), { workers: 1 }).done;
        const evaluated = await runner.submit(cell.spec, { workers: 1 }).done;
        expectSameMetric(t.store.metrics.get(runId)!, t.store.metrics.get(learned.runIds[0]!)!);
        expect(figures(t.store, runId)).toEqual(figures(t.store, evaluated.runIds[0]!));
        // The plain evaluate job stores no metric; the cell's run does, and so does any evaluate job with fitAllRows.
        expect(t.store.metrics.get(evaluated.runIds[0]!)).toBeNull();
        const both = await runner.submit({ ...cell.spec, fitAllRows: true }).done;
        expectSameMetric(t.store.metrics.get(both.runIds[0]!)!, t.store.metrics.get(learned.runIds[0]!)!);
        expect(figures(t.store, both.runIds[0]!)).toEqual(figures(t.store, evaluated.runIds[0]!));
        expect(t.store.runs.require(runId)).toMatchObject({ kind: 'evaluate', status: 'succeeded' });
      }
    });
  }

  it('a Slurm array task prepares its cell once and fits on every row from that plan: the local cell’s metric, bitwise', async () => {
    await runner?.close();
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, workers: 1, recover: false });
    const local = await startLocalGrid(t.store, GRID(iris), { runner }).done;
    const dir = mkdtempSync(join(tmpdir(), 'wb-grid-once-'));
    try {
      const spec = GRID(iris);
      const cells = expandGrid(spec, methodCountsSupervision);
      writeBundle(t.store, dir, 'once', spec, cells, { maxParallel: 1, workbench: 'workbench' });
      vi.clearAllMocks();
      for (const cell of cells) {
        const before = vi.mocked(prepareEvaluation).mock.calls.length;
        const result = runGridTask(dir, cell.index, {});
        expect(result.status, JSON.stringify(result)).toBe('succeeded');
        if (result.status !== 'succeeded') continue;
        expect(vi.mocked(prepareEvaluation).mock.calls.length - before).toBe(1);
        expect(result.spec.fitAllRows).toBe(true);
        expectSameMetric(metricFromFile(result.metric, 'cell'), t.store.metrics.get(local.runIds[cell.index]!)!);
      }
      expect(vi.mocked(fitMetric)).not.toHaveBeenCalled();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an evaluate job with fitAllRows is refused by the job contract unless it is a boolean', async () => {
    const { JobSpecSchema } = await import('../../shared/domain/schemas/jobs.ts');
    expect(JobSpecSchema.safeParse({ kind: 'evaluate', datasetId: 1, method: 'lda', fitAllRows: true }).success).toBe(true);
    expect(JobSpecSchema.safeParse({ kind: 'evaluate', datasetId: 1, method: 'lda', fitAllRows: 'yes' }).success).toBe(false);
    expect(JobSpecSchema.safeParse({ kind: 'learn', datasetId: 1, method: 'lda', fitAllRows: true }).success).toBe(false);
  });
});

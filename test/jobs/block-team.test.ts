/**
 * Both cores inside one fit: NCA's, LMNN's and MMC's products over row blocks on the pool's team helpers (block-team.ts)
 * give the bits of one thread for 1, 2 and 3 threads, draw their helpers from the thread budget, and cancel as before.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { JobCancelledError } from '../../shared/errors.ts';
import { ThreadBudget } from '../../src-main/jobs/pool.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import type { Store } from '../../src-main/storage/store.ts';
import { addDataset, nextEvent, tempStore } from './helpers.ts';
import { gaussianClasses } from '../engine/fixtures.ts';
import { FULL_MATRIX_ROWS } from '../../shared/math/distances/index.ts';

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** 4,300 rows of 4 Gaussian classes in 6 features: beyond FULL_MATRIX_ROWS, so the row passes run in row blocks. */
function addBlobsBeyondFullMatrix(store: Store): number {
  const data = gaussianClasses(FULL_MATRIX_ROWS + 204, 6, 4, 3);
  const matrix = {
    nRows: data.n,
    nFeatures: data.d,
    features: data.X,
    featureNames: Array.from({ length: data.d }, (_, f) => `f${f}`),
    labels: data.labels,
    classNames: ['a', 'b', 'c', 'd'],
  };
  return store.datasets.insert({ name: 'blobs', matrix, format: 'sample' }).id;
}

describe('fits on a team of threads', () => {
  let runner: JobRunner | undefined;
  let t: ReturnType<typeof tempStore> | undefined;
  afterEach(async () => {
    await runner?.close();
    t?.cleanup();
  });

  it.each([
    ['nca', { components: 16, maxIter: 15 }],
    ['lmnn', { components: 16, maxIter: 8 }],
  ])('%s learns the same L, bit for bit, on 1, 2 and 3 threads', async (method, params) => {
    t = tempStore();
    // digits: 1,797 rows × 64 features, above NCA's exact-objective threshold (the truncated objective runs).
    const datasetId = addDataset(t.store, 'digits');
    const budget = new ThreadBudget(3);
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget });
    const metrics: LearnedMetric[] = [];
    const helpers: number[] = [];
    for (const workers of [1, 2, 3]) {
      const before = budget.stats().helperTasks;
      const { result } = await runner.submit({ kind: 'learn', datasetId, method, params, seed: 0 }, { workers }).done;
      if (result.kind !== 'learn') throw new Error('expected a learned metric');
      metrics.push(result.metric);
      helpers.push(budget.stats().helperTasks - before);
    }
    expect(helpers).toEqual([0, 1, 2]); // the team helpers came from the budget
    expect(budget.stats().peak).toBe(3);
    for (const metric of metrics.slice(1)) {
      expect(bytes(metric.L).equals(bytes(metrics[0]!.L))).toBe(true);
      expect(metric.summary.iterations).toBe(metrics[0]!.summary.iterations);
      expect(metric.summary.objective).toBe(metrics[0]!.summary.objective);
    }
  });

  it.each([
    ['pca', { components: 16 }],
    ['lda', {}],
    ['covariance', {}],
  ])('%s: its Gram products over the team give the same L, bit for bit, on 1, 2 and 3 threads', async (method, params) => {
    t = tempStore();
    // digits: 1,797 rows, two chunks of the Gram product: two blocks that the team's threads share.
    const datasetId = addDataset(t.store, 'digits');
    const budget = new ThreadBudget(3);
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget });
    const metrics: LearnedMetric[] = [];
    for (const workers of [1, 2, 3]) {
      const { result } = await runner.submit({ kind: 'learn', datasetId, method, params, seed: 0 }, { workers }).done;
      if (result.kind !== 'learn') throw new Error('expected a learned metric');
      metrics.push(result.metric);
    }
    for (const metric of metrics.slice(1)) {
      expect(bytes(metric.L).equals(bytes(metrics[0]!.L))).toBe(true);
      expect(metric.summary.objective).toBe(metrics[0]!.summary.objective);
    }
  });

  it("covariance beyond 64 features: its Gram product and its eigen-decomposition's rotations over the team, the same L on 1 and 2 threads", async () => {
    t = tempStore();
    // 1,100 rows × 130 features: two chunks of the Gram product, three column blocks of the QL rotations.
    const data = gaussianClasses(1100, 130, 3, 7);
    const matrix = {
      nRows: data.n,
      nFeatures: data.d,
      features: data.X,
      featureNames: Array.from({ length: data.d }, (_, f) => `f${f}`),
      labels: data.labels,
      classNames: ['a', 'b', 'c'],
    };
    const datasetId = t.store.datasets.insert({ name: 'blobs', matrix, format: 'sample' }).id;
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget: new ThreadBudget(2) });
    const metrics: LearnedMetric[] = [];
    for (const workers of [1, 2]) {
      const { result } = await runner.submit({ kind: 'learn', datasetId, method: 'covariance', params: {}, seed: 0 }, { workers }).done;
      if (result.kind !== 'learn') throw new Error('expected a learned metric');
      metrics.push(result.metric);
    }
    expect(bytes(metrics[1]!.L).equals(bytes(metrics[0]!.L))).toBe(true);
  });

  it("shares NCA's candidate refreshes beyond the full distance matrix out over the team: the same L on 1 and 2 threads", async () => {
    t = tempStore();
    // 4,300 rows: beyond FULL_MATRIX_ROWS, so every refresh runs in row blocks (the 'ncaCandidates' kernel).
    const datasetId = addBlobsBeyondFullMatrix(t.store);
    const budget = new ThreadBudget(2);
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget });
    const metrics: LearnedMetric[] = [];
    for (const workers of [1, 2]) {
      const job = runner.submit({ kind: 'learn', datasetId, method: 'nca', params: { components: 3, maxIter: 6 }, seed: 0 }, { workers });
      const { result } = await job.done;
      if (result.kind !== 'learn') throw new Error('expected a learned metric');
      metrics.push(result.metric);
      // The fit's CPU time over all the process's threads is measured and stored with the metric.
      expect(result.metric.summary.fitCpuSeconds).toBeGreaterThan(0);
      expect(t.store.metrics.get(job.runIds[0]!)!.summary.fitCpuSeconds).toBe(result.metric.summary.fitCpuSeconds);
    }
    expect(bytes(metrics[1]!.L).equals(bytes(metrics[0]!.L))).toBe(true);
    expect(metrics[1]!.summary.objective).toBe(metrics[0]!.summary.objective);
  });

  it("shares LMNN's target, reset and impostor passes beyond the full distance matrix out over the team: the same L on 1 and 2 threads", async () => {
    t = tempStore();
    // 4,300 rows: beyond FULL_MATRIX_ROWS, so the targets and every reach-list reset run in row blocks ('lmnnTargets',
    // 'lmnnReach'), as every selection does ('lmnnImpostors'); the pair distances and the scatter too.
    const datasetId = addBlobsBeyondFullMatrix(t.store);
    const budget = new ThreadBudget(2);
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget });
    const metrics: LearnedMetric[] = [];
    for (const workers of [1, 2]) {
      const before = budget.stats().helperTasks;
      const { result } = await runner.submit({ kind: 'learn', datasetId, method: 'lmnn', params: { maxIter: 12 }, seed: 0 }, { workers }).done;
      if (result.kind !== 'learn') throw new Error('expected a learned metric');
      metrics.push(result.metric);
      expect(budget.stats().helperTasks - before).toBe(workers - 1);
    }
    expect(metrics[0]!.summary.iterations).toBeGreaterThan(2);
    expect(bytes(metrics[1]!.L).equals(bytes(metrics[0]!.L))).toBe(true);
    expect(metrics[1]!.summary.iterations).toBe(metrics[0]!.summary.iterations);
    expect(metrics[1]!.summary.objective).toBe(metrics[0]!.summary.objective);
  });

  it("shares MMC's products out over the team: the same L on 1 and 2 threads", async () => {
    t = tempStore();
    // digits with generated pairs: 1,000 cannot-link rows × 64 features in E·Y, over the 'dotRows' blocks.
    const datasetId = addDataset(t.store, 'digits');
    const budget = new ThreadBudget(2);
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget });
    const metrics: LearnedMetric[] = [];
    for (const workers of [1, 2]) {
      const before = budget.stats().helperTasks;
      const { result } = await runner.submit({ kind: 'learn', datasetId, method: 'mmc', params: { maxIter: 20, tol: 0 }, seed: 0 }, { workers }).done;
      if (result.kind !== 'learn') throw new Error('expected a learned metric');
      metrics.push(result.metric);
      expect(budget.stats().helperTasks - before).toBe(workers - 1);
    }
    expect(metrics[0]!.summary.iterations).toBe(20);
    expect(bytes(metrics[1]!.L).equals(bytes(metrics[0]!.L))).toBe(true);
    expect(metrics[1]!.summary.objective).toBe(metrics[0]!.summary.objective);
  });

  it('cancels a fit on two threads: done rejects, the run is cancelled, every token goes back', async () => {
    t = tempStore();
    const datasetId = addDataset(t.store, 'digits');
    const budget = new ThreadBudget(2);
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1, budget });
    let jobId = '';
    const iterating = nextEvent(runner, (e) => e.type === 'progress' && e.progress.jobId === jobId && e.progress.iteration !== undefined);
    const job = runner.submit({ kind: 'learn', datasetId, method: 'nca', params: { components: 16, maxIter: 100000, tol: 0 }, seed: 0 }, { workers: 2 });
    jobId = job.jobId;
    await iterating;
    expect(runner.cancel(job.jobId)).toBe(true);
    await expect(job.done).rejects.toBeInstanceOf(JobCancelledError);
    expect(t.store.runs.require(job.runIds[0]!).status).toBe('cancelled');
    await vi.waitFor(() => expect(budget.stats().busy).toBe(0), { timeout: 10_000, interval: 20 });
  });
});

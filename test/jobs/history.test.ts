import { SUPERVISION } from '../../shared/engine/supervision/kinds.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAnswersSweep, type JobSpec } from '../../shared/domain/job.ts';
import { fitMetric } from '../../shared/engine/fit.ts';
import { LEARNERS } from '../../shared/engine/registry.ts';
import { JobInfoSchema, JobProgressSchema, RunDetailSchema, RunListItemSchema } from '../../shared/ipc/schemas.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService, type RunsService } from '../../src-main/services/runs.ts';
import { APP_VERSION } from '../../src-main/storage/app-version.ts';
import { addDataset, loadSample, tempStore } from './helpers.ts';

const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('experiment history on the real worker', () => {
  const t = tempStore();
  let runner: JobRunner;
  let runs: RunsService;
  let iris: number;

  beforeAll(() => {
    iris = addDataset(t.store, 'iris');
    runs = createRunsService(t.store);
    runner = createJobRunner({ persistence: runs, concurrency: 2 });
  });
  afterAll(async () => {
    await runner.close();
    t.cleanup();
  });

  it('stores dataset hash, method, params, protocol, seed, app version, timings and the metric; rerun gives a bitwise-identical L', async () => {
    const job = runner.submit({ kind: 'learn', datasetId: iris, method: 'nca', params: { maxIter: 30 }, seed: 5 });
    const { result } = await job.done;
    const runId = job.runIds[0]!;
    const record = t.store.runs.require(runId);
    expect(record).toMatchObject({
      datasetId: iris,
      datasetHash: t.store.datasets.get(iris)!.contentHash,
      kind: 'learn',
      method: 'nca',
      seed: 5,
      status: 'succeeded',
      appVersion: APP_VERSION,
      protocol: { preprocess: 'zscore' },
    });
    expect(record.params).toMatchObject({ maxIter: 30, init: 'auto' });
    expect(Object.keys(record.timings!).sort()).toEqual(['fitSeconds', 'queuedSeconds', 'runSeconds', 'totalSeconds']);
    const stored = t.store.metrics.get(runId)!;
    expect(result.kind === 'learn' && bits(result.metric.L)).toBe(bits(stored.L));

    // In-process fit with the same inputs gives the same bits as the worker.
    const local = fitMetric(loadSample('iris'), { method: 'nca', params: { maxIter: 30 }, seed: 5 });
    expect(bits(local.L)).toBe(bits(stored.L));

    const { spec, constraints, rerunOf } = runs.rerunSpec(runId);
    const again = runner.submit(spec, { ...(constraints ? { constraints } : {}), rerunOf });
    await again.done;
    expect(bits(t.store.metrics.get(again.runIds[0]!)!.L)).toBe(bits(stored.L));
    expect(t.store.runs.require(again.runIds[0]!).protocol).toMatchObject({ rerunOf: runId });
  });

  it('reruns a pair-based run with the hand-labeled pairs it used, even after more pairs are labeled', async () => {
    const id = addDataset(t.store, 'iris', 'iris-labeled');
    const labels = loadSample('iris').labels!;
    const pairs: Array<[number, number]> = [[0, 1], [0, 50], [51, 52], [60, 120], [100, 101], [3, 140], [10, 20], [70, 80], [130, 149], [5, 55]];
    for (const [i, j] of pairs) t.store.constraints.set(id, { i, j, kind: labels[i] === labels[j] ? 'must' : 'cannot' });
    const job = runner.submit({ kind: 'learn', datasetId: id, method: 'mmc-diagonal' });
    await job.done;
    const first = t.store.metrics.get(job.runIds[0]!)!;
    expect(t.store.runs.require(job.runIds[0]!).protocol).toMatchObject({ constraintSource: 'labeled' });
    t.store.constraints.set(id, { i: 2, j: 3, kind: 'must' });
    t.store.constraints.set(id, { i: 2, j: 148, kind: 'cannot' });

    const { spec, constraints, rerunOf } = runs.rerunSpec(job.runIds[0]!);
    expect(constraints).toHaveLength(10);
    const again = runner.submit(spec, { constraints: constraints!, rerunOf });
    await again.done;
    expect(bits(t.store.metrics.get(again.runIds[0]!)!.L)).toBe(bits(first.L));
  });

  it('8 jobs submitted at once give the same results as one by one', async () => {
    const specs: JobSpec[] = [
      { kind: 'learn', datasetId: iris, method: 'nca', params: { maxIter: 20 }, seed: 0 },
      { kind: 'learn', datasetId: iris, method: 'nca', params: { maxIter: 20 }, seed: 1 },
      { kind: 'learn', datasetId: iris, method: 'lda' },
      { kind: 'learn', datasetId: iris, method: 'covariance' },
      { kind: 'learn', datasetId: iris, method: 'pca', params: { components: 2 } },
      { kind: 'learn', datasetId: iris, method: 'mmc-diagonal', seed: 3 },
      { kind: 'learn', datasetId: iris, method: 'itml', seed: 4 },
      { kind: 'evaluate', datasetId: iris, method: 'lda', protocol: { folds: 3 } },
    ];
    const parallel = createJobRunner({ persistence: createRunsService(t.store), concurrency: 4 });
    const submitted = specs.map((s) => parallel.submit(s));
    const results = await Promise.all(submitted.map((s) => s.done));
    await parallel.close();

    const sequential = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1 });
    for (const [k, spec] of specs.entries()) {
      const one = await sequential.submit(spec).done;
      const a = results[k]!.result;
      const b = one.result;
      if (a.kind === 'learn' && b.kind === 'learn') expect(bits(a.metric.L)).toBe(bits(b.metric.L));
      else if (a.kind === 'evaluate' && b.kind === 'evaluate') expect(a.evaluation.accuracy).toEqual(b.evaluation.accuracy);
      else throw new Error(`job ${k}: kinds differ (${a.kind}, ${b.kind})`);
    }
    await sequential.close();
    for (const s of submitted) expect(t.store.runs.require(s.runIds[0]!).status).toBe('succeeded');
  });

  it('stores a comparison as a parent run with one evaluate run per method, and shows it', async () => {
    const job = runner.submit({ kind: 'compare', datasetId: iris, methods: [{ method: 'euclidean' }, { method: 'lda' }], protocol: { folds: 3, k: 1 } });
    const { result } = await job.done;
    expect(job.runIds).toHaveLength(3);
    const [parent, ...children] = job.runIds;
    expect(result.kind).toBe('compare');
    const detail = runs.show(parent!);
    expect(detail).toMatchObject({ kind: 'compare', status: 'succeeded', method: null });
    expect(detail.comparison!.map((c) => [c.runId, c.method])).toEqual([
      [children[0], 'euclidean'],
      [children[1], 'lda'],
    ]);
    expect(detail.evaluation).toBeNull();
    expect(detail.children.map((c) => [c.id, c.method, c.kind, c.status])).toEqual([
      [children[0], 'euclidean', 'evaluate', 'succeeded'],
      [children[1], 'lda', 'evaluate', 'succeeded'],
    ]);
    const child = runs.show(children[1]!);
    expect(child.evaluation!.protocol).toEqual({ folds: 3, k: 1, seed: 0, preprocess: 'zscore' });
    expect(child.evaluation!.folds).toHaveLength(3);
    expect(child.evaluation!.accuracy!.folds).toHaveLength(3);
    expect(runs.list({ datasetId: iris }).some((r) => r.id === children[0])).toBe(false); // children are nested
    expect(() => runs.rerunSpec(children[0]!)).toThrow(`Run ${children[0]} is part of the compare run ${parent}; re-run that one.`);
  });

  it('a sweep stores one curve: mean ± std per N over the seeds', async () => {
    const job = runner.submit({ kind: 'sweep', datasetId: iris, method: 'mmc-diagonal', counts: [0, 10, 40], seeds: 2, protocol: { folds: 3 } });
    await job.done;
    const sweep = runs.show(job.runIds[0]!).sweep!;
    if (isAnswersSweep(sweep)) throw new Error('expected one method\'s sweep curve');
    expect(sweep.constraintSource).toBe('generated');
    expect(sweep.seeds).toEqual([0, 1]);
    expect(sweep.points.map((p) => p.count)).toEqual([0, 10, 40]);
    for (const p of sweep.points) {
      expect(p.accuracies).toHaveLength(2);
      const mean = (p.accuracies[0]! + p.accuracies[1]!) / 2;
      expect(p.mean).toBeCloseTo(mean, 12);
      expect(p.std).toBeCloseTo(Math.abs(p.accuracies[0]! - p.accuracies[1]!) / 2, 12);
    }
    expect(sweep.points[0]!.used).toEqual([0, 0]);
    expect(sweep.points[1]!.used).toEqual([10, 10]);
  });

  it('its values pass the IPC contract schemas (run detail, run list, job info, progress)', async () => {
    const progress: unknown[] = [];
    const off = runner.subscribe((e) => {
      if (e.type === 'progress') progress.push(e.progress);
    });
    const learn = runner.submit({ kind: 'learn', datasetId: iris, method: 'nca', params: { maxIter: 5 } });
    await learn.done;
    off();
    for (const p of progress) JobProgressSchema.parse(p);
    expect(progress.length).toBeGreaterThan(2);
    for (const info of runner.list()) JobInfoSchema.parse(info);
    for (const item of runs.list({ includeChildren: true })) RunListItemSchema.parse(item);
    for (const item of runs.list({ includeChildren: true })) RunDetailSchema.parse(runs.show(item.id));
  });

  it('refuses a sweep of a method that does not learn from constraints, and export of a run without a metric', () => {
    const counted = LEARNERS.filter((l) => SUPERVISION[l.input].sources.length > 0).map((l) => l.name);
    expect(counted).toContain('itml');
    expect(() => runner.submit({ kind: 'sweep', datasetId: iris, method: 'nca' })).toThrow(
      `sweep: method 'nca' does not learn from constraints (pairs, chunklets, comparisons or quadruplets); use one of ${counted.join(', ')}.`,
    );
    const evalRun = runs.list({ datasetId: iris }).find((r) => r.kind === 'evaluate')!;
    expect(() => runs.metric(evalRun.id)).toThrow(
      `Run ${evalRun.id} has no learned metric: it is an evaluate run (only learn runs store a metric; run \`workbench learn\`).`,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { isAnswersSweep } from '../../shared/domain/job.ts';
import { sweepAnswers, type AnswersSweepSpec } from '../../shared/engine/answers-sweep.ts';
import { RunDetailSchema } from '../../shared/ipc/schemas.ts';
import { answersSweepInPool } from '../../src-main/jobs/fold-pool.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { DEFAULT_WORKER_URL } from '../../src-main/jobs/pool.ts';
import { createRunsService, type RunsService } from '../../src-main/services/runs.ts';
import { addDataset, loadSample, tempStore } from './helpers.ts';

/** As the runner hands data to workers: typed arrays over SharedArrayBuffers. */
function shared(data: DatasetMatrix): DatasetMatrix {
  const features = new Float64Array(new SharedArrayBuffer(data.features.byteLength));
  features.set(data.features);
  const labels = new Int32Array(new SharedArrayBuffer(data.labels!.byteLength));
  labels.set(data.labels!);
  return { ...data, features, labels };
}

/** Every number as its exact bit pattern, so that equal means bit for bit. */
const bits = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Array.from(new Uint32Array(Float64Array.of(v).buffer)).join(':') : v));

describe('pairs vs comparisons on the fold pool', () => {
  it('gives the one-thread result bit for bit on 2 and 3 helper threads, for generated and suggested answers', async () => {
    const iris = shared(loadSample('iris'));
    const specs: AnswersSweepSpec[] = [
      { pairsMethod: 'itml', comparisonsMethod: 'scml', answers: [0, 10, 20], seeds: 2, protocol: { folds: 3 } },
      { pairsMethod: 'mmc-diagonal', comparisonsMethod: 'lsml', answers: [0, 8], seeds: 2, protocol: { folds: 3 }, constraintSource: 'suggested', seed: 3 },
    ];
    for (const spec of specs) {
      const one = sweepAnswers(iris, spec);
      for (const workers of [2, 3]) {
        const pooled = await answersSweepInPool(iris, spec, { workers, workerUrl: DEFAULT_WORKER_URL, cancelFlag: new SharedArrayBuffer(4) });
        expect(bits(pooled), `${spec.pairsMethod} vs ${spec.comparisonsMethod}, ${workers} workers`).toBe(bits(one));
      }
    }
  }, 300_000);
});

describe('a pairs-vs-comparisons sweep job', () => {
  const t = tempStore();
  let runner: JobRunner;
  let runs: RunsService;
  let iris: number;

  beforeAll(() => {
    iris = addDataset(t.store, 'iris');
    runs = createRunsService(t.store);
    runner = createJobRunner({ persistence: runs, concurrency: 1 });
  });
  afterAll(async () => {
    await runner.close();
    t.cleanup();
  });

  it('is stored as one sweep run with both curves, the same on 1 and 2 threads, and a rerun reproduces it', async () => {
    const spec = { kind: 'sweep' as const, datasetId: iris, method: 'itml', versus: { method: 'scml' }, counts: [0, 10], seeds: 2, protocol: { folds: 3 } };
    const job = runner.submit(spec);
    await job.done;
    const run = RunDetailSchema.parse(runs.show(job.runIds[0]!));
    expect(run).toMatchObject({ kind: 'sweep', method: 'itml', status: 'succeeded', protocol: { constraintSource: 'generated', job: { versus: { method: 'scml' } } } });
    const sweep = run.sweep!;
    if (!isAnswersSweep(sweep)) throw new Error('expected a pairs-vs-comparisons sweep');
    expect(sweep.curves.map((c) => [c.supervision, c.method])).toEqual([['pairs', 'itml'], ['comparisons', 'scml']]);
    // The stored params are the methods' defaults filled in, as for any run.
    expect(sweep.curves[1]!.params).toMatchObject({ basis: 'auto' });

    const pooled = runner.submit(spec, { workers: 2 });
    await pooled.done;
    expect(bits(RunDetailSchema.parse(runs.show(pooled.runIds[0]!)).sweep)).toBe(bits(sweep));

    const { spec: again, constraints, comparisons, rerunOf } = runs.rerunSpec(job.runIds[0]!);
    const rerun = runner.submit(again, { ...(constraints ? { constraints } : {}), ...(comparisons ? { comparisons } : {}), rerunOf });
    await rerun.done;
    expect(bits(RunDetailSchema.parse(runs.show(rerun.runIds[0]!)).sweep)).toBe(bits(sweep));
  }, 300_000);

  it('refuses, before anything is queued, a comparisons method that does not learn from comparisons', () => {
    expect(() => runner.submit({ kind: 'sweep', datasetId: iris, method: 'itml', versus: { method: 'mmc' } })).toThrow(/^sweep: --comparisons-method must learn from relative comparisons/);
  });
});

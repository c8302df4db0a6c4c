/**
 * A learn job has its dataset's matrix to itself and its fit preprocesses the rows in place (one copy of the data
 * less); the runner then never hands that matrix to another job, so jobs before and after read the raw rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fitMetric } from '../../shared/engine/fit.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import { addDataset, tempStore } from './helpers.ts';

describe('a learn job owns its dataset matrix', () => {
  let runner: JobRunner | undefined;
  let t: ReturnType<typeof tempStore> | undefined;
  afterEach(async () => {
    await runner?.close();
    t?.cleanup();
  });

  it('learns what a fit on a copy learns, and the evaluations around it still see the raw rows', async () => {
    t = tempStore();
    // wine: features on scales from 0.1 to 1,000, so kNN on raw rows and on z-scored ones differ widely.
    const datasetId = addDataset(t.store, 'wine');
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1 });
    const evaluateRaw = async (): Promise<number> => {
      const { result } = await runner!.submit({ kind: 'evaluate', datasetId, method: 'euclidean', protocol: { preprocess: 'none' } }).done;
      if (result.kind !== 'evaluate') throw new Error('expected an evaluation');
      return result.evaluation.accuracy!.mean;
    };
    const before = await evaluateRaw(); // leaves the raw matrix idle in the runner's cache
    const { result } = await runner.submit({ kind: 'learn', datasetId, method: 'nca', params: { components: 2, maxIter: 30 }, seed: 0 }).done;
    if (result.kind !== 'learn') throw new Error('expected a learned metric');
    const after = await evaluateRaw();
    expect(after).toBe(before);

    const zscored = await runner.submit({ kind: 'evaluate', datasetId, method: 'euclidean' }).done;
    if (zscored.result.kind !== 'evaluate') throw new Error('expected an evaluation');
    expect(zscored.result.evaluation.accuracy!.mean - before).toBeGreaterThan(0.2); // raw rows really were raw

    const onCopy = fitMetric(t.store.datasets.loadMatrix(datasetId), { method: 'nca', params: { components: 2, maxIter: 30 }, seed: 0 });
    expect(Array.from(result.metric.L)).toEqual(Array.from(onCopy.L));
  });
});

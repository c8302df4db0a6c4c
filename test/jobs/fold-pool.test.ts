import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { combineFoldParts, compareMethods, evaluateFold, evaluateFoldPart, evaluateMethod, prepareEvaluation, type EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import { JobCancelledError, ValidationError, WorkbenchError } from '../../shared/errors.ts';
import { evaluateInPool, knnPredictInPool, sweepInPool } from '../../src-main/jobs/fold-pool.ts';
import { sweepConstraints, type SweepSpec } from '../../shared/engine/sweep.ts';
import { knnPredict } from '../../shared/engine/evaluation/knn.ts';
import { createJobRunner, foldWorkers, PARALLEL_MIN_CELLS, type JobRunner } from '../../src-main/jobs/runner.ts';
import { DEFAULT_WORKER_URL, workerOptions } from '../../src-main/jobs/pool.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import { addDataset, loadSample, nextEvent, tempStore } from './helpers.ts';

/** As the runner hands data to workers: typed arrays over SharedArrayBuffers. */
function shared(data: DatasetMatrix): DatasetMatrix {
  const features = new Float64Array(new SharedArrayBuffer(data.features.byteLength));
  features.set(data.features);
  const labels = new Int32Array(new SharedArrayBuffer(data.labels!.byteLength));
  labels.set(data.labels!);
  return { ...data, features, labels };
}

/** Everything but the measured fit times, with floats as their exact bit patterns (so −0, NaN would show). */
function bits(result: EvaluationResult): unknown {
  return JSON.parse(
    JSON.stringify({ ...result, fitSeconds: null, folds: result.folds.map((f) => ({ ...f, fitSeconds: null })) }, (_, v: unknown) =>
      typeof v === 'number' ? Array.from(new Uint32Array(Float64Array.of(v).buffer)).join(':') : v,
    ),
  );
}

const flag = (): SharedArrayBuffer => new SharedArrayBuffer(4);
const protocol = { folds: 4, k: 3, seed: 2, preprocess: 'zscore' as const };

describe('fold pool (folds and methods on several worker threads)', () => {
  const wine = shared(loadSample('wine'));

  it('gives the same bits as one thread for 1, 2 and 3 workers (evaluate, every figure)', async () => {
    const spec = { method: 'nca', params: { components: 3 }, seed: 1, protocol };
    const one = bits(evaluateMethod(wine, spec));
    for (const workers of [1, 2, 3]) {
      const [pooled] = await evaluateInPool(wine, [spec], { workers, workerUrl: DEFAULT_WORKER_URL, cancelFlag: flag() });
      expect(bits(pooled!), `${workers} workers`).toEqual(one);
    }
  });

  it('scores a trailing Euclidean fold in two parts on two workers, with the bits of one thread (and of a whole fold)', async () => {
    const digits = shared(loadSample('digits'));
    for (const [folds, workers] of [[5, 2], [4, 3], [3, 2]] as const) {
      const spec = { method: 'euclidean', seed: 0, protocol: { folds, k: 3, seed: 0, preprocess: 'zscore' as const } };
      const one = bits(evaluateMethod(digits, spec));
      const starts: number[] = [];
      const finished: number[] = [];
      const [pooled] = await evaluateInPool(digits, [spec], {
        workers,
        workerUrl: DEFAULT_WORKER_URL,
        cancelFlag: flag(),
        onStart: (_, fold) => starts.push(fold),
        onFinished: (done, total) => finished.push(done * 100 + total),
      });
      expect(bits(pooled!), `${folds} folds on ${workers} workers`).toEqual(one);
      // Each fold is announced once and counted once, split or not.
      expect([...starts].sort()).toEqual(Array.from({ length: folds }, (_, f) => f));
      expect(finished).toEqual(Array.from({ length: folds }, (_, i) => (i + 1) * 100 + folds));
    }
  });

  it('puts a fold back together from its two parts exactly as evaluateFold scores it whole', () => {
    const spec = { method: 'euclidean', seed: 3, protocol };
    const plan = prepareEvaluation(wine, spec);
    for (let fold = 0; fold < protocol.folds; fold++) {
      const whole = evaluateFold(wine, plan, fold);
      const parts = [evaluateFoldPart(wine, plan, fold, 1), evaluateFoldPart(wine, plan, fold, 0)];
      expect(parts[1]!.clusters).toBeDefined();
      expect(parts[1]!.retrieval).toBeUndefined();
      expect(parts[0]!.predicted.length + parts[1]!.predicted.length).toBe(whole.result.testSize);
      const combined = combineFoldParts(parts);
      expect(bits({ folds: [{ ...combined.result, fitSeconds: 0 }] } as unknown as EvaluationResult)).toEqual(bits({ folds: [{ ...whole.result, fitSeconds: 0 }] } as unknown as EvaluationResult));
      expect(() => combineFoldParts([parts[0]!])).toThrow(/no part with its clusters/);
    }
  });

  it('runs the methods of a compare in parallel with the results of compareMethods, in method order', async () => {
    const methods = ['euclidean', 'lda', 'itml'];
    const sequential = compareMethods(wine, methods, { seed: 0, protocol }).map(bits);
    const specs = methods.map((method) => ({ method, seed: 0, protocol }));
    const progress: Array<[number, number]> = [];
    const pooled = await evaluateInPool(wine, specs, {
      workers: 2,
      workerUrl: DEFAULT_WORKER_URL,
      cancelFlag: flag(),
      onFinished: (done, total) => progress.push([done, total]),
    });
    expect(pooled.map(bits)).toEqual(sequential);
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => [i + 1, 12]));
  });

  it('throws validation errors before starting any worker, and keeps a fold error’s type and message', async () => {
    await expect(evaluateInPool(wine, [{ method: 'nca', protocol: { ...protocol, k: 500 } }], { workers: 2, workerUrl: DEFAULT_WORKER_URL, cancelFlag: flag() })).rejects.toThrow(
      /k \(500\) cannot be greater than the number of training rows in a fold/,
    );
    // Hand-labeled pairs that all fall inside one fold's test part: that fold has no training pair.
    const error = await evaluateInPool(
      wine,
      [{ method: 'itml', protocol, constraintSource: 'labeled', constraints: [{ i: 0, j: 1, kind: 'must', origin: 'manual' } as never] }],
      { workers: 2, workerUrl: DEFAULT_WORKER_URL, cancelFlag: flag() },
    ).catch((e: unknown) => e);
    const expected = (() => {
      try {
        evaluateMethod(wine, { method: 'itml', protocol, constraintSource: 'labeled', constraints: [{ i: 0, j: 1, kind: 'must', origin: 'manual' } as never] });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(expected).toBeInstanceOf(ValidationError);
    // Across the thread boundary an error keeps its code and exact message (as job errors do).
    expect((error as WorkbenchError).code).toBe((expected as ValidationError).code);
    expect((error as Error).message).toBe(expected!.message);
    expect((error as Error).message).toMatch(/has none of the labeled pairs inside its training part/);
  });

  it('splits one big kNN kernel into row blocks with the predictions of knnPredict, for both tie rules', async () => {
    const digits = loadSample('digits');
    const d = digits.nFeatures;
    const m = 1200;
    const t = digits.nRows - m;
    const train = digits.features.subarray(0, m * d);
    const test = digits.features.subarray(m * d);
    const labels = digits.labels!.subarray(0, m);
    for (const tieBreak of ['lowest-class', 'nearest'] as const) {
      const one = knnPredict(train, labels, m, test, t, d, 4, tieBreak);
      const pooled = await knnPredictInPool(train, labels, m, test, t, d, 4, { workers: 3, workerUrl: DEFAULT_WORKER_URL, cancelFlag: flag(), tieBreak });
      expect(Array.from(pooled)).toEqual(Array.from(one));
    }
    await expect(knnPredictInPool(train, labels, m, test, t, d, m + 1, { workers: 2, workerUrl: DEFAULT_WORKER_URL, cancelFlag: flag() })).rejects.toThrow(
      `k (${m + 1}) cannot be greater than the number of training rows (${m}).`,
    );
    const cancelled = flag();
    Atomics.store(new Int32Array(cancelled), 0, 1);
    await expect(knnPredictInPool(train, labels, m, test, t, d, 3, { workers: 2, workerUrl: DEFAULT_WORKER_URL, cancelFlag: cancelled })).rejects.toBeInstanceOf(JobCancelledError);
  });

  it('spreads the (N, seed) steps of a sweep with the result of sweepConstraints: generated, labeled with a gap, suggested', async () => {
    const iris = shared(loadSample('iris'));
    const labeled = [
      { i: 0, j: 1, kind: 'must' as const },
      { i: 0, j: 60, kind: 'cannot' as const },
      { i: 50, j: 51, kind: 'must' as const },
      { i: 100, j: 140, kind: 'must' as const },
      { i: 2, j: 120, kind: 'cannot' as const },
    ];
    const specs: SweepSpec[] = [
      { method: 'mmc-diagonal', counts: [0, 10, 20], seeds: 2, protocol: { folds: 3 }, constraintSource: 'generated' },
      { method: 'mmc-diagonal', counts: [0, 2, 5, 2], seeds: 2, protocol: { folds: 3 }, constraintSource: 'labeled', constraints: labeled },
      { method: 'mmc-diagonal', counts: [6], seeds: 2, protocol: { folds: 3 }, constraintSource: 'suggested' },
      { method: 'scml', params: { maxIter: 1000, outputIter: 100 }, counts: [0, 10], seeds: 2, protocol: { folds: 3 }, constraintSource: 'suggested' },
    ];
    for (const spec of specs) {
      const one = sweepConstraints(iris, spec);
      const pooled = await sweepInPool(iris, spec, { workers: 2, workerUrl: DEFAULT_WORKER_URL, cancelFlag: flag() });
      expect(pooled, `${spec.method} ${spec.constraintSource}`).toEqual(one);
    }
    // The labeled sweep has a gap (2 pairs cannot reach every fold's training part), on both paths alike.
    expect(sweepConstraints(iris, specs[1]!).points.some((p) => p.error !== undefined)).toBe(true);
  });

  it('is cancelled through the shared flag: a flag set while folds run rejects with JobCancelledError', async () => {
    const cancelFlag = flag();
    let started = 0;
    const running = evaluateInPool(wine, [{ method: 'nca', params: { maxIter: 100000, tol: 0 }, protocol }], {
      workers: 2,
      workerUrl: DEFAULT_WORKER_URL,
      cancelFlag,
      onStart: () => {
        started++;
        // Cancel as soon as the first fold was handed out.
        Atomics.store(new Int32Array(cancelFlag), 0, 1);
      },
    });
    await expect(running).rejects.toBeInstanceOf(JobCancelledError);
    expect(started).toBeGreaterThan(0);
  });
});

describe('runner with fold workers', () => {
  let runner: JobRunner | undefined;
  let t: ReturnType<typeof tempStore> | undefined;
  afterEach(async () => {
    await runner?.close();
    t?.cleanup();
  });

  it('records the same evaluation with workers 1 and workers 2 (submit option)', async () => {
    t = tempStore();
    const datasetId = addDataset(t.store, 'wine');
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1 });
    const spec = { kind: 'evaluate' as const, datasetId, method: 'lda', protocol };
    const one = await runner.submit(spec, { workers: 1 }).done;
    const two = await runner.submit(spec, { workers: 2 }).done;
    if (one.result.kind !== 'evaluate' || two.result.kind !== 'evaluate') throw new Error('expected evaluations');
    expect(bits(two.result.evaluation)).toEqual(bits(one.result.evaluation));
  });

  it('cancels a parallel evaluation: done rejects, the run is recorded cancelled, the next job runs', async () => {
    t = tempStore();
    const datasetId = addDataset(t.store, 'wine');
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 1 });
    const spec = { kind: 'evaluate' as const, datasetId, method: 'nca', params: { maxIter: 100000, tol: 0 }, protocol };
    let jobId = '';
    const progress: Array<{ phase: string; fold?: number }> = [];
    const evaluating = nextEvent(runner, (e) => e.type === 'progress' && e.progress.jobId === jobId && e.progress.phase === 'evaluate');
    runner.subscribe((e) => {
      if (e.type === 'progress' && e.progress.jobId === jobId) progress.push({ phase: e.progress.phase, ...(e.progress.fold ? { fold: e.progress.fold } : {}) });
    });
    const job = runner.submit(spec, { workers: 2 });
    jobId = job.jobId;
    await evaluating; // a fold has been handed to a helper thread
    expect(runner.cancel(job.jobId)).toBe(true);
    await expect(job.done).rejects.toBeInstanceOf(JobCancelledError);
    expect(progress.some((p) => p.phase === 'evaluate' && p.fold !== undefined)).toBe(true);
    const next = await runner.submit({ kind: 'evaluate', datasetId, method: 'euclidean', protocol }, { workers: 2 }).done;
    expect(next.result.kind).toBe('evaluate');
    expect(t.store.runs.require(job.runIds[0]!).status).toBe('cancelled');
  });

  it('uses every core by default only for big datasets', () => {
    expect(foldWorkers(undefined, 150, 4)).toBe(1);
    expect(foldWorkers(undefined, PARALLEL_MIN_CELLS, 1)).toBeGreaterThanOrEqual(1);
    expect(foldWorkers(3, 150, 4)).toBe(3);
    expect(foldWorkers(0, 150, 4)).toBe(1);
  });
});

describe('workerOptions', () => {
  it('drops an inherited --import tsx for the default worker (it registers tsx itself) and keeps every other flag', () => {
    const parent = ['--import', 'tsx', '--max-old-space-size=4096', '--import=tsx', '--import', './other.mjs'];
    const resourceLimits = { maxYoungGenerationSizeMb: 12 };
    expect(workerOptions(DEFAULT_WORKER_URL, parent)).toEqual({ stdout: false, stderr: false, resourceLimits, execArgv: ['--max-old-space-size=4096', '--import', './other.mjs'] });
    // Any other worker script (the Electron bundle, test fixtures) inherits the parent's flags as Node does by default.
    expect(workerOptions(new URL('file:///app/worker.js'), parent)).toEqual({ stdout: false, stderr: false, resourceLimits });
  });
});

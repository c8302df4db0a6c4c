import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { JobCancelledError } from '../../shared/errors.ts';
import { scoreOnTestSet } from '../../shared/engine/evaluation/score.ts';
import { fitMetric } from '../../shared/engine/fit.ts';
import type { ScoreProgress } from '../../shared/ipc/schemas.ts';
import { createScoreWorkers, SCORE_CANCELLED_MESSAGE } from '../../src-main/jobs/score-worker.ts';
import { createWorkbench, type Workbench } from '../../src-main/services/workbench.ts';
import { splitDataset } from '../engine/evaluation/split.ts';
import { countTurns, tempStore } from './helpers.ts';

/**
 * Held-out test-set scores in the score worker (issue: scoring froze the main thread): the figures are those of
 * scoreOnTestSet on the calling thread, bit for bit; the main thread answers while a score runs; progress arrives
 * in order; cancel rejects with JOB_CANCELLED and stores nothing.
 */

/** `rows` rows of `d` features in 10 classes (class c shifts every feature by a c-dependent amount), seeded. */
function synthetic(rows: number, d: number, seed: number): DatasetMatrix {
  let s = seed;
  const next = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  const features = new Float64Array(rows * d);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let f = 0; f < d; f++) features[i * d + f] = ((c * 7 + f) % 5) * 0.35 + next();
  }
  const names = (n: number, p: string) => Array.from({ length: n }, (_, k) => `${p}${k}`);
  return { nRows: rows, nFeatures: d, features, featureNames: names(d, 'f'), labels, classNames: names(10, 'c') };
}

const named = (name: string, data: DatasetMatrix) => ({ name, data });

let temp: ReturnType<typeof tempStore>;
let workbench: Workbench;
const ids: Record<string, number> = {};
const digits = splitDataset('digits');
/** Big enough that the score takes a while (a 1.5·10⁹ multiply-add kNN), small enough for one thread in the default. */
const big = { train: synthetic(8000, 64, 7), test: synthetic(3000, 64, 11) };

async function dispatch<T>(channel: string, request: unknown): Promise<T> {
  const envelope = await workbench.dispatch(channel, request);
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
  return envelope.value as T;
}

/** The figures of a score report (without the run, method and datasets it names). */
function figures(report: Record<string, unknown>) {
  const { runId: _runId, method: _method, trainDataset: _train, testDataset: _test, ...score } = report;
  return score;
}

/** Progress events of score `scoreId` from now on. */
function progressOf(scoreId: string): ScoreProgress[] {
  const seen: ScoreProgress[] = [];
  workbench.events.on('score.progress', (p) => {
    if (p.scoreId === scoreId) seen.push(p);
  });
  return seen;
}

beforeAll(async () => {
  temp = tempStore();
  const insert = (name: string, matrix: DatasetMatrix) => (ids[name] = temp.store.datasets.insert({ name, matrix, format: 'sample' }).id);
  insert('digits-train', digits.train);
  insert('digits-test', digits.test);
  insert('big-train', big.train);
  insert('big-test', big.test);
  workbench = await createWorkbench({ dbPath: temp.path, mode: 'cli', store: temp.store, concurrency: 1 });
});

afterAll(async () => {
  await workbench?.close();
  temp?.cleanup();
});

describe('test-set scores in the score worker', () => {
  it('equal scoreOnTestSet on the calling thread bit for bit, on one thread and on the fold pool (digits split)', async () => {
    const learn = await workbench.runner.submit({ kind: 'learn', datasetId: ids['digits-train']!, method: 'lda' }).done;
    const evaluate = await workbench.runner.submit({
      kind: 'evaluate',
      datasetId: ids['digits-train']!,
      method: 'pca',
      params: { components: 12 },
      protocol: { folds: 3 },
    }).done;
    const train = named('digits-train', digits.train);
    const test = named('digits-test', digits.test);
    const expected = {
      learn: scoreOnTestSet(temp.store.metrics.get(learn.runIds[0]!)!, train, test, { k: 3, seed: 0 }),
      evaluate: scoreOnTestSet(fitMetric(digits.train, { method: 'pca', params: { components: 12 }, seed: 0, preprocess: 'zscore' }), train, test, { k: 3, seed: 0 }),
      baseline: scoreOnTestSet(fitMetric(digits.train, { method: 'euclidean', seed: 5, preprocess: 'minmax' }), train, test, { k: 1, seed: 5 }),
    };
    for (const workers of [1, 2]) {
      const learned = await dispatch<{ score: Record<string, unknown>; record: { score: unknown } }>('runs.score', {
        runId: learn.runIds[0],
        testDatasetId: ids['digits-test'],
        workers,
      });
      expect(figures(learned.score)).toEqual(expected.learn);
      expect(learned.record.score).toEqual(expected.learn);
      expect(learned.score).toMatchObject({ runId: learn.runIds[0], method: 'lda', trainDataset: { name: 'digits-train' }, testDataset: { name: 'digits-test' } });
      const fitted = await dispatch<{ score: Record<string, unknown> }>('runs.score', { runId: evaluate.runIds[0], testDatasetId: ids['digits-test'], workers });
      expect(figures(fitted.score)).toEqual(expected.evaluate);
      expect(fitted.score.method).toBe('pca');
      const baseline = await dispatch<{ score: Record<string, unknown> }>('methods.score', {
        method: 'euclidean',
        trainDatasetId: ids['digits-train'],
        testDatasetId: ids['digits-test'],
        k: 1,
        seed: 5,
        preprocess: 'minmax',
        workers,
      });
      expect(figures(baseline.score)).toEqual(expected.baseline);
    }
    // Scoring again on the same test set and k replaced the stored record: one per run.
    expect(temp.store.testScores.list(learn.runIds[0]!)).toHaveLength(1);
  });

  it('keeps the main thread free while a score runs, with progress in order (fractions never go back, ending at 1)', async () => {
    const seen = progressOf('responsive');
    const order: string[] = [];
    const turns = countTurns();
    const started = new Promise<void>((resolve) => {
      const off = workbench.events.on('score.progress', (p) => {
        if (p.scoreId === 'responsive' && p.phase === 'started') {
          off();
          resolve();
        }
      });
    });
    const scored = dispatch<{ score: { trainRows: number; testRows: number } }>('methods.score', {
      method: 'euclidean',
      trainDatasetId: ids['big-train'],
      testDatasetId: ids['big-test'],
      scoreId: 'responsive',
    }).then((r) => {
      order.push('score');
      return r;
    });
    await started;
    order.push('worker started');
    // While the worker scores, a second gateway call and a timer are answered.
    const listed = dispatch<{ datasets: unknown[] }>('datasets.list', {}).then((r) => {
      order.push('datasets.list');
      return r;
    });
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 0));
    const [{ score }, { datasets }] = await Promise.all([scored, listed, timer]);
    expect(turns.stop()).toBeGreaterThan(100);
    expect(order).toEqual(['worker started', 'datasets.list', 'timer', 'score']);
    expect(datasets).toHaveLength(4);
    expect([score.trainRows, score.testRows]).toEqual([8000, 3000]);

    expect(seen[0]!.phase).toBe('started');
    expect(seen.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
    const fractions = seen.map((p) => p.fraction).filter((f): f is number => typeof f === 'number');
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases[0]).toBe('started');
    expect(phases.at(-1)).toBe('done');
    expect(phases.every((p) => ['started', 'fit', 'knn', 'kmeans', 'retrieval', 'done'].includes(p))).toBe(true);
  });

  it('scores.cancel rejects the running score with JOB_CANCELLED and stores nothing', async () => {
    const learn = await workbench.runner.submit({ kind: 'learn', datasetId: ids['big-train']!, method: 'euclidean' }).done;
    const runId = learn.runIds[0]!;
    const before = temp.store.db.prepare('SELECT count(*) AS n FROM test_scores').get() as { n: number };
    const seen = progressOf('cancel-me');
    let cancelAnswer: Promise<{ cancelled: boolean }> | null = null;
    workbench.events.on('score.progress', (p) => {
      if (p.scoreId === 'cancel-me' && cancelAnswer === null) cancelAnswer = dispatch('scores.cancel', { scoreId: 'cancel-me' });
    });
    const envelope = await workbench.dispatch('runs.score', { runId, testDatasetId: ids['big-test'], scoreId: 'cancel-me' });
    expect(envelope).toEqual({ ok: false, error: { code: 'JOB_CANCELLED', message: SCORE_CANCELLED_MESSAGE } });
    // Assigned in the event handler, which TypeScript's narrowing of the `null` above does not see.
    expect(await (cancelAnswer as Promise<{ cancelled: boolean }> | null)).toEqual({ cancelled: true });
    expect(await dispatch('scores.cancel', { scoreId: 'cancel-me' })).toEqual({ cancelled: false });
    expect(temp.store.testScores.list(runId)).toEqual([]);
    expect(temp.store.db.prepare('SELECT count(*) AS n FROM test_scores').get()).toEqual(before);
    // Nothing of the cancelled score is reported after the cancel.
    expect(seen.some((p) => p.phase === 'done')).toBe(false);
    await vi.waitFor(() => expect(workbench.scores.stats().running).toBe(0), { timeout: 30_000, interval: 20 });
  });
});

describe('score workers (direct)', () => {
  it('a cancelled score stops at its next row block by the flag, and the worker serves the next score', async () => {
    // A grace far longer than the test: the worker must stop cooperatively to become idle again.
    const scores = createScoreWorkers({ cancelGraceMs: 600_000 });
    try {
      // kNN in 3 row blocks of 960 test rows (20,000 × 50 training rows: 10⁶ multiply-adds a row).
      const train = synthetic(20_000, 50, 3);
      const test = synthetic(2000, 50, 5);
      const metric = fitMetric(train, { method: 'euclidean' });
      const controller = new AbortController();
      const phases: string[] = [];
      const cancelled = scores
        .score(
          { runId: null, metric, fit: null, train: { ...train, name: 'train' }, test: { ...test, name: 'test' }, k: 3, seed: 0 },
          {
            signal: controller.signal,
            onProgress: (p) => {
              phases.push(p.phase);
              if (p.phase === 'knn') controller.abort();
            },
          },
        )
        .catch((e: unknown) => e);
      expect(await cancelled).toEqual(new JobCancelledError(SCORE_CANCELLED_MESSAGE));
      expect(phases.at(-1)).toBe('knn');
      await vi.waitFor(() => expect(scores.stats()).toEqual({ running: 0, idleWorkers: 1 }), { timeout: 60_000, interval: 20 });
      const small = splitDataset('iris');
      // Computed first: the call moves the datasets' buffers to the worker.
      const expected = scoreOnTestSet(fitMetric(small.train, { method: 'euclidean' }), named('iris-train', small.train), named('iris-test', small.test), { k: 3, seed: 0 });
      const again = await scores.score({
        runId: null,
        metric: null,
        fit: { method: 'euclidean' },
        train: { ...small.train, name: 'iris-train' },
        test: { ...small.test, name: 'iris-test' },
        k: 3,
        seed: 0,
      });
      expect(again).toEqual(expected);
      expect(small.train.features.byteLength).toBe(0);
      expect(scores.stats()).toEqual({ running: 0, idleWorkers: 1 });
    } finally {
      await scores.close();
    }
    const iris = splitDataset('iris');
    await expect(
      scores.score({ runId: null, metric: null, fit: { method: 'euclidean' }, train: { ...iris.train, name: 'a' }, test: { ...iris.test, name: 'b' }, k: 3, seed: 0 }),
    ).rejects.toThrow('The scorer is closed.');
  });
});

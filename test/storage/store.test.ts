import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { defaultDatabasePath } from '../../src-main/storage/paths.ts';
import { datasetContentHash } from '../../src-main/storage/datasets-repository.ts';
import { INTERRUPTED_MESSAGE } from '../../src-main/storage/runs-repository.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';

/** Values whose bits a careless round trip (text, JSON, float32) would change. */
const EDGE_VALUES = [0, -0, 1, -1, 1e-308, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 0.1, 1 / 3, Math.PI, 123456789.12345679];

function bits(values: Float64Array): string[] {
  return Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length), (b) => b.toString(16));
}

function edgeMatrix(): DatasetMatrix {
  const nFeatures = 4;
  const nRows = EDGE_VALUES.length / nFeatures;
  return {
    nRows,
    nFeatures,
    features: Float64Array.from(EDGE_VALUES),
    featureNames: ['a', 'b', 'c', 'd'],
    labels: Int32Array.from({ length: nRows }, (_, r) => r % 2),
    classNames: ['left', 'right'],
    imageShape: [2, 2],
  };
}

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-store-'));
  store = openStore(join(dir, 'store.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('defaultDatabasePath', () => {
  it("is Electron's userData folder for 'Metric Workbench' on each platform", () => {
    expect(defaultDatabasePath({}, 'linux', '/home/ada')).toBe(posix.join('/home/ada/.config', 'Metric Workbench', 'workbench.sqlite'));
    expect(defaultDatabasePath({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ada')).toBe('/cfg/Metric Workbench/workbench.sqlite');
    expect(defaultDatabasePath({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Metric Workbench/workbench.sqlite');
    expect(defaultDatabasePath({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(
      win32.join('C:\\Users\\ada\\AppData\\Roaming', 'Metric Workbench', 'workbench.sqlite'),
    );
    expect(defaultDatabasePath({}, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Metric Workbench\\workbench.sqlite');
  });
});

describe('datasets repository', () => {
  it('round-trips features bit-exactly (-0, subnormals, extremes) and labels, across a reopen', () => {
    const matrix = edgeMatrix();
    const saved = store.datasets.insert({ name: 'edges', matrix, sourceFile: 'edges.csv', sourceSha256: 'abc', format: 'csv', importOptions: { header: true }, warnings: ['w'] });
    store.close();
    store = openStore(join(dir, 'store.sqlite'));
    const loaded = store.datasets.loadMatrix(saved.id);
    expect(bits(loaded.features)).toEqual(bits(matrix.features));
    expect(Object.is(loaded.features[1], -0)).toBe(true);
    expect(loaded.features[5]).toBe(5e-324);
    expect(Array.from(loaded.labels!)).toEqual(Array.from(matrix.labels!));
    expect(loaded.featureNames).toEqual(matrix.featureNames);
    expect(loaded.classNames).toEqual(matrix.classNames);
    expect(loaded.imageShape).toEqual([2, 2]);
    const details = store.datasets.get(saved.id)!;
    expect(details).toMatchObject({
      name: 'edges',
      rows: 4,
      features: 4,
      classes: ['left', 'right'],
      labeled: true,
      sourceFile: 'edges.csv',
      sourceSha256: 'abc',
      format: 'csv',
      importOptions: { header: true },
      warnings: ['w'],
      constraintCount: 0,
      contentHash: datasetContentHash(matrix),
    });
  });

  it('stores unlabeled data with labels null', () => {
    const d = store.datasets.insert({ name: 'plain', matrix: { ...edgeMatrix(), labels: null, classNames: [], imageShape: null } });
    expect(d.labeled).toBe(false);
    expect(store.datasets.loadMatrix(d.id).labels).toBeNull();
  });

  it('gives different content hashes to different shapes, values and labels', () => {
    const m = edgeMatrix();
    const reshaped = { ...m, nRows: 8, nFeatures: 2 };
    const relabeled = { ...m, labels: Int32Array.from(m.labels!, (c) => 1 - c) };
    const unlabeled = { ...m, labels: null };
    const changed = { ...m, features: Float64Array.from(m.features, (v, k) => (k === 0 ? -0 : v)) };
    const hashes = [m, reshaped, relabeled, unlabeled, changed].map(datasetContentHash);
    expect(new Set(hashes).size).toBe(5);
    expect(datasetContentHash({ ...m, features: m.features.slice() })).toBe(hashes[0]);
  });

  it('looks datasets up by id or name and refuses a taken name', () => {
    const a = store.datasets.insert({ name: 'iris', matrix: edgeMatrix() });
    const b = store.datasets.insert({ name: '7', matrix: edgeMatrix() });
    expect(store.datasets.getByIdOrName('iris')?.id).toBe(a.id);
    expect(store.datasets.getByIdOrName(String(a.id))?.id).toBe(a.id);
    expect(store.datasets.getByIdOrName(a.id)?.id).toBe(a.id);
    expect(store.datasets.getByIdOrName('7')?.id).toBe(b.id);
    expect(store.datasets.getByIdOrName('nope')).toBeNull();
    expect(() => store.datasets.insert({ name: 'iris', matrix: edgeMatrix() })).toThrow(`A dataset named 'iris' already exists (id ${a.id}).`);
    expect(store.datasets.uniqueName('iris')).toBe('iris (2)');
    expect(store.datasets.list().map((d) => d.name)).toEqual(['iris', '7']);
  });

  it('refuses an inconsistent matrix with a message naming the field', () => {
    const m = edgeMatrix();
    expect(() => store.datasets.insert({ name: 'x', matrix: { ...m, nRows: 5 } })).toThrow('features has 16 values; expected nRows × nFeatures = 5 × 4 = 20.');
    expect(() => store.datasets.insert({ name: 'x', matrix: { ...m, labels: Int32Array.of(0, 1, 2, 0) } })).toThrow('labels[2] = 2 is not a class index in -1…1 (-1 = unknown).');
    expect(() => store.datasets.insert({ name: 'x', matrix: { ...m, featureNames: ['a'] } })).toThrow('featureNames has 1 names; expected nFeatures = 4.');
    expect(store.datasets.count()).toBe(0);
  });

  it('deletes a dataset with its constraints and runs', () => {
    const d = store.datasets.insert({ name: 'gone', matrix: edgeMatrix() });
    store.constraints.set(d.id, { i: 0, j: 1, kind: 'must' });
    const run = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'nca' });
    expect(store.datasets.delete(d.id)).toBe(true);
    expect(store.constraints.list(d.id)).toEqual([]);
    expect(store.runs.get(run.id)).toBeNull();
    expect(store.datasets.delete(d.id)).toBe(false);
    expect(() => store.datasets.loadMatrix(d.id)).toThrow(`No dataset with id ${d.id}.`);
  });
});

describe('constraints repository', () => {
  it('keeps one row per unordered pair; relabeling replaces the kind and moves it to the end', () => {
    const d = store.datasets.insert({ name: 'c', matrix: edgeMatrix() });
    expect(store.constraints.set(d.id, { i: 2, j: 0, kind: 'must' })).toBe('added');
    expect(store.constraints.set(d.id, { i: 1, j: 3, kind: 'cannot' })).toBe('added');
    expect(store.constraints.set(d.id, { i: 0, j: 2, kind: 'must' })).toBe('unchanged');
    expect(store.constraints.set(d.id, { i: 0, j: 2, kind: 'cannot', origin: 'imported' })).toBe('relabeled');
    expect(store.constraints.list(d.id).map(({ i, j, kind, origin, seq }) => ({ i, j, kind, origin, seq }))).toEqual([
      { i: 1, j: 3, kind: 'cannot', origin: 'manual', seq: 2 },
      { i: 0, j: 2, kind: 'cannot', origin: 'imported', seq: 3 },
    ]);
    expect(store.constraints.count(d.id)).toEqual({ total: 2, must: 0, cannot: 2 });
    expect(store.constraints.remove(d.id, 2, 0)).toBe(true);
    expect(store.constraints.remove(d.id, 2, 0)).toBe(false);
  });

  it('refuses self-pairs, and the schema refuses i ≥ j, unknown kinds and unknown datasets', () => {
    const d = store.datasets.insert({ name: 'c', matrix: edgeMatrix() });
    expect(() => store.constraints.set(d.id, { i: 1, j: 1, kind: 'must' })).toThrow('A row cannot be paired with itself (i = j = 1).');
    const insert = store.db.prepare("INSERT INTO constraints (dataset_id, i, j, kind, origin, created_at, seq) VALUES (?, ?, ?, ?, 'manual', 'now', 1)");
    expect(() => insert.run(d.id, 3, 1, 'must')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run(d.id, 0, 1, 'maybe')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run(d.id + 100, 0, 1, 'must')).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('bulk-inserts all or nothing', () => {
    const d = store.datasets.insert({ name: 'c', matrix: edgeMatrix() });
    store.constraints.set(d.id, { i: 0, j: 1, kind: 'must' });
    expect(() =>
      store.constraints.bulkInsert(d.id, [
        { i: 0, j: 2, kind: 'must' },
        { i: 3, j: 3, kind: 'cannot' },
      ]),
    ).toThrow('A row cannot be paired with itself (i = j = 3).');
    expect(store.constraints.list(d.id).map((c) => [c.i, c.j])).toEqual([[0, 1]]);
    expect(
      store.constraints.bulkInsert(
        d.id,
        [
          { i: 1, j: 0, kind: 'cannot' },
          { i: 2, j: 3, kind: 'must' },
        ],
        { origin: 'generated', overwrite: false },
      ),
    ).toEqual({ added: 1, relabeled: 0, unchanged: 0, skipped: 1 });
    expect(store.constraints.get(d.id, 0, 1)?.kind).toBe('must');
    expect(store.constraints.get(d.id, 3, 2)?.origin).toBe('generated');
  });
});

function sampleMetric(): LearnedMetric {
  return {
    method: 'nca',
    params: { nComponents: 2, maxIter: 100 },
    seed: 7,
    L: Float64Array.from([1, -0, 5e-324, 1e-308, Math.PI, -1 / 3]),
    nComponents: 2,
    nFeatures: 3,
    preprocessing: { kind: 'zscore', inputFeatures: 4, kept: [0, 1, 3], dropped: [2], center: Float64Array.from([0.1, -0, 2e-310]), scale: Float64Array.from([1 / 7, 3, 1e300]) },
    summary: { iterations: 3, converged: true, stopReason: 'tolerance', objective: -0.5, objectiveTrace: [10.5, 1 / 3, -0], fitSeconds: 0.25 },
  };
}

describe('runs, metrics, evaluations and sweeps', () => {
  it('walks a run through its statuses and records timings and errors', () => {
    const d = store.datasets.insert({ name: 'r', matrix: edgeMatrix() });
    const run = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'nca', params: { k: 3 }, protocol: { folds: 5 }, seed: 1 });
    expect(run).toMatchObject({ status: 'queued', datasetHash: d.contentHash, params: { k: 3 }, protocol: { folds: 5 }, seed: 1, startedAt: null, finishedAt: null });
    const running = store.runs.setStatus(run.id, 'running', { timings: { queuedSeconds: 0.5 } });
    expect(running.startedAt).not.toBeNull();
    const failed = store.runs.setStatus(run.id, 'failed', { errorCode: 'NUMERICAL', error: 'singular', timings: { fitSeconds: 2 } });
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'NUMERICAL', error: 'singular', timings: { queuedSeconds: 0.5, fitSeconds: 2 }, startedAt: running.startedAt });
    expect(failed.finishedAt).not.toBeNull();
    expect(() => store.runs.setStatus(run.id, 'running')).toThrow(`Run ${run.id} is already failed; it cannot become running.`);
    expect(() => store.runs.setStatus(run.id + 1, 'running')).toThrow(`No run with id ${run.id + 1}.`);
    expect(() => store.runs.create({ datasetId: 999, kind: 'learn' })).toThrow('No dataset with id 999.');
  });

  it('marks running and queued runs interrupted after a crash, leaving finished ones alone', () => {
    const d = store.datasets.insert({ name: 'r', matrix: edgeMatrix() });
    const queued = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'mmc' });
    const running = store.runs.create({ datasetId: d.id, kind: 'evaluate', method: 'nca' });
    store.runs.setStatus(running.id, 'running');
    const done = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'pca' });
    store.runs.setStatus(done.id, 'succeeded');
    expect(store.runs.markRunningAsInterrupted({ includeQueued: false })).toEqual([running.id]);
    expect(store.runs.markRunningAsInterrupted()).toEqual([queued.id]);
    expect(store.runs.get(running.id)).toMatchObject({ status: 'interrupted', errorCode: 'JOB_FAILED', error: INTERRUPTED_MESSAGE });
    expect(store.runs.get(done.id)?.status).toBe('succeeded');
    expect(store.runs.list({ status: 'interrupted', order: 'asc' }).map((r) => r.id)).toEqual([queued.id, running.id]);
  });

  it('lists runs by dataset, kind and parent', () => {
    const d = store.datasets.insert({ name: 'r', matrix: edgeMatrix() });
    const parent = store.runs.create({ datasetId: d.id, kind: 'compare' });
    const a = store.runs.create({ datasetId: d.id, kind: 'evaluate', method: 'nca', parentRunId: parent.id });
    const b = store.runs.create({ datasetId: d.id, kind: 'evaluate', method: 'lmnn', parentRunId: parent.id });
    expect(store.runs.list({ parentRunId: parent.id }).map((r) => r.id)).toEqual([b.id, a.id]);
    expect(store.runs.list({ parentRunId: null }).map((r) => r.id)).toEqual([parent.id]);
    expect(store.runs.list({ kind: 'evaluate', method: 'lmnn' }).map((r) => r.id)).toEqual([b.id]);
    expect(store.runs.list({ limit: 1 }).map((r) => r.id)).toEqual([b.id]);
    store.runs.delete(parent.id);
    expect(store.runs.list()).toEqual([]);
  });

  it('saves a learned metric bit-exactly', () => {
    const d = store.datasets.insert({ name: 'm', matrix: edgeMatrix() });
    const run = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'nca' });
    const metric = sampleMetric();
    store.metrics.save(run.id, metric);
    store.close();
    store = openStore(join(dir, 'store.sqlite'));
    const loaded = store.metrics.get(run.id)!;
    expect(bits(loaded.L)).toEqual(bits(metric.L));
    expect(bits(loaded.preprocessing.center)).toEqual(bits(metric.preprocessing.center));
    expect(bits(loaded.preprocessing.scale)).toEqual(bits(metric.preprocessing.scale));
    expect(bits(Float64Array.from(loaded.summary.objectiveTrace))).toEqual(bits(Float64Array.from(metric.summary.objectiveTrace)));
    expect({ ...loaded, L: null, preprocessing: { ...loaded.preprocessing, center: null, scale: null } }).toEqual({
      ...metric,
      L: null,
      preprocessing: { ...metric.preprocessing, center: null, scale: null },
    });
    expect(store.metrics.get(run.id + 1)).toBeNull();
  });

  it('keeps the stop reason and final objective in the summary JSON; rows saved before them read back as null', () => {
    const d = store.datasets.insert({ name: 'm', matrix: edgeMatrix() });
    const run = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'nca' });
    store.metrics.save(run.id, { ...sampleMetric(), summary: { ...sampleMetric().summary, converged: false, stopReason: 'saturated', objective: 170 } });
    expect(store.metrics.get(run.id)!.summary).toMatchObject({ converged: false, stopReason: 'saturated', objective: 170 });
    const stored = store.db.prepare('SELECT summary FROM metrics WHERE run_id = ?').get(run.id) as { summary: string };
    expect(JSON.parse(stored.summary)).toMatchObject({ stopReason: 'saturated', objective: 170 });
    // A summary written by an older version: no stopReason, no objective.
    store.db.prepare('UPDATE metrics SET summary = ? WHERE run_id = ?').run(JSON.stringify({ iterations: 3, converged: true, fitSeconds: 0.25 }), run.id);
    expect(store.metrics.get(run.id)!.summary).toMatchObject({ iterations: 3, converged: true, stopReason: null, objective: null });
  });

  it('refuses a metric whose L does not match its shape', () => {
    const d = store.datasets.insert({ name: 'm', matrix: edgeMatrix() });
    const run = store.runs.create({ datasetId: d.id, kind: 'learn', method: 'nca' });
    expect(() => store.metrics.save(run.id, { ...sampleMetric(), nComponents: 3 })).toThrow('L has 6 values; expected nComponents × nFeatures = 3 × 3.');
    expect(() => store.metrics.save(run.id + 5, sampleMetric())).toThrow(`No run with id ${run.id + 5}.`);
  });

  it('saves evaluations with their folds in order, and sweep results', () => {
    const d = store.datasets.insert({ name: 'e', matrix: edgeMatrix() });
    const run = store.runs.create({ datasetId: d.id, kind: 'evaluate', method: 'nca' });
    const folds = [{ accuracy: 0.9 }, { accuracy: 0.8 }, { accuracy: 1 }];
    store.evaluations.save(run.id, { meanAccuracy: 0.9 }, folds);
    expect(store.evaluations.get(run.id)).toMatchObject({ runId: run.id, summary: { meanAccuracy: 0.9 }, folds });
    store.evaluations.save(run.id, { meanAccuracy: 0.5 }, [{ accuracy: 0.5 }]);
    expect(store.evaluations.get(run.id)).toMatchObject({ summary: { meanAccuracy: 0.5 }, folds: [{ accuracy: 0.5 }] });
    const sweep = store.runs.create({ datasetId: d.id, kind: 'sweep', method: 'nca' });
    store.sweeps.save(sweep.id, { param: 'k', values: [1, 3], scores: [0.7, 0.8] });
    expect(store.sweeps.get(sweep.id)).toEqual({ param: 'k', values: [1, 3], scores: [0.7, 0.8] });
    store.runs.delete(run.id);
    expect(store.evaluations.get(run.id)).toBeNull();
    expect(store.db.prepare('SELECT count(*) AS n FROM evaluation_folds').get()).toEqual({ n: 0 });
  });

  it('opens read-only: reads work, writes are refused, a missing file is NOT_FOUND', () => {
    store.datasets.insert({ name: 'ro', matrix: edgeMatrix() });
    const reader = openStore(join(dir, 'store.sqlite'), { readonly: true });
    expect(reader.datasets.list().map((d) => d.name)).toEqual(['ro']);
    expect(() => reader.datasets.insert({ name: 'no', matrix: edgeMatrix() })).toThrow(/readonly/);
    reader.close();
    expect(() => openStore(join(dir, 'absent.sqlite'), { readonly: true })).toThrow(`The database ${join(dir, 'absent.sqlite')} does not exist.`);
  });

  it('rolls back every write of a failed transaction', () => {
    expect(() =>
      store.transaction(() => {
        store.datasets.insert({ name: 'half', matrix: edgeMatrix() });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.datasets.count()).toBe(0);
  });
});

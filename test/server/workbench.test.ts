import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors.ts';
import { createClient, createHttpTransport, type WorkbenchClient } from '../../shared/ipc/client.ts';
import { decodeMatrix } from '../../shared/ipc/matrix-encoding.ts';
import type { EventName } from '../../shared/ipc/contract.ts';
import { serve, type ServeHandle } from '../../src-main/server/main.ts';

/** The whole contract through the browser client over HTTP, against a real store and job runner. */
let dir: string;
let handle: ServeHandle;
let client: WorkbenchClient;
const seen: { event: EventName; payload: unknown }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-flow-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  const token = 'flow-token-0123456789abcdef';
  handle = await serve({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'db.sqlite'), token, rendererDir: join(dir, 'renderer'), concurrency: 1 });
  handle.workbench.events.onAny((event, payload) => seen.push({ event, payload }));
  client = createClient(createHttpTransport({ token, baseUrl: handle.server.origin }));
}, 60_000);

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const waitFor = async <T>(find: () => T | undefined, ms = 30_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the workbench over HTTP', () => {
  it('reports what it is', async () => {
    const info = await client['app.info']({});
    expect(info).toMatchObject({ mode: 'browser', dbPath: join(dir, 'db.sqlite'), version: expect.any(String) });
    expect(info.cores).toBeGreaterThanOrEqual(1);
  });

  it('uploads, previews (with errors before import) and imports a CSV', async () => {
    const csv = new TextEncoder().encode('width,height,label\n1,2,a\n1.5,2.5,b\n2,3,a\n2.5,3.5,b\n');
    const good = await client.upload('flowers.csv', csv);
    expect(good).toEqual({ fileId: expect.any(String), name: 'flowers.csv', size: csv.length });
    const { preview } = await client['datasets.preview']({ fileId: good.fileId });
    expect(preview).toMatchObject({ fileName: 'flowers.csv', format: 'csv', columns: ['width', 'height', 'label'], labelColumn: 'label', featureCount: 2, errors: [] });
    expect(preview.rows[0]).toEqual(['1', '2', 'a']);

    const bad = await client.upload('broken.csv', new TextEncoder().encode('x,y,label\n1,2,a\n3,oops,b\n'));
    const badPreview = (await client['datasets.preview']({ fileId: bad.fileId })).preview;
    expect(badPreview.errors).toHaveLength(1);
    expect(badPreview.errors[0]!.message).toContain('row 3, column "y": "oops"');
    const refused = await client['datasets.import']({ fileId: bad.fileId }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkbenchError);
    expect((refused as WorkbenchError).code).toBe('IMPORT_FAILED');

    // With "drop rows with missing values", the preview counts the rows an import would store (issue 14: the
    // window said "dropped 2 rows" beside "6 rows · Import 6 rows").
    const gappy = await client.upload('gappy.csv', new TextEncoder().encode('x,y,label\n1,2,a\n3,,b\n4,5,a\nNA,6,b\n7,8,a\n9,10,b\n'));
    const kept = (await client['datasets.preview']({ fileId: gappy.fileId, options: { dropMissing: true } })).preview;
    expect(kept).toMatchObject({ totalRows: 4, droppedRows: 2, errors: [] });
    const { dataset: gappyDataset } = await client['datasets.import']({ fileId: gappy.fileId, name: 'gappy', options: { dropMissing: true } });
    expect(gappyDataset.rows).toBe(kept.totalRows);
    await client['datasets.delete']({ id: gappyDataset.id });

    const { dataset, warnings } = await client['datasets.import']({ fileId: good.fileId, name: 'flowers' });
    expect(dataset).toMatchObject({ name: 'flowers', rows: 4, features: 2, classes: ['a', 'b'], labeled: true, sourceFile: 'flowers.csv' });
    expect(warnings).toEqual([]);
    expect(seen.some((e) => e.event === 'dataset.imported')).toBe(true);

    const detail = (await client['datasets.get']({ id: dataset.id })).dataset;
    expect(detail.featureNames).toEqual(['width', 'height']);
    expect(detail.classCounts).toEqual([2, 2]);
    expect(detail.stats[0]).toEqual({ name: 'width', mean: 1.75, std: Math.sqrt(0.3125), min: 1, max: 2.5 });
    const data = await client['datasets.data']({ id: dataset.id });
    // 1.5 and 2.5 are exact float32 values: the matrix travels as little-endian float32, and decodes exactly.
    expect(data).toMatchObject({ nRows: 4, nFeatures: 2, encoding: 'f32', labels: [0, 1, 0, 1] });
    expect(Array.from(decodeMatrix(data.features, data.encoding, 8))).toEqual([1, 2, 1.5, 2.5, 2, 3, 2.5, 3.5]);
  });

  it('adds samples, labels pairs and tells subscribers', async () => {
    const { samples } = await client['samples.list']({});
    expect(samples.map((s) => s.name)).toEqual(expect.arrayContaining(['iris', 'wine', 'digits', 'apples']));
    const { dataset } = await client['samples.add']({ name: 'iris' });
    expect(dataset).toMatchObject({ name: 'iris', rows: 150, features: 4 });

    const { constraint } = await client['constraints.set']({ datasetId: dataset.id, i: 60, j: 0, kind: 'cannot' });
    expect(constraint).toMatchObject({ i: 0, j: 60, kind: 'cannot', origin: 'manual' });
    await client['constraints.set']({ datasetId: dataset.id, i: 0, j: 1, kind: 'must' });
    await client['constraints.set']({ datasetId: dataset.id, i: 0, j: 60, kind: 'must' });
    // Relabeling a pair replaces its kind and makes it the most recent label.
    expect((await client['constraints.list']({ datasetId: dataset.id })).constraints.map((c) => [c.i, c.j, c.kind])).toEqual([
      [0, 1, 'must'],
      [0, 60, 'must'],
    ]);
    // The pair as it was stored comes back with the removal (the CLI prints it); a second removal finds none.
    expect(await client['constraints.remove']({ datasetId: dataset.id, i: 1, j: 0 })).toEqual({
      removed: true,
      constraint: { i: 0, j: 1, kind: 'must', origin: 'manual', createdAt: expect.any(String), seq: expect.any(Number) },
    });
    expect(await client['constraints.remove']({ datasetId: dataset.id, i: 1, j: 0 })).toEqual({ removed: false, constraint: null });
    const generated = await client['constraints.generate']({ datasetId: dataset.id, pairs: 10, seed: 3 });
    expect(generated).toEqual({ added: expect.any(Number), total: expect.any(Number), must: 5, cannot: 5, skipped: expect.any(Number), seed: 3 });
    expect(generated.added + generated.skipped).toBe(10);
    expect(await client['constraints.clear']({ datasetId: dataset.id, origin: 'generated' })).toEqual({ removed: expect.any(Number) });
    expect((await client['constraints.list']({ datasetId: dataset.id })).constraints).toHaveLength(1);
    const changes = seen.filter((e) => e.event === 'constraints.changed').map((e) => e.payload);
    expect(changes.slice(0, 4)).toEqual([
      { datasetId: dataset.id, count: 1 },
      { datasetId: dataset.id, count: 2 },
      { datasetId: dataset.id, count: 2 },
      { datasetId: dataset.id, count: 1 },
    ]);
  });

  it('lists methods with their parameter declarations', async () => {
    const { methods } = await client['methods.list']({});
    expect(methods.map((m) => m.name)).toEqual(expect.arrayContaining(['euclidean', 'nca', 'mmc', 'mmc-diagonal', 'itml', 'lmnn']));
    const nca = methods.find((m) => m.name === 'nca')!;
    expect(nca.input).toBe('labels');
    for (const p of nca.params) expect(p.rule.length).toBeGreaterThan(3);
  });

  it('runs a job with progress events, stores the run, exports it and re-runs it bit for bit', async () => {
    const iris = (await client['datasets.list']({})).datasets.find((d) => d.name === 'iris')!;
    const events: string[] = [];
    const offProgress = client.subscribe('job.progress', () => events.push('progress'));
    const offFinished = client.subscribe('job.finished', (p) => events.push(`finished:${p.status}`));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const { jobId, runIds } = await client['jobs.start']({ spec: { kind: 'learn', datasetId: iris.id, method: 'mmc-diagonal', constraintSource: 'generated', pairs: 40 } });
    expect(runIds).toHaveLength(1);
    await waitFor(() => (events.includes('finished:succeeded') ? true : undefined));
    offProgress();
    offFinished();
    expect(events.indexOf('progress')).toBeGreaterThanOrEqual(0);
    expect((await client['jobs.list']({})).jobs.find((j) => j.jobId === jobId)).toMatchObject({ status: 'succeeded', runIds });

    const { run } = await client['runs.get']({ runId: runIds[0]! });
    expect(run).toMatchObject({ id: runIds[0], kind: 'learn', method: 'mmc-diagonal', status: 'succeeded', datasetId: iris.id });
    expect(run.metric!.shape).toEqual([4, 4]);
    expect(run.metric!.L).toHaveLength(16);
    expect(run.metric!.M).toHaveLength(16);
    expect((await client['runs.list']({ datasetId: iris.id })).runs.map((r) => r.id)).toContain(runIds[0]);

    const npy = await client['export.build']({ runId: runIds[0]!, format: 'npy', part: 'M' });
    expect(npy.fileName).toMatch(/_M\.npy$/);
    const bytes = Buffer.from(npy.base64, 'base64');
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const json = await client['export.build']({ runId: runIds[0]!, format: 'json' });
    expect(JSON.parse(Buffer.from(json.base64, 'base64').toString('utf8'))).toHaveProperty('L');

    const again = await client['runs.rerun']({ runId: runIds[0]! });
    await waitFor(() => (seen.some((e) => e.event === 'job.finished' && (e.payload as { jobId: string }).jobId === again.jobId) ? true : undefined));
    const rerun = (await client['runs.get']({ runId: again.runIds[0]! })).run;
    expect(rerun.metric!.L).toEqual(run.metric!.L);
  });

  it('cancels a job and deletes a dataset', async () => {
    expect(await client['jobs.cancel']({ jobId: 'no-such-job' })).toEqual({ cancelled: false });
    const flowers = (await client['datasets.list']({})).datasets.find((d) => d.name === 'flowers')!;
    await client['constraints.set']({ datasetId: flowers.id, i: 0, j: 1, kind: 'must' });
    await client['constraints.set']({ datasetId: flowers.id, i: 0, j: 2, kind: 'cannot' });
    const runsOnFlowers = (await client['runs.list']({ datasetId: flowers.id, includeChildren: true })).runs.length;
    // What went with the dataset: its constraints and runs, counted in the same transaction as the deletion.
    expect(await client['datasets.delete']({ id: flowers.id })).toEqual({
      deleted: true,
      id: flowers.id,
      dataset: expect.objectContaining({ id: flowers.id, name: 'flowers', rows: flowers.rows }),
      constraintsRemoved: 2,
      runsRemoved: runsOnFlowers,
    });
    expect((await client['datasets.list']({})).datasets.map((d) => d.name)).toEqual(['iris']);
    expect(seen.some((e) => e.event === 'dataset.deleted')).toBe(true);
  });
});

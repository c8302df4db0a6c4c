import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createHttpTransport, type WorkbenchClient } from '../../shared/ipc/client.ts';
import { serve, type ServeHandle } from '../../src-main/server/main.ts';
import { gzip, IDX_TYPE, idxBytes } from '../import/idx-fixtures.ts';

/** IDX uploads with a labels file, and held-out test-set scores, through the browser client over HTTP. */
let dir: string;
let handle: ServeHandle;
let client: WorkbenchClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-idx-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  const token = 'idx-token-0123456789abcdef';
  handle = await serve({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'db.sqlite'), token, rendererDir: join(dir, 'renderer'), concurrency: 1 });
  client = createClient(createHttpTransport({ token, baseUrl: handle.server.origin }));
}, 60_000);

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** n images of 2×2 pixels: class 0 dark (pixels near 10), class 1 bright (near 200), alternating. */
function images(n: number, offset: number): { images: Uint8Array; labels: Uint8Array } {
  const pixels: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels.push(c);
    for (let p = 0; p < 4; p++) pixels.push((c ? 200 : 10) + ((i * 7 + p * 3 + offset) % 11));
  }
  return { images: gzip(idxBytes(IDX_TYPE.ubyte, [n, 2, 2], pixels)), labels: gzip(idxBytes(IDX_TYPE.ubyte, [n], labels)) };
}

async function importIdx(name: string, n: number, offset: number): Promise<number> {
  const data = images(n, offset);
  const file = await client.upload(`${name}-images-idx3-ubyte.gz`, data.images);
  const labels = await client.upload(`${name}-labels-idx1-ubyte.gz`, data.labels);
  const { preview } = await client['datasets.preview']({ fileId: file.fileId, options: { labelsFileId: labels.fileId } });
  expect(preview).toMatchObject({ format: 'idx', featureCount: 4, totalRows: n, classes: ['0', '1'], errors: [] });
  const { dataset } = await client['datasets.import']({ fileId: file.fileId, name, options: { labelsFileId: labels.fileId } });
  return dataset.id;
}

describe('IDX upload and test-set scores over HTTP', () => {
  it('imports uploaded IDX images with an uploaded labels file; the image layout is kept', async () => {
    const id = await importIdx('train', 20, 0);
    const detail = await client['datasets.get']({ id });
    expect(detail.dataset).toMatchObject({ rows: 20, features: 4, imageShape: [2, 2], classNames: ['0', '1'] });
  });

  it('refuses an unknown labels file id and a malformed one', async () => {
    const data = images(4, 0);
    const file = await client.upload('x-images-idx3-ubyte.gz', data.images);
    await expect(client['datasets.preview']({ fileId: file.fileId, options: { labelsFileId: 'nope' } })).rejects.toThrow(
      "Unknown file id 'nope': upload or choose the file again.",
    );
    await expect(client['datasets.preview']({ fileId: file.fileId, options: { labelsFileId: '../etc/passwd' } })).rejects.toThrow(
      /labelsFileId/,
    );
  });

  it('runs.score scores a learn run on a test set, stores it, and runs.get lists it', async () => {
    const testId = await importIdx('test', 10, 5);
    const trainId = (await client['datasets.list']({})).datasets.find((d) => d.name === 'train')!.id;
    const finished = new Promise<void>((resolve) => {
      const off = client.subscribe('job.finished', () => {
        off();
        resolve();
      });
    });
    const { runIds } = await client['jobs.start']({ spec: { kind: 'learn', datasetId: trainId, method: 'euclidean' } });
    await finished;
    const { record } = await client['runs.score']({ runId: runIds[0]!, testDatasetId: testId, k: 3 });
    expect(record).toMatchObject({ runId: runIds[0], testDatasetId: testId, testDatasetName: 'test', k: 3 });
    expect(record.score).toMatchObject({ accuracy: 1, precisionAt1: 1, trainRows: 20, testRows: 10 });
    const { run } = await client['runs.get']({ runId: runIds[0]! });
    expect(run.testScores).toEqual([record]);
    await expect(client['runs.score']({ runId: runIds[0]!, testDatasetId: testId, k: 0 })).rejects.toThrow(/k/);
  });
});

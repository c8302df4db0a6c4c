import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toDatasetInfo } from '../../shared/domain/dataset.ts';
import { JobCancelledError } from '../../shared/errors.ts';
import {
  addSample,
  deleteDataset,
  importDataset,
  loadDatasetMatrix,
  renameDataset,
  resolveDataset,
} from '../../src-main/services/datasets.ts';
import { addConstraint } from '../../src-main/services/constraints.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-datasets-'));
  store = openStore(join(dir, 'd.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeCsv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('dataset service', () => {
  it('imports a file, stores exactly the parsed values and names it after the file', async () => {
    const path = writeCsv('tiny.csv', 'x,y,label\n0.1,-0,a\n1e-308,2,b\n3,4.5,a\n');
    const { dataset, warnings } = await importDataset(store, path);
    expect(warnings).toEqual([]);
    expect(toDatasetInfo(dataset)).toEqual({ id: 1, name: 'tiny', rows: 3, features: 2, classes: ['a', 'b'], labeled: true });
    expect(dataset.sourceFile).toBe('tiny.csv');
    expect(dataset.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    const m = loadDatasetMatrix(store, 'tiny');
    expect(Array.from(m.features)).toEqual([0.1, -0, 1e-308, 2, 3, 4.5]);
    expect(Object.is(m.features[1], -0)).toBe(true);
    expect(Array.from(m.labels!)).toEqual([0, 1, 0]);
    expect(m.featureNames).toEqual(['x', 'y']);
    const second = await importDataset(store, path);
    expect(second.dataset.name).toBe('tiny (2)');
  });

  it('stores nothing when the file is refused, the name is taken or the import is cancelled', async () => {
    await importDataset(store, writeCsv('ok.csv', 'x,y\n1,2\n3,4\n'), { name: 'ok' });
    await expect(importDataset(store, writeCsv('bad.csv', 'a,b,c\n1,2,3\n3,four,5\n'))).rejects.toMatchObject({ code: 'IMPORT_FAILED' });
    await expect(importDataset(store, writeCsv('fine.csv', 'x,y\n1,2\n3,4\n'), { name: 'ok' })).rejects.toThrow("A dataset named 'ok' already exists (id 1).");
    const controller = new AbortController();
    controller.abort();
    const cancelled = importDataset(store, writeCsv('late.csv', 'x,y\n1,2\n3,4\n'), { signal: controller.signal });
    await expect(cancelled).rejects.toBeInstanceOf(JobCancelledError);
    await expect(cancelled).rejects.toThrow('The import was cancelled; nothing was stored.');
    expect(store.datasets.list().map((d) => d.name)).toEqual(['ok']);
  });

  it('adds bundled samples under their own names', async () => {
    const { dataset } = await addSample(store, 'iris');
    expect(toDatasetInfo(dataset)).toEqual({ id: 1, name: 'iris', rows: 150, features: 4, classes: ['setosa', 'versicolor', 'virginica'], labeled: true });
    expect((await addSample(store, 'iris')).dataset.name).toBe('iris (2)');
    expect((await addSample(store, 'digits', { name: 'pixels' })).dataset).toMatchObject({ name: 'pixels', rows: 1797, features: 64, imageShape: [8, 8] });
  });

  it('resolves by id or name with clear NOT_FOUND errors, renames and deletes with constraints', async () => {
    await importDataset(store, writeCsv('pts.csv', 'x,y\n1,2\n3,4\n5,6\n'));
    expect(resolveDataset(store, 1).name).toBe('pts');
    expect(resolveDataset(store, ' pts ').id).toBe(1);
    expect(() => resolveDataset(store, 'nope')).toThrow("No dataset with id or name 'nope'.");
    expect(() => resolveDataset(store, 4)).toThrow('No dataset with id 4.');
    expect(renameDataset(store, 'pts', 'points').name).toBe('points');
    expect(() => renameDataset(store, 'points', '  ')).toThrow('A dataset name cannot be empty.');
    addConstraint(store, 'points', 0, 2, 'cannot');
    expect(deleteDataset(store, 'points')).toMatchObject({ dataset: { id: 1 }, constraintsRemoved: 1, runsRemoved: 0 });
    expect(store.datasets.list()).toEqual([]);
    expect(() => deleteDataset(store, 'points')).toThrow("No dataset with id or name 'points'.");
  });
});

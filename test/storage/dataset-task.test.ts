import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetContentHash } from '../../src-main/storage/datasets-repository.ts';
import { openStore } from '../../src-main/storage/store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-task-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = { nRows: 3, nFeatures: 1, features: Float64Array.from([1, 2, 3]), featureNames: ['x'] };

describe('migration dataset-task and regression datasets in the store', () => {
  it('a dataset stored before the migration is a classification dataset after it', () => {
    const path = join(dir, 'v4.sqlite');
    const old = openStore(path, { targetVersion: 4 });
    // The version-4 schema, written as that version's repository did.
    old.db
      .prepare(
        `INSERT INTO datasets (name, feature_names, class_names, n_rows, n_features, features, labels, content_hash, created_at)
         VALUES ('old', '["x"]', '["a","b"]', 3, 1, ?, ?, 'h', '2026-01-01T00:00:00.000Z')`,
      )
      .run(Buffer.from(base.features.buffer), Buffer.from(Int32Array.from([0, 1, 0]).buffer));
    old.close();
    const store = openStore(path);
    expect(store.datasets.getByName('old')).toMatchObject({ task: 'classification', target: null, labeled: true });
    expect(store.datasets.loadMatrix(store.datasets.getByName('old')!.id).targets).toBeUndefined();
    store.close();
  });

  it('stores the targets bit-exact with the task and the target name; the hash covers them', () => {
    const store = openStore(join(dir, 'db.sqlite'));
    const targets = Float64Array.from([0.1, -2.5e-300, 7]);
    const d = store.datasets.insert({ name: 'reg', matrix: { ...base, labels: null, classNames: [], targets }, targetName: 'y' });
    expect(d).toMatchObject({ task: 'regression', target: 'y', labeled: false });
    const loaded = store.datasets.loadMatrix(d.id);
    expect(Buffer.from(loaded.targets!.buffer).equals(Buffer.from(targets.buffer))).toBe(true);
    const unlabeled = { ...base, labels: null };
    expect(d.contentHash).toBe(datasetContentHash({ ...unlabeled, targets }));
    expect(d.contentHash).not.toBe(datasetContentHash(unlabeled));
    expect(() => store.datasets.insert({ name: 'bad', matrix: { ...base, labels: null, classNames: [], targets: Float64Array.from([1, Number.NaN, 3]) } })).toThrow(
      'targets[1] = NaN is not a finite number.',
    );
    store.close();
  });
});

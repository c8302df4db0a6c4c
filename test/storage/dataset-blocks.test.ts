import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { DatasetDamagedError } from '../../shared/errors.ts';
import { datasetContentHash, DatasetsRepository } from '../../src-main/storage/datasets-repository.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';

/** Values whose bits a careless round trip (text, JSON, float32) would change. */
const EDGE_VALUES = [0, -0, 1e-308, 5e-324, -5e-324, Number.MAX_VALUE, 0.1, 1 / 3, Math.PI, Number.NaN, 123456789.12345679, -1];

function bits(values: Float64Array): string[] {
  return Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length), (b) => b.toString(16));
}

/**
 * 11 rows × 3 features in three kinds of rows, so blocks of 3 rows get different encodings: rows 0–2 bytes
 * (0…255), rows 3–5 float32-exact values, rows 6–10 the float64 edge values and one more byte row.
 */
function mixedMatrix(): DatasetMatrix {
  const nFeatures = 3;
  const values = [
    ...[0, 255, 7, 1, 2, 3, 254, 128, 64],
    ...[0.5, -1.25, 3072, -0, 1.5, 2.75, 1024.5, -7, 0.125],
    ...EDGE_VALUES,
    ...[9, 8, 7],
  ];
  const nRows = values.length / nFeatures;
  return {
    nRows,
    nFeatures,
    features: Float64Array.from(values),
    featureNames: ['a', 'b', 'c'],
    labels: Int32Array.from({ length: nRows }, (_, r) => r % 3),
    classNames: ['x', 'y', 'z'],
    imageShape: null,
  };
}

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-blocks-'));
  store = openStore(join(dir, 'store.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dataset feature blocks', () => {
  it('round-trip bit-identically across block boundaries, each block in its narrowest encoding', () => {
    const repo = new DatasetsRepository(store.db, { blockBytes: 3 * 3 * 8 });
    expect(repo.rowsPerBlock(3)).toBe(3);
    const matrix = mixedMatrix();
    const saved = repo.insert({ name: 'mixed', matrix });
    const blocks = store.db
      .prepare('SELECT block_index, first_row, n_rows, encoding, length(data) AS bytes FROM dataset_blocks WHERE dataset_id = ? ORDER BY block_index')
      .all(saved.id);
    expect(blocks).toEqual([
      { block_index: 0, first_row: 0, n_rows: 3, encoding: 'u8', bytes: 9 },
      { block_index: 1, first_row: 3, n_rows: 3, encoding: 'f32', bytes: 36 },
      { block_index: 2, first_row: 6, n_rows: 3, encoding: 'f64', bytes: 72 },
      { block_index: 3, first_row: 9, n_rows: 2, encoding: 'f64', bytes: 48 },
    ]);
    store.close();
    store = openStore(join(dir, 'store.sqlite'));
    const loaded = store.datasets.loadMatrix(saved.id);
    expect(bits(loaded.features)).toEqual(bits(matrix.features));
    expect(Object.is(loaded.features[12], -0)).toBe(true);
    expect(Array.from(loaded.labels!)).toEqual(Array.from(matrix.labels!));
    expect(saved.contentHash).toBe(datasetContentHash(matrix));
    // Read into shared memory (what the job runner hands its workers): the same bits, backed by SharedArrayBuffers.
    const shared = store.datasets.loadMatrix(saved.id, { shared: true });
    expect(shared.features.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.labels!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(loaded.features.buffer).toBeInstanceOf(ArrayBuffer);
    expect(bits(shared.features)).toEqual(bits(matrix.features));
    expect(Array.from(shared.labels!)).toEqual(Array.from(matrix.labels!));
  });

  it('delete their blocks with the dataset', () => {
    const repo = new DatasetsRepository(store.db, { blockBytes: 24 });
    const saved = repo.insert({ name: 'mixed', matrix: mixedMatrix() });
    expect(repo.delete(saved.id)).toBe(true);
    expect(store.db.prepare('SELECT count(*) AS n FROM dataset_blocks').get()).toEqual({ n: 0 });
  });

  it('refuse a dataset whose stored feature bytes were damaged on disk, naming it', () => {
    const nRows = 200;
    const nFeatures = 8;
    const features = Float64Array.from({ length: nRows * nFeatures }, (_, k) => 6 + k / 1000);
    const matrix: DatasetMatrix = { nRows, nFeatures, features, featureNames: Array.from({ length: nFeatures }, (_, k) => `f${k}`), labels: null, classNames: [], imageShape: null };
    const repo = new DatasetsRepository(store.db, { blockBytes: 50 * nFeatures * 8 });
    const saved = repo.insert({ name: 'fragile', matrix });
    store.close();
    // Overwrite 64 bytes in the middle of the stored features, as a damaged disk sector would.
    const path = join(dir, 'store.sqlite');
    const file = readFileSync(path);
    const marker = Buffer.from(features.buffer, 8 * 1000, 64);
    const at = file.indexOf(marker);
    expect(at).toBeGreaterThan(0);
    file.fill(0x5a, at, at + 64);
    writeFileSync(path, file);
    store = openStore(path);
    for (const shared of [false, true]) {
      const load = () => store.datasets.loadMatrix(saved.id, { shared });
      expect(load).toThrow(DatasetDamagedError);
      expect(load).toThrow(`The stored data of dataset 'fragile' (id ${saved.id}) is damaged (block 2, rows 100…149 fails its checksum); re-import it.`);
    }
  });

  it('refuse damaged labels and a missing block', () => {
    const repo = new DatasetsRepository(store.db, { blockBytes: 3 * 3 * 8 });
    const saved = repo.insert({ name: 'mixed', matrix: mixedMatrix() });
    store.db.prepare('UPDATE datasets SET labels = ? WHERE id = ?').run(Buffer.from(Int32Array.from({ length: 11 }, () => 1).buffer), saved.id);
    expect(() => repo.loadMatrix(saved.id)).toThrow(`dataset 'mixed' (id ${saved.id}) is damaged (its labels fail their checksum)`);
    expect(() => repo.loadMatrix(saved.id, { shared: true })).toThrow(`dataset 'mixed' (id ${saved.id}) is damaged (its labels fail their checksum)`);
    const other = repo.insert({ name: 'other', matrix: mixedMatrix() });
    store.db.prepare('DELETE FROM dataset_blocks WHERE dataset_id = ? AND block_index = 3').run(other.id);
    expect(() => repo.loadMatrix(other.id)).toThrow(`dataset 'other' (id ${other.id}) is damaged (its blocks hold 9 of its 11 rows)`);
  });

  it('are what migration 5 makes of a single-BLOB dataset, bit for bit', () => {
    const path = join(dir, 'v4.sqlite');
    const old = openStore(path, { targetVersion: 4 });
    const matrix = mixedMatrix();
    old.db
      .prepare(
        `INSERT INTO datasets (name, feature_names, class_names, n_rows, n_features, features, labels, content_hash, created_at)
         VALUES ('legacy', '["a","b","c"]', '["x","y","z"]', ?, 3, ?, ?, ?, '2026-01-01T00:00:00.000Z')`,
      )
      .run(matrix.nRows, Buffer.from(matrix.features.buffer), Buffer.from(matrix.labels!.buffer), datasetContentHash(matrix));
    old.db.prepare("INSERT INTO constraints (dataset_id, i, j, kind, origin, created_at, seq) VALUES (1, 0, 1, 'must', 'manual', 'now', 1)").run();
    old.close();
    const upgraded = openStore(path);
    const loaded = upgraded.datasets.loadMatrix(1);
    expect(bits(loaded.features)).toEqual(bits(matrix.features));
    expect(Array.from(loaded.labels!)).toEqual(Array.from(matrix.labels!));
    expect(upgraded.datasets.get(1)).toMatchObject({ name: 'legacy', constraintCount: 1, contentHash: datasetContentHash(matrix) });
    expect(upgraded.db.pragma('foreign_keys', { simple: true })).toBe(1);
    upgraded.close();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/storage/store.ts';
import { gzip, IDX_TYPE, idxBytes, IMAGES, LABELS } from '../import/idx-fixtures.ts';
import { runCli } from './helpers.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-idx-'));
  db = join(dir, 'test.sqlite');
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzip(idxBytes(IDX_TYPE.ubyte, [5, 3, 2], IMAGES)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzip(idxBytes(IDX_TYPE.ubyte, [5], LABELS)));
  writeFileSync(join(dir, 'short-labels-idx1-ubyte'), idxBytes(IDX_TYPE.ubyte, [4], LABELS.slice(0, 4)));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

describe('workbench import of IDX files', () => {
  it('imports train-images-idx3-ubyte.gz with --labels-file: images kept as 3×2 for thumbnails', async () => {
    const r = await cli('import', 'train-images-idx3-ubyte.gz', '--labels-file', 'train-labels-idx1-ubyte.gz');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      dataset: { id: 1, name: 'train-images-idx3-ubyte', rows: 5, features: 6, classes: ['0', '1', '3'], labeled: true },
      warnings: [],
      droppedRows: 0,
    });
    const store = openStore(db);
    try {
      const stored = store.datasets.loadMatrix(1);
      expect(stored.imageShape).toEqual([3, 2]);
      expect(Array.from(stored.features)).toEqual(IMAGES);
      expect(store.datasets.get(1)!.format).toBe('idx');
    } finally {
      store.close();
    }
  });

  it('refuses a label count mismatch with a message naming both files, and stores nothing', async () => {
    const r = await cli('import', 'train-images-idx3-ubyte.gz', '--labels-file', 'short-labels-idx1-ubyte');
    expect(r.code).toBe(1);
    expect(r.errorJson).toEqual({
      error: { code: 'IMPORT_FAILED', message: 'short-labels-idx1-ubyte: has 4 labels but train-images-idx3-ubyte.gz has 5 rows' },
    });
    const list = await cli('datasets');
    expect((list.json as { datasets: unknown[] }).datasets).toEqual([]);
  });
});

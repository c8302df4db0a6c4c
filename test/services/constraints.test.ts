import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { ConstraintError, NotFoundError, WorkbenchError } from '../../shared/errors.ts';
import {
  addConstraint,
  createConstraintsService,
  generateConstraints,
  importConstraintsCsv,
  listConstraints,
  parseConstraintsCsv,
} from '../../src-main/services/constraints.ts';
import { createFileRegistry, type FileRegistry } from '../../src-main/services/uploads.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';

/** 10 rows, 2 features; rows 0–4 class 0, rows 5–9 class 1. */
function tenRows(labels: Int32Array | null = Int32Array.from({ length: 10 }, (_, r) => (r < 5 ? 0 : 1)), classNames = ['a', 'b']): DatasetMatrix {
  return {
    nRows: 10,
    nFeatures: 2,
    features: Float64Array.from({ length: 20 }, (_, k) => k),
    featureNames: ['x', 'y'],
    labels,
    classNames: labels ? classNames : [],
  };
}

let dir: string;
let store: Store;
let files: FileRegistry;
/** The `constraints.changed` events the service sent. */
let changes: Array<{ datasetId: number; count: number }>;
/** The constraints channels as the handler table runs them. */
let channels: ReturnType<typeof createConstraintsService>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-constraints-'));
  store = openStore(join(dir, 'c.sqlite'));
  store.datasets.insert({ name: 'ten', matrix: tenRows() });
  files = createFileRegistry();
  changes = [];
  channels = createConstraintsService({
    store,
    files,
    notify: (event, payload) => {
      if (event === 'constraints.changed') changes.push(payload as { datasetId: number; count: number });
    },
  });
});
afterEach(async () => {
  store.close();
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

function errorOf(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (error) {
    return error as WorkbenchError;
  }
  throw new Error('expected an error');
}

describe('constraint rules', () => {
  it('add a pair in either order by dataset id or name, and relabel it', () => {
    expect(addConstraint(store, 'ten', 7, 3, 'must').outcome).toBe('added');
    const again = addConstraint(store, '1', '3', '7', 'cannot');
    expect(again.outcome).toBe('relabeled');
    expect(again.constraint).toMatchObject({ i: 3, j: 7, kind: 'cannot', origin: 'manual' });
    expect(listConstraints(store, 1).constraints.map((c) => [c.i, c.j, c.kind])).toEqual([[3, 7, 'cannot']]);
  });

  it('refuse self-pairs, out-of-range and non-integer rows, bad kinds and unknown datasets with exact messages', () => {
    const cases: Array<[() => unknown, string, string]> = [
      [() => addConstraint(store, 'ten', 4, 4, 'must'), 'CONSTRAINT_INVALID', 'A row cannot be paired with itself (i = j = 4).'],
      [() => addConstraint(store, 'ten', 0, 10, 'must'), 'CONSTRAINT_INVALID', "Row index 10 is out of range: dataset 'ten' has 10 rows (valid indices 0…9)."],
      [() => addConstraint(store, 'ten', -1, 2, 'must'), 'CONSTRAINT_INVALID', "Row index -1 is out of range: dataset 'ten' has 10 rows (valid indices 0…9)."],
      [() => addConstraint(store, 'ten', 1.5, 2, 'must'), 'CONSTRAINT_INVALID', 'Row index 1.5 is not an integer.'],
      [() => addConstraint(store, 'ten', 'two', 2, 'must'), 'CONSTRAINT_INVALID', "Row index 'two' is not an integer."],
      [() => addConstraint(store, 'ten', 1, 2, 'maybe'), 'CONSTRAINT_INVALID', "Constraint kind must be 'must' or 'cannot', got 'maybe'."],
      [() => addConstraint(store, 'eleven', 1, 2, 'must'), 'NOT_FOUND', "No dataset with id or name 'eleven'."],
      [() => addConstraint(store, 99, 1, 2, 'must'), 'NOT_FOUND', 'No dataset with id 99.'],
      [() => channels.remove({ datasetId: 1, i: 1, j: 1 }), 'CONSTRAINT_INVALID', 'A row cannot be paired with itself (i = j = 1).'],
      [() => channels.remove({ datasetId: 99, i: 1, j: 2 }), 'NOT_FOUND', 'No dataset with id 99.'],
    ];
    for (const [fn, code, message] of cases) {
      const error = errorOf(fn);
      expect({ code: error.code, message: error.message }).toEqual({ code, message });
    }
    expect(store.constraints.count(1).total).toBe(0);
  });

  it('remove a pair given in either order; a pair without a label is not removed and changes nothing', async () => {
    addConstraint(store, 'ten', 1, 2, 'must');
    addConstraint(store, 'ten', 3, 4, 'cannot');
    expect(await channels.remove({ datasetId: 1, i: 2, j: 1 })).toMatchObject({ removed: true, constraint: { i: 1, j: 2, kind: 'must', origin: 'manual' } });
    expect(changes).toEqual([{ datasetId: 1, count: 1 }]);
    expect(await channels.remove({ datasetId: 1, i: 2, j: 1 })).toEqual({ removed: false, constraint: null });
    expect(changes).toHaveLength(1);
    expect(listConstraints(store, 'ten').constraints.map((c) => [c.i, c.j])).toEqual([[3, 4]]);
  });
});

describe('constraint CSV', () => {
  const ten = { name: 'ten', rows: 10 };

  it('parse i, j, kind in any column order and case, with a BOM, CRLF, blank lines and extra columns', () => {
    const text = '\ufeffKind,note,J,I\r\nmust,x,3,1\r\n\r\nCANNOT-LINK,"a, b",0,9\r\nmust,,1,3\r\n';
    expect(parseConstraintsCsv(text, 'pairs.csv', ten)).toEqual([
      { i: 1, j: 3, kind: 'must', origin: 'imported' },
      { i: 0, j: 9, kind: 'cannot', origin: 'imported' },
    ]);
  });

  it('name the file and line of the first bad row', () => {
    const cases: Array<[string, string]> = [
      ['i,j,kind\n0,1,must\n2,2,cannot\n', 'pairs.csv, line 3: A row cannot be paired with itself (i = j = 2).'],
      ['i,j,kind\n0,10,must\n', "pairs.csv, line 2: Row index 10 is out of range: dataset 'ten' has 10 rows (valid indices 0…9)."],
      ['i,j,kind\n0,x,must\n', "pairs.csv, line 2: Row index 'x' is not an integer."],
      ['i,j,kind\n0,1,\n', 'pairs.csv, line 2: column kind is empty.'],
      ['i,j,kind\n0,1\n', 'pairs.csv, line 2: column kind is empty.'],
      ['i,j,kind\n0,1,similar\n', "pairs.csv, line 2: Constraint kind must be 'must' or 'cannot', got 'similar'."],
      ['i,j,kind\n0,1,must\n1,0,cannot\n', "pairs.csv, line 3: the pair (0, 1) is already listed on line 2 as 'must'."],
      ['a,b,kind\n0,1,must\n', "pairs.csv: the header must have columns i, j and kind; found 'a', 'b', 'kind'."],
      ['\n\n', 'pairs.csv: the file is empty; expected a header with columns i, j, kind.'],
    ];
    for (const [text, message] of cases) expect(() => parseConstraintsCsv(text, 'pairs.csv', ten)).toThrow(message);
  });

  it('import all or nothing, and export what import reads back', async () => {
    addConstraint(store, 'ten', 0, 1, 'must');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'i,j,kind\n2,3,must\n4,4,must\n');
    const fileId = async (path: string) => (await files.registerPath(path)).fileId;
    await expect(channels.import({ datasetId: 1, fileId: await fileId(bad) })).rejects.toThrow('bad.csv, line 3: A row cannot be paired with itself (i = j = 4).');
    expect(listConstraints(store, 'ten').constraints.map((c) => [c.i, c.j])).toEqual([[0, 1]]);

    const good = join(dir, 'good.csv');
    writeFileSync(good, 'i,j,kind\n1,0,cannot\n5,2,must\n0,1,cannot\n');
    expect(await channels.import({ datasetId: 1, fileId: await fileId(good) })).toEqual({ total: 2, added: 1, relabeled: 1, unchanged: 0 });
    expect(changes.at(-1)).toEqual({ datasetId: 1, count: 2 });

    const exported = await channels.export({ datasetId: 1 });
    expect(exported.count).toBe(2);
    const text = exported.csv;
    expect(text.split('\n')[0]).toBe('i,j,kind,origin,created_at');
    expect(text.split('\n').slice(1, 3).map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['0,1,cannot', '2,5,must']);
    expect(parseConstraintsCsv(text, 'out.csv', ten).map(({ i, j, kind }) => ({ i, j, kind }))).toEqual([
      { i: 0, j: 1, kind: 'cannot' },
      { i: 2, j: 5, kind: 'must' },
    ]);
    await expect(importConstraintsCsv(store, 'ten', join(dir, 'missing.csv'))).rejects.toThrow(`Cannot read ${join(dir, 'missing.csv')}: no such file.`);
  });
});

describe('constraint generation', () => {
  it('draws half must-link (same class) and half cannot-link pairs, reproducibly from the seed', () => {
    const r = generateConstraints(store, 'ten', { pairs: 9, seed: 42 });
    expect(r).toMatchObject({ requested: { must: 5, cannot: 4 }, added: 9, skipped: 0, seed: 42 });
    const labels = store.datasets.loadMatrix(1).labels!;
    const first = listConstraints(store, 'ten').constraints;
    for (const c of first) {
      expect(c.i).toBeLessThan(c.j);
      expect(c.origin).toBe('generated');
      expect(labels[c.i] === labels[c.j]).toBe(c.kind === 'must');
    }
    expect(first.filter((c) => c.kind === 'must')).toHaveLength(5);

    const other = openStore(join(dir, 'other.sqlite'));
    other.datasets.insert({ name: 'ten', matrix: tenRows() });
    generateConstraints(other, 'ten', { pairs: 9, seed: 42 });
    expect(listConstraints(other, 'ten').constraints.map(({ i, j, kind }) => [i, j, kind])).toEqual(first.map(({ i, j, kind }) => [i, j, kind]));
    generateConstraints(other, 'ten', { pairs: 2, seed: 43 });
    other.close();
  });

  it('keeps existing labels of drawn pairs', () => {
    const first = generateConstraints(store, 'ten', { pairs: 4, seed: 1 });
    expect(first.added).toBe(4);
    const again = generateConstraints(store, 'ten', { pairs: 4, seed: 1 });
    expect(again).toMatchObject({ added: 0, skipped: 4 });
  });

  it('needs labels and at least two classes', () => {
    store.datasets.insert({ name: 'plain', matrix: tenRows(null) });
    store.datasets.insert({ name: 'single', matrix: tenRows(new Int32Array(10), ['only']) });
    expect(errorOf(() => generateConstraints(store, 'plain', { pairs: 4 })).message).toBe(
      "Dataset 'plain' has no class labels; generating constraints needs a labeled dataset.",
    );
    const single = errorOf(() => generateConstraints(store, 'single', { pairs: 4 }));
    expect(single).toBeInstanceOf(ConstraintError);
    expect(single.message).toBe("Dataset 'single' has 1 class among its labeled rows; generating constraints needs at least 2.");
    expect(errorOf(() => generateConstraints(store, 'ten', { pairs: 0 })).message).toBe('The number of pairs must be an integer ≥ 1, got 0.');
    expect(errorOf(() => generateConstraints(store, 'ten', { pairs: 100 })).message).toBe(
      'Cannot generate 50 must-link pairs: the labels allow only 20 distinct same-class pairs.',
    );
    expect(errorOf(() => generateConstraints(store, 'nope', { pairs: 2 }))).toBeInstanceOf(NotFoundError);
    expect(store.constraints.count(1).total).toBe(0);
  });
});

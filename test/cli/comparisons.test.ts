/**
 * `workbench comparisons` end to end (in-process CLI over a real store), and the service's rules underneath it:
 * add / list / export / import round trip, the contradiction named, an import all or nothing, generation seeded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConstraintError } from '../../shared/errors.ts';
import { addComparison, derivedComparisons, importComparisonsCsv, listComparisons } from '../../src-main/services/comparisons.ts';
import { addConstraint } from '../../src-main/services/constraints.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { runCli } from './helpers.ts';

const IRIS = join(import.meta.dirname, '../../src-main/samples/data/iris.csv');

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-comparisons-'));
  db = join(dir, 'test.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });
type Listed = { dataset: { id: number; name: string }; comparisons: Array<{ anchor: number; closer: number; farther: number; origin: string; seq: number }> };
const triples = (listed: Listed): string[] => listed.comparisons.map((c) => `${c.anchor},${c.closer},${c.farther}`);

describe('workbench comparisons', () => {
  it('adds, lists, exports, clears and imports back the same set; refuses bad rows and contradictions naming the stored one', async () => {
    await cli('import', IRIS);
    const added = await cli('comparisons', 'add', '--dataset', 'iris', '0', '1', '50');
    expect(added.code).toBe(0);
    expect(added.json).toEqual({
      dataset: { id: 1, name: 'iris' },
      comparison: { anchor: 0, closer: 1, farther: 50, origin: 'manual', createdAt: expect.any(String), seq: 1 },
      outcome: 'added',
    });
    expect((await cli('comparisons', 'add', '--dataset', '1', '0', '1', '50')).json).toMatchObject({ outcome: 'unchanged', comparison: { seq: 1 } });
    for (const t of [['60', '61', '120'], ['120', '121', '3'], ['7', '3', '99']]) expect((await cli('comparisons', 'add', '--dataset', 'iris', ...t)).code).toBe(0);

    const contradiction = await cli('comparisons', 'add', '--dataset', 'iris', '0', '50', '1');
    expect(contradiction.code).toBe(1);
    expect(contradiction.errorJson).toEqual({
      error: {
        code: 'CONSTRAINT_INVALID',
        message:
          'The comparison (0, 50, 1) (row 0 closer to 50 than to 1) contradicts the stored comparison (0, 1, 50) (row 0 closer to 1 than to 50, manual, #1); remove that one first.',
      },
    });
    expect((await cli('comparisons', 'add', '--dataset', 'iris', '0', '1', '150')).errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: "Row index 150 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)." },
    });
    expect((await cli('comparisons', 'add', '--dataset', 'iris', '4', '9', '4')).errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: 'The comparison (4, 9, 4) names row 4 twice (anchor and farther): a comparison needs three different rows.' },
    });

    const before = (await cli('comparisons', 'list', '--dataset', 'iris')).json as Listed;
    expect(before.dataset).toEqual({ id: 1, name: 'iris' });
    expect(triples(before)).toEqual(['0,1,50', '60,61,120', '120,121,3', '7,3,99']);
    expect(before.comparisons.map((c) => c.seq)).toEqual([1, 2, 3, 4]);

    const exported = await cli('comparisons', 'export', '--dataset', 'iris', 'triplets.csv');
    expect(exported.json).toEqual({ dataset: { id: 1, name: 'iris' }, exported: { count: 4, path: join(dir, 'triplets.csv') } });
    expect(readFileSync(join(dir, 'triplets.csv'), 'utf8').split('\n')[0]).toBe('anchor,closer,farther,origin,created_at');

    expect((await cli('comparisons', 'clear', '--dataset', 'iris')).code).toBe(2);
    expect((await cli('comparisons', 'clear', '--dataset', 'iris', '--yes')).json).toMatchObject({ cleared: 4 });
    const imported = await cli('comparisons', 'import', '--dataset', 'iris', 'triplets.csv');
    expect(imported.json).toEqual({ dataset: { id: 1, name: 'iris' }, imported: { total: 4, added: 4, unchanged: 0 } });
    const after = (await cli('comparisons', 'list', '--dataset', 'iris')).json as Listed;
    expect(triples(after)).toEqual(triples(before));
    expect(after.comparisons.every((c) => c.origin === 'imported')).toBe(true);

    const removed = await cli('comparisons', 'remove', '--dataset', 'iris', '7', '3', '99');
    expect(removed.json).toMatchObject({ removed: { anchor: 7, closer: 3, farther: 99 } });
    expect((await cli('comparisons', 'remove', '--dataset', 'iris', '7', '3', '99')).errorJson).toEqual({
      error: { code: 'NOT_FOUND', message: "Dataset 'iris' has no comparison (7, 3, 99)." },
    });
  });

  it('imports all or nothing: a contradiction with a stored comparison or within the file adds none, naming file, line and conflict', async () => {
    await cli('import', IRIS);
    await cli('comparisons', 'add', '--dataset', 'iris', '0', '1', '50');
    writeFileSync(join(dir, 'bad.csv'), 'anchor,closer,farther\n5,6,70\n8,9,71\n0,50,1\n');
    const refused = await cli('comparisons', 'import', '--dataset', 'iris', 'bad.csv');
    expect(refused.errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: 'bad.csv, line 4: the comparison (0, 50, 1) contradicts the stored comparison (0, 1, 50) (manual, #1).' },
    });
    writeFileSync(join(dir, 'self.csv'), 'farther,anchor,closer\n70,5,6\n6,5,70\n');
    expect((await cli('comparisons', 'import', '--dataset', 'iris', 'self.csv')).errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: 'self.csv, line 3: the comparison (5, 70, 6) contradicts (5, 6, 70) on line 2.' },
    });
    writeFileSync(join(dir, 'range.csv'), 'anchor,closer,farther\n5,6,70\n5,6,170\n');
    expect((await cli('comparisons', 'import', '--dataset', 'iris', 'range.csv')).errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: "range.csv, line 3: Row index 170 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)." },
    });
    expect(triples((await cli('comparisons', 'list', '--dataset', 'iris')).json as Listed)).toEqual(['0,1,50']);
  });

  it('generate --count 200 --seed 0 twice gives the same triplets, each a same-class closer and an other-class farther row', async () => {
    await cli('import', IRIS);
    const first = await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '200', '--seed', '0');
    expect(first.json).toEqual({ dataset: { id: 1, name: 'iris' }, generated: { count: 200, added: 200, skipped: 0, seed: 0 } });
    const listed = triples((await cli('comparisons', 'list', '--dataset', 'iris')).json as Listed);
    expect(new Set(listed).size).toBe(200);
    const species = (r: number): number => Math.floor(r / 50); // iris.csv: 50 rows per class, in order
    for (const t of listed) {
      const [x, y, z] = t.split(',').map(Number) as [number, number, number];
      expect([species(x) === species(y), species(x) !== species(z)]).toEqual([true, true]);
    }
    expect((await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '200', '--seed', '0')).json).toMatchObject({ generated: { count: 200, added: 0, skipped: 200 } });
    await cli('comparisons', 'clear', '--dataset', 'iris', '--origin', 'generated', '--yes');
    await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '200', '--seed', '0');
    expect(triples((await cli('comparisons', 'list', '--dataset', 'iris')).json as Listed)).toEqual(listed);
    await cli('comparisons', 'clear', '--dataset', 'iris', '--yes');
    await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '200', '--seed', '1');
    expect(triples((await cli('comparisons', 'list', '--dataset', 'iris')).json as Listed)).not.toEqual(listed);
  });

  it('lists the comparisons the labeled pairs imply with --derived, without storing them', async () => {
    await cli('import', IRIS);
    await cli('constraints', 'add', '--dataset', 'iris', '0', '1', 'must');
    await cli('constraints', 'add', '--dataset', 'iris', '1', '60', 'cannot');
    await cli('comparisons', 'add', '--dataset', 'iris', '0', '1', '60');
    const listed = (await cli('comparisons', 'list', '--dataset', 'iris', '--derived')).json as Listed & { derived: number[][]; derivedTotal: number };
    expect(triples(listed)).toEqual(['0,1,60']);
    expect(listed.derived).toEqual([[1, 0, 60]]);
    expect(listed.derivedTotal).toBe(1);
    expect((await cli('comparisons', 'export', '--dataset', 'iris', 'x.csv', '--derived')).code).toBe(2);
  });
});

describe('comparisons service', () => {
  it('stores one row per ordered triple in labeling order and derives comparisons from the pairs store', async () => {
    const store = openStore(':memory:');
    try {
      const matrix = { nRows: 6, nFeatures: 1, features: Float64Array.from([0, 1, 2, 3, 4, 5]), featureNames: ['x'], labels: null, classNames: [] };
      store.datasets.insert({ name: 'six', matrix });
      expect(addComparison(store, 'six', 0, 1, 2).outcome).toBe('added');
      expect(addComparison(store, 'six', 1, 0, 2).outcome).toBe('added');
      expect(() => addComparison(store, 'six', 1, 2, 0)).toThrow(ConstraintError);
      expect(listComparisons(store, 'six').comparisons.map((c) => [c.anchor, c.closer, c.farther, c.seq])).toEqual([[0, 1, 2, 1], [1, 0, 2, 2]]);
      addConstraint(store, 'six', 3, 4, 'must');
      addConstraint(store, 'six', 4, 0, 'cannot');
      expect(derivedComparisons(store, 'six')).toMatchObject({ derived: [[3, 4, 0], [4, 3, 0]], total: 2 });
      const csv = join(dir, 'c.csv');
      writeFileSync(csv, 'anchor,closer,farther\n0,1,2\n2,3,4\n');
      await expect(importComparisonsCsv(store, 'six', csv)).resolves.toMatchObject({ total: 2, added: 1, unchanged: 1 });
    } finally {
      store.close();
    }
  });
});

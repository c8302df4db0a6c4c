import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkbench, type Workbench } from '../../src-main/services/workbench.ts';
import { runCli, runCliInterrupted } from './helpers.ts';

// The CLI's data commands go through the same dispatch gateway as the app and the browser mode (issue 11): their
// requests are validated against the contract (a bad one is refused naming the field, and nothing is stored), and
// what they print is what the channel answers.
let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

/** A second workbench over the same database file, to ask the gateway directly what the CLI should have printed. */
async function withWorkbench<T>(use: (workbench: Workbench) => Promise<T>): Promise<T> {
  const workbench = await createWorkbench({ dbPath: db, mode: 'cli', concurrency: 1 });
  try {
    return await use(workbench);
  } finally {
    await workbench.close();
  }
}

async function call(workbench: Workbench, channel: string, request: unknown): Promise<unknown> {
  const envelope = await workbench.dispatch(channel, request);
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
  return envelope.value;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-gateway-data-'));
  db = join(dir, 'test.sqlite');
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
  writeFileSync(join(dir, 'semi.csv'), 'a;b;c\n1;2;x\n3;4;y\n5;6;x\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI data commands through the gateway', () => {
  it('refuses a request the contract refuses, naming the field, and stores nothing', async () => {
    const delimiter = await cli('import', 'semi.csv', '--delimiter', ':');
    expect(delimiter.code).toBe(1);
    expect(delimiter.errorJson).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Invalid request for 'datasets\.import': options\.delimiter: Invalid option/) },
    });
    const pairs = await cli('constraints', 'generate', '--dataset', 'iris', '--pairs', '200000');
    expect(pairs.errorJson).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: "Invalid request for 'constraints.generate': pairs: Too big: expected number to be <=100000" },
    });
    const name = await cli('samples', 'add', 'wine', '--name', '');
    expect(name.errorJson).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: "Invalid request for 'samples.add': datasetName: Too small: expected string to have >=1 characters" },
    });
    const listed = (await cli('datasets')).json as { datasets: Array<{ name: string; constraints: number }> };
    expect(listed.datasets.map((d) => [d.name, d.constraints])).toEqual([['iris', 0]]);
    // A negative label column (counted from the end) is the importer's rule, and the contract takes it.
    const semi = await cli('import', 'semi.csv', '--delimiter', ';', '--label', '-1');
    expect(semi.json).toEqual({ dataset: { id: 2, name: 'semi', rows: 3, features: 2, classes: ['x', 'y'], labeled: true }, warnings: [], droppedRows: 0 });
  });

  it('keeps the service messages for rows the contract refuses by type (−1), checked against the dataset', async () => {
    const negative = await cli('constraints', 'remove', '--dataset', 'iris', '7', '-3');
    expect(negative.errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: "Row index -3 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)." },
    });
    const none = await cli('constraints', 'remove', '--dataset', 'iris', '7', '3');
    expect(none.errorJson).toEqual({ error: { code: 'NOT_FOUND', message: "Dataset 'iris' has no constraint on the pair (3, 7)." } });
  });

  it('prints what the channels answer: datasets.list, constraints.list, methods.list, datasets.get', async () => {
    expect((await cli('constraints', 'add', '--dataset', 'iris', '9', '4', 'cannot')).json).toEqual({
      dataset: { id: 1, name: 'iris' },
      constraint: { i: 4, j: 9, kind: 'cannot', origin: 'manual', createdAt: expect.any(String), seq: 1 },
      outcome: 'added',
    });
    const [datasets, constraints, methods, shown] = [await cli('datasets'), await cli('constraints', 'list', '--dataset', 'iris'), await cli('methods'), await cli('dataset', 'show', 'iris')];
    await withWorkbench(async (workbench) => {
      const list = (await call(workbench, 'datasets.list', {})) as { datasets: Array<Record<string, unknown>> };
      expect((datasets.json as { datasets: unknown[] }).datasets).toEqual(
        list.datasets.map((d) => ({ id: d.id, name: d.name, rows: d.rows, features: d.features, classes: d.classes, labeled: d.labeled, constraints: d.constraintCount, comparisons: d.comparisonCount, sourceFile: d.sourceFile, contentHash: d.contentHash, createdAt: d.createdAt })),
      );
      expect(constraints.json).toEqual({ dataset: { id: 1, name: 'iris' }, ...((await call(workbench, 'constraints.list', { datasetId: 1 })) as object) });
      expect(methods.stdout).toBe(`${JSON.stringify(await call(workbench, 'methods.list', {}))}\n`);
      const detail = ((await call(workbench, 'datasets.get', { id: 1 })) as { dataset: Record<string, unknown> }).dataset;
      expect(shown.json).toEqual({
        dataset: {
          ...Object.fromEntries(Object.entries(detail).filter(([key]) => !['classNames', 'stats', 'classCounts'].includes(key))),
          format: 'csv',
          warnings: [],
        },
      });
    });
  });

  it('renames through datasets.rename, validated like every channel', async () => {
    const renamed = await cli('dataset', 'rename', 'semi', 'semicolons');
    expect(renamed.json).toEqual({ dataset: { id: 2, name: 'semicolons', rows: 3, features: 2, classes: ['x', 'y'], labeled: true } });
    const taken = await cli('dataset', 'rename', 'semicolons', 'iris');
    expect(taken.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "A dataset named 'iris' already exists (id 1)." } });
    await withWorkbench(async (workbench) => {
      expect(await workbench.dispatch('datasets.rename', { id: 2, name: '' })).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: "Invalid request for 'datasets.rename': name: Too small: expected string to have >=1 characters" },
      });
      expect(await workbench.dispatch('datasets.rename', { id: 987, name: 'x' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No dataset with id 987.' } });
      expect(await workbench.dispatch('datasets.rename', { id: 2, name: 'semi', path: '/etc' })).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: `Invalid request for 'datasets.rename': (root): Unrecognized key: "path"` },
      });
      expect(await call(workbench, 'datasets.resolve', { ref: 'semicolons' })).toEqual({ dataset: expect.objectContaining({ id: 2, name: 'semicolons' }) });
      expect(await workbench.dispatch('datasets.resolve', { ref: 'roses' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: "No dataset with id or name 'roses'." } });
    });
  });

  it('deletes through datasets.delete, which counts the constraints and runs that went with the dataset', async () => {
    expect((await cli('constraints', 'generate', '--dataset', 'semicolons', '--pairs', '2', '--seed', '1')).json).toEqual({
      dataset: { id: 2, name: 'semicolons' },
      generated: { must: 1, cannot: 1, added: 2, skipped: 0, seed: 1 },
    });
    expect((await cli('learn', '--dataset', 'semicolons', '--method', 'euclidean')).code).toBe(0);
    expect((await cli('learn', '--dataset', 'semicolons', '--method', 'covariance')).code).toBe(0);
    const deleted = await cli('dataset', 'delete', 'semicolons', '--yes');
    expect(deleted.json).toEqual({
      deleted: { id: 2, name: 'semicolons', rows: 3, features: 2, classes: ['x', 'y'], labeled: true },
      constraintsRemoved: 2,
      runsRemoved: 2,
    });
    expect((await cli('runs')).json).toEqual({ runs: [] });
  });

  it('imports on the import worker with progress from import.progress events, and Ctrl-C cancels it: nothing stored, exit 130', async () => {
    const big = join(dir, 'big.csv');
    const lines = ['a,b,c,d,e,f,g,h,label'];
    for (let r = 0; r < 60_000; r++) lines.push(`${Array.from({ length: 8 }, (_, f) => ((r * 7919 + f * 104729) % 100_003) / 7.3).join(',')},${r % 2 ? 'odd' : 'even'}`);
    writeFileSync(big, `${lines.join('\n')}\n`);
    // The first progress line (from an import.progress event): press Ctrl-C.
    const { code: interrupted, stderr } = await runCliInterrupted(['--db', db, 'import', 'big.csv'], /Importing big\.csv \d+%/, { cwd: dir });
    expect(stderr).toMatch(/^Importing big\.csv \d+%\nworkbench: error: Interrupted by Ctrl-C\.\n$/);
    expect(stderr).not.toContain('100%');
    expect(interrupted).toBe(130);
    expect(((await cli('datasets')).json as { datasets: Array<{ name: string }> }).datasets.map((d) => d.name)).toEqual(['iris']);
    const imported = await runCli(['--db', db, 'import', 'big.csv'], { cwd: dir });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('Importing big.csv 100%');
    expect(imported.stdout).toMatch(/^Imported 'big' \(id \d+\): 60000 rows × 8 features, 2 classes \(even, odd\)\.\n$/);
    await withWorkbench(async (workbench) => {
      expect(await call(workbench, 'datasets.cancelImport', { fileId: 'not-running' })).toEqual({ cancelled: false });
    });
  });
});

/**
 * `workbench export --with-labels`: the dataset's pairs CSV and comparisons CSV beside the exported metric, written
 * with it (all files or none), in the format `constraints import` and `comparisons import` read back; and `run show`
 * of a run that learned from the comparisons lists them (count and origin; the list in --json).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelPaths } from '../../src-main/cli/commands/export.ts';
import { runCli } from './helpers.ts';

let dir: string;
let db: string;
let runId: number;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-export-labels-'));
  db = join(dir, 'w.sqlite');
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
  expect((await cli('constraints', 'add', '--dataset', 'iris', '0', '1', 'must')).code).toBe(0);
  expect((await cli('constraints', 'add', '--dataset', 'iris', '0', '60', 'cannot')).code).toBe(0);
  expect((await cli('comparisons', 'add', '--dataset', 'iris', '0', '1', '60')).code).toBe(0);
  expect((await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '4', '--seed', '0')).code).toBe(0);
  const learned = await cli('learn', '--dataset', 'iris', '--method', 'lda');
  expect(learned.code, learned.stderr).toBe(0);
  runId = (learned.json as { run: { id: number } }).run.id;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export --with-labels', () => {
  it('names the label files after the export path, without its extension', () => {
    expect(labelPaths('/x/iris-scml.json')).toEqual({ constraints: '/x/iris-scml-constraints.csv', comparisons: '/x/iris-scml-comparisons.csv' });
    expect(labelPaths('/x.d/metric')).toEqual({ constraints: '/x.d/metric-constraints.csv', comparisons: '/x.d/metric-comparisons.csv' });
  });

  it('writes the metric, the pairs CSV and the comparisons CSV, and the CSVs import back to the same labels', async () => {
    const out = join(dir, 'out', 'iris-scml.json');
    const r = await cli('export', '--run', String(runId), '--format', 'json', '--out', out, '--with-labels');
    expect(r.code, r.stderr).toBe(0);
    const files = (r.json as { exported: { files: Array<{ path: string }> } }).exported.files.map((f) => f.path);
    expect(files).toEqual([out, join(dir, 'out', 'iris-scml-constraints.csv'), join(dir, 'out', 'iris-scml-comparisons.csv')]);
    expect(readFileSync(files[1]!, 'utf8').split('\n').slice(0, 3).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['i,j,kind,origin', '0,1,must,manual', '0,60,cannot,manual']);
    const comparisons = readFileSync(files[2]!, 'utf8').trim().split('\n');
    expect(comparisons[0]).toBe('anchor,closer,farther,origin,created_at');
    expect(comparisons[1]!.split(',').slice(0, 4).join(',')).toBe('0,1,60,manual');
    expect(comparisons.slice(2).every((l) => l.split(',')[3] === 'generated')).toBe(true);
    const listed = (await cli('comparisons', 'list', '--dataset', 'iris')).json as { comparisons: unknown[] };
    expect(comparisons).toHaveLength(1 + listed.comparisons.length);

    // Into a fresh copy of the dataset, the two CSVs give the same pairs and comparisons.
    expect((await cli('samples', 'add', 'iris', '--name', 'copy')).code).toBe(0);
    expect((await cli('constraints', 'import', '--dataset', 'copy', files[1]!)).code).toBe(0);
    expect((await cli('comparisons', 'import', '--dataset', 'copy', files[2]!)).code).toBe(0);
    const triples = (name: string) => cli('comparisons', 'list', '--dataset', name).then((x) => (x.json as { comparisons: Array<{ anchor: number; closer: number; farther: number }> }).comparisons.map((c) => [c.anchor, c.closer, c.farther]));
    expect(await triples('copy')).toEqual(await triples('iris'));
    const pairs = (name: string) => cli('constraints', 'list', '--dataset', name).then((x) => (x.json as { constraints: Array<{ i: number; j: number; kind: string }> }).constraints.map((c) => [c.i, c.j, c.kind]));
    expect(await pairs('copy')).toEqual(await pairs('iris'));
  });

  it('writes none of the files when one of them cannot be written (a folder in the way)', async () => {
    const out = join(dir, 'blocked');
    mkdirSync(join(out, 'm-comparisons.csv'), { recursive: true });
    writeFileSync(join(out, 'm.json'), 'earlier');
    const r = await cli('export', '--run', String(runId), '--format', 'json', '--out', join(out, 'm.json'), '--with-labels');
    expect(r.code).toBe(1);
    expect((r.errorJson as { error: { code: string } }).error.code).toBe('EXPORT_FAILED');
    expect(readFileSync(join(out, 'm.json'), 'utf8')).toBe('earlier');
    expect(readdirSync(out).sort()).toEqual(['m-comparisons.csv', 'm.json']);
  });
});

describe('the dataset summary', () => {
  it('gives the comparison count beside the pair count: datasets, dataset show (JSON and text)', async () => {
    const listed = ((await cli('comparisons', 'list', '--dataset', 'iris')).json as { comparisons: unknown[] }).comparisons.length;
    const datasets = (await cli('datasets')).json as { datasets: Array<{ name: string; constraints: number; comparisons: number }> };
    expect(datasets.datasets.find((d) => d.name === 'iris')).toMatchObject({ constraints: 2, comparisons: listed });
    const shown = (await cli('dataset', 'show', 'iris')).json as { dataset: { constraintCount: number; comparisonCount: number } };
    expect(shown.dataset).toMatchObject({ constraintCount: 2, comparisonCount: listed });
    const text = await runCli(['--db', db, 'dataset', 'show', 'iris'], { cwd: dir });
    expect(text.stdout).toMatch(new RegExp(`constraints: +2\\ncomparisons: +${listed}\\n`));
  });
});

describe('run show of a run that learned from your comparisons', () => {
  it('gives their count and origins, and the list in --json; a run on generated comparisons has none', async () => {
    const evaluated = await cli('evaluate', '--dataset', 'iris', '--method', 'lsml', '--constraints', 'labeled', '--folds', '2');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const id = String((evaluated.json as { evaluation: { runId: number } }).evaluation.runId);
    const listed = ((await cli('comparisons', 'list', '--dataset', 'iris')).json as { comparisons: Array<{ anchor: number; closer: number; farther: number; origin: string }> }).comparisons;
    const shown = await cli('run', 'show', id);
    expect((shown.json as { run: { comparisons: unknown } }).run.comparisons).toEqual({
      count: listed.length,
      origins: { manual: 1, generated: listed.length - 1 },
      list: listed.map((c) => [c.anchor, c.closer, c.farther]),
    });
    const text = await runCli(['--db', db, 'run', 'show', id], { cwd: dir });
    expect(text.stdout).toContain(`Comparisons: ${listed.length} of yours (1 manual, ${listed.length - 1} generated)`);

    // Origins are the dataset's now: a comparison removed since the run is 'not stored' (the run's list keeps it).
    expect((await cli('comparisons', 'remove', '--dataset', 'iris', '0', '1', '60')).code).toBe(0);
    const after = ((await cli('run', 'show', id)).json as { run: { comparisons: { count: number; origins: Record<string, number> } } }).run.comparisons;
    expect(after).toMatchObject({ count: listed.length, origins: { 'not stored': 1, generated: listed.length - 1 } });
    expect((await cli('comparisons', 'add', '--dataset', 'iris', '0', '1', '60')).code).toBe(0);

    const generated = await cli('evaluate', '--dataset', 'iris', '--method', 'lsml', '--constraints', 'generated', '--folds', '2');
    const other = await cli('run', 'show', String((generated.json as { evaluation: { runId: number } }).evaluation.runId));
    expect((other.json as { run: Record<string, unknown> }).run.comparisons).toBeUndefined();
  });
});

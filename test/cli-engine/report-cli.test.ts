import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers.ts';
import { parseBooktabsTable, parseCsv } from '../report/parse.ts';

let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });
let generated: { runId: number; comparison: Array<{ runId: number; method: string; pairAucPairs: number; pairAucSource: string; supervision: unknown }> };
let labeled: typeof generated;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-report-'));
  db = join(dir, 'test.sqlite');
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
  const g = await cli('compare', '--dataset', 'iris', '--methods', 'euclidean,lda,mmc-diagonal', '--constraints', 'generated');
  expect(g.code, g.stderr).toBe(0);
  generated = g.json as typeof generated;
  // 12 hand-labeled pairs: few of them fall inside one test part.
  for (let k = 0; k < 12; k++) expect((await cli('constraints', 'add', '--dataset', 'iris', String(k), String(149 - k), k % 3 === 0 ? 'must' : 'cannot')).code).toBe(0);
  const l = await cli('compare', '--dataset', 'iris', '--methods', 'euclidean,mmc-diagonal', '--constraints', 'labeled');
  expect(l.code, l.stderr).toBe(0);
  labeled = l.json as typeof labeled;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pair AUC and supervision in a comparison', () => {
  it('every method of a comparison is scored on the same held-out pairs, counted', () => {
    for (const c of [generated, labeled]) expect(new Set(c.comparison.map((e) => e.pairAucPairs)).size).toBe(1);
    expect(generated.comparison[0]!.pairAucSource).toBe('generated');
    expect(generated.comparison[0]!.pairAucPairs).toBeGreaterThanOrEqual(20);
    expect(labeled.comparison[0]!.pairAucSource).toBe('labeled');
    expect(labeled.comparison[0]!.pairAucPairs).toBeLessThan(20);
    expect(generated.comparison.map((e) => e.supervision)).toEqual([
      { kind: 'none' },
      { kind: 'labels' },
      { kind: 'pairs', source: 'generated', perFold: 360 }, // metric-learn's 20·c² of each kind, c = 3 classes
    ]);
    expect(labeled.comparison[1]!.supervision).toEqual({ kind: 'pairs', source: 'labeled', count: 12 });
  });

  it('the text outputs show the count or n/a, and `runs` names the supervision', async () => {
    const text = await runCli(['--db', db, 'run', 'show', String(labeled.runId)], { cwd: dir });
    const runs = await runCli(['--db', db, 'runs', '--all'], { cwd: dir });
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain('SUPERVISION');
    expect(runs.stdout).toContain('pairs: labeled (12)');
    expect(runs.stdout).toContain('pairs: generated (360 per fold)');
    expect(runs.stdout).toContain('class labels');
    expect(text.code).toBe(0);
    const listed = (await cli('runs', '--all')).json as { runs: Array<{ id: number; supervision: unknown }> };
    expect(listed.runs.find((r) => r.id === labeled.comparison[1]!.runId)!.supervision).toEqual({ kind: 'pairs', source: 'labeled', count: 12 });
    expect(listed.runs.find((r) => r.id === labeled.runId)!.supervision).toBeNull();
  });
});

describe('workbench report', () => {
  it('writes the table as Markdown, LaTeX and CSV, and the per-fold results as tidy CSV', async () => {
    const id = String(generated.runId);
    const md = await cli('report', '--runs', id, '--format', 'md', '--out', 'table.md');
    expect(md.code, md.stderr).toBe(0);
    const report = (md.json as { report: { runs: number[]; format: string; path: string; bytes: number; fileName: string } }).report;
    expect(report).toMatchObject({ runs: [generated.runId], format: 'md', path: join(dir, 'table.md') });
    expect(report.fileName).toBe(`iris-comparison-runs-${id}-table.md`);
    const markdown = readFileSync(join(dir, 'table.md'), 'utf8');
    expect(markdown).toContain('Protocol: stratified 5-fold CV (seed 0), 3-NN, z-score preprocessing');
    expect(markdown).toContain('| euclidean | unsupervised |');
    expect(markdown).toContain('corrected resampled t-test (Nadeau & Bengio)');
    expect(report.bytes).toBe(Buffer.byteLength(markdown));

    expect((await cli('report', '--runs', id, '--format', 'tex', '--out', 'table.tex')).code).toBe(0);
    const tex = parseBooktabsTable(readFileSync(join(dir, 'table.tex'), 'utf8'));
    expect(tex.rows.map((r) => r[0])).toEqual(['euclidean', 'lda', 'mmc-diagonal']);
    expect(tex.header).toContain('p vs Euclidean');

    expect((await cli('report', '--runs', id, '--format', 'csv', '--out', 'table.csv')).code).toBe(0);
    const csv = parseCsv(readFileSync(join(dir, 'table.csv'), 'utf8'));
    const header = csv[0]!;
    const column = (name: string) => csv.slice(1).map((r) => r[header.indexOf(name)]!);
    expect(column('method')).toEqual(['euclidean', 'lda', 'mmc-diagonal']);
    expect(column('supervision')).toEqual(['unsupervised', 'class labels', 'pairs: generated (360 per fold)']);
    const pEuclidean = column('p_vs_euclidean_t');
    expect(pEuclidean[0]).toBe('');
    for (const p of pEuclidean.slice(1)) expect(Number(p)).toBeGreaterThanOrEqual(0);
    for (const p of pEuclidean.slice(1)) expect(Number(p)).toBeLessThanOrEqual(1);

    const tidy = await cli('report', '--runs', `${id},${labeled.runId}`, '--format', 'tidy-csv', '--out', 'folds.csv');
    expect(tidy.code, tidy.stderr).toBe(0);
    const rows = parseCsv(readFileSync(join(dir, 'folds.csv'), 'utf8'));
    expect(rows[0]).toEqual(['run_id', 'method', 'supervision', 'fold', 'figure', 'value']);
    expect(rows).toHaveLength(1 + 5 * 5 * 7); // 5 runs × 5 folds × 7 figures
    expect(rows[1]!.slice(0, 5)).toEqual([String(generated.comparison[0]!.runId), 'euclidean', 'unsupervised', '1', 'accuracy']);
  });

  it('prints the report without --out, and refuses what is not an evaluation, naming it', async () => {
    const printed = await runCli(['--db', db, 'report', '--runs', String(labeled.runId), '--format', 'md'], { cwd: dir });
    expect(printed.code).toBe(0);
    const held = labeled.comparison[0]!.pairAucPairs;
    expect(printed.stdout).toContain(held === 0 ? 'n/a — no held-out labeled pairs' : `n/a — only ${held} held-out labeled pair`);
    const badFormat = await cli('report', '--runs', '1', '--format', 'pdf');
    expect(badFormat.code).toBe(2);
    expect((badFormat.errorJson as { error: { message: string } }).error.message).toBe("--format must be one of csv, md, tex, tidy-csv, got 'pdf'.");
    const learned = await cli('learn', '--dataset', 'iris', '--method', 'lda');
    const learnId = (learned.json as { run: { id: number } }).run.id;
    const notEvaluation = await cli('report', '--runs', String(learnId), '--format', 'csv');
    expect(notEvaluation.code).toBe(1);
    expect((notEvaluation.errorJson as { error: { message: string } }).error.message).toBe(
      `Run ${learnId} is a learn run; a report is made of evaluate and compare runs (they hold cross-validated figures).`,
    );
  });
});

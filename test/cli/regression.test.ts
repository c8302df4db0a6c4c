import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers.ts';

/** The bundled diabetes sample split by row: index % 4 == 0 is the held-out test set (111 rows), the rest trains (331). */
const DIABETES = readFileSync(join(import.meta.dirname, '../../src-main/samples/data/diabetes.csv'), 'utf8').trim().split('\n');
const HEADER = DIABETES[0]!;
const ROWS = DIABETES.slice(1);

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-regression-'));
  db = join(dir, 'test.sqlite');
  writeFileSync(join(dir, 'train.csv'), [HEADER, ...ROWS.filter((_, i) => i % 4 !== 0)].join('\n') + '\n');
  writeFileSync(join(dir, 'test.csv'), [HEADER, ...ROWS.filter((_, i) => i % 4 === 0)].join('\n') + '\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

describe('regression datasets in the CLI', () => {
  it('import --target makes a regression dataset, shown by datasets and dataset show', async () => {
    const imported = await cli('import', 'train.csv', '--target', 'target');
    expect(imported.stderr).toBe('');
    expect(imported.json).toEqual({
      dataset: { id: 1, name: 'train', rows: 331, features: 10, classes: [], labeled: false, task: 'regression', target: 'target' },
      warnings: [],
      droppedRows: 0,
    });
    const list = (await cli('datasets')).json as { datasets: Array<Record<string, unknown>> };
    expect(list.datasets[0]).toMatchObject({ id: 1, task: 'regression', target: 'target', rows: 331 });
    const shown = (await cli('dataset', 'show', 'train')).json as { dataset: Record<string, unknown> };
    expect(shown.dataset).toMatchObject({ task: 'regression', target: 'target', features: 10, importOptions: expect.objectContaining({ target: 'target', label: null }) });
    expect(shown.dataset['featureNames']).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    // Without --target the same column is class labels (classification), as before.
    const classified = (await cli('import', 'train.csv', '--name', 'as-classes')).json as { dataset: Record<string, unknown> };
    expect(classified.dataset).toMatchObject({ labeled: true });
    expect(classified.dataset).not.toHaveProperty('task');
  });

  it('refuses a missing or non-numeric target naming the row and the column, and --target with --label', async () => {
    const lines = [HEADER, ...ROWS.slice(0, 6)];
    lines[3] = lines[3]!.replace(/,[^,]*$/, ',high');
    lines[5] = lines[5]!.replace(/,[^,]*$/, ',');
    writeFileSync(join(dir, 'bad.csv'), lines.join('\n') + '\n');
    const bad = await cli('import', 'bad.csv', '--target', 'target');
    expect(bad.code).toBe(1);
    const message = (bad.errorJson as { error: { message: string } }).error.message;
    expect(message).toContain("bad.csv: 2 rows have a missing or non-numeric target");
    expect(message).toContain('row 4, column "target": "high"; row 6, column "target": ""');
    const unknown = await cli('import', 'train.csv', '--target', 'price');
    expect((unknown.errorJson as { error: { message: string } }).error.message).toContain('train.csv: the target column "price" does not exist');
    const both = await cli('import', 'train.csv', '--target', 'target', '--label', 'sex');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give either --target (regression) or --label / --no-label (classification), not both.');
    expect(((await cli('datasets')).json as { datasets: unknown[] }).datasets).toHaveLength(0);
  });

  it('evaluate, compare, learn, score on a held-out CSV and export', async () => {
    await cli('import', 'train.csv', '--target', 'target');
    await cli('import', 'test.csv', '--target', 'target');
    const evaluated = (await cli('evaluate', '--dataset', 'train', '--method', 'mlkr', '--param', 'shrinkage=1')).json as { evaluation: Record<string, unknown> };
    expect(evaluated.evaluation).toMatchObject({ method: 'mlkr', accuracy: null, rmse: expect.objectContaining({ folds: expect.any(Array) }), r2: expect.any(Object) });
    const compared = (await cli('compare', '--dataset', 'train', '--methods', 'euclidean,pca')).json as { comparison: Array<{ rmse: { mean: number } }> };
    expect(JSON.stringify(compared)).toContain('"rmse"');
    const runs = (await cli('runs')).json as { runs: Array<{ kind: string; rmse?: number; r2?: number }> };
    expect(runs.runs.filter((r) => r.kind === 'evaluate').every((r) => typeof r.rmse === 'number' && typeof r.r2 === 'number')).toBe(true);

    // scikit-learn 1.2.1 on this split (/usr/bin/python3): StandardScaler fitted on the training rows,
    // KNeighborsRegressor(3) → RMSE 62.806119197165884, MAE 49.45945945945944, R² 0.42819532891319434.
    const baseline = await cli('score', '--method', 'euclidean', '--train', 'train', '--dataset', 'test');
    const score = (baseline.json as { score: Record<string, number | null> }).score;
    expect(score).toMatchObject({ accuracy: null, nmi: null, ari: null, trainRows: 331, testRows: 111, k: 3 });
    expect(score['rmse']).toBeCloseTo(62.806119197165884, 9);
    expect(score['mae']).toBeCloseTo(49.45945945945944, 9);
    expect(score['r2']).toBeCloseTo(0.42819532891319434, 12);

    const learned = (await cli('learn', '--dataset', 'train', '--method', 'mlkr', '--param', 'shrinkage=1')).json as { run: { id: number } } & Record<string, unknown>;
    const runId = (learned as { runId?: number }).runId ?? learned.run?.id;
    expect(typeof runId).toBe('number');
    const scored = (await cli('score', '--run', String(runId), '--dataset', 'test')).json as { score: Record<string, unknown> };
    expect(scored.score).toMatchObject({ runId, method: 'mlkr', rmse: expect.any(Number), mae: expect.any(Number), r2: expect.any(Number) });
    const shown = (await cli('run', 'show', String(runId))).json as { run: { testScores: Array<{ score: Record<string, unknown> }> } };
    expect(shown.run.testScores[0]!.score).toMatchObject({ rmse: scored.score['rmse'] });
    const out = join(dir, 'metric.json');
    expect((await cli('export', '--run', String(runId), '--format', 'json', '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ method: 'mlkr' });
  });

  it('refuses label learners and sweeps on a regression dataset, and mlkr on a classification one', async () => {
    await cli('import', 'train.csv', '--target', 'target');
    await cli('samples', 'add', 'iris');
    const nca = await cli('evaluate', '--dataset', 'train', '--method', 'nca');
    expect((nca.errorJson as { error: { message: string } }).error.message).toBe('nca learns from class labels, but the dataset is a regression dataset (a numeric target, no classes).');
    const sweep = await cli('sweep', '--dataset', 'train', '--method', 'itml');
    expect((sweep.errorJson as { error: { message: string } }).error.message).toContain('sweep: the curve is kNN accuracy, which needs class labels');
    const mlkr = await cli('evaluate', '--dataset', 'iris', '--method', 'mlkr');
    expect((mlkr.errorJson as { error: { message: string } }).error.message).toContain('mlkr learns from a numeric regression target, but the dataset has none');
  });
});

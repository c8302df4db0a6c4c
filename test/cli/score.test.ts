import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src-main/storage/migrations/index.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { runCli, runCliInterrupted } from './helpers.ts';

/**
 * The split of test/fixtures/score/golden_score.py: the bundled wine sample, rows with index % 3 == 0 as the
 * test set (60 rows), the others as the training set (118 rows).
 */
const WINE = readFileSync(join(import.meta.dirname, '../../src-main/samples/data/wine.csv'), 'utf8').trim().split('\n');
const HEADER = WINE[0]!;
const ROWS = WINE.slice(1);

/**
 * scikit-learn 1.2 (Debian python3-sklearn) figures for the Euclidean baseline on that split, printed by
 * `/usr/bin/python3 test/fixtures/score/golden_score.py`: StandardScaler fitted on the training set (zscore) or
 * raw features (none); 3-NN brute; KMeans(3, n_init=10) NMI / ARI; P@1 and MAP@R inside the test set.
 */
const SKLEARN = {
  zscore: { accuracy: 0.9833333333333333, nmi: 1.0, ari: 1.0, precisionAt1: 1.0, mapAtR: 0.7773154261716634 },
  none: { accuracy: 0.6166666666666667, nmi: 0.4622013891094414, ari: 0.38581498454285273, precisionAt1: 0.6333333333333333, mapAtR: 0.47726155165822776 },
};

let dir: string;
let db: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-score-'));
  db = join(dir, 'test.sqlite');
  writeFileSync(join(dir, 'wine-train.csv'), [HEADER, ...ROWS.filter((_, i) => i % 3 !== 0)].join('\n') + '\n');
  writeFileSync(join(dir, 'wine-test.csv'), [HEADER, ...ROWS.filter((_, i) => i % 3 === 0)].join('\n') + '\n');
  // The test rows without the last feature (proline): same count of rows, one feature fewer.
  const drop = (line: string) => line.split(',').filter((_, f) => f !== 12).join(',');
  writeFileSync(join(dir, 'wine-12.csv'), [drop(HEADER), ...ROWS.filter((_, i) => i % 3 === 0).map(drop)].join('\n') + '\n');
  // Same count, one feature renamed.
  writeFileSync(join(dir, 'wine-renamed.csv'), [HEADER.replace('magnesium', 'Mg'), ...ROWS.filter((_, i) => i % 3 === 0)].join('\n') + '\n');
  for (const name of ['wine-train', 'wine-test', 'wine-12', 'wine-renamed']) {
    expect((await cli('import', `${name}.csv`)).code).toBe(0);
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

type Score = Record<string, unknown> & { accuracy: number; nmi: number; ari: number; precisionAt1: number; mapAtR: number };

describe('workbench score', () => {
  it('--method euclidean --train TRAIN --dataset TEST gives the JSON shape and scikit-learn\'s figures (zscore)', async () => {
    const r = await cli('score', '--method', 'euclidean', '--train', 'wine-train', '--dataset', 'wine-test', '--k', '3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { score } = r.json as { score: Score };
    for (const key of ['accuracy', 'nmi', 'ari', 'precisionAt1', 'mapAtR', 'trainRows', 'testRows']) expect(score).toHaveProperty(key);
    expect(score.trainRows).toBe(118);
    expect(score.testRows).toBe(60);
    expect(score.accuracy).toBe(SKLEARN.zscore.accuracy);
    expect(score.precisionAt1).toBe(SKLEARN.zscore.precisionAt1);
    expect(score.mapAtR).toBeCloseTo(SKLEARN.zscore.mapAtR, 12);
    expect(score.nmi).toBeCloseTo(SKLEARN.zscore.nmi, 12);
    expect(score.ari).toBeCloseTo(SKLEARN.zscore.ari, 12);
    expect(score).toMatchObject({ runId: null, method: 'euclidean', k: 3, trainDataset: { id: 1, name: 'wine-train' }, testDataset: { id: 2, name: 'wine-test' } });
  });

  it("matches scikit-learn's figures on raw features (--preprocess none), where k-means is not trivial", async () => {
    const r = await cli('score', '--method', 'euclidean', '--train', '1', '--dataset', '2', '--preprocess', 'none');
    const { score } = r.json as { score: Score };
    expect(score.accuracy).toBe(SKLEARN.none.accuracy);
    expect(score.precisionAt1).toBe(SKLEARN.none.precisionAt1);
    expect(score.mapAtR).toBeCloseTo(SKLEARN.none.mapAtR, 12);
    expect(score.nmi).toBeCloseTo(SKLEARN.none.nmi, 10);
    expect(score.ari).toBeCloseTo(SKLEARN.none.ari, 10);
  });

  it('refuses a test set whose features differ, naming both datasets and the feature counts or names', async () => {
    const fewer = await cli('score', '--method', 'euclidean', '--train', 'wine-train', '--dataset', 'wine-12');
    expect(fewer.code).toBe(1);
    expect(fewer.errorJson).toEqual({
      error: {
        code: 'INVALID_ARGUMENT',
        message:
          "The test set 'wine-12' has 12 features but the training dataset 'wine-train' has 13; a metric can only be scored on data with the same features.",
      },
    });
    const learned = await cli('learn', '--dataset', 'wine-train', '--method', 'lda');
    const runId = runIdOf(learned.json);
    const renamed = await cli('score', '--run', String(runId), '--dataset', 'wine-renamed');
    expect(renamed.code).toBe(1);
    expect((renamed.errorJson as { error: { message: string } }).error.message).toBe(
      "The test set 'wine-renamed' and the training dataset 'wine-train' both have 13 features, but feature 5 is 'Mg' in 'wine-renamed' " +
        "and 'magnesium' in 'wine-train'; the features must be the same, in the same order.",
    );
  });

  it('--run ID scores a learn run\'s stored metric and stores the score with the run (shown by run show, replaced on re-score)', async () => {
    const learned = await cli('learn', '--dataset', 'wine-train', '--method', 'euclidean');
    expect(learned.code).toBe(0);
    const runId = runIdOf(learned.json);
    const r = await cli('score', '--run', String(runId), '--dataset', 'wine-test');
    expect(r.code).toBe(0);
    const { score } = r.json as { score: Score };
    expect(score).toMatchObject({ runId, method: 'euclidean', trainRows: 118, testRows: 60, accuracy: SKLEARN.zscore.accuracy });

    const again = await cli('score', '--run', String(runId), '--dataset', 'wine-test');
    expect((again.json as { score: Score }).score.accuracy).toBe(score.accuracy);
    await cli('score', '--run', String(runId), '--dataset', 'wine-test', '--k', '1');
    const shown = await cli('run', 'show', String(runId));
    const testScores = (shown.json as { run: { testScores: Array<{ testDatasetName: string; k: number; score: Score }> } }).run.testScores;
    expect(testScores.map((t) => [t.testDatasetName, t.k])).toEqual([
      ['wine-test', 3],
      ['wine-test', 1],
    ]);
    expect(testScores[0]!.score.accuracy).toBe(SKLEARN.zscore.accuracy);

    // Persisted in the test_scores table of the migration named test-scores, and kept (with the name) when the
    // test dataset is deleted.
    expect(MIGRATIONS.some((m) => m.name === 'test-scores')).toBe(true);
    expect((await cli('dataset', 'delete', 'wine-test', '--yes')).code).toBe(0);
    const store = openStore(db);
    try {
      const rows = store.testScores.list(runId);
      expect(rows.map((t) => [t.testDatasetId, t.testDatasetName, t.k])).toEqual([
        [null, 'wine-test', 3],
        [null, 'wine-test', 1],
      ]);
    } finally {
      store.close();
    }
  });

  it('learn --subsample N fits on N drawn rows and records it; score --run maps every training row', async () => {
    const learned = await cli('learn', '--dataset', 'wine-train', '--method', 'lda', '--subsample', '60', '--seed', '2');
    expect(learned.code).toBe(0);
    const runId = runIdOf(learned.json);
    const shown = await cli('run', 'show', String(runId));
    expect((shown.json as { run: { protocol: Record<string, unknown> } }).run.protocol).toMatchObject({ subsample: 60, job: { subsample: 60, seed: 2 } });
    const r = await cli('score', '--run', String(runId), '--dataset', 'wine-test');
    expect(r.code).toBe(0);
    expect((r.json as { score: Score }).score).toMatchObject({ runId, trainRows: 118, testRows: 60 });
    // A re-run draws the same rows: the same L, bit for bit; another seed draws other rows.
    const again = await cli('run', 'rerun', String(runId));
    expect(again.code).toBe(0);
    expect((again.json as { rerun: { identical: boolean } }).rerun.identical).toBe(true);
    const other = await cli('learn', '--dataset', 'wine-train', '--method', 'lda', '--subsample', '60', '--seed', '3');
    const store = openStore(db);
    try {
      expect(Array.from(store.metrics.get(runIdOf(other.json))!.L)).not.toEqual(Array.from(store.metrics.get(runId)!.L));
    } finally {
      store.close();
    }
    const whole = await cli('learn', '--dataset', 'wine-train', '--method', 'lda', '--subsample', '118');
    expect(whole.code).toBe(1);
    expect(whole.stderr).toContain("subsample must be below the dataset's 118 rows, got 118");
  });

  it('--run ID on an evaluate run fits its method once on the run\'s whole dataset (same metric as learn)', async () => {
    const evaluated = await cli('evaluate', '--dataset', 'wine-train', '--method', 'lda', '--folds', '3');
    expect(evaluated.code).toBe(0);
    const evalRun = (evaluated.json as { evaluation: { runId: number } }).evaluation.runId;
    const learned = await cli('learn', '--dataset', 'wine-train', '--method', 'lda');
    const learnRun = runIdOf(learned.json);
    const a = (await cli('score', '--run', String(evalRun), '--dataset', 'wine-test')).json as { score: Score };
    const b = (await cli('score', '--run', String(learnRun), '--dataset', 'wine-test')).json as { score: Score };
    const figures = (s: Score) => [s.accuracy, s.nmi, s.ari, s.precisionAt1, s.mapAtR];
    expect(figures(a.score)).toEqual(figures(b.score));
    expect(a.score.runId).toBe(evalRun);
  });

  it('scores in the score worker with progress on stderr (text mode), and Ctrl-C cancels it: exit 130, nothing stored', async () => {
    const learned = await cli('learn', '--dataset', 'wine-train', '--method', 'euclidean');
    const runId = runIdOf(learned.json);
    const text = await runCli(['--db', db, 'score', '--run', String(runId), '--dataset', 'wine-test'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(`Scoring run ${runId} on 'wine-test' 100%`);
    expect(text.stdout).toContain('accuracy      98.33%');
    const baseline = await runCli(['--db', db, 'score', '--method', 'euclidean', '--train', 'wine-train', '--dataset', 'wine-test', '--workers', '2'], { cwd: dir });
    expect(baseline.stderr).toContain("Fitting euclidean on 'wine-train' and scoring it on 'wine-test' 100%");
    expect(baseline.stdout).toContain('accuracy      98.33%');

    // A second learn run, never scored: Ctrl-C at its score's first progress line.
    const other = runIdOf((await cli('learn', '--dataset', 'wine-train', '--method', 'euclidean', '--seed', '1')).json);
    const { code: interrupted, stderr } = await runCliInterrupted(
      ['--db', db, 'score', '--run', String(other), '--dataset', 'wine-test'],
      /Scoring run \d+ on 'wine-test' \d+%/,
      { cwd: dir },
    );
    expect(interrupted).toBe(130);
    expect(stderr).toContain(`Scoring run ${other} on 'wine-test': cancelled.`);
    expect(stderr).toContain('workbench: error: Interrupted by Ctrl-C.');
    const shown = (await cli('run', 'show', String(other))).json as { run: { testScores: unknown[] } };
    expect(shown.run.testScores).toEqual([]);
  });

  it('usage errors: neither --run nor --method, both, a run-only option with --method', async () => {
    expect((await cli('score', '--dataset', 'wine-test')).code).toBe(2);
    expect((await cli('score', '--run', '1', '--method', 'euclidean', '--dataset', 'wine-test')).code).toBe(2);
    const missingTrain = await cli('score', '--method', 'euclidean', '--dataset', 'wine-test');
    expect(missingTrain.code).toBe(2);
    expect((missingTrain.errorJson as { error: { message: string } }).error.message).toContain('--train');
  });
});

/** The run id of `workbench --json learn`'s `{"run": {"id", …}}`. */
function runIdOf(json: unknown): number {
  return (json as { run: { id: number } }).run.id;
}

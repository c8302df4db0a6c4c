/**
 * Datasets past 1 GB end to end, through the `workbench` CLI as a user would run it: a synthetic IDX file of
 * ROWS × 28 × 28 (float64 or ubyte) with 10 classes is imported, read back and compared bit for bit with what was
 * written, a low-rank metric is learned on a subsample of its rows (`learn --method METHOD --param components=32
 * --subsample N`; default PCA-32 on 20,000 rows) and scored on a 500-row test set (kNN over all ROWS training rows,
 * each mapped by the metric). Prints seconds and peak RSS per step (/usr/bin/time -f %M where installed).
 *
 *   npx tsx bench/big-datasets.ts [--rows 200000] [--type double|ubyte] [--steps import,readback,learn,score]
 *                                 [--method pca|nca] [--subsample 20000]
 *
 * `--steps` picks the steps (every one needs the import; score needs learn): the kNN score over 600,000 rows takes long.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src-main/storage/store.ts';
import { costOf, doubleValue, pixel, runWorkbench, writeIdxImages, writeIdxLabels, type CliRun } from './reliability/synthetic-files.ts';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1]!;
}

const rows = Number(option('rows', '200000'));
const type = option('type', 'double') as 'double' | 'ubyte';
const steps = new Set(option('steps', 'import,readback,learn,score').split(','));
const method = option('method', 'pca');
const subsample = option('subsample', '20000');
const TEST_ROWS = 500;

function check(step: string, run: CliRun): void {
  console.log(`| ${step} | ${run.code === 0 ? 'ok' : `exit ${run.code ?? run.signal}`} | ${costOf(run)} |`);
  if (run.code !== 0) throw new Error(`${step} failed: ${run.stderr.slice(-500)}`);
}

/** The steps asked for, in order; returns the number of values read back differently (0 when not read back). */
async function run(dir: string): Promise<number> {
  const images = join(dir, `train-images-idx3-${type}`);
  const labels = join(dir, 'train-labels-idx1-ubyte');
  const testImages = join(dir, `test-images-idx3-${type}`);
  const testLabels = join(dir, 'test-labels-idx1-ubyte');
  writeIdxImages(images, rows, type);
  writeIdxLabels(labels, rows);
  writeIdxImages(testImages, TEST_ROWS, type);
  writeIdxLabels(testLabels, TEST_ROWS);
  const db = join(dir, 'big.sqlite');
  const gib = (rows * 784 * 8) / 1024 ** 3;
  console.log(`${rows.toLocaleString('en-US')} × 784 ${type} (${(statSync(images).size / 1024 ** 3).toFixed(2)} GiB file, ${gib.toFixed(2)} GiB as float64)`);
  console.log('| step | result | time, peak RSS |');
  console.log('|---|---|---|');
  check('import', await runWorkbench(['--db', db, '--json', 'import', images, '--labels-file', labels, '--name', 'big']));
  rmSync(images);

  let differing = 0;
  if (steps.has('readback')) {
    const started = performance.now();
    const store = openStore(db);
    const matrix = store.datasets.loadMatrix(store.datasets.getByName('big')!.id);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < 784; c++) {
        const expected = type === 'double' ? doubleValue(r, c) : pixel(r, c);
        if (!Object.is(matrix.features[r * 784 + c], expected)) differing++;
      }
    }
    const blocks = store.db.prepare("SELECT count(*) AS n, group_concat(DISTINCT encoding) AS encodings FROM dataset_blocks").get() as { n: number; encodings: string };
    store.close();
    console.log(
      `| read back (in this process) | ${differing === 0 ? 'bit-identical' : `${differing} values differ`} | ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `${blocks.n} blocks (${blocks.encodings}), database ${(statSync(db).size / 1024 ** 2).toFixed(0)} MiB |`,
    );
  }
  if (!steps.has('learn')) return differing;
  const learn = await runWorkbench(['--db', db, '--json', 'learn', '--dataset', 'big', '--method', method, '--param', 'components=32', '--subsample', subsample]);
  check(`learn ${method}-32 on ${Number(subsample).toLocaleString('en-US')} drawn rows`, learn);
  const runId = (JSON.parse(learn.stdout.trim().split('\n').at(-1)!) as { run: { id: number } }).run.id;
  if (!steps.has('score')) return differing;
  check('import test set', await runWorkbench(['--db', db, '--json', 'import', testImages, '--labels-file', testLabels, '--name', 'test']));
  const score = await runWorkbench(['--db', db, '--json', 'score', '--run', String(runId), '--dataset', 'test']);
  check(`score on ${TEST_ROWS} test rows (kNN over ${rows.toLocaleString('en-US')})`, score);
  const { accuracy } = (JSON.parse(score.stdout.trim().split('\n').at(-1)!) as { score: { accuracy: number } }).score;
  console.log(`test accuracy (3-NN): ${accuracy.toFixed(3)}`);
  return differing;
}

const dir = mkdtempSync(join(tmpdir(), 'big-datasets-'));
try {
  if ((await run(dir)) > 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

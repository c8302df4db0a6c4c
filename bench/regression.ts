/**
 * Regression (`npm run bench -- regression`): scikit-learn's diabetes data (the bundled sample, 442 × 10), z-scored on
 * each training part, KFold(5, shuffle=True, random_state=0), 3-NN regression: Euclidean and MLKR (defaults, and with
 * the shrinkage penalty or a rank-2 L), RMSE / R² and median fit seconds per fold, beside metric-learn 0.7.0's MLKR
 * with its defaults on the same folds in the same run (bench/reference/mlkr_reference.py, metric-learn's source from
 * METRIC_LEARN_PATH, default /tmp/metric-learn).
 *
 * Then the round trip through the CLI: the diabetes rows split into a training CSV (row index % 4 ≠ 0) and a held-out
 * CSV (% 4 = 0), imported with --target, evaluated, compared, MLKR learned, scored on the held-out CSV, exported as
 * .npz and used in Python with scikit-learn's KNeighborsRegressor (bench/reference/regression_roundtrip.py): the RMSE
 * must be the same.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateMethod } from '../shared/engine/evaluation/evaluate.ts';
import { median } from '../shared/math/statistics/index.ts';
import { main } from '../src-main/cli/main.ts';
import { loadSample, samplesDataDir } from '../src-main/samples/index.ts';
import { secs } from './common.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const METRIC_LEARN = process.env.METRIC_LEARN_PATH ?? '/tmp/metric-learn';
const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;

interface Row {
  name: string;
  rmse: number;
  r2: number;
  fit: number | null;
}

const { matrix } = await loadSample('diabetes');
const ours: Row[] = [];
const configs: Array<[string, string, Record<string, unknown>]> = [
  ['euclidean', 'euclidean', {}],
  ['mlkr (defaults)', 'mlkr', {}],
  ['mlkr shrinkage=0.5', 'mlkr', { shrinkage: 0.5 }],
  ['mlkr shrinkage=1', 'mlkr', { shrinkage: 1 }],
  ['mlkr components=2 shrinkage=0.2', 'mlkr', { components: 2, shrinkage: 0.2 }],
];
for (const [name, method, params] of configs) {
  const e = evaluateMethod(matrix, { method, params, seed: 0 });
  ours.push({ name: `ours: ${name}`, rmse: e.rmse!.mean, r2: e.r2!.mean, fit: method === 'euclidean' ? null : e.fitSeconds.median });
}

const reference = spawnSync('/usr/bin/python3', [join(ROOT, 'bench/reference/mlkr_reference.py'), 'euclidean,mlkr'], {
  encoding: 'utf8',
  env: { ...process.env, PYTHONPATH: METRIC_LEARN },
});
const theirs: Row[] = [];
if (reference.status === 0) {
  const r = JSON.parse(reference.stdout) as Record<string, { rmse: number[]; r2: number[]; fitSeconds: number[] }>;
  theirs.push({ name: 'scikit-learn: euclidean', rmse: mean(r['euclidean']!.rmse), r2: mean(r['euclidean']!.r2), fit: null });
  theirs.push({ name: 'metric-learn: MLKR (defaults)', rmse: mean(r['mlkr']!.rmse), r2: mean(r['mlkr']!.r2), fit: median(r['mlkr']!.fitSeconds) });
} else {
  console.log(`metric-learn reference not run (${reference.stderr.trim().split('\n').pop()}); set METRIC_LEARN_PATH.`);
}

console.log('diabetes, z-scored, KFold(5, shuffle=True, random_state=0), 3-NN regression; fit = median seconds per fold');
console.log('| method | RMSE | R² | fit s |');
console.log('|---|---|---|---|');
for (const row of [...ours, ...theirs]) console.log(`| ${row.name} | ${row.rmse.toFixed(2)} | ${row.r2.toFixed(3)} | ${row.fit === null ? '—' : secs(row.fit)} |`);
const ml = theirs.find((r) => r.name.startsWith('metric-learn'));
const mine = ours.find((r) => r.name === 'ours: mlkr (defaults)')!;
if (ml) {
  console.log(
    `MLKR defaults, ours vs metric-learn: RMSE ${mine.rmse.toFixed(2)} vs ${ml.rmse.toFixed(2)} (${((100 * (mine.rmse - ml.rmse)) / ml.rmse).toFixed(1)} %), ` +
      `fit ${secs(mine.fit)} s vs ${secs(ml.fit)} s (ratio ${(mine.fit! / ml.fit!).toFixed(3)}×)`,
  );
}

// The round trip through the CLI and scikit-learn.
const dir = mkdtempSync(join(tmpdir(), 'wb-bench-regression-'));
try {
  const lines = readFileSync(join(samplesDataDir(), 'diabetes.csv'), 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'train.csv'), [lines[0], ...lines.slice(1).filter((_, i) => i % 4 !== 0)].join('\n') + '\n');
  writeFileSync(join(dir, 'test.csv'), [lines[0], ...lines.slice(1).filter((_, i) => i % 4 === 0)].join('\n') + '\n');
  const cli = async (...args: string[]): Promise<Record<string, unknown>> => {
    let out = '';
    let err = '';
    const code = await main(['--db', join(dir, 'bench.sqlite'), '--json', ...args], { cwd: dir, env: {}, stdout: (t) => (out += t), stderr: (t) => (err += t) });
    if (code !== 0) throw new Error(`workbench ${args.join(' ')}: exit ${code}: ${err}`);
    return JSON.parse(out) as Record<string, unknown>;
  };
  await cli('import', 'train.csv', '--target', 'target');
  await cli('import', 'test.csv', '--target', 'target');
  const evaluated = (await cli('evaluate', '--dataset', 'train', '--method', 'mlkr', '--param', 'shrinkage=1')).evaluation as { rmse: { mean: number } };
  await cli('compare', '--dataset', 'train', '--methods', 'euclidean,mlkr');
  const learned = (await cli('learn', '--dataset', 'train', '--method', 'mlkr', '--param', 'shrinkage=1')) as { runId?: number; run?: { id: number } };
  const runId = learned.runId ?? learned.run!.id;
  const score = (await cli('score', '--run', String(runId), '--dataset', 'test')).score as { rmse: number; mae: number; r2: number };
  await cli('export', '--run', String(runId), '--format', 'npz', '--out', join(dir, 'metric.npz'));
  const py = spawnSync(
    '/usr/bin/python3',
    [join(ROOT, 'bench/reference/regression_roundtrip.py'), join(dir, 'metric.npz'), join(dir, 'train.csv'), join(dir, 'test.csv'), '3'],
    { encoding: 'utf8' },
  );
  if (py.status !== 0) throw new Error(`regression_roundtrip.py: ${py.stderr}`);
  const sk = JSON.parse(py.stdout) as { rmse: number; mae: number; r2: number; tiedRows: number };
  console.log(`\nround trip (train 331 rows, held-out 111 rows; MLKR shrinkage=1, run ${runId}; CV RMSE on train ${evaluated.rmse.mean.toFixed(2)}):`);
  console.log('| | RMSE | MAE | R² |');
  console.log('|---|---|---|---|');
  console.log(`| workbench score | ${score.rmse} | ${score.mae} | ${score.r2} |`);
  console.log(`| exported .npz + KNeighborsRegressor(3) | ${sk.rmse} | ${sk.mae} | ${sk.r2} |`);
  console.log(`test rows with a tie at the 3rd neighbour's distance: ${sk.tiedRows}; |ΔRMSE| = ${Math.abs(score.rmse - sk.rmse).toExponential(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * PCA first, then metric learning, against scikit-learn + metric-learn in the same run:
 *
 *   node --import tsx bench/reduce-vs-reference.ts [dataset] [--reduce K] [--methods euclidean,lmnn,itml,mmc-diagonal]
 *
 * Ours: `evaluateMethod` with protocol { reduce: K } (5-fold 3-NN, z-score, seed 0), exactly what `workbench evaluate
 * --reduce K` runs. Reference (bench/reference/reduce_ref.py): the same folds (ours are scikit-learn's
 * StratifiedKFold(5, shuffle=True, random_state=0)), StandardScaler + PCA(K) fitted on each training part, metric-learn's
 * learner with its defaults, KNeighborsClassifier(3). Accuracy as test rows classified right over all rows, summed
 * over the folds; fit seconds as the median over folds of the learner's fit (PCA excluded on both sides).
 * Prints a Markdown table. No assertions: the figures are for the report.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { evaluateMethod, stratifiedKFold } from '../shared/engine/evaluation/index.ts';
import { median } from '../shared/math/statistics/index.ts';
import { option, readSample, secs } from './common.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const METRIC_LEARN = process.env.METRIC_LEARN_PATH ?? '/tmp/metric-learn';
const name = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--')) ?? 'digits';
const reduce = Number(option('reduce') ?? 20);
const methods = (option('methods') ?? 'euclidean,lmnn,itml,mmc-diagonal').split(',');
const data = readSample(name);
const folds = stratifiedKFold(data.labels!, 5, 0);

const ours = methods.map((method) => {
  const result = evaluateMethod(data, { method, seed: 0, protocol: { reduce } });
  // Pooled: Σ accuracy_f · |test_f| over the folds.
  const right = result.folds.reduce((s, f) => s + Math.round(f.accuracy! * f.testSize), 0);
  return { method, right, total: data.nRows, seconds: method === 'euclidean' ? null : result.fitSeconds.median };
});
const r = spawnSync('/usr/bin/python3', [`${ROOT}bench/reference/reduce_ref.py`], {
  input: JSON.stringify({
    X: Array.from({ length: data.nRows }, (_, i) => Array.from(data.features.subarray(i * data.nFeatures, (i + 1) * data.nFeatures))),
    labels: Array.from(data.labels!),
    folds: folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
    reduce,
    k: 3,
    methods,
  }),
  encoding: 'utf8',
  env: { ...process.env, PYTHONPATH: METRIC_LEARN },
  maxBuffer: 1 << 28,
});
if (r.status !== 0) throw new Error(`reference failed: ${r.stderr || r.error}`);
const reference = JSON.parse(r.stdout) as Record<string, { right: number; total: number; seconds: number[] }>;
const pct = (right: number, total: number) => `${((100 * right) / total).toFixed(2)} (${right}/${total})`;
console.log(`${name}, z-score, PCA to ${reduce} on each training part, 5-fold 3-NN`);
console.log('| method | 3-NN % ours | 3-NN % scikit-learn + metric-learn | ours − ref (points) | fit s ours | fit s ref | ratio |');
console.log('|---|---|---|---|---|---|---|');
for (const o of ours) {
  const ref = reference[o.method]!;
  const refSeconds = ref.seconds.length ? median(ref.seconds) : null;
  console.log(
    `| ${o.method} | ${pct(o.right, o.total)} | ${pct(ref.right, ref.total)} | ${((100 * (o.right - ref.right)) / o.total).toFixed(2)} | ${secs(o.seconds)} | ${secs(refSeconds)} | ${o.seconds !== null && refSeconds ? (o.seconds / refSeconds).toFixed(2) : '—'} |`,
  );
}

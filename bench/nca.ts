/**
 * NCA benchmark: per sample dataset, 5-fold stratified CV (seed 0), z-score fitted per training part, 3-NN in the
 * learned space; prints fit time (median over folds), iterations and accuracy. Where a python3 with scikit-learn
 * is importable, it fits scikit-learn's NeighborhoodComponentsAnalysis on the same folds and the same z-scored
 * data in the same run and prints the time ratio.
 *
 *   node --import tsx bench/nca.ts [dataset …] [--repeats R]   (each fold fitted R times, default 5: the fastest counts)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LearnerDefinition, TrainingData } from '../shared/engine/learner.ts';
import { validateParams } from '../shared/engine/params.ts';
import { applyPreprocessing, fitPreprocessing } from '../shared/engine/preprocess.ts';
import { stratifiedKFold } from '../shared/engine/evaluation/folds.ts';
import { accuracyScore, knnPredict } from '../shared/engine/evaluation/knn.ts';
import { embedInto } from '../shared/math/dense/index.ts';
import { ncaLearner } from '../shared/engine/learners/nca.ts';
import { readSample, SAMPLE_DATASETS } from './common.ts';

export interface LabeledData {
  name: string;
  X: Float64Array; // (n, d)
  n: number;
  d: number;
  labels: Int32Array;
  nClasses: number;
}

/** Reads src-main/samples/data/NAME.csv: header row, numeric features, integer `label` last. */
export function loadSample(name: string): LabeledData {
  const data = readSample(name);
  return { name, X: data.features, n: data.nRows, d: data.nFeatures, labels: data.labels!, nClasses: data.classNames.length };
}

function take(X: Float64Array, d: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * d);
  rows.forEach((r, i) => out.set(X.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

export interface FoldResult {
  accuracy: number;
  fitSeconds: number;
  iterations: number;
}

/** Our protocol run: per fold, z-score on the training part, fit, map both parts, 3-NN. */
export function crossValidate(data: LabeledData, learner: LearnerDefinition, rawParams: Record<string, unknown> = {}, repeats = 1): FoldResult[] {
  const params = validateParams(learner.name, learner.params, rawParams);
  const out: FoldResult[] = [];
  for (const fold of stratifiedKFold(data.labels, 5, 0)) {
    const trainRaw = take(data.X, data.d, fold.train);
    const testRaw = take(data.X, data.d, fold.test);
    const prep = fitPreprocessing(trainRaw, fold.train.length, data.d, 'zscore');
    const Xtr = applyPreprocessing(prep, trainRaw, fold.train.length);
    const Xte = applyPreprocessing(prep, testRaw, fold.test.length);
    const d = prep.kept.length;
    const ytr = Int32Array.from(fold.train, (r) => data.labels[r]!);
    const yte = Int32Array.from(fold.test, (r) => data.labels[r]!);
    const training: TrainingData = { X: Xtr, n: fold.train.length, d, labels: ytr, nClasses: data.nClasses, pairs: null };
    // The fastest of `repeats` identical fits: on a loaded machine the minimum is the figure least disturbed by others.
    let fit = learner.fit(training, params, { seed: 0, hooks: {} });
    let fitSeconds = Number.POSITIVE_INFINITY;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      fit = learner.fit(training, params, { seed: 0, hooks: {} });
      fitSeconds = Math.min(fitSeconds, (performance.now() - t0) / 1000);
    }
    const k = fit.nComponents;
    const Ztr = new Float64Array(fold.train.length * k);
    const Zte = new Float64Array(fold.test.length * k);
    embedInto(Xtr, fold.train.length, d, fit.L, k, Ztr);
    embedInto(Xte, fold.test.length, d, fit.L, k, Zte);
    const predicted = knnPredict(Ztr, ytr, fold.train.length, Zte, fold.test.length, k, 3);
    out.push({ accuracy: accuracyScore(predicted, yte), fitSeconds, iterations: fit.iterations });
  }
  return out;
}

/**
 * One untimed cross-validation on iris, so the timed runs measure compiled code rather than V8's one-time JIT
 * warm-up (≈ 0.1–0.3 s per process), as Python timings exclude import and bytecode compilation.
 */
export function warmUp(learner: LearnerDefinition): void {
  crossValidate(loadSample('iris'), learner);
}

export function summarize(folds: FoldResult[]): { mean: number; std: number; medianSeconds: number; iterations: number[] } {
  const acc = folds.map((f) => f.accuracy * 100);
  const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
  const std = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / acc.length);
  const times = folds.map((f) => f.fitSeconds).sort((a, b) => a - b);
  return { mean, std, medianSeconds: times[Math.floor(times.length / 2)]!, iterations: folds.map((f) => f.iterations) };
}

/** A python3 that can import scikit-learn, or null. Debian's lives at /usr/bin/python3; PATH's may differ. */
export function findSklearnPython(): string | null {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import sklearn'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

const SKLEARN_SCRIPT = String.raw`
import json, sys, time
import numpy as np
from sklearn.neighbors import NeighborhoodComponentsAnalysis, KNeighborsClassifier
job = json.load(open(sys.argv[1]))
n, d = job['n'], job['d']
X = np.array(job['X'], dtype=float).reshape(n, d)
y = np.array(job['y'], dtype=int)
out = []
for fold in job['folds']:
    tr, te = np.array(fold['train']), np.array(fold['test'])
    Xtr, Xte = X[tr], X[te]
    keep = Xtr.max(0) > Xtr.min(0)
    Xtr, Xte = Xtr[:, keep], Xte[:, keep]
    mu, sd = Xtr.mean(0), Xtr.std(0)
    Xtr, Xte = (Xtr - mu) / sd, (Xte - mu) / sd
    s = float('inf')
    for _ in range(job['repeats']):
        nca = NeighborhoodComponentsAnalysis(random_state=0)
        t = time.perf_counter(); nca.fit(Xtr, y[tr]); s = min(s, time.perf_counter() - t)
    knn = KNeighborsClassifier(3).fit(nca.transform(Xtr), y[tr])
    acc = float((knn.predict(nca.transform(Xte)) == y[te]).mean())
    out.append({'accuracy': acc, 'fitSeconds': s, 'iterations': int(nca.n_iter_)})
print(json.dumps(out))
`;

/** scikit-learn's NCA on exactly our folds (raw data + fold indices handed over in a temp file). */
export function sklearnNca(python: string, data: LabeledData, repeats = 1): FoldResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'nca-bench-'));
  try {
    const folds = stratifiedKFold(data.labels, 5, 0).map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }));
    const file = join(dir, 'job.json');
    writeFileSync(file, JSON.stringify({ n: data.n, d: data.d, X: Array.from(data.X), y: Array.from(data.labels), folds, repeats }));
    const script = join(dir, 'nca.py');
    writeFileSync(script, SKLEARN_SCRIPT);
    const stdout = execFileSync(python, [script, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    return JSON.parse(stdout) as FoldResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);

export function runNcaBench(names: readonly string[] = SAMPLE_DATASETS, repeats = 5): void {
  const python = findSklearnPython();
  console.log(`NCA: 5-fold stratified CV (seed 0), z-score per fold, 3-NN; fit time the fastest of ${repeats} per fold, the median over folds. scikit-learn: ${python ?? 'not found'}`);
  warmUp(ncaLearner);
  console.log('dataset        | ours acc %   | ours fit s | ours iters      | sklearn acc % | sklearn fit s | sklearn iters   | time ratio');
  for (const name of names) {
    const data = loadSample(name);
    const ours = summarize(crossValidate(data, ncaLearner, {}, repeats));
    let theirs: ReturnType<typeof summarize> | null = null;
    if (python) theirs = summarize(sklearnNca(python, data, repeats));
    const cells = [
      name.padEnd(14),
      `${fmt(ours.mean)} ± ${fmt(ours.std)}`.padEnd(12),
      fmt(ours.medianSeconds, 4).padEnd(10),
      ours.iterations.join(',').padEnd(15),
      theirs ? `${fmt(theirs.mean)} ± ${fmt(theirs.std)}`.padEnd(13) : '—'.padEnd(13),
      theirs ? fmt(theirs.medianSeconds, 4).padEnd(13) : '—'.padEnd(13),
      theirs ? theirs.iterations.join(',').padEnd(15) : '—'.padEnd(15),
      theirs ? `${fmt(ours.medianSeconds / theirs.medianSeconds, 2)}×` : '—',
    ];
    console.log(cells.join(' | '));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--repeats');
  const repeats = at >= 0 ? Number(args[at + 1]) : 5;
  const names = args.filter((a, i) => a !== '--repeats' && i !== at + 1);
  runNcaBench(names.length ? names : SAMPLE_DATASETS, repeats);
}

/**
 * NCA optimum benchmark: Σ p_i (the expected leave-one-out count NCA maximizes, computed exactly) of our L beside
 * scikit-learn's, fitted in the same run on the same z-scored data with the defaults of both (init 'auto',
 * max_iter 50, tol 1e-5, random_state 0), on every shipped sample, on iris's petal columns, on sets just below and
 * above the exact/truncated threshold (EXACT_BELOW rows: the first rows of digits and breast_cancer, and the
 * built fixture test/fixtures/nca-threshold.csv), and on any NAME=PATH.csv given. Prints our Σ p_i, stop reason
 * and iterations, scikit-learn's Σ p_i, the bar (scikit-learn's − 0.5 % of n), "sk from ours" (scikit-learn's
 * L-BFGS-B started at our L: how much a fresh optimizer still finds there) and the fit-time ratio.
 *
 *   node --import tsx bench/nca-optimum.ts [names …] [NAME=PATH.csv …]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXACT_BELOW, fitNcaLearner, ncaLossAndGradient, NCA_PARAMS } from '../shared/engine/learners/nca.ts';
import { validateParams } from '../shared/engine/params.ts';
import { applyPreprocessing, fitPreprocessing } from '../shared/engine/preprocess.ts';
import { readLabeledCsv, readSample } from './common.ts';
import { findSklearnPython } from './nca.ts';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';

interface Case {
  name: string;
  X: Float64Array; // (n, d), z-scored
  n: number;
  d: number;
  labels: Int32Array;
  nClasses: number;
}

function zscored(name: string, data: DatasetMatrix, rows?: number, columns?: number[]): Case {
  const n = rows ?? data.nRows;
  const cols = columns ?? Array.from({ length: data.nFeatures }, (_, f) => f);
  const raw = new Float64Array(n * cols.length);
  for (let i = 0; i < n; i++) cols.forEach((c, f) => (raw[i * cols.length + f] = data.features[i * data.nFeatures + c]!));
  const labels = data.labels!.slice(0, n);
  const pre = fitPreprocessing(raw, n, cols.length, 'zscore');
  return { name, X: applyPreprocessing(pre, raw, n), n, d: pre.kept.length, labels, nClasses: new Set(labels).size };
}

const FIXTURE = fileURLToPath(new URL('../test/fixtures/nca-threshold.csv', import.meta.url));

function cases(wanted: string[], extra: Array<[string, string]>): Case[] {
  const below = EXACT_BELOW - 10;
  const above = EXACT_BELOW + 10;
  const all: Array<[string, () => Case]> = [
    ['iris', () => zscored('iris', readSample('iris'))],
    ['iris-petal', () => zscored('iris-petal', readSample('iris'), undefined, [2, 3])],
    ['wine', () => zscored('wine', readSample('wine'))],
    ['breast_cancer', () => zscored('breast_cancer', readSample('breast_cancer'))],
    ['digits', () => zscored('digits', readSample('digits'))],
    [`digits-${below}`, () => zscored(`digits-${below}`, readSample('digits'), below)],
    [`digits-${above}`, () => zscored(`digits-${above}`, readSample('digits'), above)],
    [`breast_cancer-${below}`, () => zscored(`breast_cancer-${below}`, readSample('breast_cancer'), below)],
    [`breast_cancer-${above}`, () => zscored(`breast_cancer-${above}`, readSample('breast_cancer'), above)],
    ['nca-threshold', () => zscored('nca-threshold', readLabeledCsv(FIXTURE))],
    ...extra.map(([name, path]): [string, () => Case] => [name, () => zscored(name, readLabeledCsv(path))]),
  ];
  const every = wanted.length === 0 && extra.length === 0;
  return all.filter(([name]) => every || wanted.includes(name) || extra.some(([e]) => e === name)).map(([, load]) => load());
}

const SKLEARN_SCRIPT = String.raw`
import json, sys, time
import numpy as np
from sklearn.neighbors import NeighborhoodComponentsAnalysis
job = json.load(open(sys.argv[1]))
out = []
for c in job:
    X = np.array(c['X'], dtype=float).reshape(c['n'], c['d'])
    y = np.array(c['y'], dtype=int)
    nca = NeighborhoodComponentsAnalysis(random_state=0)
    t = time.perf_counter(); nca.fit(X, y); s = time.perf_counter() - t
    ours = np.array(c['L'], dtype=float).reshape(c['k'], c['d'])
    again = NeighborhoodComponentsAnalysis(init=ours, random_state=0).fit(X, y)
    out.append({'L': nca.components_.ravel().tolist(), 'seconds': s, 'iterations': int(nca.n_iter_),
                'fromOurs': again.components_.ravel().tolist()})
print(json.dumps(out))
`;

function objectiveAt(c: Case, L: Float64Array): number {
  return -ncaLossAndGradient(L, c.X, c.n, c.d, L.length / c.d, c.labels).loss;
}

export function runNcaOptimumBench(wanted: string[], extra: Array<[string, string]>): void {
  const python = findSklearnPython();
  const params = validateParams('nca', NCA_PARAMS, {});
  const list = cases(wanted, extra);
  // Warm-up (JIT), as Python's timings exclude import and compilation.
  fitNcaLearner({ ...list[0]!, pairs: null }, params, 0, {});
  const ours = list.map((c) => {
    const t0 = performance.now();
    const fit = fitNcaLearner({ X: c.X, n: c.n, d: c.d, labels: c.labels, nClasses: c.nClasses, pairs: null }, params, 0, {});
    return { fit, seconds: (performance.now() - t0) / 1000 };
  });
  type SklearnFit = { L: number[]; seconds: number; iterations: number; fromOurs: number[] };
  let theirs: SklearnFit[] | null = null;
  if (python) {
    const dir = mkdtempSync(join(tmpdir(), 'nca-optimum-'));
    try {
      const job = list.map((c, i) => ({ n: c.n, d: c.d, X: Array.from(c.X), y: Array.from(c.labels), L: Array.from(ours[i]!.fit.L), k: ours[i]!.fit.nComponents }));
      writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
      writeFileSync(join(dir, 'nca.py'), SKLEARN_SCRIPT);
      theirs = <SklearnFit[]>JSON.parse(execFileSync(python, [join(dir, 'nca.py'), join(dir, 'job.json')], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`NCA Σp_i (exact) at the returned L, defaults, z-scored; scikit-learn: ${python ?? 'not found'}; EXACT_BELOW = ${EXACT_BELOW}`);
  console.log('dataset             |    n | ours Σp_i | stop (iters)      | sklearn Σp_i (iters) | bar (−0.5 % n) | ok | sk from ours | time ratio');
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    const o = ours[i]!;
    const f = objectiveAt(c, o.fit.L);
    const t = theirs?.[i];
    const sk = t ? objectiveAt(c, Float64Array.from(t.L)) : null;
    const again = t ? objectiveAt(c, Float64Array.from(t.fromOurs)) : null;
    const bar = sk === null ? null : sk - 0.005 * c.n;
    console.log(
      [
        c.name.padEnd(19),
        String(c.n).padStart(4),
        f.toFixed(2).padStart(9),
        `${o.fit.stopReason} (${o.fit.iterations})`.padEnd(17),
        (sk === null ? '—' : `${sk.toFixed(2)} (${t!.iterations})`).padEnd(20),
        (bar === null ? '—' : bar.toFixed(2)).padStart(14),
        bar === null ? '—' : f >= bar ? 'ok' : 'NO',
        (again === null ? '—' : again.toFixed(2)).padStart(12),
        t ? `${(o.seconds / t.seconds).toFixed(2)}×` : '—',
      ].join(' | '),
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const extra = args.filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]);
  runNcaOptimumBench(
    args.filter((a) => !a.includes('=')),
    extra,
  );
}

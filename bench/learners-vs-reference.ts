/**
 * Issue 12's side-by-side table: each learner's final objective, iterations and stop reason beside the reference
 * implementation's on the same data (the whole sample, z-scored as our fit does) and, for the pair learners, the same
 * constraints (ours, generated from the labels with seed 0, handed to metric-learn).
 *
 *   node --import tsx bench/learners-vs-reference.ts [dataset …] [--methods nca,lmnn,itml,mmc]
 *
 * References: NCA — scikit-learn (bench/reference/nca_sklearn.py's defaults); LMNN, ITML, MMC — metric-learn from its
 * source at /tmp/metric-learn (bench/reference/metric_learn_ref.py; set METRIC_LEARN_PATH to move it). Every objective
 * is evaluated here with one formula for both L's:
 * - NCA: Σ_i p_i (higher is better), exact.
 * - LMNN: the exact loss (1 − μ)·pull + μ·hinge with μ = ½ and the same 3 target neighbours (lower is better).
 * - ITML: the LogDet divergence D_ld(M, I) (lower is better) and the constraint violation at the end,
 *   Σ_must [δᵀMδ − u]₊ + Σ_cannot [l − δᵀMδ]₊ with metric-learn's bounds (u, l).
 * - MMC: Xing et al.'s scale-free objective Σ_cannot ‖δ‖_M / (Σ_must ‖δ‖²_M)^½ (higher is better); ours solves a
 *   regularized problem (log-det barrier, shrunk scatter), so it need not maximize this one.
 * Prints a Markdown table. No timing assertions anywhere: the seconds are for information.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';
import type { LearnedMetric } from '../shared/domain/learned-metric.ts';
import { prepareFit, runPreparedFit } from '../shared/engine/fit.ts';
import { logDetDivergence } from '../shared/engine/learners/itml.ts';
import { lmnnLossAndGradient, selectTargets } from '../shared/engine/learners/lmnn.ts';
import { ncaLossAndGradient } from '../shared/engine/learners/nca.ts';
import { option, readSample, SAMPLE_DATASETS } from './common.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const METRIC_LEARN = process.env.METRIC_LEARN_PATH ?? '/tmp/metric-learn';

/** scikit-learn NCA's objective and iterations per sample, from bench/reference/nca_sklearn.py (pinned in test/engine/learners/nca-reference.test.ts). */
const SKLEARN_NCA: Record<string, { objective: number; iterations: number }> = {
  iris: { objective: 149.0, iterations: 16 },
  wine: { objective: 177.9973, iterations: 9 },
  breast_cancer: { objective: 562.9967, iterations: 13 },
  digits: { objective: 1779.9845, iterations: 14 },
};

interface Reference {
  L: number[][];
  iterations: number;
  converged: boolean;
  seconds: number;
  bounds?: [number, number];
}

/** M = LᵀL (d, d) for L (k, d). */
function metricOf(L: Float64Array, k: number, d: number): Float64Array {
  const M = new Float64Array(d * d);
  for (let r = 0; r < k; r++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) M[a * d + b]! += L[r * d + a]! * L[r * d + b]!;
  return M;
}

function quadratic(M: Float64Array, X: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    const da = X[i * d + a]! - X[j * d + a]!;
    for (let b = 0; b < d; b++) s += da * M[a * d + b]! * (X[i * d + b]! - X[j * d + b]!);
  }
  return Math.max(s, 0);
}

const flat = (rows: number[][]) => Float64Array.from(rows.flat());
const fmt = (v: number, digits = 4) => (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(digits));

function runReference(X: Float64Array, n: number, d: number, labels: Int32Array, pairs: { left: Int32Array; right: Int32Array; similar: Uint8Array }, methods: string[]): Record<string, Reference> {
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d)));
  const input = JSON.stringify({
    X: rows,
    labels: Array.from(labels),
    pairs: { left: Array.from(pairs.left), right: Array.from(pairs.right), similar: Array.from(pairs.similar) },
    methods,
  });
  const r = spawnSync('/usr/bin/python3', [`${ROOT}bench/reference/metric_learn_ref.py`], {
    input,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: METRIC_LEARN },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`metric-learn reference failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as Record<string, Reference>;
}

const datasets = process.argv.slice(2).filter((a) => !a.startsWith('--') && a !== option('methods'));
let methods = (option('methods') ?? 'nca,lmnn,itml,mmc').split(',');
if (!existsSync(`${METRIC_LEARN}/metric_learn/__init__.py`)) {
  console.log(`metric-learn's source is not at ${METRIC_LEARN} (set METRIC_LEARN_PATH): only NCA vs scikit-learn's pinned figures.`);
  methods = methods.filter((m) => m === 'nca');
}
const table: string[] = [
  '| dataset | method | objective (ours) | objective (reference) | better | iterations ours / ref | stop ours | ref converged | extra | fit s ours / ref |',
  '|---|---|---|---|---|---|---|---|---|---|',
];

for (const name of datasets.length ? datasets : SAMPLE_DATASETS.filter((s) => s !== 'digits')) {
  const data: DatasetMatrix = readSample(name);
  const pairPrepared = prepareFit(data, { method: 'itml' });
  const { X, n, d, pairs } = pairPrepared.training;
  const labels = data.labels!;
  const refMethods = methods.filter((m) => m !== 'nca');
  const ref = refMethods.length ? runReference(X, n, d, labels, pairs!, refMethods) : {};
  const fit = (method: string): LearnedMetric => runPreparedFit(prepareFit(data, { method }));
  const row = (method: string, ours: LearnedMetric, o: number, r: number, higherBetter: boolean, refIter: number, refConv: string, extra: string, refSeconds: number | null) => {
    const better = Math.abs(o - r) <= 1e-6 * Math.max(1, Math.abs(r)) ? '=' : (o > r) === higherBetter ? 'ours' : 'ref';
    table.push(
      `| ${name} | ${method} | ${fmt(o)} | ${fmt(r)} | ${better} | ${ours.summary.iterations} / ${refIter} | ${ours.summary.stopReason} | ${refConv} | ${extra} | ${ours.summary.fitSeconds.toFixed(3)} / ${refSeconds === null ? '—' : refSeconds.toFixed(3)} |`,
    );
  };
  if (methods.includes('nca')) {
    const ours = fit('nca');
    const o = -ncaLossAndGradient(ours.L, X, n, d, ours.nComponents, labels).loss;
    const sk = SKLEARN_NCA[name];
    if (sk) row('nca (vs scikit-learn)', ours, o, sk.objective, true, sk.iterations, 'tol', `n = ${n}; bar ≥ ${fmt(sk.objective - 0.005 * n, 2)}`, null);
  }
  if (methods.includes('lmnn')) {
    const ours = fit('lmnn');
    const targets = selectTargets(X, n, d, labels, 3);
    const loss = (L: Float64Array, k: number) => lmnnLossAndGradient(L, X, n, d, k, labels, targets, 0.5).loss;
    const theirs = flat(ref.lmnn!.L);
    row('lmnn', ours, loss(ours.L, ours.nComponents), loss(theirs, ref.lmnn!.L.length), false, ref.lmnn!.iterations, String(ref.lmnn!.converged), '', ref.lmnn!.seconds);
  }
  if (methods.includes('itml')) {
    const ours = runPreparedFit(pairPrepared);
    const [u, l] = ref.itml!.bounds!;
    const I = new Float64Array(d * d);
    for (let a = 0; a < d; a++) I[a * d + a] = 1;
    const score = (L: Float64Array, k: number) => {
      const M = metricOf(L, k, d);
      let violation = 0;
      for (let p = 0; p < pairs!.left.length; p++) {
        const q = quadratic(M, X, d, pairs!.left[p]!, pairs!.right[p]!);
        violation += pairs!.similar[p] ? Math.max(0, q - u) : Math.max(0, l - q);
      }
      return { divergence: logDetDivergence(M, I, 0, d), violation };
    };
    const o = score(ours.L, ours.nComponents);
    const t = score(flat(ref.itml!.L), ref.itml!.L.length);
    row('itml', ours, o.divergence, t.divergence, false, ref.itml!.iterations, String(ref.itml!.converged), `violation ${fmt(o.violation)} / ${fmt(t.violation)} (u ${fmt(u, 3)}, l ${fmt(l, 3)})`, ref.itml!.seconds);
  }
  if (methods.includes('mmc')) {
    const ours = runPreparedFit(prepareFit(data, { method: 'mmc' }));
    const xing = (L: Float64Array, k: number) => {
      const M = metricOf(L, k, d);
      let spread = 0;
      let must = 0;
      for (let p = 0; p < pairs!.left.length; p++) {
        const q = quadratic(M, X, d, pairs!.left[p]!, pairs!.right[p]!);
        if (pairs!.similar[p]) must += q;
        else spread += Math.sqrt(q);
      }
      return spread / Math.sqrt(must);
    };
    row('mmc', ours, xing(ours.L, ours.nComponents), xing(flat(ref.mmc!.L), ref.mmc!.L.length), true, ref.mmc!.iterations, String(ref.mmc!.converged), 'Xing objective', ref.mmc!.seconds);
  }
}
console.log(table.join('\n'));

/**
 * The closed-form learners at 784 features against their references in the same run (Fashion-MNIST,
 * /usr/share/datasets/fashion-mnist, the first 10,000 training rows, z-scored):
 *
 *   lda         fitMetric(method 'lda') against StandardScaler + LinearDiscriminantAnalysis(solver='eigen')
 *   covariance  fitMetric(method 'covariance') against StandardScaler + metric-learn's Covariance
 *               (from METRIC_LEARN_PATH, default /tmp/metric-learn)
 *
 * Each fit is timed as the fastest of --repeats (default 2) after the data are in memory, the preprocessing
 * included on both sides; our first run (JIT compilation and WebAssembly tier-up included) is shown beside it. Ours
 * is timed twice: on this thread (`fitMetric`), and as a `learn` job in a job worker with a team of --workers threads
 * (default 2; what `workbench learn` runs: the Gram products shared out over the team), from submitting the job to
 * its result, with the fit's CPU / wall time. Ours is broken down into its parts (scatter / covariance products, Cholesky factor,
 * eigen-decompositions), and the symmetric eigensolvers — ml-matrix's (eigen.ts), ours (tridiagonal-ql.ts) and
 * numpy's eigh — are timed alone on random symmetric matrices of order 100, 300 and 784.
 *
 *   node --import tsx bench/closed-form.ts [--repeats R] [--dir DIR]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitMetric, prepareFit } from '../shared/engine/fit.ts';
import { cholesky, symmetricEigen, symmetricEigenQl } from '../shared/math/decompositions/index.ts';
import { classScatter, covarianceMatrix } from '../shared/math/statistics/index.ts';
import { FASHION_MNIST_DIR, loadSplit, PYTHON_IDX_READER } from './fashion-mnist.ts';
import { findSklearnPython } from './nca.ts';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';
import { DEFAULT_WORKER_URL, ThreadBudget, WorkerPool } from '../src-main/jobs/pool.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = opt('dir') ?? FASHION_MNIST_DIR;
const repeats = Number(opt('repeats') ?? 2);
const workers = Number(opt('workers') ?? Math.min(2, availableParallelism()));
const ROWS = 10_000;

/** The fastest of `repeats` runs of `f`, in seconds. */
function best(f: () => void, times = repeats): number {
  return timed(f, times).fastest;
}

/** The first (cold: JIT compilation and WebAssembly tier-up included) and the fastest of `times` runs, in seconds. */
function timed(f: () => void, times = repeats): { first: number; fastest: number } {
  let first = 0;
  let fastest = Infinity;
  for (let r = 0; r < times; r++) {
    const t0 = performance.now();
    f();
    const seconds = (performance.now() - t0) / 1000;
    if (r === 0) first = seconds;
    fastest = Math.min(fastest, seconds);
  }
  return { first, fastest };
}

/** A random symmetric matrix (n, n) with entries uniform in [−1, 1], from a fixed linear congruential stream. */
function randomSymmetric(n: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) S[i * n + j] = S[j * n + i] = next();
  return S;
}

const REFERENCE_SCRIPT = String.raw`
import gzip, json, sys, time
import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.preprocessing import StandardScaler
from metric_learn import Covariance
job = json.load(open(sys.argv[1]))
${PYTHON_IDX_READER}
X = idx(job['dir'] + '/train-images-idx3-ubyte.gz')[:job['rows']].reshape(job['rows'], -1).astype(np.float64)
y = idx(job['dir'] + '/train-labels-idx1-ubyte.gz')[:job['rows']].astype(np.int64)
def best(f):
    t = []
    for _ in range(job['repeats']):
        t0 = time.perf_counter(); f(); t.append(time.perf_counter() - t0)
    return min(t)
out = {
  'lda': best(lambda: LinearDiscriminantAnalysis(solver='eigen').fit(StandardScaler().fit_transform(X), y)),
  'covariance': best(lambda: Covariance().fit(StandardScaler().fit_transform(X))),
  'eigh': {str(n): best(lambda: np.linalg.eigh(np.random.default_rng(0).uniform(-1, 1, (n, n)) + np.random.default_rng(0).uniform(-1, 1, (n, n)).T)) for n in (100, 300, 784)},
}
print(json.dumps(out))
`;

function reference(): { lda: number; covariance: number; eigh: Record<string, number> } | null {
  const python = findSklearnPython();
  const metricLearn = process.env.METRIC_LEARN_PATH ?? '/tmp/metric-learn';
  if (!python || !existsSync(metricLearn)) return null;
  const tmp = mkdtempSync(join(tmpdir(), 'closed-form-'));
  try {
    writeFileSync(join(tmp, 'job.json'), JSON.stringify({ dir, rows: ROWS, repeats }));
    writeFileSync(join(tmp, 'ref.py'), REFERENCE_SCRIPT);
    const stdout = execFileSync(python, [join(tmp, 'ref.py'), join(tmp, 'job.json')], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: metricLearn },
    });
    return JSON.parse(stdout) as { lda: number; covariance: number; eigh: Record<string, number> };
  } catch (error) {
    console.log(`closed-form: the reference run failed (${(error as Error).message.split('\n')[0]}); ours only.`);
    return null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A learn job's time (fastest of `repeats` after one warm-up run) in a job worker with a team of `workers` threads. */
async function teamFits(data: DatasetMatrix): Promise<Record<'lda' | 'covariance', { fastest: number; fitSeconds: number; cpuPerWall: number }>> {
  // The stored matrix in shared memory, as the job runner hands it to its workers.
  const features = new Float64Array(new SharedArrayBuffer(data.features.byteLength));
  features.set(data.features);
  const dataset = { ...data, features, name: 'fm10k' };
  const pool = new WorkerPool({ budget: new ThreadBudget(workers), maxIdle: workers });
  try {
    const out = {} as Record<'lda' | 'covariance', { fastest: number; fitSeconds: number; cpuPerWall: number }>;
    for (const method of ['lda', 'covariance'] as const) {
      let fastest = Infinity;
      let fitSeconds = 0;
      let cpuPerWall = 0;
      for (let r = 0; r <= repeats; r++) {
        const spec = { kind: 'learn' as const, datasetId: 1, method, params: {}, seed: 0, protocol: { preprocess: 'zscore' as const } };
        const t0 = performance.now();
        const result = await pool.run({ kind: 'job', payload: { jobId: `${method}-${r}`, runIds: [], spec, dataset, constraints: [], workers, workerUrl: String(DEFAULT_WORKER_URL) } });
        const seconds = (performance.now() - t0) / 1000;
        if (result.kind !== 'learn') throw new Error('closed-form: expected a learned metric');
        if (r > 0 && seconds < fastest) {
          fastest = seconds;
          fitSeconds = result.metric.summary.fitSeconds;
          cpuPerWall = (result.metric.summary.fitCpuSeconds ?? 0) / fitSeconds;
        }
      }
      out[method] = { fastest, fitSeconds, cpuPerWall };
    }
    return out;
  } finally {
    await pool.close();
  }
}

const f3 = (s: number): string => s.toFixed(3);
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

async function main(): Promise<void> {
  if (!existsSync(join(dir, 'train-images-idx3-ubyte.gz'))) {
    console.log(`closed-form: no Fashion-MNIST in ${dir}; skipped.`);
    return;
  }
  const data = loadSplit(dir, 'train', ROWS);
  console.log(`fm10k (${data.nRows} × ${data.nFeatures}, z-scored), fastest of ${repeats}; load average before: ${load()}`);
  const ours = {
    lda: timed(() => fitMetric(data, { method: 'lda', preprocess: 'zscore' })),
    covariance: timed(() => fitMetric(data, { method: 'covariance', preprocess: 'zscore' })),
  };
  const team = await teamFits(data);
  const { training } = prepareFit(data, { method: 'lda', preprocess: 'zscore' });
  const { X, n, d, labels, nClasses } = training;
  const parts: Array<[string, number]> = [
    ['zscore (prepareFit)', best(() => prepareFit(data, { method: 'lda', preprocess: 'zscore' }))],
    ['classScatter', best(() => classScatter(X, n, d, labels!, nClasses))],
    ['covarianceMatrix', best(() => covarianceMatrix(X, n, d, 1))],
  ];
  const cov = covarianceMatrix(X, n, d, 1);
  parts.push([`cholesky (the covariance), d = ${d}`, best(() => cholesky(cov, d))]);
  parts.push([`symmetricEigen (ml-matrix) of the covariance, d = ${d}`, best(() => symmetricEigen(cov, d))]);
  parts.push([`symmetricEigenQl of the covariance, d = ${d}`, best(() => symmetricEigenQl(cov, d))]);
  const solvers: Array<[number, number, number]> = [];
  for (const size of [100, 300, 784]) {
    const S = randomSymmetric(size, size);
    solvers.push([size, best(() => symmetricEigen(S, size)), best(() => symmetricEigenQl(S, size))]);
  }
  const ref = reference();
  console.log(`load average after: ${load()}`);
  console.log(`\n| fit (s) | ours, first run | ours | reference | ratio | ours, job on ${workers} threads | its learner part, CPU/wall | ratio |\n|---|---|---|---|---|---|---|---|`);
  for (const method of ['lda', 'covariance'] as const) {
    const mine = ours[method];
    const job = team[method];
    const theirs = ref ? ref[method] : null;
    const ratio = (s: number): string => (theirs ? (s / theirs).toFixed(2) + '×' : '');
    console.log(
      `| ${method} | ${f3(mine.first)} | ${f3(mine.fastest)} | ${theirs ? f3(theirs) : '–'} | ${ratio(mine.fastest)} | ${f3(job.fastest)} | ${f3(job.fitSeconds)}, ${job.cpuPerWall.toFixed(2)} | ${ratio(job.fastest)} |`,
    );
  }
  console.log('\n| our part | s |\n|---|---|');
  for (const [name, s] of parts) console.log(`| ${name} | ${f3(s)} |`);
  console.log('\n| order | ml-matrix s | symmetricEigenQl s | ratio | numpy eigh s |\n|---|---|---|---|---|');
  for (const [size, ml, ql] of solvers) {
    console.log(`| ${size} | ${f3(ml)} | ${f3(ql)} | ${(ql / ml).toFixed(2)}× | ${ref ? f3(ref.eigh[String(size)]!) : '–'} |`);
  }
}

await main();

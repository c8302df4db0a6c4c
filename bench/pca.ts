/**
 * PCA at 784 features against scikit-learn in the same run (Fashion-MNIST, /usr/share/datasets/fashion-mnist):
 *
 *   eval   fm10k (the first 10,000 training rows), 5-fold evaluation of `pca` with 32 components, z-score per fold,
 *          every figure (3-NN accuracy, k-means n_init=4 NMI/ARI, P@1, MAP@R), on the fold pool with the CLI's
 *          default workers — what `workbench evaluate --dataset fm10k --method pca --param components=32` runs after
 *          reading the dataset — against StandardScaler + PCA(32, svd_solver='full') + the same figures
 *   score  `pca` (32 components) fitted on all 60,000 training rows (z-scored) and scored on the official 10,000-row
 *          test set (the score worker's executeScore: 3-NN on the fold pool's helpers, k-means, retrieval) — what
 *          `workbench score --method pca --param components=32 --train fm60k --dataset test` runs — against the same
 *          pipeline in scikit-learn
 *
 * Each side times its work after the data are in memory; each part runs in its own process.
 *
 *   node --import tsx bench/pca.ts [--only eval,score] [--workers N] [--dir DIR]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';
import { stratifiedFoldAssignment } from '../shared/engine/evaluation/folds.ts';
import { evaluateInPool } from '../src-main/jobs/fold-pool.ts';
import { DEFAULT_WORKER_URL } from '../src-main/jobs/pool.ts';
import { executeScore } from '../src-main/jobs/score-execute.ts';
import { PYTHON_IDX_READER } from './fashion-mnist.ts';
import { findSklearnPython } from './nca.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = opt('dir') ?? '/usr/share/datasets/fashion-mnist';
const COMPONENTS = 32;

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const raw = gunzipSync(readFileSync(path));
  const ndim = raw[3]!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: raw.subarray(4 + 4 * ndim) };
}

/** The first `rows` rows of a split, in SharedArrayBuffers as the job runner hands them over. */
function loadSplit(split: 'train' | 't10k', rows?: number): DatasetMatrix & { name: string } {
  const images = readIdx(join(dir, `${split}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`));
  const d = images.dims[1]! * images.dims[2]!;
  const n = Math.min(rows ?? images.dims[0]!, images.dims[0]!);
  const features = new Float64Array(new SharedArrayBuffer(n * d * 8));
  for (let t = 0; t < n * d; t++) features[t] = images.data[t]!;
  const y = new Int32Array(new SharedArrayBuffer(n * 4));
  y.set(labels.data.subarray(0, n));
  return {
    name: split,
    nRows: n,
    nFeatures: d,
    features,
    featureNames: Array.from({ length: d }, (_, f) => `px${f}`),
    labels: y,
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
  };
}

async function partOurs(part: string, workers: number): Promise<unknown> {
  const pool = { workers, workerUrl: DEFAULT_WORKER_URL, cancelFlag: new SharedArrayBuffer(4) };
  if (part === 'eval') {
    const data = loadSplit('train', 10_000);
    const spec = { method: 'pca', params: { components: COMPONENTS }, seed: 0, protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' as const } };
    const t0 = performance.now();
    const [result] = await evaluateInPool(data, [spec], pool);
    return { seconds: (performance.now() - t0) / 1000, accuracy: result!.accuracy!.mean, nmi: result!.nmi, ari: result!.ari, precisionAt1: result!.precisionAt1, mapAtR: result!.mapAtR };
  }
  const train = loadSplit('train');
  const test = loadSplit('t10k');
  const t0 = performance.now();
  let fitSeconds = 0;
  const score = await executeScore(
    { runId: null, metric: null, fit: { method: 'pca', params: { components: COMPONENTS }, seed: 0, preprocess: 'zscore' }, train, test, k: 3, seed: 0, workers, workerUrl: String(DEFAULT_WORKER_URL) },
    (progress) => {
      if (progress.phase === 'knn' && fitSeconds === 0) fitSeconds = (performance.now() - t0) / 1000;
    },
    pool.cancelFlag,
  );
  return { seconds: (performance.now() - t0) / 1000, fitSeconds, accuracy: score.accuracy, nmi: score.nmi, ari: score.ari, precisionAt1: score.precisionAt1, mapAtR: score.mapAtR };
}

const SKLEARN_SCRIPT = String.raw`
import gzip, json, sys, time
import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score, adjusted_rand_score
from sklearn.metrics.pairwise import euclidean_distances
job = json.load(open(sys.argv[1]))
${PYTHON_IDX_READER}
def load(split, rows=None):
    X = idx(job['dir'] + '/' + split + '-images-idx3-ubyte.gz').reshape(-1, 784).astype(float)
    y = idx(job['dir'] + '/' + split + '-labels-idx1-ubyte.gz').astype(int)
    return (X[:rows], y[:rows]) if rows else (X, y)
def figures(Ztr, ytr, Zte, yte):
    acc = float((KNeighborsClassifier(3, algorithm='brute').fit(Ztr, ytr).predict(Zte) == yte).mean())
    km = KMeans(n_clusters=10, n_init=4, random_state=0).fit(Zte)
    D = euclidean_distances(Zte, squared=True)
    np.fill_diagonal(D, np.inf)
    order = np.argsort(D, axis=1, kind='stable')
    rel = yte[order] == yte[:, None]
    R = np.bincount(yte)[yte] - 1
    aps = [(np.cumsum(rel[q, :R[q]]) / np.arange(1, R[q] + 1))[rel[q, :R[q]]].sum() / R[q] for q in range(len(yte))]
    return acc, normalized_mutual_info_score(yte, km.labels_), adjusted_rand_score(yte, km.labels_), float(rel[:, 0].mean()), float(np.mean(aps))
def pipeline(Xtr, Xte):
    keep = Xtr.max(0) > Xtr.min(0)
    scaler = StandardScaler().fit(Xtr[:, keep])
    pca = PCA(${COMPONENTS}, svd_solver='full').fit(scaler.transform(Xtr[:, keep]))
    return pca.transform(scaler.transform(Xtr[:, keep])), pca.transform(scaler.transform(Xte[:, keep]))
if job['part'] == 'eval':
    X, y = load('train', 10000)
    assignment = np.array(job['assignment'])
    t0 = time.perf_counter()
    out = []
    for f in range(5):
        tr, te = np.where(assignment != f)[0], np.where(assignment == f)[0]
        Ztr, Zte = pipeline(X[tr], X[te])
        out.append(figures(Ztr, y[tr], Zte, y[te]))
    seconds = time.perf_counter() - t0
    m = np.mean(np.array(out), axis=0)
else:
    Xtr, ytr = load('train')
    Xte, yte = load('t10k')
    t0 = time.perf_counter()
    Ztr, Zte = pipeline(Xtr, Xte)
    fit = time.perf_counter() - t0
    m = figures(Ztr, ytr, Zte, yte)
    seconds = time.perf_counter() - t0
print(json.dumps({'seconds': seconds, 'accuracy': float(m[0]), 'nmi': float(m[1]), 'ari': float(m[2]), 'precisionAt1': float(m[3]), 'mapAtR': float(m[4])}))
`;

function sklearn(python: string, part: string): Record<string, number> {
  const tmp = mkdtempSync(join(tmpdir(), 'pca-bench-'));
  try {
    const assignment = part === 'eval' ? Array.from(stratifiedFoldAssignment(loadSplit('train', 10_000).labels!, 5, 0)) : [];
    writeFileSync(join(tmp, 'job.json'), JSON.stringify({ dir, part, assignment }));
    writeFileSync(join(tmp, 'pca.py'), SKLEARN_SCRIPT);
    return <Record<string, number>>JSON.parse(execFileSync(python, [join(tmp, 'pca.py'), join(tmp, 'job.json')], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()!);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function child(part: string, workers: number): Record<string, number> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--part', part, '--dir', dir, '--workers', String(workers)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`bench part ${part} failed (exit ${result.status}): ${result.stdout}`);
  return <Record<string, number>>JSON.parse(result.stdout.trim().split('\n').pop()!);
}

const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
const f4 = (x: number | undefined): string => (typeof x === 'number' ? x.toFixed(4) : '—');

async function main(): Promise<void> {
  const workers = Number(opt('workers') ?? Math.min(2, availableParallelism()));
  const part = opt('part');
  if (part) {
    console.log(JSON.stringify(await partOurs(part, workers)));
    return;
  }
  const missing = ['train', 't10k'].flatMap((split) => [`${split}-images-idx3-ubyte.gz`, `${split}-labels-idx1-ubyte.gz`]).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    console.log(`pca: skipped, ${missing.join(', ')} not in ${dir} (apt-get install dataset-fashion-mnist, or --dir DIR).`);
    return;
  }
  const python = findSklearnPython();
  console.log(`PCA-${COMPONENTS} on Fashion-MNIST from ${dir}; ${workers} workers; scikit-learn: ${python ?? 'not found'}; load average ${load()}`);
  console.log('part  | ours s | sklearn s | ratio | ours acc / NMI / ARI / P@1 / MAP@R          | sklearn acc / NMI / ARI / P@1 / MAP@R');
  for (const name of (opt('only') ?? 'eval,score').split(',')) {
    const ours = child(name, workers);
    const theirs = python ? sklearn(python, name) : null;
    const figs = (r: Record<string, number>) => [r.accuracy, r.nmi, r.ari, r.precisionAt1, r.mapAtR].map(f4).join(' / ');
    console.log(
      [
        name.padEnd(5),
        ours.seconds!.toFixed(2).padStart(6),
        (theirs ? theirs.seconds!.toFixed(2) : '—').padStart(9),
        theirs ? `${(ours.seconds! / theirs.seconds!).toFixed(2)}×` : '—',
        figs(ours),
        theirs ? figs(theirs) : '—',
      ].join(' | '),
    );
    if (ours.fitSeconds) console.log(`      (ours: fit ${ours.fitSeconds.toFixed(2)} s of it; load average ${load()})`);
  }
}

await main();

/**
 * Real-size data: Fashion-MNIST (Zalando; 784 pixel features, 10 classes, 60,000 + 10,000 images), ours
 * against scikit-learn in the same run where a python3 with scikit-learn exists:
 *
 *   import   the 60,000-row training IDX (images .gz + labels .gz) imported by `workbench import … --labels-file …`
 *            (in process: parse in the import worker, store in a fresh SQLite database): wall time, peak RSS; numpy
 *            reading the same files beside it
 *   eval     fm10k (the first 10,000 training rows), 5-fold Euclidean evaluation with every figure (3-NN accuracy,
 *            k-means n_init=4 NMI/ARI, P@1 and MAP@R in the test part), z-score per fold, our folds (checked equal to
 *            StratifiedKFold(5, shuffle=True, random_state=0)); wall time, ratio, and the kernel's GFLOP/s beside
 *            numpy's matmul on the same shape
 *   nca      NCA to 32 components on all of fm10k (z-scored): fit time and peak RSS (ours: median of 3 processes), ours against scikit-learn's
 *   learners LMNN, ITML and MMC on fm10k (z-scored, default parameters, each stopped after --budget seconds, default
 *            420, at its next iteration): fit time, iterations, stop reason, peak RSS,
 *            and 3-NN accuracy of the learned metric on the official 10,000-row test set beside Euclidean's (ours
 *            only: metric-learn at this size runs for hours)
 *   nca60k   NCA-32 on all 60,000 training rows: time, peak RSS, and 3-NN accuracy on the official 10,000-row test
 *            set against Euclidean 3-NN on the same split (ours only: scikit-learn would need the 60,000² matrix)
 *
 *            (--reduce K: PCA to K components first, the metric composed over the 784 pixels)
 *   node --import tsx bench/scale.ts [--only import,eval,nca,learners,nca60k] [--workers N] [--budget S] [--dir DIR]
 *                                    [--no-install]
 *
 * Needs /usr/share/datasets/fashion-mnist/ (Debian's dataset-fashion-mnist): when it is missing and apt-get can run
 * (root), the bench installs it first unless --no-install; otherwise it prints one line and exits 0. The scikit-learn
 * columns need a python3 with scikit-learn (Debian's python3-sklearn). Every part runs in its own process, so peak
 * RSS (getrusage maxrss) is that part's alone. Timings are wall-clock on whatever machine runs this, with whatever
 * else runs on it; never assert on them in tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';
import { evaluateMethod } from '../shared/engine/evaluation/evaluate.ts';
import { stratifiedFoldAssignment } from '../shared/engine/evaluation/folds.ts';
import { accuracyScore, knnPredict } from '../shared/engine/evaluation/knn.ts';
import { fitMetric } from '../shared/engine/fit.ts';
import { createGramDistanceTiles, TILE_ROWS, tileFlops, type GramDistanceTiles } from '../shared/math/distances/index.ts';
import { createScreeningTiles } from '../shared/math/distances/index.ts';
import { transform } from '../shared/metric/mahalanobis.ts';
import { evaluateInPool, knnPredictInPool } from '../src-main/jobs/fold-pool.ts';
import { DEFAULT_WORKER_URL } from '../src-main/jobs/pool.ts';
import { main as workbench } from '../src-main/cli/main.ts';
import { FASHION_MNIST_DIR, loadSplit as loadFashionMnist, PYTHON_IDX_READER, readIdx } from './fashion-mnist.ts';
import { findSklearnPython } from './nca.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = opt('dir') ?? FASHION_MNIST_DIR;

/** The first `rows` rows (all when omitted) of the `train` or `t10k` split as a dataset. */
const loadSplit = (split: 'train' | 't10k', rows?: number): DatasetMatrix => loadFashionMnist(dir, split, rows);

const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;

// ---------------------------------------------------------------------------------------------------------------
// Child parts: each prints one JSON line.

async function partEvalOurs(workers: number): Promise<unknown> {
  const data = shareDataset(loadSplit('train', 10_000));
  const spec = { method: 'euclidean', seed: 0, protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' as const } };
  const t0 = performance.now();
  const result =
    workers > 1
      ? (await evaluateInPool(data, [spec], { workers, workerUrl: DEFAULT_WORKER_URL, cancelFlag: new SharedArrayBuffer(4) }))[0]!
      : evaluateMethod(data, spec);
  const seconds = (performance.now() - t0) / 1000;
  // The kernels alone: one fold's 3-NN tile work (2,000 queries × 8,000 references × 784), in binary64 and in the
  // binary32 screen the evaluation uses.
  const ref = data.features.subarray(0, 8000 * 784);
  const out = new Float64Array(TILE_ROWS * 8000);
  const norms = new Float64Array(TILE_ROWS);
  const gflops = (tiles: GramDistanceTiles): number => {
    const k0 = performance.now();
    for (let b = 0; b < 2000; b += TILE_ROWS) tiles.distances(data.features, 8000 + (b % 2000), Math.min(TILE_ROWS, 2000 - b), out, norms);
    return tileFlops(2000, 8000, 784) / ((performance.now() - k0) / 1000) / 1e9;
  };
  const f64Tiles = createGramDistanceTiles(ref, 8000, 784);
  const f32Tiles = createScreeningTiles(ref, 8000, 784);
  return {
    seconds,
    accuracy: result.accuracy!.mean,
    folds: result.accuracy!.folds,
    nmi: result.nmi,
    ari: result.ari,
    precisionAt1: result.precisionAt1,
    mapAtR: result.mapAtR,
    kernelGflops: gflops(f64Tiles),
    screenGflops: gflops(f32Tiles),
    screenPrecision: f32Tiles.precision,
    simd: f64Tiles.simd,
    maxRssMb: maxRssMb(),
  };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Writes the first `rows` images and labels of a split as plain IDX files (for `workbench import`). */
function writeIdxHead(split: 'train' | 't10k', rows: number, into: string): { images: string; labels: string } {
  const images = readIdx(join(dir, `${split}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`));
  const n = Math.min(rows, images.dims[0]!);
  const pixels = images.dims[1]! * images.dims[2]!;
  const header = (magic: number, dims: number[]): Buffer => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((v, t) => b.writeUInt32BE(v, 4 + 4 * t));
    return b;
  };
  const out = { images: join(into, `${split}-${n}-images-idx3-ubyte`), labels: join(into, `${split}-${n}-labels-idx1-ubyte`) };
  writeFileSync(out.images, Buffer.concat([header(0x803, [n, images.dims[1]!, images.dims[2]!]), images.data.subarray(0, n * pixels)]));
  writeFileSync(out.labels, Buffer.concat([header(0x801, [n]), labels.data.subarray(0, n)]));
  return out;
}

/**
 * `workbench --db DB --json ARGS…` in its own process, as a researcher runs it; with `timed`, under GNU time, adding
 * the whole process's peak RSS, wall and CPU seconds to its JSON answer.
 */
function cli(db: string, argv: string[], timed = false): Record<string, unknown> {
  const command = [process.execPath, join(ROOT, 'bin/workbench.mjs'), '--db', db, '--json', ...argv];
  const timeFile = `${db}.time`;
  const [program, ...rest] = timed ? ['/usr/bin/time', '-o', timeFile, '-f', '%M %e %U %S', ...command] : command;
  const result = spawnSync(program!, rest, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`workbench ${argv.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  const answer = JSON.parse(result.stdout) as Record<string, unknown>;
  if (!timed) return answer;
  const [maxRssKb, wall, user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-4).map(Number);
  return { ...answer, processPeakRssMb: maxRssKb! / 1024, processSeconds: wall, processCpuSeconds: user! + system! };
}

/** `workbench learn` NCA-32 under GNU time: the job worker fits with its team of threads (both cores inside the fit). */
function learnNca32(db: string, dataset: string): Record<string, unknown> {
  const { run, ...measured } = cli(db, ['learn', '--dataset', dataset, '--method', 'nca', '--param', 'components=32', '--seed', '0'], true);
  return { ...(run as Record<string, unknown>), ...measured };
}

/** Runs of `workbench learn` NCA-32 on fm10k: a process's peak RSS varies by some 10 % with when its threads collect. */
const NCA_RUNS = 3;

/**
 * NCA-32 on fm10k through `workbench learn` (import first, not timed), {@link NCA_RUNS} times, each in its own process:
 * the run with the median peak RSS, with every run's fit seconds and peak RSS.
 */
function partNcaOurs(): unknown {
  const tmp = mkdtempSync(join(tmpdir(), 'fm-nca-'));
  try {
    const db = join(tmp, 'bench.sqlite');
    const files = writeIdxHead('train', 10_000, tmp);
    cli(db, ['import', files.images, '--labels-file', files.labels, '--name', 'fm10k']);
    const runs = Array.from({ length: NCA_RUNS }, () => learnNca32(db, 'fm10k'));
    const byPeak = [...runs].sort((a, b) => (a.processPeakRssMb as number) - (b.processPeakRssMb as number));
    return { ...byPeak[Math.floor(NCA_RUNS / 2)]!, runs: runs.map((r) => ({ fitSeconds: r.fitSeconds, processPeakRssMb: r.processPeakRssMb })) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** NCA-32 on all 60,000 training rows through `workbench learn`, then `workbench score` on the official test set. */
function partNca60kOurs(): unknown {
  const tmp = mkdtempSync(join(tmpdir(), 'fm-nca60k-'));
  try {
    const db = join(tmp, 'bench.sqlite');
    cli(db, ['import', join(dir, 'train-images-idx3-ubyte.gz'), '--labels-file', join(dir, 'train-labels-idx1-ubyte.gz'), '--name', 'fm60k']);
    cli(db, ['import', join(dir, 't10k-images-idx3-ubyte.gz'), '--labels-file', join(dir, 't10k-labels-idx1-ubyte.gz'), '--name', 'fm-test']);
    const learned = learnNca32(db, 'fm60k');
    const nca = cli(db, ['score', '--run', String(learned.id), '--dataset', 'fm-test', '--k', '3']).score as { accuracy: number };
    const e0 = performance.now();
    const euclidean = cli(db, ['score', '--method', 'euclidean', '--train', 'fm60k', '--dataset', 'fm-test', '--k', '3']).score as { accuracy: number };
    return { ...learned, ncaAccuracy: nca.accuracy, euclideanAccuracy: euclidean.accuracy, euclideanScoreSeconds: (performance.now() - e0) / 1000 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function partImportOurs(): Promise<unknown> {
  const tmp = mkdtempSync(join(tmpdir(), 'fm-import-'));
  try {
    const t0 = performance.now();
    const code = await workbench(['--db', join(tmp, 'bench.sqlite'), '--json', 'import', join(dir, 'train-images-idx3-ubyte.gz'), '--labels-file', join(dir, 'train-labels-idx1-ubyte.gz')]);
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`workbench import exited ${code}`);
    return { seconds, maxRssMb: maxRssMb() };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** LMNN, ITML or MMC fitted on fm10k (z-scored, default parameters), then 3-NN on the official test set. */
async function partLearnerOurs(method: string, workers: number): Promise<unknown> {
  const train = loadSplit('train', 10_000);
  // A wall-clock budget per learner (--budget seconds, default 420): past it the learner stops at its next
  // iteration (shouldStop) and returns its current metric with stop reason maxIter, reported as "budget".
  const budget = Number(opt('budget') ?? 420) * 1000;
  const t0 = performance.now();
  let stopped = false;
  // --reduce K: PCA first (to K components fitted on the 10,000 rows), the metric composed over the 784 pixels.
  const reduce = opt('reduce') === undefined ? {} : { reduce: Number(opt('reduce')) };
  const metric = fitMetric(train, { method, seed: 0, preprocess: 'zscore', ...reduce }, { shouldStop: () => (stopped ||= performance.now() - t0 > budget) });
  const fitPeakRssMb = maxRssMb();
  const test = loadSplit('t10k');
  const pool = { workers, workerUrl: DEFAULT_WORKER_URL, cancelFlag: new SharedArrayBuffer(4) };
  const accuracy = async (m: typeof metric): Promise<number> => {
    const Ytr = transform(m, train.features, train.nRows);
    const Yte = transform(m, test.features, test.nRows);
    const predicted =
      workers > 1
        ? await knnPredictInPool(Ytr, train.labels!, train.nRows, Yte, test.nRows, m.nComponents, 3, pool)
        : knnPredict(Ytr, train.labels!, train.nRows, Yte, test.nRows, m.nComponents, 3);
    return accuracyScore(predicted, test.labels!);
  };
  return {
    seconds: metric.summary.fitSeconds,
    iterations: metric.summary.iterations,
    stopReason: stopped ? `budget (${budget / 1000} s)` : (metric.summary.stopReason ?? 'converged'),
    nComponents: metric.nComponents,
    fitPeakRssMb,
    accuracy: await accuracy(metric),
    euclideanAccuracy: await accuracy(fitMetric(train, { method: 'euclidean', seed: 0, preprocess: 'zscore' })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// scikit-learn's side, same folds, same figures.

const SKLEARN_SCRIPT = String.raw`
import gzip, json, resource, sys, time
import numpy as np
job = json.load(open(sys.argv[1]))
${PYTHON_IDX_READER}
part = job['part']
if part != 'import':
    X = idx(job['dir'] + '/train-images-idx3-ubyte.gz')[:10000].reshape(10000, -1).astype(float)
    y = idx(job['dir'] + '/train-labels-idx1-ubyte.gz')[:10000].astype(int)
def zscore(Xtr, Xte):
    keep = Xtr.max(0) > Xtr.min(0)
    Xtr, Xte = Xtr[:, keep], Xte[:, keep]
    mu, sd = Xtr.mean(0), Xtr.std(0)
    return (Xtr - mu) / sd, (Xte - mu) / sd
if part == 'eval':
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score, adjusted_rand_score
    from sklearn.metrics.pairwise import euclidean_distances
    theirs = np.zeros(len(y), dtype=int)
    for f, (_, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)):
        theirs[te] = f
    same = bool((theirs == np.array(job['assignment'])).all())
    t0 = time.perf_counter()
    accs, nmis, aris, p1s, maps = [], [], [], [], []
    for f in range(5):
        tr, te = np.where(theirs != f)[0], np.where(theirs == f)[0]
        Xtr, Xte = zscore(X[tr], X[te])
        knn = KNeighborsClassifier(3, algorithm='brute').fit(Xtr, y[tr])
        accs.append(float((knn.predict(Xte) == y[te]).mean()))
        km = KMeans(n_clusters=10, n_init=4, random_state=0).fit(Xte)
        nmis.append(normalized_mutual_info_score(y[te], km.labels_))
        aris.append(adjusted_rand_score(y[te], km.labels_))
        D = euclidean_distances(Xte, squared=True)
        np.fill_diagonal(D, np.inf)
        order = np.argsort(D, axis=1, kind='stable')
        yt = y[te]
        rel = yt[order] == yt[:, None]
        R = np.bincount(yt)[yt] - 1
        p1s.append(float(rel[:, 0].mean()))
        aps = []
        for q in range(len(te)):
            r = rel[q, :R[q]]
            aps.append((np.cumsum(r) / np.arange(1, R[q] + 1))[r].sum() / R[q])
        maps.append(float(np.mean(aps)))
    seconds = time.perf_counter() - t0
    A = np.random.RandomState(0).rand(2000, 784); B = np.random.RandomState(1).rand(8000, 784)
    A @ B.T
    m0 = time.perf_counter(); A @ B.T; mm = time.perf_counter() - m0
    print(json.dumps({'seconds': seconds, 'sameFolds': same, 'accuracy': float(np.mean(accs)), 'folds': accs,
        'nmi': float(np.mean(nmis)), 'ari': float(np.mean(aris)), 'precisionAt1': float(np.mean(p1s)),
        'mapAtR': float(np.mean(maps)), 'matmulGflops': 2 * 2000 * 8000 * 784 / mm / 1e9,
        'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
elif part == 'import':
    t0 = time.perf_counter()
    images = idx(job['dir'] + '/train-images-idx3-ubyte.gz').reshape(60000, -1).astype(float)
    labels = idx(job['dir'] + '/train-labels-idx1-ubyte.gz').astype(int)
    print(json.dumps({'seconds': time.perf_counter() - t0, 'rows': int(images.shape[0]),
        'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
else:
    from sklearn.neighbors import NeighborhoodComponentsAnalysis
    Xz, _ = zscore(X, X[:1])
    t0 = time.perf_counter()
    nca = NeighborhoodComponentsAnalysis(n_components=32, random_state=0).fit(Xz, y)
    print(json.dumps({'seconds': time.perf_counter() - t0, 'iterations': int(nca.n_iter_),
        'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

function sklearn(python: string, part: 'eval' | 'nca' | 'import'): Record<string, number | boolean | number[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'fm-bench-'));
  try {
    const assignment = part === 'eval' ? Array.from(stratifiedFoldAssignment(loadSplit('train', 10_000).labels!, 5, 0)) : [];
    writeFileSync(join(tmp, 'job.json'), JSON.stringify({ dir, part, assignment }));
    writeFileSync(join(tmp, 'fm.py'), SKLEARN_SCRIPT);
    const stdout = execFileSync(python, [join(tmp, 'fm.py'), join(tmp, 'job.json')], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | boolean | number[]>;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function child(part: string, extra: string[] = []): Record<string, number | boolean | number[] | string> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--part', part, '--dir', dir, ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`bench part ${part} failed (exit ${result.status}): ${result.stdout}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, number | boolean | number[] | string>;
}

const f3 = (x: unknown): string => (typeof x === 'number' ? x.toFixed(4) : String(x));
const s1 = (x: unknown): string => (typeof x === 'number' ? x.toFixed(1) : String(x));
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

/** The dataset's arrays in SharedArrayBuffers, as the job runner hands them to workers. */
function shareDataset(data: DatasetMatrix): DatasetMatrix {
  const features = new Float64Array(new SharedArrayBuffer(data.features.byteLength));
  features.set(data.features);
  const labels = new Int32Array(new SharedArrayBuffer(data.labels!.byteLength));
  labels.set(data.labels!);
  return { ...data, features, labels };
}

async function main(): Promise<void> {
  const part = opt('part');
  const workers = Number(opt('workers') ?? availableParallelism());
  if (part) {
    const value =
      part === 'eval-ours'
        ? await partEvalOurs(workers)
        : part === 'nca-ours'
          ? partNcaOurs()
          : part === 'import-ours'
            ? await partImportOurs()
            : part === 'learner-ours'
              ? await partLearnerOurs(opt('method')!, workers)
              : partNca60kOurs();
    console.log(JSON.stringify(value));
    return;
  }
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const missingFiles = (): string[] => files.filter((f) => !existsSync(join(dir, f)));
  if (missingFiles().length && dir === FASHION_MNIST_DIR && !args.includes('--no-install') && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('scale: Fashion-MNIST is not installed; installing Debian\'s dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist) …');
    const apt = spawnSync('apt-get', ['install', '-y', 'dataset-fashion-mnist'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (apt.status !== 0) console.log(`scale: apt-get exited ${apt.status}.`);
  }
  const missing = missingFiles();
  if (missing.length) {
    console.log(`scale: skipped, ${missing.join(', ')} not in ${dir} (apt-get install dataset-fashion-mnist, or --dir DIR).`);
    return;
  }
  const python = findSklearnPython();
  const only = (opt('only') ?? 'import,eval,nca,learners,nca60k').split(',');
  console.log(`Fashion-MNIST from ${dir}; scikit-learn: ${python ?? 'not found (our figures only)'}; ${availableParallelism()} cores, ${workers} workers; load average ${load()}`);
  if (only.includes('import')) {
    const ours = child('import-ours');
    const theirs = python ? sklearn(python, 'import') : null;
    console.log(`\nImport of the 60,000-row training IDX (train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz; load average after: ${load()})`);
    console.log(`workbench import … --labels-file … (parse in the import worker, store in SQLite): ${s1(ours.seconds)} s, peak RSS ${s1(ours.maxRssMb)} MB`);
    if (theirs) console.log(`numpy reading the same two files into float64 arrays (no storage): ${s1(theirs.seconds)} s, peak RSS ${s1(theirs.maxRssMb)} MB`);
  }
  if (only.includes('eval')) {
    const ours = child('eval-ours', ['--workers', String(workers)]);
    const theirs = python ? sklearn(python, 'eval') : null;
    console.log(`\nfm10k, 5-fold Euclidean evaluation (z-score per fold; load average after: ${load()})`);
    console.log('              | wall s | 3-NN acc | NMI    | ARI    | P@1    | MAP@R  | peak RSS MB');
    const row = (name: string, r: Record<string, unknown>): string =>
      [name.padEnd(13), s1(r.seconds).padStart(6), f3(r.accuracy), f3(r.nmi), f3(r.ari), f3(r.precisionAt1), f3(r.mapAtR), s1(r.maxRssMb)].join(' | ');
    console.log(row('ours', ours));
    if (theirs) {
      console.log(row('scikit-learn', theirs));
      console.log(`time ratio ours/scikit-learn: ${((ours.seconds as number) / (theirs.seconds as number)).toFixed(2)}×; accuracy equal: ${ours.accuracy === theirs.accuracy ? 'yes' : `NO (${String(ours.accuracy)} vs ${String(theirs.accuracy)})`}; folds equal to StratifiedKFold(5, shuffle=True, random_state=0): ${theirs.sameFolds ? 'yes' : 'NO'}`);
      console.log(`per-fold accuracy ours ${(ours.folds as number[]).map(f3).join(' ')}; scikit-learn ${(theirs.folds as number[]).map(f3).join(' ')}`);
    }
    console.log(`distance kernels, one thread, 2000×8000×784: binary64 ${s1(ours.kernelGflops)} GFLOP/s (${ours.simd ? 'WebAssembly SIMD' : 'TypeScript'}), the ${(ours.screenPrecision as unknown) === 'f32' ? 'binary32' : 'binary64 (no SIMD)'} screen the evaluation uses ${s1(ours.screenGflops)} GFLOP/s${theirs ? `; numpy matmul, same shape: ${s1(theirs.matmulGflops)} GFLOP/s` : ''}`);
  }
  if (only.includes('nca')) {
    const ours = child('nca-ours');
    const theirs = python ? sklearn(python, 'nca') : null;
    console.log(`\nNCA-32 on fm10k (z-scored; ours: \`workbench learn\` in its own process, the fit on its team of threads, GNU time for the whole process; load average after: ${load()})`);
    console.log('              | fit s  | fit CPU s | CPU/wall | iterations | peak RSS MB');
    const row = (name: string, seconds: unknown, cpu: unknown, iterations: unknown, rss: unknown): string =>
      [name.padEnd(13), s1(seconds).padStart(6), s1(cpu).padStart(9), typeof cpu === 'number' ? (cpu / (seconds as number)).toFixed(2).padStart(8) : '       –', String(iterations).padStart(10), s1(rss)].join(' | ');
    console.log(row('ours', ours.fitSeconds, ours.fitCpuSeconds, ours.iterations, ours.processPeakRssMb));
    const runs = ours.runs as unknown as Array<{ fitSeconds: number; processPeakRssMb: number }>;
    console.log(`ours, the run with the median peak RSS of ${runs.length}; every run (fit s / peak RSS MB): ${runs.map((r) => `${s1(r.fitSeconds)} / ${s1(r.processPeakRssMb)}`).join(', ')}`);
    if (theirs) {
      console.log(row('scikit-learn', theirs.seconds, undefined, theirs.iterations, theirs.maxRssMb));
      console.log(`ratios ours/scikit-learn: time ${((ours.fitSeconds as number) / (theirs.seconds as number)).toFixed(2)}×, peak RSS ${((ours.processPeakRssMb as number) / (theirs.maxRssMb as number)).toFixed(2)}×`);
    }
  }
  if (only.includes('learners')) {
    console.log(`\nLMNN, ITML, MMC on fm10k (z-scored${opt('reduce') ? `, PCA to ${opt('reduce')} first` : ''}, default parameters), 3-NN on the official 10,000-row test set`);
    console.log('              | fit s  | iterations | stop reason        | components | peak RSS MB | test 3-NN | Euclidean');
    for (const method of ['lmnn', 'itml', 'mmc']) {
      const r = child('learner-ours', ['--method', method, '--workers', String(workers), ...(opt('budget') ? ['--budget', opt('budget')!] : []), ...(opt('reduce') ? ['--reduce', opt('reduce')!] : [])]);
      console.log(
        [method.padEnd(13), s1(r.seconds).padStart(6), String(r.iterations).padStart(10), String(r.stopReason).padEnd(18), String(r.nComponents).padStart(10), s1(r.fitPeakRssMb).padStart(11), f3(r.accuracy).padStart(9), f3(r.euclideanAccuracy)].join(' | '),
      );
    }
    console.log(`(load average after: ${load()})`);
  }
  if (only.includes('nca60k')) {
    const ours = child('nca60k-ours');
    console.log(`\nNCA-32 on all 60,000 training rows (z-scored) by \`workbench learn\` in its own process (GNU time), scored by \`workbench score\` on the official 10,000-row test set (load average after: ${load()})`);
    console.log(
      `fit ${s1(ours.fitSeconds)} s (CPU ${s1(ours.fitCpuSeconds)} s over all threads: ${((ours.fitCpuSeconds as number) / (ours.fitSeconds as number)).toFixed(2)} cores busy), ${String(ours.iterations)} iterations, ${String(ours.stopReason)}; ` +
        `the whole learn process ${s1(ours.processSeconds)} s, peak RSS ${s1(ours.processPeakRssMb)} MB`,
    );
    console.log(`test-set 3-NN accuracy: NCA-32 ${f3(ours.ncaAccuracy)}, Euclidean ${f3(ours.euclideanAccuracy)} (the Euclidean score took ${s1(ours.euclideanScoreSeconds)} s)`);
  }
}

await main();

/**
 * `npm run bench`: every benchmark in one run, one after the other (each in its own process so one
 * benchmark's heap and JIT state cannot skew the next):
 *
 *   accuracy  5-fold 3-NN accuracy and median fit time, every method × iris, wine, breast_cancer, digits,
 *             beside the scikit-learn / metric-learn reference figures
 *   nca       our NCA vs scikit-learn's NCA on the same folds (time ratio), where python3 + sklearn exist
 *   nca-optimum Σ p_i of our NCA vs scikit-learn's on every sample, iris's petal columns and sets around the
 *             exact/truncated threshold (whole data set, defaults)
 *   lmnn      LMNN fit time and accuracy vs metric-learn's reference
 *   pairs     MMC, MMC-diagonal and ITML vs metric-learn's reference (time ratios)
 *   reference final objective, iterations and stop reason of NCA / LMNN / ITML / MMC beside scikit-learn's and
 *             metric-learn's on the same data (iris, wine, breast_cancer; metric-learn from METRIC_LEARN_PATH)
 *   jobs      job overhead (worker start + data transfer) vs the in-process fit
 *   import    a large generated CSV imported with progress (seconds, peak RSS)
 *   ui-scatter the Datasets and Label scatters at 60,000 points in headless Chromium (draw, click; User Timing)
 *   scale     real size, Fashion-MNIST: import of the 60,000-row IDX, fm10k 5-fold Euclidean evaluation and NCA-32
 *             against scikit-learn (time, peak RSS, kernel GFLOP/s beside numpy's matmul), LMNN / ITML / MMC on
 *             fm10k, NCA-32 on all 60,000 rows with test-set accuracy; installs dataset-fashion-mnist with apt when
 *             missing (as root), else skipped with one line
 *   pca       PCA-32 on Fashion-MNIST: fm10k 5-fold evaluation and the fm60k → test score against scikit-learn's
 *             StandardScaler + PCA(32, full SVD) + the same figures (time ratio); skipped without the dataset
 *   closed-form LDA and the inverse covariance fitted on fm10k (z-scored) against scikit-learn's LDA and metric-learn's
 *             Covariance (time ratio), their parts, and the symmetric eigensolvers at order 100 / 300 / 784
 *   reliability the hostile-environment probes of bench/reliability/*-probes.ts (full disks, read-only and damaged
 *             databases, slow and oversized HTTP clients …): a table item | probe | before | after | ok
 *   concurrency the server, 4 CLI writers, 4 HTTP clients and 3 compare jobs on one database: labels lost, SQLITE_BUSY
 *   regression diabetes 5-fold 3-NN regression (RMSE, R²): Euclidean and MLKR beside metric-learn's MLKR on the same
 *             folds, and the CLI round trip (import --target … export → scikit-learn's KNeighborsRegressor)
 *   comparison-suggestions the time from an answer (comparisons.add) to the next suggested comparison query on digits
 *             and on the 60,000 Fashion-MNIST training images: median and p95 over 10 answers
 *
 * Usage: npm run bench [-- only,these] [-- --import-mb 100]
 * Timings are wall-clock on whatever machine runs this; never assert on them in tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const args = process.argv.slice(2);
const importMbIndex = args.indexOf('--import-mb');
const importMb = importMbIndex >= 0 ? args[importMbIndex + 1] ?? '100' : '100';
const only = args.find((a) => !a.startsWith('--') && a !== importMb)?.split(',');

const BENCHES: Array<{ name: string; file: string; args: string[] }> = [
  { name: 'accuracy', file: 'accuracy.ts', args: ['--methods', 'euclidean,covariance,pca,lda'] },
  { name: 'nca', file: 'nca.ts', args: [] },
  { name: 'nca-optimum', file: 'nca-optimum.ts', args: [] },
  { name: 'lmnn', file: 'lmnn.ts', args: [] },
  { name: 'pairs', file: 'pairs.ts', args: [] },
  { name: 'reference', file: 'learners-vs-reference.ts', args: [] },
  { name: 'jobs', file: 'jobs.ts', args: [] },
  { name: 'import', file: 'import.ts', args: [importMb] },
  { name: 'ui-scatter', file: 'ui-scatter.ts', args: [] },
  { name: 'scale', file: 'scale.ts', args: [] },
  { name: 'pca', file: 'pca.ts', args: [] },
  { name: 'closed-form', file: 'closed-form.ts', args: [] },
  { name: 'reliability', file: 'reliability.ts', args: [] },
  { name: 'concurrency', file: 'concurrency.ts', args: [] },
  { name: 'regression', file: 'regression.ts', args: [] },
  { name: 'comparison-suggestions', file: 'comparison-suggestions.ts', args: [] },
];

let failures = 0;
for (const bench of BENCHES) {
  if (only && !only.includes(bench.name)) continue;
  const file = join(here, bench.file);
  if (!existsSync(file)) {
    console.log(`\n=== ${bench.name}: ${bench.file} is missing, skipped ===`);
    continue;
  }
  console.log(`\n=== ${bench.name} (${bench.file} ${bench.args.join(' ')}) ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...bench.args], { stdio: 'inherit' });
  console.log(`=== ${bench.name}: ${result.status === 0 ? 'done' : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (result.status !== 0) failures++;
}
process.exit(failures === 0 ? 0 : 1);

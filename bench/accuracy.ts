/**
 * Accuracy table: 5-fold 3-NN accuracy (mean ± population std, in %) and median fit seconds per fold, for every
 * method × dataset, beside the published reference figures.
 *
 *   node --import tsx bench/accuracy.ts [--methods a,b] [--datasets x,y] [--folds F] [--k K] [--seed S]
 *
 * Data: src-main/samples/data/NAME.csv (numeric features, last column `label`, an integer class index).
 */
import { evaluateMethod, type EvaluationResult } from '../shared/engine/evaluation/index.ts';
import { METHOD_NAMES } from '../shared/engine/registry.ts';
import { option, pct, readSample, SAMPLE_DATASETS, secs } from './common.ts';

/**
 * Reference 3-NN accuracy % (mean, std) and median fit seconds per fold, copied from the table in
 * REFERENCE.md (the reference figures in the project brief) ("3-NN accuracy % (median fit seconds per fold)"): scikit-learn 1.2.1 / metric-learn 0.7.0,
 * same protocol. `nca` is scikit-learn's NCA; `nca (metric-learn)` and `lfda` are listed for context only.
 */
type Ref = [mean: number, std: number, seconds: number | null];
const REFERENCE: Record<string, Record<string, Ref>> = {
  iris: {
    euclidean: [95.3, 3.4, null], nca: [96.0, 3.3, 0.0213], 'nca (metric-learn)': [96.7, 3.7, 0.0327], lmnn: [94.0, 2.5, 0.675],
    itml: [94.7, 2.7, 1.29], mmc: [96.7, 3.7, 0.881], 'mmc-diagonal': [94.7, 2.7, 0.0101], lfda: [95.3, 2.7, 0.00442], covariance: [90.0, 3.7, 0.00314],
  },
  wine: {
    euclidean: [95.5, 2.3, null], nca: [97.7, 2.1, 0.0124], 'nca (metric-learn)': [98.3, 1.4, 0.017], lmnn: [98.3, 2.2, 0.449],
    itml: [98.3, 1.4, 0.217], mmc: [93.9, 4.1, 0.485], 'mmc-diagonal': [98.3, 1.4, 0.0154], lfda: [98.3, 1.4, 0.00401], covariance: [91.0, 2.9, 0.0035],
  },
  breast_cancer: {
    euclidean: [96.5, 1.6, null], nca: [96.1, 0.9, 0.165], 'nca (metric-learn)': [96.0, 0.7, 0.362], lmnn: [96.7, 0.7, 1.72],
    itml: [94.7, 1.0, 0.083], mmc: [95.8, 1.8, 21.6], 'mmc-diagonal': [96.7, 1.2, 0.0104], lfda: [95.6, 1.5, 0.0117], covariance: [81.2, 3.0, 0.00353],
  },
  digits: {
    euclidean: [97.6, 1.0, null], nca: [97.8, 0.9, 0.83], 'nca (metric-learn)': [98.1, 0.7, 4.6], lmnn: [98.2, 0.7, 19.7],
    itml: [97.8, 0.6, 39.7], mmc: [84.6, 1.5, 14], 'mmc-diagonal': [97.6, 0.5, 0.206], lfda: [97.2, 0.8, 0.0199], covariance: [94.3, 2.0, 0.00612],
  },
};

function main(): void {
  const methods = option('methods')?.split(',') ?? [...METHOD_NAMES];
  const datasets = option('datasets')?.split(',') ?? [...SAMPLE_DATASETS];
  const folds = Number(option('folds') ?? 5);
  const k = Number(option('k') ?? 3);
  const seed = Number(option('seed') ?? 0);
  console.log(`${folds}-fold ${k}-NN accuracy %, mean ± population std (median fit s per fold); zscore; seed ${seed}`);
  console.log('| dataset | method | ours | reference | Δ mean | ours fit s | ref fit s | iterations (median) | bar |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const name of datasets) {
    const data = readSample(name);
    for (const method of methods) {
      let result: EvaluationResult;
      try {
        result = evaluateMethod(data, { method, dataset: name, protocol: { folds, k, seed } });
      } catch (error) {
        console.log(`| ${name} | ${method} | error: ${(error as Error).message} | | | | | | |`);
        continue;
      }
      const ref = REFERENCE[name]?.[method];
      const ours = 100 * result.accuracy!.mean;
      const its = [...result.folds.map((f) => f.iterations)].sort((a, b) => a - b)[result.folds.length >> 1];
      const bar = ref ? (ours >= ref[0] - 1.5 ? 'ok' : 'BELOW') : '';
      console.log(
        `| ${name} | ${method} | ${pct(result.accuracy!.mean)} ± ${pct(result.accuracy!.std)} | ${ref ? `${ref[0].toFixed(1)} ± ${ref[1].toFixed(1)}` : '—'} | ${
          ref ? (ours - ref[0] >= 0 ? '+' : '') + (ours - ref[0]).toFixed(1) : ''
        } | ${secs(result.fitSeconds.median)} | ${ref ? secs(ref[2]) : '—'} | ${its} | ${bar} |`,
      );
    }
  }
}

main();

/**
 * LMNN benchmark: per sample dataset, 5-fold stratified CV (seed 0), z-score fitted per training part, 3-NN in the
 * learned space; prints fit time (median over folds), iterations and accuracy beside metric-learn 0.7.0's figures
 * from REFERENCE.md (the reference figures in the project brief) (measured there on this kind of machine; metric-learn is not installed here, so the
 * time ratio is against those published seconds, not a same-run measurement).
 *
 *   node --import tsx bench/lmnn.ts [dataset …]
 */
import { fileURLToPath } from 'node:url';
import { lmnnLearner } from '../shared/engine/learners/lmnn.ts';
import { SAMPLE_DATASETS } from './common.ts';
import { crossValidate, loadSample, summarize, warmUp } from './nca.ts';

/** metric-learn 0.7.0 LMNN (n_neighbors 3, other defaults): 3-NN accuracy % and median fit seconds per fold. */
export const METRIC_LEARN_LMNN: Record<string, { accuracy: number; seconds: number }> = {
  iris: { accuracy: 94.0, seconds: 0.675 },
  wine: { accuracy: 98.3, seconds: 0.449 },
  breast_cancer: { accuracy: 96.7, seconds: 1.72 },
  digits: { accuracy: 98.2, seconds: 19.7 },
};

const fmt = (x: number, digits = 1) => x.toFixed(digits);

export function runLmnnBench(names: readonly string[] = SAMPLE_DATASETS): void {
  console.log('LMNN: 5-fold stratified CV (seed 0), z-score per fold, 3-NN; reference = metric-learn 0.7.0 (REFERENCE.md)');
  warmUp(lmnnLearner);
  console.log('dataset        | ours acc %   | ref acc % | ours fit s | ref fit s | ratio  | goal ≤ 0.1× | ours iters');
  for (const name of names) {
    const ours = summarize(crossValidate(loadSample(name), lmnnLearner));
    const ref = METRIC_LEARN_LMNN[name];
    const ratio = ref ? ours.medianSeconds / ref.seconds : Number.NaN;
    console.log(
      [
        name.padEnd(14),
        `${fmt(ours.mean)} ± ${fmt(ours.std)}`.padEnd(12),
        (ref ? fmt(ref.accuracy) : '—').padEnd(9),
        fmt(ours.medianSeconds, 4).padEnd(10),
        (ref ? String(ref.seconds) : '—').padEnd(9),
        (ref ? `${fmt(ratio, 3)}×` : '—').padEnd(6),
        (ref ? (ratio <= 0.1 ? 'met' : 'missed') : '—').padEnd(11),
        ours.iterations.join(','),
      ].join(' | '),
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  runLmnnBench(names.length ? names : SAMPLE_DATASETS);
}

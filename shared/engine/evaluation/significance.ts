/**
 * Paired significance tests for two methods scored on the same folds:
 *
 * - {@link correctedResampledTTest}: the corrected resampled t-test of Nadeau & Bengio (2003), the paired t-test
 *   with the variance of the mean difference inflated from σ²/J to (1/J + n_test/n_train)·σ², because the training
 *   parts of k-fold CV overlap and their results are not independent;
 * - {@link wilcoxonSignedRank}: the Wilcoxon signed-rank test with scipy's defaults (`scipy.stats.wilcoxon(x, y)`:
 *   zero_method 'wilcox', no continuity correction, two-sided), exact for up to 50 differences without zeros or ties,
 *   else the normal approximation with the tie correction.
 *
 * Both are checked against scipy 1.10 on fixed inputs (test/engine/evaluation/significance.test.ts).
 */
import { normalSf, studentTSf } from '../../math/statistics/index.ts';

/** The tests a comparison names: 'corrected-t' (Nadeau & Bengio) and 'wilcoxon' (signed-rank). */
export const SIGNIFICANCE_TESTS = ['corrected-t', 'wilcoxon'] as const;
export type SignificanceTest = (typeof SIGNIFICANCE_TESTS)[number];

/** What each test is called in tables, captions and footnotes. */
export const SIGNIFICANCE_TEST_NAMES: Record<SignificanceTest, string> = {
  'corrected-t': 'corrected resampled t-test (Nadeau & Bengio)',
  wilcoxon: 'Wilcoxon signed-rank test',
};

export interface CorrectedTTestResult {
  /** t = d̄ / √((1/J + n_test/n_train)·s²), s² the sample variance (ddof 1) of the J differences. */
  statistic: number;
  /** J − 1. */
  df: number;
  /** Two-sided: 2·P(T_df > |t|). */
  pValue: number;
  /** J, the number of paired results. */
  n: number;
}

/**
 * Corrected resampled t-test on paired results `a[j]`, `b[j]` (the same fold j for both methods).
 * `testTrainRatio` is n_test / n_train of one fold (1/(k − 1) for k-fold CV of equal folds). When every difference
 * is the same, s² = 0: p = 1 if that difference is 0 (no evidence of any difference), else p = 0 (t = ±∞).
 * @throws RangeError for fewer than 2 pairs, lists of different lengths or a ratio that is not > 0.
 */
export function correctedResampledTTest(a: readonly number[], b: readonly number[], testTrainRatio: number): CorrectedTTestResult {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`correctedResampledTTest: ${n} results against ${b.length}.`);
  if (n < 2) throw new RangeError(`correctedResampledTTest: needs at least 2 paired results, got ${n}.`);
  if (!(testTrainRatio > 0) || !Number.isFinite(testTrainRatio)) {
    throw new RangeError(`correctedResampledTTest: testTrainRatio must be a finite number > 0, got ${testTrainRatio}.`);
  }
  const d = a.map((x, j) => x - b[j]!);
  const meanDiff = d.reduce((s, x) => s + x, 0) / n;
  const variance = d.reduce((s, x) => s + (x - meanDiff) * (x - meanDiff), 0) / (n - 1);
  const df = n - 1;
  if (variance === 0) {
    return meanDiff === 0 ? { statistic: 0, df, pValue: 1, n } : { statistic: meanDiff > 0 ? Infinity : -Infinity, df, pValue: 0, n };
  }
  const statistic = meanDiff / Math.sqrt((1 / n + testTrainRatio) * variance);
  return { statistic, df, pValue: Math.min(1, 2 * studentTSf(Math.abs(statistic), df)), n };
}

export interface WilcoxonResult {
  /** min(R⁺, R⁻), the smaller signed-rank sum (scipy's two-sided statistic). */
  statistic: number;
  pValue: number;
  /** Differences that are not zero (the ones ranked). */
  n: number;
  /** 'exact': the null distribution of R⁺; 'approx': the normal approximation with the tie correction. */
  mode: 'exact' | 'approx';
}

/** Up to this many differences (zeros included, as scipy counts them), without zeros or ties, the p-value is exact. */
export const WILCOXON_EXACT_MAX = 50;

/** Average ranks (1-based) of `values`, as scipy.stats.rankdata's default 'average'. */
function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    for (let r = start; r <= end; r++) ranks[order[r]!] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Number of subsets of {1, …, n} with each sum s = 0 … n(n+1)/2: 2ⁿ × the null distribution of R⁺ (exact in doubles for n ≤ 50). */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s]! += counts[s - k]!;
  return counts;
}

/**
 * Two-sided Wilcoxon signed-rank test of the paired differences x[j] − y[j], as `scipy.stats.wilcoxon(x, y)` with
 * its defaults: zeros are dropped ('wilcox'); with at most {@link WILCOXON_EXACT_MAX} differences, no zero and no
 * tie, p comes from the exact distribution of R⁺ (2·min(P(R⁺ ≤ r), P(R⁺ ≥ r)), 1 at the centre); otherwise from the
 * normal approximation z = (T − n(n+1)/4) / σ with σ² = (n(n+1)(2n+1) − ½·Σ t(t² − 1)) / 24 over tied groups of
 * size t, without continuity correction. With ties and n ≤ 50, scipy 1.10 keeps the exact branch and truncates a
 * half-integer R⁺; we take the normal approximation there (scipy ≥ 1.11's choice; equal to scipy's
 * `method='approx'`). Every difference zero: p = 1, n = 0 (scipy raises).
 * @throws RangeError for lists of different lengths or empty lists.
 */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): WilcoxonResult {
  if (x.length !== y.length) throw new RangeError(`wilcoxonSignedRank: ${x.length} results against ${y.length}.`);
  if (x.length === 0) throw new RangeError('wilcoxonSignedRank: needs at least 1 paired result.');
  const all = x.map((v, j) => v - y[j]!);
  const d = all.filter((v) => v !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, pValue: 1, n: 0, mode: 'exact' };
  const ranks = averageRanks(d.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  d.forEach((v, j) => (v > 0 ? (rPlus += ranks[j]!) : (rMinus += ranks[j]!)));
  const statistic = Math.min(rPlus, rMinus);
  const tieSizes = new Map<number, number>();
  for (const r of ranks) tieSizes.set(r, (tieSizes.get(r) ?? 0) + 1);
  const tied = [...tieSizes.values()].some((t) => t > 1);
  if (all.length <= WILCOXON_EXACT_MAX && n === all.length && !tied) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    const centre = (counts.length - 1) / 2;
    if (rPlus === centre) return { statistic, pValue: 1, n, mode: 'exact' };
    let less = 0;
    for (let s = 0; s <= rPlus; s++) less += counts[s]!;
    let greater = 0;
    for (let s = rPlus; s < counts.length; s++) greater += counts[s]!;
    return { statistic, pValue: Math.min(1, (2 * Math.min(less, greater)) / total), n, mode: 'exact' };
  }
  const meanT = (n * (n + 1)) / 4;
  let variance = n * (n + 1) * (2 * n + 1);
  for (const t of tieSizes.values()) if (t > 1) variance -= 0.5 * t * (t * t - 1);
  const z = (statistic - meanT) / Math.sqrt(variance / 24);
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(z))), n, mode: 'approx' };
}

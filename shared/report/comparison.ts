/**
 * A comparison as a table, the model every view of it is written from (the Compare view, the report writers in
 * ./writers.ts, `workbench report`): one row per method and supervision, with its figures and its paired
 * significance tests against the best row and against the Euclidean baseline.
 *
 * Rows: runs with the same method, parameters and supervision are one row; when they were cross-validated with
 * different protocol seeds (repeated CV), the row pools their folds × seeds. Two rows are tested on the results
 * they share (same protocol seed, same fold: the very same test rows): the corrected resampled t-test always
 * (at least 2 shared results), the Wilcoxon signed-rank test from {@link WILCOXON_MIN_PAIRS} shared results.
 */
import { BASELINE_METHOD } from '../domain/enums.ts';
import { supervisionText, type Supervision } from '../domain/supervision.ts';
import { ValidationError } from '../errors.ts';
import type { EvaluationResult } from '../ipc/schemas.ts';
import { correctedResampledTTest, wilcoxonSignedRank, type CorrectedTTestResult, type WilcoxonResult } from '../engine/evaluation/significance.ts';

/** One stored evaluate run, as a report reads it. */
export interface ReportRun {
  runId: number;
  method: string;
  params: Record<string, unknown>;
  /** From the run's list item (or its evaluation), null when unknown. */
  supervision: Supervision | null;
  evaluation: EvaluationResult;
}

/**
 * The fewest paired results for the Wilcoxon test: with 5 (one 5-fold CV) its exact two-sided p is at least 2/32 =
 * 0.0625, so it could never reach 0.05; from 6 it can (2/64).
 */
export const WILCOXON_MIN_PAIRS = 6;

/** One fold of one run: the unit the tests pair. */
export interface ReportSample {
  runId: number;
  /** Protocol seed (which folds) and 0-based fold. */
  seed: number;
  fold: number;
  accuracy: number;
  trainSize: number;
  testSize: number;
}

/** One row against a reference row. */
export interface PairedTests {
  /** The reference row's index. */
  against: number;
  /** Shared results (seed, fold). */
  n: number;
  /** Null below 2 shared results. */
  tTest: CorrectedTTestResult | null;
  /** Null below {@link WILCOXON_MIN_PAIRS} shared results. */
  wilcoxon: WilcoxonResult | null;
}

export interface ComparisonRow {
  /** Method name, with parameters when two rows share method and supervision. */
  label: string;
  method: string;
  params: Record<string, unknown>;
  supervision: string;
  runIds: number[];
  /** Protocol seeds pooled in this row. */
  seeds: number[];
  samples: ReportSample[];
  /** Over every sample (folds × seeds); std is the population std, as each evaluation's own. */
  accuracy: { mean: number; std: number };
  nmi: number;
  ari: number;
  precisionAt1: number | null;
  mapAtR: number | null;
  pairAuc: number | null;
  /** Held-out pairs behind pairAuc (summed over the pooled runs), undefined for evaluations that did not record it. */
  pairAucPairs: number | undefined;
  pairAucSource: string | undefined;
  /** Against the best row (null for the best row itself). */
  vsBest: PairedTests | null;
  /** Against the Euclidean row (null for that row, or when there is none). */
  vsEuclidean: PairedTests | null;
}

export interface ComparisonTable {
  dataset: string | null;
  protocol: { folds: number; k: number; preprocess: string; seeds: number[] };
  rows: ComparisonRow[];
  /** Index of the row with the highest mean accuracy (the first of equals). */
  best: number;
  /** Index of the Euclidean row, or null. */
  euclidean: number | null;
  /** Supervision texts of the rows, without repeats, in row order. */
  supervisions: string[];
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
const populationStd = (values: readonly number[]): number => {
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) * (v - m), 0) / values.length);
};
const meanOfPresent = (values: ReadonlyArray<number | null>): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? mean(present) : null;
};

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** The two rows' results on the same (seed, fold), the tests on them. */
function pairedTests(row: ComparisonRow, reference: ComparisonRow, against: number): PairedTests {
  const byKey = new Map(reference.samples.map((s) => [`${s.seed}/${s.fold}`, s]));
  const mine: number[] = [];
  const theirs: number[] = [];
  let trainSize = 0;
  let testSize = 0;
  for (const s of row.samples) {
    const other = byKey.get(`${s.seed}/${s.fold}`);
    if (!other) continue;
    mine.push(s.accuracy);
    theirs.push(other.accuracy);
    trainSize += s.trainSize;
    testSize += s.testSize;
  }
  const n = mine.length;
  return {
    against,
    n,
    tTest: n >= 2 && trainSize > 0 ? correctedResampledTTest(mine, theirs, testSize / trainSize) : null,
    wilcoxon: n >= WILCOXON_MIN_PAIRS ? wilcoxonSignedRank(mine, theirs) : null,
  };
}

/**
 * Builds the table of `runs` (evaluate runs that succeeded) on dataset `dataset`.
 * @throws ValidationError when there is no run, or runs differ in folds, k or preprocessing (they would not be
 *   scored the same way), naming the runs.
 */
export function buildComparisonTable(runs: readonly ReportRun[], dataset: string | null = null): ComparisonTable {
  if (runs.length === 0) throw new ValidationError('A report needs at least one evaluated run.');
  const regression = runs.find((run) => run.evaluation.accuracy === null);
  if (regression) {
    throw new ValidationError(
      `Run ${regression.runId} is a regression evaluation (RMSE, MAE, R²); a comparison report tabulates kNN accuracy, so it takes classification runs only.`,
    );
  }
  const first = runs[0]!;
  const p0 = first.evaluation.protocol;
  for (const run of runs) {
    const p = run.evaluation.protocol;
    if (p.folds !== p0.folds || p.k !== p0.k || p.preprocess !== p0.preprocess) {
      throw new ValidationError(
        `Runs ${first.runId} and ${run.runId} were evaluated differently (${p0.folds} folds, ${p0.k}-NN, ${p0.preprocess} vs ${p.folds} folds, ${p.k}-NN, ${p.preprocess}); a table compares runs of one protocol.`,
      );
    }
  }
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) {
    const key = JSON.stringify([run.method, run.params, run.supervision ? supervisionText(run.supervision) : '']);
    const group = groups.get(key);
    // A group pools different protocol seeds; a second run with a seed already there starts a row of its own.
    if (group && !group.some((r) => r.evaluation.protocol.seed === run.evaluation.protocol.seed)) group.push(run);
    else groups.set(group ? `${key}#${run.runId}` : key, [run]);
  }
  const rows: ComparisonRow[] = [...groups.values()].map((group) => {
    const samples = group.flatMap((run) =>
      run.evaluation.folds.map((f) => ({
        runId: run.runId,
        seed: run.evaluation.protocol.seed,
        fold: f.fold,
        // Classification runs only (checked above): every fold has an accuracy.
        accuracy: f.accuracy!,
        trainSize: f.trainSize,
        testSize: f.testSize,
      })),
    );
    const folds = group.flatMap((run) => run.evaluation.folds);
    const accuracies = samples.map((s) => s.accuracy);
    const recorded = group.map((run) => run.evaluation.pairAucPairs);
    const head = group[0]!;
    return {
      label: head.method,
      method: head.method,
      params: head.params,
      supervision: head.supervision ? supervisionText(head.supervision) : '',
      runIds: group.map((r) => r.runId),
      seeds: group.map((r) => r.evaluation.protocol.seed),
      samples,
      accuracy: { mean: mean(accuracies), std: populationStd(accuracies) },
      nmi: mean(folds.map((f) => f.nmi!)),
      ari: mean(folds.map((f) => f.ari!)),
      precisionAt1: meanOfPresent(folds.map((f) => f.precisionAt1)),
      mapAtR: meanOfPresent(folds.map((f) => f.mapAtR)),
      pairAuc: meanOfPresent(folds.map((f) => f.pairAuc)),
      pairAucPairs: recorded.every((n) => n !== undefined) ? recorded.reduce((s, n) => s + n!, 0) : undefined,
      pairAucSource: head.evaluation.pairAucSource,
      vsBest: null,
      vsEuclidean: null,
    };
  });
  for (const row of rows) {
    const twins = rows.filter((r) => r.method === row.method && r.supervision === row.supervision);
    if (twins.length > 1 && Object.keys(row.params).length > 0) row.label = `${row.method} (${paramsText(row.params)})`;
  }
  let best = 0;
  rows.forEach((row, i) => {
    if (row.accuracy.mean > rows[best]!.accuracy.mean) best = i;
  });
  const euclideanIndex = rows.findIndex((r) => r.method === BASELINE_METHOD);
  const euclidean = euclideanIndex >= 0 ? euclideanIndex : null;
  rows.forEach((row, i) => {
    if (i !== best) row.vsBest = pairedTests(row, rows[best]!, best);
    if (euclidean !== null && i !== euclidean) row.vsEuclidean = pairedTests(row, rows[euclidean]!, euclidean);
  });
  const seeds = [...new Set(rows.flatMap((r) => r.seeds))].sort((a, b) => a - b);
  return {
    dataset,
    protocol: { folds: p0.folds, k: p0.k, preprocess: p0.preprocess, seeds },
    rows,
    best,
    euclidean,
    supervisions: [...new Set(rows.map((r) => r.supervision).filter((s) => s !== ''))],
  };
}

/** "**" below 0.01, "*" below 0.05, else "" (null p: ""). The chart and every writer use it. */
export function significanceMarker(p: number | null | undefined): '' | '*' | '**' {
  if (p === null || p === undefined) return '';
  return p < 0.01 ? '**' : p < 0.05 ? '*' : '';
}

/** A p-value for tables: "<0.001", else three decimals ("0.043"); "–" when there is none. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

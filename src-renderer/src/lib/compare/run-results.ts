import { isAnswersSweep } from '../../../../shared/domain/job.ts';
import type { RunDetail } from '../backend/types.ts';

/** Accuracy of one run, as the bar chart draws it (fractions in [0, 1]). */
export interface AccuracySummary {
  runId: number;
  method: string;
  mean: number;
  std: number;
  folds: number[];
}

/** Clustering and retrieval figures, where the run has them. */
export interface QualityFigures {
  nmi: number | null;
  ari: number | null;
  precisionAt1: number | null;
  mapAtR: number | null;
  pairAuc: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Population std, the convention the engine reports. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std };
}

/** Mean ± std over folds: from the stored summary when present, else from the per-fold accuracies. */
export function accuracyOf(run: RunDetail): AccuracySummary | null {
  const evaluation = run.evaluation;
  // A regression evaluation has no accuracy (its figures: regression-results.ts).
  if (!evaluation || evaluation.accuracy === null) return null;
  const folds = evaluation.folds.map((f) => f.accuracy).filter((a): a is number => a !== null);
  const computed = meanStd(folds);
  const mean = num(evaluation.accuracy?.mean) ?? computed.mean;
  const std = num(evaluation.accuracy?.std) ?? computed.std;
  if (!Number.isFinite(mean)) return null;
  return { runId: run.id, method: run.method ?? run.kind, mean, std, folds };
}

export function qualityOf(run: RunDetail): QualityFigures {
  const e: Record<string, unknown> = run.evaluation ?? {};
  return { nmi: num(e.nmi), ari: num(e.ari), precisionAt1: num(e.precisionAt1), mapAtR: num(e.mapAtR), pairAuc: num(e.pairAuc) };
}

/** Per-fold rows for the table: fold number, accuracy, and fit seconds where stored. */
export function foldRows(run: RunDetail): { fold: number; accuracy: number | null; fitSeconds: number | null }[] {
  const evaluation = run.evaluation;
  if (!evaluation) return [];
  return evaluation.folds.map((f, k) => ({
    fold: typeof f.fold === 'number' ? f.fold : k + 1,
    accuracy: f.accuracy,
    fitSeconds: num(f.fitSeconds),
  }));
}

/** One point of an accuracy-vs-number-of-constraints curve. */
export interface SweepCurvePoint {
  count: number;
  mean: number;
  std: number;
}

/** The sweep curve stored with a sweep run (see shared/domain/job.ts SweepResult), or null. */
export function sweepCurve(run: RunDetail): SweepCurvePoint[] | null {
  const sweep = run.sweep;
  // A pairs-vs-comparisons sweep is two curves over answers: answersCurves draws it.
  if (!sweep || isAnswersSweep(sweep)) return null;
  const out: SweepCurvePoint[] = [];
  for (const p of sweep.points) {
    // A count that could not be evaluated (mean null) is left out of the curve.
    if (p.mean === null || !Number.isFinite(p.mean) || !Number.isFinite(p.count)) continue;
    out.push({ count: p.count, mean: p.mean, std: p.std !== null && Number.isFinite(p.std) ? p.std : 0 });
  }
  return out;
}

/** One curve of a pairs-vs-comparisons sweep, ready to draw: points with a mean (gaps left out), in percent-free fractions. */
export interface AnswersCurve {
  supervision: 'pairs' | 'comparisons';
  method: string;
  source: string;
  points: Array<{ answers: number; mean: number; std: number }>;
  /** Numbers of answers that could not be evaluated (the chart breaks the line there rather than bridge them). */
  gaps: number[];
}

/** A pairs-vs-comparisons sweep run's two curves and its Euclidean baseline, or null for any other run. */
export function answersCurves(run: RunDetail): { curves: AnswersCurve[]; baseline: { mean: number; std: number } | null; source: string } | null {
  const sweep = run.sweep;
  if (!sweep || !isAnswersSweep(sweep)) return null;
  const curves = sweep.curves.map((c) => ({
    supervision: c.supervision,
    method: c.method,
    source: c.source,
    points: c.points.flatMap((p) =>
      p.mean === null || !Number.isFinite(p.mean) ? [] : [{ answers: p.answers, mean: p.mean, std: p.std !== null && Number.isFinite(p.std) ? p.std : 0 }],
    ),
    gaps: c.points.filter((p) => p.mean === null || !Number.isFinite(p.mean)).map((p) => p.answers),
  }));
  const { mean, std } = sweep.baseline;
  return { curves, baseline: mean === null || !Number.isFinite(mean) ? null : { mean, std: std ?? 0 }, source: sweep.constraintSource };
}

/** "itml on random pairs (#12)", "scml on suggested comparisons (active learning) (#12)": a pairs-vs-comparisons curve's legend. */
export function answersCurveLabel(curve: Pick<AnswersCurve, 'supervision' | 'method' | 'source'>, runId: number): string {
  return `${curve.method} on ${sweepSourceName(curve.source, curve.supervision)} (#${runId})`;
}

/** How each constraint source is named beside a sweep curve. */
/** A sweep's source in words, for what it counts (`unit`: its method's kind of supervision, plural; default pairs). */
export function sweepSourceName(source: string, unit = 'pairs'): string {
  if (source === 'labeled') return `my labeled ${unit}`;
  if (source === 'generated') return `random ${unit}`;
  if (source === 'suggested') return `suggested ${unit} (active learning)`;
  return source;
}

/**
 * The legend label of a sweep curve: method, constraint source and run id, so two sweeps of one method
 * (e.g. suggested against random pairs on the same folds and seeds) are told apart side by side. `unit`: what the
 * method's sweep counts (its supervision kind's unit, plural: pairs, chunklets, comparisons, quadruplets).
 */
export function sweepLabel(run: Pick<RunDetail, 'id' | 'method' | 'sweep'>, unit?: string): string {
  const source = run.sweep?.constraintSource;
  const method = run.method ?? (run.sweep && !isAnswersSweep(run.sweep) ? run.sweep.method : 'sweep');
  return source ? `${method}, ${sweepSourceName(source, unit)} (#${run.id})` : `${method} (#${run.id})`;
}

/** Diagonal of M (d, d) row-major: the weight of each feature under the metric. */
export function diagonal(M: readonly number[], d: number): number[] {
  return Array.from({ length: d }, (_, f) => M[f * d + f] ?? 0);
}

/** Feature names of the metric's kept features (dropped constant features are not in M). */
export function keptFeatureNames(featureNames: readonly string[], kept: readonly number[]): string[] {
  return kept.map((f) => featureNames[f] ?? `feature ${f}`);
}

/** Format a fraction as a percentage with one decimal. */
export function pct(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)}%`;
}

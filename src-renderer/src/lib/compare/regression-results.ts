import type { RunDetail } from '../backend/types.ts';

/** A figure over the folds as the engine stores it. */
export interface FoldFigure {
  mean: number;
  std: number;
  folds: number[];
}

/** The kNN-regression figures of one evaluate run on a regression dataset, as the RMSE and R² charts draw them. */
export interface RegressionSummary {
  runId: number;
  method: string;
  rmse: FoldFigure;
  r2: FoldFigure;
  mae: FoldFigure | null;
}

/** The regression figures of a run, or null for a classification evaluation (or a run without one). */
export function regressionOf(run: RunDetail): RegressionSummary | null {
  const e = run.evaluation;
  if (!e?.rmse || !e.r2) return null;
  return { runId: run.id, method: run.method ?? run.kind, rmse: e.rmse, r2: e.r2, mae: e.mae ?? null };
}

/** The y range of a bar chart of values with whiskers: from 0 (or the lowest whisker when below 0) to the highest, padded. */
export function figureAxis(figures: readonly FoldFigure[]): { min: number; max: number } {
  if (figures.length === 0) return { min: 0, max: 1 };
  const low = Math.min(0, ...figures.map((f) => f.mean - f.std));
  const high = Math.max(...figures.map((f) => f.mean + f.std));
  const pad = 0.05 * (high - low || 1);
  return { min: low < 0 ? low - pad : 0, max: high + pad };
}

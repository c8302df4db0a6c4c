import { ValidationError } from '../../../../shared/errors.ts';
import { buildComparisonTable, significanceMarker, type ComparisonTable, type ReportRun } from '../../../../shared/report/comparison.ts';
import type { RunDetail, RunSummary } from '../backend/types.ts';

/**
 * The significance table of the shown runs (shared/report/comparison.ts: each row against the best and against
 * Euclidean, paired over the same folds), or why there is none (runs of different protocols).
 */
export function significanceOf(runs: readonly RunDetail[], summaries: readonly RunSummary[]): { table: ComparisonTable | null; error: string | null } {
  const reportRuns: ReportRun[] = runs.flatMap((r) =>
    r.evaluation
      ? [{
          runId: r.id,
          method: r.method ?? r.kind,
          params: r.params,
          supervision: r.evaluation.supervision ?? summaries.find((s) => s.id === r.id)?.supervision ?? null,
          evaluation: r.evaluation,
        }]
      : [],
  );
  if (reportRuns.length === 0) return { table: null, error: null };
  try {
    return { table: buildComparisonTable(reportRuns), error: null };
  } catch (error) {
    if (error instanceof ValidationError) return { table: null, error: error.message };
    throw error;
  }
}

/** Per run id, the marker of its row against the Euclidean baseline ("*" p < 0.05, "**" p < 0.01, corrected t-test). */
export function markersAgainstEuclidean(table: ComparisonTable | null): Map<number, string> {
  const markers = new Map<number, string>();
  for (const row of table?.rows ?? []) {
    const marker = significanceMarker(row.vsEuclidean?.tTest?.pValue);
    if (marker) for (const id of row.runIds) markers.set(id, marker);
  }
  return markers;
}

/** A bar label with its marker beside it: "nca #12 **". */
export function withMarker(label: string, marker: string | undefined): string {
  return marker ? `${label} ${marker}` : label;
}

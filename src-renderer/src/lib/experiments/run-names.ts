import { supervisionText } from '../../../../shared/domain/supervision.ts';
import type { RunSummary } from '../backend/types.ts';

/** A run's supervision in words ("pairs: labeled (15)", "class labels"), or '' when it has none (a compare parent). */
export function runSupervision(run: Pick<RunSummary, 'supervision'>): string {
  return run.supervision ? supervisionText(run.supervision) : '';
}

/**
 * The cross-validated accuracy that goes with a run: its own (evaluate runs, grid cells), else that of the finished
 * evaluation of the same method, parameters and seed closest in id among `evaluations` (a comparison fits each
 * method on all rows right beside its evaluation). Null when there is none.
 */
export function accuracyFor(run: RunSummary, evaluations: readonly RunSummary[]): number | null {
  if (run.accuracy !== null) return run.accuracy;
  const params = JSON.stringify(run.params);
  let best: RunSummary | null = null;
  for (const e of evaluations) {
    if (e.accuracy === null || e.method !== run.method || e.seed !== run.seed || JSON.stringify(e.params) !== params) continue;
    if (!best || Math.abs(e.id - run.id) < Math.abs(best.id - run.id)) best = e;
  }
  return best?.accuracy ?? null;
}

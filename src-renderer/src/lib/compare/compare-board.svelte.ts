import type { RunDetail, RunSummary } from '../backend/types.ts';
import type { RunHistory } from '../experiments/run-history.svelte.ts';
import { accuracyOf, sweepCurve, type AccuracySummary } from './run-results.ts';

const isDone = (r: RunSummary): boolean => r.status === 'succeeded';

/**
 * What the Compare view shows: the chosen evaluated runs (accuracy bars, per-fold table, clustering and
 * retrieval figures) beside the Euclidean baseline, the sweep curves, and one focused run's metric (M
 * heatmap, feature weights, spectrum, before/after scatter).
 */
export class CompareBoard {
  #history: RunHistory;
  #details = $state.raw<Map<number, RunDetail>>(new Map());
  chosen = $state.raw<number[]>([]);
  focus = $state<number | null>(null);
  loading = $state(false);

  constructor(history: RunHistory) {
    this.#history = history;
  }

  /** Finished cross-validated runs (accuracy bars, folds, clustering and retrieval figures). */
  readonly candidates = $derived.by(() => this.#history.runs.filter((r) => isDone(r) && r.kind === 'evaluate'));
  /** Finished runs holding a learned metric (fitted on every row): M, weights, spectrum, scatters. */
  readonly learned = $derived.by(() => this.#history.runs.filter((r) => isDone(r) && r.components !== null));
  readonly sweeps = $derived.by(() => this.#history.runs.filter((r) => isDone(r) && r.kind === 'sweep'));
  /** The newest finished Euclidean run: always drawn as the baseline. */
  readonly baseline = $derived(this.candidates.find((r) => r.method === 'euclidean') ?? null);

  /** Runs drawn in the bars: the baseline first, then the chosen ones (newest first if none chosen). */
  readonly shown = $derived.by(() => {
    const chosen = this.chosen.length > 0 ? this.chosen : this.candidates.filter((r) => r.method !== 'euclidean').slice(0, 6).map((r) => r.id);
    const ids = this.baseline ? [this.baseline.id, ...chosen.filter((id) => id !== this.baseline!.id)] : chosen;
    return ids;
  });

  readonly accuracies = $derived(
    this.shown.map((id) => this.#details.get(id)).filter((r): r is RunDetail => !!r).map(accuracyOf).filter((a): a is AccuracySummary => !!a),
  );
  readonly focusedRun = $derived(this.focus !== null ? (this.#details.get(this.focus) ?? null) : null);
  readonly sweepRuns = $derived(
    this.sweeps.map((r) => this.#details.get(r.id)).filter((r): r is RunDetail => !!r && sweepCurve(r) !== null),
  );

  detailOf(id: number): RunDetail | undefined {
    return this.#details.get(id);
  }

  toggle(id: number, on: boolean): void {
    this.chosen = on ? [...new Set([...this.chosen, id])] : this.chosen.filter((x) => x !== id);
  }

  /** Fetches every run the view needs; picks a focus run (the newest learned non-Euclidean metric). */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const ids = [...new Set([...this.shown, ...this.sweeps.map((r) => r.id), ...(this.focus !== null ? [this.focus] : [])])];
      const map = new Map(this.#details);
      for (const id of ids) {
        if (map.has(id)) continue;
        const run = await this.#history.detail(id);
        if (run) map.set(id, run);
      }
      this.#details = map;
      if (this.focus === null || !this.learned.some((r) => r.id === this.focus)) {
        const pick = this.learned.find((r) => r.method !== 'euclidean') ?? this.learned[0];
        if (pick) {
          this.focus = pick.id;
          if (!map.has(pick.id)) {
            const run = await this.#history.detail(pick.id);
            if (run) map.set(pick.id, run);
          }
        } else this.focus = null;
      }
      this.#details = map;
    } finally {
      this.loading = false;
    }
  }

  async setFocus(id: number): Promise<void> {
    this.focus = id;
    if (!this.#details.has(id)) {
      const run = await this.#history.detail(id);
      if (run) this.#details = new Map(this.#details).set(id, run);
    }
  }
}

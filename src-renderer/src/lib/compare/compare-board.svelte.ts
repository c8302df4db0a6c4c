import { BASELINE_METHOD } from '../../../../shared/domain/enums.ts';
import type { RunDetail, RunSummary } from '../backend/types.ts';
import type { RunHistory } from '../experiments/run-history.svelte.ts';
import { regressionOf, type RegressionSummary } from './regression-results.ts';
import { accuracyOf, answersCurves, sweepCurve, type AccuracySummary } from './run-results.ts';

const isDone = (r: RunSummary): boolean => r.status === 'succeeded';

/**
 * What the Compare view shows: the chosen evaluated runs (accuracy bars, per-fold table, clustering and
 * retrieval figures) beside the Euclidean baseline, the sweep curves, and one focused run's metric (M
 * heatmap, feature weights, spectrum, before/after scatter).
 */
export class CompareBoard {
  #history: RunHistory;
  #details = $state.raw<Map<number, RunDetail>>(new Map());
  /** Evaluate runs made by comparisons (runs.get(compare).children). */
  #children = $state.raw<RunSummary[]>([]);
  chosen = $state.raw<number[]>([]);
  focus = $state<number | null>(null);
  loading = $state(false);
  #focusListeners: (() => void)[] = [];

  constructor(history: RunHistory) {
    this.#history = history;
  }

  /** Finished cross-validated runs (accuracy bars, folds, clustering and retrieval figures). */
  readonly candidates = $derived.by(() =>
    [...this.#history.runs.filter((r) => r.kind === 'evaluate'), ...this.#children].filter(isDone).sort((a, b) => b.id - a.id),
  );
  /** Finished runs holding a learned metric (fitted on every row): M, weights, spectrum, scatters. */
  readonly learned = $derived.by(() => this.#history.runs.filter((r) => isDone(r) && r.components !== null));
  readonly sweeps = $derived.by(() => this.#history.runs.filter((r) => isDone(r) && r.kind === 'sweep'));
  /** The newest finished Euclidean run: always drawn as the baseline. */
  readonly baseline = $derived(this.candidates.find((r) => r.method === BASELINE_METHOD) ?? null);

  /** Runs drawn in the bars: the baseline first, then the chosen ones (newest first if none chosen). */
  readonly shown = $derived.by(() => {
    const latestPerMethod = new Map<string, number>();
    for (const r of this.candidates) if (r.method && r.method !== BASELINE_METHOD && !latestPerMethod.has(r.method)) latestPerMethod.set(r.method, r.id);
    const chosen = this.chosen.length > 0 ? this.chosen : [...latestPerMethod.values()].slice(0, 6);
    const ids = this.baseline ? [this.baseline.id, ...chosen.filter((id) => id !== this.baseline!.id)] : chosen;
    return ids;
  });

  readonly accuracies = $derived(
    this.shown.map((id) => this.#details.get(id)).filter((r): r is RunDetail => !!r).map(accuracyOf).filter((a): a is AccuracySummary => !!a),
  );
  /** The shown runs' kNN-regression figures (evaluations on a regression dataset), in the same order. */
  readonly regressions = $derived(
    this.shown.map((id) => this.#details.get(id)).filter((r): r is RunDetail => !!r).map(regressionOf).filter((a): a is RegressionSummary => !!a),
  );
  readonly focusedRun = $derived(this.focus !== null ? (this.#details.get(this.focus) ?? null) : null);
  readonly sweepRuns = $derived(
    this.sweeps.map((r) => this.#details.get(r.id)).filter((r): r is RunDetail => !!r && sweepCurve(r) !== null),
  );
  /** Pairs-vs-comparisons sweeps (two curves over the number of answers each), newest first. */
  readonly answersRuns = $derived(
    this.sweeps.map((r) => this.#details.get(r.id)).filter((r): r is RunDetail => !!r && answersCurves(r) !== null),
  );

  detailOf(id: number): RunDetail | undefined {
    return this.#details.get(id);
  }

  /** Called whenever the user moves the focus (not when the board picks one by itself). */
  onFocusChange(listener: () => void): void {
    this.#focusListeners.push(listener);
  }

  /** Ticks (or unticks) an evaluation; ticking it also focuses the learned metric of its method, if any. */
  toggle(id: number, on: boolean): void {
    // Nothing chosen yet means "the newest run of each method": unticking one of those keeps the others.
    const current = this.chosen.length > 0 ? this.chosen : this.shown.filter((x) => x !== this.baseline?.id);
    this.chosen = on ? [...new Set([...current, id])] : current.filter((x) => x !== id);
    if (!on) return;
    const learned = this.learnedFor(id);
    if (learned !== null && learned !== this.focus) void this.setFocus(learned);
  }

  /**
   * The learned metric that goes with a run: the run itself when it holds one, else the learned run of the
   * same method closest in id (a comparison fits each method on all rows right beside its evaluation).
   */
  learnedFor(runId: number): number | null {
    if (this.learned.some((r) => r.id === runId)) return runId;
    const run = this.candidates.find((r) => r.id === runId) ?? this.#history.runs.find((r) => r.id === runId);
    if (!run?.method) return null;
    const same = this.learned.filter((r) => r.method === run.method);
    if (same.length === 0) return null;
    return same.reduce((best, r) => (Math.abs(r.id - runId) < Math.abs(best.id - runId) ? r : best)).id;
  }

  /** Shows the runs of one job (Experiments → Compare): the first one with a learned metric becomes the focus. */
  async lookAt(runIds: readonly number[]): Promise<void> {
    for (const id of runIds) {
      const learned = this.learnedFor(id);
      if (learned !== null) {
        await this.setFocus(learned);
        return;
      }
    }
  }

  async #fetch(id: number, quiet = false): Promise<RunDetail | null> {
    const cached = this.#details.get(id);
    if (cached) return cached;
    const run = await this.#history.detail(id, { quiet });
    if (run) this.#details = new Map(this.#details).set(id, run);
    return run;
  }

  /**
   * Fetches every run the view needs: the children of finished comparisons (one evaluate run per
   * method, not listed in the history), the shown runs, the sweeps, and a focus run (the newest learned
   * non-Euclidean metric when none is chosen).
   */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const children: RunSummary[] = [];
      for (const parent of this.#history.runs.filter((r) => isDone(r) && r.kind === 'compare')) {
        const detail = await this.#fetch(parent.id, true);
        children.push(...(detail?.children ?? []));
      }
      const known = new Set(this.#children.map((r) => r.id));
      if (children.some((c) => !known.has(c.id)) || children.length !== this.#children.length) {
        this.#children = children.sort((a, b) => b.id - a.id);
      }
      for (const id of [...this.shown, ...this.sweeps.map((r) => r.id)]) await this.#fetch(id);
      if (this.focus === null || !this.learned.some((r) => r.id === this.focus)) {
        const pick = this.learned.find((r) => r.method !== BASELINE_METHOD) ?? this.learned[0];
        this.focus = pick?.id ?? null;
        for (const listener of this.#focusListeners) listener();
      }
      if (this.focus !== null) await this.#fetch(this.focus);
    } finally {
      this.loading = false;
    }
  }

  /** Back to a fresh dataset's board: nothing chosen, no focus (the fetched runs stay cached by id). */
  reset(): void {
    this.chosen = [];
    this.focus = null;
  }

  /** Test-set scoring in progress, and the last problem. */
  scoring = $state(false);
  scoreError = $state<string | null>(null);
  #scoringCancelled = false;

  /** The running score's progress (phase, fraction), and which shown run it is: 1-based of `shown.length`. */
  get scoreProgress() {
    return this.#history.scoreProgress;
  }
  scoringIndex = $state(0);

  /**
   * Scores every shown run on the held-out dataset `testDatasetId` (each run's method fitted on all rows of the
   * current dataset, then kNN / k-means / retrieval on the test set), one after the other, until one fails or
   * {@link cancelScoring} is called.
   */
  async scoreShown(testDatasetId: number, k: number): Promise<void> {
    this.scoring = true;
    this.scoreError = null;
    this.#scoringCancelled = false;
    try {
      for (const [index, id] of this.shown.entries()) {
        if (this.#scoringCancelled) break;
        this.scoringIndex = index + 1;
        const run = await this.#history.score(id, testDatasetId, k);
        if (!run) {
          this.scoreError = this.#history.error;
          break;
        }
        this.#details = new Map(this.#details).set(id, run);
      }
    } finally {
      this.scoring = false;
      this.scoringIndex = 0;
    }
  }

  /** Stops the running score (nothing of it is stored) and the ones still to come; scores already made are kept. */
  async cancelScoring(): Promise<void> {
    if (!this.scoring) return;
    this.#scoringCancelled = true;
    await this.#history.cancelScore();
  }

  async setFocus(id: number): Promise<void> {
    this.focus = id;
    for (const listener of this.#focusListeners) listener();
    await this.#fetch(id);
  }
}

import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { RunDetail, RunSummary, ScoreProgress } from '../backend/types.ts';
import type { JobMonitor } from './job-monitor.svelte.ts';

let scoreCount = 0;
/** A fresh id for one test-set score (the contract's Token: letters, digits, _ and -). */
const nextScoreId = (): string => `score-${Date.now().toString(36)}-${++scoreCount}`;

const isCancelled = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'JOB_CANCELLED';

/** The experiment history of the current dataset, with filters, details on demand, test-set scores, and re-run. */
export class RunHistory {
  #backend: Backend;
  #monitor: JobMonitor;
  #runs = $state.raw<RunSummary[]>([]);
  #details = $state.raw<Map<number, RunDetail>>(new Map());
  #datasetId: number | null = null;
  methodFilter = $state('');
  statusFilter = $state('');
  kindFilter = $state('');
  error = $state<string | null>(null);
  /** The test-set score running now (phase, fraction; null before its first report or when none runs). */
  scoreProgress = $state.raw<ScoreProgress | null>(null);
  #scoreId: string | null = null;
  #unsubscribe: () => void;

  constructor(backend: Backend, monitor: JobMonitor) {
    this.#backend = backend;
    this.#monitor = monitor;
    monitor.onFinished(() => void this.refresh());
    this.#unsubscribe = backend.on('job.status', () => void this.refresh());
  }

  /** Stops following job events (the window is going away). */
  dispose(): void {
    this.#unsubscribe();
  }

  get runs(): RunSummary[] { return this.#runs; }
  readonly filtered = $derived(
    this.#runs.filter(
      (r) =>
        (!this.methodFilter || r.method === this.methodFilter) &&
        (!this.statusFilter || r.status === this.statusFilter) &&
        (!this.kindFilter || r.kind === this.kindFilter),
    ),
  );
  readonly methodNames = $derived([...new Set(this.#runs.map((r) => r.method ?? ''))].filter(Boolean).sort());

  async load(datasetId: number | null): Promise<void> {
    this.#datasetId = datasetId;
    if (datasetId === null) {
      this.#runs = [];
      return;
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId === null) return;
    try {
      const { runs } = await this.#backend.call('runs.list', { datasetId });
      if (datasetId === this.#datasetId) this.#runs = runs;
      this.error = null;
    } catch (error) {
      this.error = `Could not load the run history: ${errorMessage(error)}`;
    }
  }

  /** The full run (metric, folds, sweep), fetched once per finished run. */
  async detail(runId: number, options: { quiet?: boolean } = {}): Promise<RunDetail | null> {
    const cached = this.#details.get(runId);
    if (cached && cached.status !== 'running' && cached.status !== 'queued') return cached;
    try {
      const { run } = await this.#backend.call('runs.get', { runId });
      this.#details = new Map(this.#details).set(runId, run);
      return run;
    } catch (error) {
      if (!options.quiet) this.error = `Could not load run ${runId}: ${errorMessage(error)}`;
      return null;
    }
  }

  /**
   * Scores run `runId`'s metric (trained on the run's dataset) on the held-out dataset `testDatasetId` with `k`
   * neighbours, in main's score worker (progress in {@link scoreProgress}, {@link cancelScore} stops it); main stores
   * it with the run. Returns the run's fresh detail (with its test scores), or null with `error` set (a cancelled
   * score says so: nothing was stored).
   */
  async score(runId: number, testDatasetId: number, k: number): Promise<RunDetail | null> {
    const scoreId = nextScoreId();
    this.#scoreId = scoreId;
    this.scoreProgress = null;
    const stopProgress = this.#backend.on('score.progress', (p) => {
      if (p.scoreId === scoreId) this.scoreProgress = p;
    });
    try {
      await this.#backend.call('runs.score', { runId, testDatasetId, k, scoreId });
      const { run } = await this.#backend.call('runs.get', { runId });
      this.#details = new Map(this.#details).set(runId, run);
      this.error = null;
      await this.refresh();
      return run;
    } catch (error) {
      this.error = isCancelled(error)
        ? `Scoring run ${runId} was cancelled; nothing was stored.`
        : `Could not score run ${runId} on the test set: ${errorMessage(error)}`;
      return null;
    } finally {
      stopProgress();
      if (this.#scoreId === scoreId) {
        this.#scoreId = null;
        this.scoreProgress = null;
      }
    }
  }

  /** Cancels the running test-set score: its call then fails with JOB_CANCELLED and nothing is stored. */
  async cancelScore(): Promise<void> {
    const scoreId = this.#scoreId;
    if (scoreId === null) return;
    try {
      await this.#backend.call('scores.cancel', { scoreId });
    } catch (error) {
      this.error = `Could not cancel the score: ${errorMessage(error)}`;
    }
  }

  async rerun(run: RunSummary): Promise<void> {
    try {
      const { jobId, runIds } = await this.#backend.call('runs.rerun', { runId: run.id });
      this.#monitor.track(jobId, `re-run of #${run.id} · ${run.method ?? run.kind}`, run.kind, run.datasetId ?? 0, runIds);
      await this.refresh();
    } catch (error) {
      this.error = `Could not re-run #${run.id}: ${errorMessage(error)}`;
    }
  }
}

import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { RunDetail, RunSummary } from '../backend/types.ts';
import type { JobMonitor } from './job-monitor.svelte.ts';

/** The experiment history of the current dataset, with filters, details on demand, and re-run. */
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
   * neighbours; main stores it with the run. Returns the run's fresh detail (with its test scores), or null with
   * `error` set.
   */
  async score(runId: number, testDatasetId: number, k: number): Promise<RunDetail | null> {
    try {
      await this.#backend.call('runs.score', { runId, testDatasetId, k });
      const { run } = await this.#backend.call('runs.get', { runId });
      this.#details = new Map(this.#details).set(runId, run);
      this.error = null;
      await this.refresh();
      return run;
    } catch (error) {
      this.error = `Could not score run ${runId} on the test set: ${errorMessage(error)}`;
      return null;
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

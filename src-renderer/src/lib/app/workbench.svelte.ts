import { getContext, setContext } from 'svelte';
import type { Backend } from '../backend/backend.ts';
import { DatasetStore } from '../datasets/dataset-store.svelte.ts';
import { ImportSession } from '../datasets/import-session.svelte.ts';
import { LabelingSession } from '../labeling/labeling-session.svelte.ts';
import { LabelSpace } from '../labeling/label-space.svelte.ts';
import { ComparisonSession } from '../labeling/comparison-session.svelte.ts';
import { readLabelMode, writeLabelMode, type LabelMode } from '../labeling/label-mode.ts';
import { JobMonitor } from '../experiments/job-monitor.svelte.ts';
import { ExperimentPlanner } from '../experiments/experiment-planner.svelte.ts';
import { RunHistory } from '../experiments/run-history.svelte.ts';
import { CompareBoard } from '../compare/compare-board.svelte.ts';
import { Exporter } from '../export/exporter.svelte.ts';
import { GuidedTour } from '../tour/guided-tour.svelte.ts';
import { registerStateHook } from './test-hooks.ts';
import { Toasts } from './toasts.svelte.ts';
import { readUiMemory, writeUiMemory } from './ui-memory.ts';

import { VIEWS, type ViewName } from './views.ts';

export { VIEWS, type ViewName } from './views.ts';

/** The root of the UI state: one instance per window, shared through a typed context. */
export class Workbench {
  readonly backend: Backend;
  readonly datasets: DatasetStore;
  readonly importer: ImportSession;
  readonly space: LabelSpace;
  readonly labeling: LabelingSession;
  readonly comparisons: ComparisonSession;
  readonly jobs: JobMonitor;
  readonly planner: ExperimentPlanner;
  readonly history: RunHistory;
  readonly compare: CompareBoard;
  readonly exporter: Exporter;
  readonly tour: GuidedTour;
  readonly toasts = new Toasts();
  view = $state<ViewName>('Datasets');
  /** What the Label view asks for: pairs or comparisons (kept across reloads). */
  labelMode = $state<LabelMode>(readLabelMode());
  ready = $state(false);
  fatal = $state<string | null>(null);
  #unsubscribe: (() => void)[];

  constructor(backend: Backend) {
    this.backend = backend;
    this.datasets = new DatasetStore(backend);
    this.importer = new ImportSession(backend);
    this.jobs = new JobMonitor(backend);
    this.history = new RunHistory(backend, this.jobs);
    this.space = new LabelSpace(this.datasets, this.history);
    this.labeling = new LabelingSession(backend, () => this.space.embedding);
    this.comparisons = new ComparisonSession(backend, () => this.space.metricSpace(), () => this.labeling.constraints);
    this.planner = new ExperimentPlanner(backend, this.jobs);
    this.compare = new CompareBoard(this.history);
    this.exporter = new Exporter(backend);
    this.tour = new GuidedTour(this);
    // Export follows the metric the user last looked at in Compare (null = "the focused run").
    this.compare.onFocusChange(() => (this.exporter.runId = null));
    this.#unsubscribe = [
      backend.on('dataset.imported', () => void this.datasets.refresh()),
      backend.on('dataset.deleted', () => void this.#refreshKeepingOneOpen()),
      backend.on('app.command', ({ command }) => {
        if (command === 'guided-example') this.tour.open();
        if (command === 'import-dataset') this.go('Datasets');
      }),
    ];
    registerStateHook('view', () => this.view);
    registerStateHook('currentDataset', () => this.datasets.currentId);
    registerStateHook('pending', () => this.labeling.pending);
    registerStateHook('constraints', () => this.labeling.constraints.map((c) => ({ i: c.i, j: c.j, kind: c.kind })));
    registerStateHook('labelMode', () => this.labelMode);
    registerStateHook('comparisonPending', () => this.comparisons.pending);
    registerStateHook('comparisons', () => this.comparisons.comparisons.map((c) => [c.anchor, c.closer, c.farther]));
    registerStateHook('jobs', () => this.jobs.jobs.map((j) => ({ jobId: j.jobId, status: j.status, runIds: j.runIds })));
  }

  /**
   * First load: datasets, methods, jobs; reopens the dataset and view of before a reload (else the most
   * recent dataset in Datasets), or offers the guided example when there is no dataset.
   */
  async start(): Promise<void> {
    try {
      await Promise.all([this.datasets.refresh(), this.planner.load(), this.jobs.refresh()]);
      const memory = readUiMemory();
      const remembered = this.datasets.list.find((d) => d.id === memory.datasetId);
      const open = remembered ?? this.datasets.list.at(-1);
      if (open) {
        await this.openDataset(open.id);
        const view = VIEWS.find((v) => v === memory.view);
        if (remembered && view) this.view = view;
      } else this.tour.offerOnFirstRun();
    } catch (error) {
      this.fatal = error instanceof Error ? error.message : String(error);
    } finally {
      this.ready = true;
    }
  }

  /** Makes a dataset current everywhere: data, constraints, run history. */
  async openDataset(id: number): Promise<void> {
    // "X stays open" from the last import is said of the dataset open then; it goes once another one is opened.
    if (this.importer.keptOpen?.openId !== id) this.importer.keptOpen = null;
    await this.datasets.select(id);
    this.space.useRaw();
    await Promise.all([this.labeling.load(id), this.comparisons.load(id), this.history.load(id)]);
    // Each store resets its own state for the new dataset.
    this.planner.defaultSource(this.labeling.constraints.length);
    this.compare.reset();
    this.exporter.reset();
    this.#remember();
  }

  /**
   * Stores the previewed file. A labeled import with the open dataset's features (same names, in the same order)
   * is a held-out split for it (a test set): the open dataset stays open and the import is offered under
   * Compare → Test set. Any other import is opened.
   */
  async importPreviewed(): Promise<void> {
    const session = this.importer;
    const dataset = await session.commit();
    if (!dataset) return;
    const warnings = session.warnings;
    const open = this.datasets.current;
    const openFeatures = this.datasets.detail?.featureNames ?? null;
    session.reset();
    session.warnings = warnings;
    session.imported = dataset.name;
    await this.datasets.refresh();
    if (open && openFeatures && dataset.labeled && dataset.features === open.features && (await this.#sameFeatures(dataset.id, openFeatures))) {
      session.keptOpen = { openId: open.id, open: open.name, imported: dataset };
    } else await this.openDataset(dataset.id);
  }

  async #sameFeatures(id: number, names: readonly string[]): Promise<boolean> {
    try {
      const { dataset } = await this.backend.call('datasets.get', { id });
      return dataset.featureNames.length === names.length && dataset.featureNames.every((name, k) => name === names[k]);
    } catch {
      return false;
    }
  }

  /**
   * Deletes a dataset; when it was the open one, another remaining dataset (the most recent) is opened, so the
   * views never fall back to "no dataset" while there are datasets.
   */
  async removeDataset(id: number): Promise<void> {
    await this.datasets.remove(id);
    await this.#openAnyIfNone();
  }

  /** After another window deleted a dataset: the list again, and another dataset open if that one was. */
  async #refreshKeepingOneOpen(): Promise<void> {
    await this.datasets.refresh();
    await this.#openAnyIfNone();
  }

  async #openAnyIfNone(): Promise<void> {
    const next = this.datasets.list.at(-1);
    if (this.datasets.currentId === null && next) await this.openDataset(next.id);
  }

  /** Unsubscribes every store from the backend's events (the window's root component is going away). */
  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.jobs.dispose();
    this.history.dispose();
    this.toasts.reset();
  }

  go(view: ViewName): void {
    // A notice is about the view it was raised in (e.g. "Started 3 jobs" in Experiments): it leaves with it.
    if (view !== this.view) this.toasts.reset();
    this.view = view;
    this.#remember();
  }

  setLabelMode(mode: LabelMode): void {
    this.labelMode = mode;
    writeLabelMode(mode);
  }

  /** Opens Compare on the runs of one job: its learned metric (or that of its method) becomes the focus. */
  async showInCompare(runIds: readonly number[]): Promise<void> {
    this.go('Compare');
    await this.compare.lookAt(runIds);
  }

  #remember(): void {
    writeUiMemory({ view: this.view, datasetId: this.datasets.currentId });
  }
}

const KEY = Symbol('workbench');

export function setWorkbench(workbench: Workbench): void {
  setContext(KEY, workbench);
}

export function getWorkbench(): Workbench {
  const workbench = getContext<Workbench | undefined>(KEY);
  if (!workbench) throw new Error('Workbench not found: wrap your component in <App> (or call setWorkbench in a test wrapper).');
  return workbench;
}

import { BASELINE_METHOD } from '../../../../shared/domain/enums.ts';
import type { ViewName } from '../app/views.ts';
import type { DatasetStore } from '../datasets/dataset-store.svelte.ts';
import type { ExperimentPlanner } from '../experiments/experiment-planner.svelte.ts';
import type { RunHistory } from '../experiments/run-history.svelte.ts';
import type { LabelingSession } from '../labeling/labeling-session.svelte.ts';

const DISMISSED_KEY = 'metric-workbench.tour-dismissed';

export interface TourStep {
  title: string;
  text: string;
  /** The button that does the step for the user, if any. */
  action?: { label: string; run: () => Promise<void> | void };
  /** True once the step's goal is reached (the Next button is highlighted). */
  done?: () => boolean;
}

/**
 * What the tour needs from the UI root (the Workbench implements it): a narrow host, so the tour does not
 * import the root that constructs it (no import cycle).
 */
export interface TourHost {
  readonly datasets: Pick<DatasetStore, 'current' | 'list' | 'addSample'>;
  readonly labeling: Pick<LabelingSession, 'constraints'>;
  readonly history: Pick<RunHistory, 'runs'>;
  readonly planner: Pick<ExperimentPlanner, 'kind' | 'selected' | 'preprocess' | 'constraintSource' | 'start'>;
  go(view: ViewName): void;
  /** The tour labels pairs: it opens Label in its Pairs mode. */
  setLabelMode(mode: 'pairs'): void;
  openDataset(id: number): Promise<void>;
}

/**
 * The guided example on the apples sample (the story the project started from): Euclidean kNN confuses
 * the varieties; the researcher labels a handful of pairs; a diagonal metric is learned; the feature
 * weights show colour far above size and weight, and kNN accuracy jumps. Skippable, reopenable.
 */
export class GuidedTour {
  #wb: TourHost;
  visible = $state(false);
  /** Folded to a small button so the tour does not cover the view it talks about. */
  collapsed = $state(false);
  step = $state(0);

  constructor(workbench: TourHost) {
    this.#wb = workbench;
  }

  readonly steps: TourStep[] = [
    {
      title: 'A guided example: apples',
      text:
        'Three apple varieties are described by their colour (redness), size, weight and nine other measurements. Those others vary ' +
        'a lot and say nothing about the variety; redness tells them apart but varies little. Plain Euclidean kNN is dominated by the ' +
        'useless features and confuses the varieties. ' +
        'You will label a few pairs and learn a metric that fixes that.',
      action: { label: 'Add the apples sample', run: async () => { await this.#addApples(); } },
      done: () => this.#appleDatasetOpen(),
    },
    {
      title: '1 · Label a handful of pairs',
      text:
        'In Label, click one apple, then another. Press M (must-link) when they are the same variety (same colour in the scatter), ' +
        'C (cannot-link) when they differ. Or press N for a suggested pair. About 6–10 pairs are enough.',
      action: {
        label: 'Open Label',
        run: () => {
          this.#wb.setLabelMode('pairs');
          this.#wb.go('Label');
        },
      },
      done: () => this.#wb.labeling.constraints.length >= 6,
    },
    {
      title: '2 · Learn a diagonal metric',
      text:
        'Compare Euclidean kNN with mmc-diagonal (Xing et al. 2002) learned from your pairs: 5-fold cross-validation on z-scored ' +
        'features, so that each learned weight says how much a feature matters, whatever its unit.',
      action: { label: 'Run euclidean vs mmc-diagonal', run: () => this.#runComparison() },
      done: () => this.#wb.history.runs.some((r) => r.method === 'mmc-diagonal' && r.status === 'succeeded'),
    },
    {
      title: '3 · Read the result',
      text:
        'In Compare, the accuracy bars show the jump over the Euclidean baseline, and the feature-weight chart (the diagonal of M) ' +
        'weights redness far above size and weight. That is the whole story: a few labels, a better metric.',
      action: { label: 'Open Compare', run: () => this.#wb.go('Compare') },
    },
  ];

  readonly current = $derived(this.steps[this.step]!);

  offerOnFirstRun(): void {
    if (!readDismissed()) this.open();
  }

  open(): void {
    this.step = 0;
    this.visible = true;
    this.collapsed = false;
  }

  close(): void {
    this.visible = false;
    writeDismissed();
  }

  next(): void {
    if (this.step < this.steps.length - 1) this.step++;
    else this.close();
  }

  back(): void {
    if (this.step > 0) this.step--;
  }

  #appleDatasetOpen(): boolean {
    return /apple/i.test(this.#wb.datasets.current?.name ?? '');
  }

  async #addApples(): Promise<void> {
    const existing = this.#wb.datasets.list.find((d) => /apple/i.test(d.name));
    const dataset = existing ?? (await this.#wb.datasets.addSample('apples'));
    if (dataset) await this.#wb.openDataset(dataset.id);
    this.#wb.go('Datasets');
  }

  async #runComparison(): Promise<void> {
    const wb = this.#wb;
    const dataset = wb.datasets.current;
    if (!dataset) return;
    wb.planner.kind = 'compare';
    wb.planner.selected = [BASELINE_METHOD, 'mmc-diagonal'];
    wb.planner.preprocess = 'zscore';
    wb.planner.constraintSource = wb.labeling.constraints.length > 0 ? 'labeled' : 'generated';
    wb.go('Experiments');
    await wb.planner.start(dataset.id, dataset.name);
  }
}

function readDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

function writeDismissed(): void {
  try {
    localStorage.setItem(DISMISSED_KEY, '1');
  } catch {
    // Storage can be unavailable (private mode); the tour then simply shows again next time.
  }
}

import type { PreprocessKind, Preprocessing } from '../../../../shared/domain/learned-metric.ts';
import type { DatasetStore } from '../datasets/dataset-store.svelte.ts';
import { errorMessage } from '../backend/backend.ts';
import type { LearnedMetricWire } from '../backend/types.ts';
import type { RunHistory } from '../experiments/run-history.svelte.ts';
import { learnedEmbedding, projectEmbedding, type Projection2D } from '../projection/projection.ts';
import type { EmbeddingSpace } from './labeling-session.svelte.ts';

/** A metric from the wire as the projection helpers take it. */
export function preprocessingOf(metric: LearnedMetricWire): Preprocessing {
  const p = metric.preprocessing;
  return { ...p, kind: p.kind as PreprocessKind, center: Float64Array.from(p.center), scale: Float64Array.from(p.scale) };
}

/**
 * Which space the Label scatter shows and suggestions are computed in: the raw (z-scored) features, or
 * the space of a learned metric (X·Lᵀ after its preprocessing), each projected to 2-D by PCA.
 */
export class LabelSpace {
  #datasets: DatasetStore;
  #history: RunHistory;
  #learned = $state.raw<{ runId: number; embedding: EmbeddingSpace; projection: Projection2D } | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  constructor(datasets: DatasetStore, history: RunHistory) {
    this.#datasets = datasets;
    this.#history = history;
  }

  get runId(): number | null { return this.#learned?.runId ?? null; }

  readonly projection = $derived.by(() => this.#learned?.projection ?? this.#datasets.data?.projection ?? null);
  readonly embedding = $derived.by((): EmbeddingSpace | null => {
    if (this.#learned) return this.#learned.embedding;
    const data = this.#datasets.data;
    return data ? { points: data.standardized, n: data.n, e: data.d } : null;
  });

  useRaw(): void {
    this.#learned = null;
    this.error = null;
  }

  /** Switches to the space of a run's learned metric. */
  async useRun(runId: number): Promise<void> {
    const data = this.#datasets.data;
    if (!data) return;
    this.loading = true;
    try {
      const run = await this.#history.detail(runId);
      if (!run?.metric) {
        this.error = `Run #${runId} has no learned metric to project with; choose a finished learn run (Experiments fits one per method).`;
        return;
      }
      const [k] = run.metric.shape;
      const prep = preprocessingOf(run.metric);
      if (prep.inputFeatures !== data.d) {
        this.error = `Run #${runId} was fitted on ${prep.inputFeatures} features but this dataset has ${data.d}.`;
        return;
      }
      const points = learnedEmbedding(data.features, data.n, prep, Float64Array.from(run.metric.L), k);
      this.#learned = { runId, embedding: { points, n: data.n, e: k }, projection: projectEmbedding(points, data.n, k) };
      this.error = null;
    } catch (error) {
      this.error = `Could not project with run #${runId}: ${errorMessage(error)}`;
    } finally {
      this.loading = false;
    }
  }
}

import { BASELINE_METHOD } from '../../../../shared/domain/enums.ts';
import type { PreprocessKind, Preprocessing } from '../../../../shared/domain/learned-metric.ts';
import type { DatasetStore } from '../datasets/dataset-store.svelte.ts';
import { errorMessage } from '../backend/backend.ts';
import type { LearnedMetricWire } from '../backend/types.ts';
import type { RunHistory } from '../experiments/run-history.svelte.ts';
import { learnedEmbedding, projectEmbedding, type Projection2D } from '../projection/projection.ts';
import type { EmbeddingSpace } from './labeling-session.svelte.ts';

/** A space to suggest in, with the metric in words ("run #4's learned metric (itml)"). */
export interface NamedSpace extends EmbeddingSpace {
  name: string;
}

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
  /** The latest learned metric's space, as {@link metricSpace} computed it last. */
  #latest: { runId: number; datasetId: number; space: NamedSpace } | null = null;
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

  /**
   * The space of the current metric, as comparison suggestions use it: the learned space shown in the scatter when
   * one is chosen, else that of the dataset's latest finished run with a learned metric, else the z-scored features
   * (Euclidean). The latest run's embedding is computed once per run.
   */
  async metricSpace(): Promise<NamedSpace | null> {
    const data = this.#datasets.data;
    if (!data) return null;
    const runs = this.#history.runs;
    if (this.#learned) {
      const method = runs.find((r) => r.id === this.#learned!.runId)?.method ?? 'learned';
      return { ...this.#learned.embedding, name: `run #${this.#learned.runId}'s learned metric (${method})` };
    }
    const latest = runs
      .filter((r) => r.status === 'succeeded' && r.components !== null && r.method !== BASELINE_METHOD && r.components[1] === data.d)
      .reduce<(typeof runs)[number] | null>((best, r) => (!best || r.id > best.id ? r : best), null);
    const euclidean = { points: data.standardized, n: data.n, e: data.d, name: 'the Euclidean metric (z-scored features)' };
    if (!latest) return euclidean;
    if (this.#latest?.runId === latest.id && this.#latest.datasetId === data.datasetId) return this.#latest.space;
    const run = await this.#history.detail(latest.id, { quiet: true });
    if (!run?.metric || this.#datasets.data !== data) return euclidean;
    const prep = preprocessingOf(run.metric);
    if (prep.inputFeatures !== data.d) return euclidean;
    const [k] = run.metric.shape;
    const points = learnedEmbedding(data.features, data.n, prep, Float64Array.from(run.metric.L), k);
    const space = { points, n: data.n, e: k, name: `run #${latest.id}'s learned metric (${latest.method})` };
    this.#latest = { runId: latest.id, datasetId: data.datasetId, space };
    return space;
  }

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

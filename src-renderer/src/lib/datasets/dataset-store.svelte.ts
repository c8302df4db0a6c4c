import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { DatasetDetail, DatasetSummary, Sample } from '../backend/types.ts';
import { decodeMatrix } from '../../../../shared/ipc/matrix-encoding.ts';
import { pca2d, zscoreColumns, type Projection2D } from '../projection/projection.ts';

/** The loaded matrix of the current dataset, in the shapes the engine uses. */
export interface LoadedData {
  datasetId: number;
  n: number;
  d: number;
  /** (n, d) row-major raw features. */
  features: Float64Array;
  /** (n, d) z-scored features: the space suggestions and the raw PCA use. */
  standardized: Float64Array;
  labels: Int32Array | null;
  /** Regression target per row, or null for a classification dataset. */
  targets: Float64Array | null;
  /** PCA of the z-scored features. */
  projection: Projection2D;
}

/** Stored datasets, the bundled samples, and the current dataset with its data. */
export class DatasetStore {
  #backend: Backend;
  #list = $state.raw<DatasetSummary[]>([]);
  #samples = $state.raw<Sample[]>([]);
  #currentId = $state<number | null>(null);
  #detail = $state.raw<DatasetDetail | null>(null);
  #data = $state.raw<LoadedData | null>(null);
  loading = $state(false);
  busy = $state<string | null>(null);
  error = $state<string | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  get list(): DatasetSummary[] { return this.#list; }
  get samples(): Sample[] { return this.#samples; }
  get currentId(): number | null { return this.#currentId; }
  get detail(): DatasetDetail | null { return this.#detail; }
  get data(): LoadedData | null { return this.#data; }
  readonly current = $derived(this.#list.find((d) => d.id === this.#currentId) ?? null);

  async refresh(): Promise<void> {
    try {
      const [{ datasets }, { samples }] = await Promise.all([
        this.#backend.call('datasets.list', {}),
        this.#backend.call('samples.list', {}),
      ]);
      this.#list = datasets;
      this.#samples = samples;
      this.error = null;
      if (this.#currentId !== null && !datasets.some((d) => d.id === this.#currentId)) this.#clearCurrent();
    } catch (error) {
      this.error = `Could not load the dataset list: ${errorMessage(error)}`;
    }
  }

  #clearCurrent(): void {
    this.#currentId = null;
    this.#detail = null;
    this.#data = null;
  }

  /** Makes `id` the current dataset and loads its statistics and feature matrix. */
  async select(id: number): Promise<void> {
    if (this.#currentId === id && this.#data) return;
    this.#currentId = id;
    this.loading = true;
    this.error = null;
    try {
      const [{ dataset }, raw] = await Promise.all([
        this.#backend.call('datasets.get', { id }),
        this.#backend.call('datasets.data', { id }),
      ]);
      if (this.#currentId !== id) return;
      const features = decodeMatrix(raw.features, raw.encoding, raw.nRows * raw.nFeatures);
      const standardized = zscoreColumns(features, raw.nRows, raw.nFeatures);
      this.#detail = dataset;
      this.#data = {
        datasetId: id,
        n: raw.nRows,
        d: raw.nFeatures,
        features,
        standardized,
        labels: raw.labels ? Int32Array.from(raw.labels) : null,
        targets: raw.targets ? Float64Array.from(raw.targets) : null,
        projection: pca2d(standardized, raw.nRows, raw.nFeatures),
      };
    } catch (error) {
      this.error = `Could not open dataset ${id}: ${errorMessage(error)}`;
    } finally {
      this.loading = false;
    }
  }

  /** Imports a bundled sample, selects it and returns it. */
  async addSample(name: string): Promise<DatasetSummary | null> {
    this.busy = `Adding the ${name} sample…`;
    try {
      const { dataset } = await this.#backend.call('samples.add', { name });
      await this.refresh();
      await this.select(dataset.id);
      return dataset;
    } catch (error) {
      this.error = `Could not add the ${name} sample: ${errorMessage(error)}`;
      return null;
    } finally {
      this.busy = null;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await this.#backend.call('datasets.delete', { id });
      if (this.#currentId === id) this.#clearCurrent();
      await this.refresh();
    } catch (error) {
      this.error = `Could not delete dataset ${id}: ${errorMessage(error)}`;
    }
  }

  /** A short description of row i for tooltips and pair cards. */
  describeRow(i: number): string {
    const detail = this.#detail;
    const data = this.#data;
    if (!detail || !data) return `row ${i}`;
    if (data.targets) return `row ${i} · ${detail.target ?? 'target'} = ${data.targets[i]}`;
    const label = data.labels ? detail.classNames[data.labels[i] ?? -1] : undefined;
    return label !== undefined ? `row ${i} · ${label}` : `row ${i}`;
  }
}

/** Learned metrics: one {@link LearnedMetric} per run, stored bit-exact (L, center, scale, objective trace as Float64 BLOBs). */
import type { Database, Statement } from 'better-sqlite3';
import { STOP_REASONS, type LearnedMetric, type PreprocessKind, type StopReason } from '../../shared/domain/learned-metric.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { definedFields } from '../../shared/objects.ts';
import { blobToFloat64, parseJsonColumn, typedArrayToBlob } from './blobs.ts';
import { statementCache } from './statements.ts';

interface MetricRow {
  run_id: number;
  method: string;
  params: string;
  seed: number;
  l: Buffer;
  n_components: number;
  n_features: number;
  preprocessing: string;
  center: Buffer;
  scale: Buffer;
  summary: string;
  objective_trace: Buffer;
}

interface StoredPreprocessing {
  kind: PreprocessKind;
  inputFeatures: number;
  kept: number[];
  dropped: number[];
}

/**
 * The `metrics.summary` JSON column. `stopReason` and `objective` were added later than the column (no schema change: the
 * column is JSON); rows saved before lack them and read back as null.
 */
interface StoredSummary {
  iterations: number;
  converged: boolean;
  fitSeconds: number;
  /** Added later than the column: absent in older rows and where the host had no CPU clock. */
  fitCpuSeconds?: number;
  stopReason?: StopReason | null;
  objective?: number | null;
}

/** A stored stop reason, or null when absent or not one of {@link STOP_REASONS}. */
function storedStopReason(value: unknown): StopReason | null {
  return typeof value === 'string' && (STOP_REASONS as readonly string[]).includes(value) ? (value as StopReason) : null;
}

export class MetricsRepository {
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#prepare = statementCache(db);
  }

  /**
   * Saves (or replaces) the metric learned by run `runId`.
   * @throws ValidationError when L's length is not nComponents × nFeatures or center/scale do not match `kept`;
   *   NotFoundError for an unknown run.
   */
  save(runId: number, metric: LearnedMetric): void {
    if (metric.L.length !== metric.nComponents * metric.nFeatures) {
      throw new ValidationError(`L has ${metric.L.length} values; expected nComponents × nFeatures = ${metric.nComponents} × ${metric.nFeatures}.`);
    }
    const p = metric.preprocessing;
    if (p.center.length !== p.kept.length || p.scale.length !== p.kept.length) {
      throw new ValidationError(`preprocessing center (${p.center.length}) and scale (${p.scale.length}) must have one value per kept feature (${p.kept.length}).`);
    }
    if (!this.#prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new NotFoundError(`No run with id ${runId}.`);
    const preprocessing: StoredPreprocessing = { kind: p.kind, inputFeatures: p.inputFeatures, kept: [...p.kept], dropped: [...p.dropped] };
    const summary: StoredSummary = {
      iterations: metric.summary.iterations,
      converged: metric.summary.converged,
      fitSeconds: metric.summary.fitSeconds,
      ...definedFields({ fitCpuSeconds: metric.summary.fitCpuSeconds }),
      stopReason: metric.summary.stopReason,
      objective: metric.summary.objective,
    };
    this.#prepare(
      `INSERT OR REPLACE INTO metrics (run_id, method, params, seed, l, n_components, n_features, preprocessing, center, scale, summary, objective_trace, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId,
      metric.method,
      JSON.stringify(metric.params),
      metric.seed,
      typedArrayToBlob(metric.L),
      metric.nComponents,
      metric.nFeatures,
      JSON.stringify(preprocessing),
      typedArrayToBlob(p.center),
      typedArrayToBlob(p.scale),
      JSON.stringify(summary),
      typedArrayToBlob(Float64Array.from(metric.summary.objectiveTrace)),
      new Date().toISOString(),
    );
  }

  /** The metric run `runId` learned, bit-exact as saved, or null if it has none. */
  get(runId: number): LearnedMetric | null {
    const row = this.#prepare('SELECT * FROM metrics WHERE run_id = ?').get(runId) as MetricRow | undefined;
    if (!row) return null;
    const pre = parseJsonColumn<StoredPreprocessing>(row.preprocessing, 'metrics.preprocessing')!;
    const summary = parseJsonColumn<StoredSummary>(row.summary, 'metrics.summary')!;
    return {
      method: row.method,
      params: parseJsonColumn<Record<string, unknown>>(row.params, 'metrics.params')!,
      seed: row.seed,
      L: blobToFloat64(row.l, `metrics.l of run ${runId}`),
      nComponents: row.n_components,
      nFeatures: row.n_features,
      preprocessing: {
        kind: pre.kind,
        inputFeatures: pre.inputFeatures,
        kept: pre.kept,
        dropped: pre.dropped,
        center: blobToFloat64(row.center, `metrics.center of run ${runId}`),
        scale: blobToFloat64(row.scale, `metrics.scale of run ${runId}`),
      },
      summary: {
        iterations: summary.iterations,
        converged: summary.converged,
        stopReason: storedStopReason(summary.stopReason),
        objective: typeof summary.objective === 'number' ? summary.objective : null,
        fitSeconds: summary.fitSeconds,
        ...(typeof summary.fitCpuSeconds === 'number' ? { fitCpuSeconds: summary.fitCpuSeconds } : {}),
        objectiveTrace: Array.from(blobToFloat64(row.objective_trace, `metrics.objective_trace of run ${runId}`)),
      },
    };
  }

  /** [nComponents, nFeatures] of the metric of run `runId` without reading L, or null when it has none. */
  shape(runId: number): [number, number] | null {
    const row = this.#prepare('SELECT n_components, n_features FROM metrics WHERE run_id = ?').get(runId) as { n_components: number; n_features: number } | undefined;
    return row ? [row.n_components, row.n_features] : null;
  }

  has(runId: number): boolean {
    return this.#prepare('SELECT 1 FROM metrics WHERE run_id = ?').get(runId) !== undefined;
  }

  delete(runId: number): boolean {
    return this.#prepare('DELETE FROM metrics WHERE run_id = ?').run(runId).changes > 0;
  }
}

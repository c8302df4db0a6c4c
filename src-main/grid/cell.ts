/**
 * What a grid cell computes and how it is recorded, shared by the local worker pool (local.ts), the Slurm
 * array task (task.ts) and collect (collect.ts), so that a cell gives bit for bit the same L and figures
 * wherever it ran:
 *
 * - the cell's evaluate spec ({@link cellJobSpec}: with `fitAllRows`) is normalized by the runs service's `prepare`
 *   (defaults filled in, parameters validated) — against the real store locally, against an in-memory copy of the
 *   bundle's data set on Slurm;
 * - the cell is ONE job, `executeJob` of that spec: the method, its parameters, seed, preprocessing and supervision
 *   are resolved once (one EvaluationPlan), the folds are evaluated from it, and the same plan is fitted on the whole
 *   data set — the metric a learn job of the same spec gives, bit for bit;
 * - the run is an ordinary evaluate run that also stores that metric (so Export works on it), with
 *   `protocol.grid` = {@link GridMark}.
 */
import { hostname } from 'node:os';
import type { EvaluateJobSpec } from '../../shared/domain/job.ts';
import type { GridMark } from '../../shared/domain/grid.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import type { JobResult, JobTimings } from '../jobs/types.ts';
import type { Store } from '../storage/store.ts';

/** The job of a cell: its evaluate spec, also fitted on every row. */
export function cellJobSpec(spec: EvaluateJobSpec): EvaluateJobSpec {
  return { ...spec, fitAllRows: true };
}

/** This machine's short host name. */
export function hostName(): string {
  return hostname().split('.')[0] ?? hostname();
}

/** Writes `protocol.grid` of run `runId` (in the caller's transaction, if any). */
export function markRun(store: Store, runId: number, mark: GridMark): void {
  store.db.prepare(`UPDATE runs SET protocol = json_set(coalesce(protocol, '{}'), '$.grid', json(?)) WHERE id = ?`).run(JSON.stringify(mark), runId);
}

/** One cell's result as both paths produce it. */
export interface CellOutcome {
  spec: EvaluateJobSpec;
  evaluation: EvaluationResult;
  metric: LearnedMetric;
  timings: JobTimings;
}

/**
 * Stores a finished cell on its (queued or running) run `runId`: evaluation, metric, status succeeded, and the
 * grid cell row — one transaction.
 */
export function saveCell(
  store: Store,
  complete: (runIds: number[], result: Extract<JobResult, { kind: 'evaluate' }>, timings: JobTimings) => void,
  gridId: string,
  cell: number,
  runId: number,
  outcome: Omit<CellOutcome, 'spec'>,
  mark: GridMark,
): void {
  store.transaction(() => {
    complete([runId], { kind: 'evaluate', evaluation: outcome.evaluation, metric: outcome.metric }, outcome.timings);
    markRun(store, runId, mark);
    store.grids.setCell({ gridId, cell, runId, status: 'succeeded', error: null, ranOn: mark });
  });
}

/** Float64Array ⇄ base64 of its little-endian bytes (bit-exact in JSON result files). */
export function float64ToBase64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function base64ToFloat64(text: string, what: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 8 !== 0) throw new ValidationError(`${what}: ${bytes.byteLength} bytes is not a whole number of Float64 values.`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

/** A learned metric as JSON with its arrays as base64 Float64 bytes. */
export interface MetricFile {
  method: string;
  params: Record<string, unknown>;
  seed: number;
  L: string;
  nComponents: number;
  nFeatures: number;
  preprocessing: { kind: LearnedMetric['preprocessing']['kind']; inputFeatures: number; kept: number[]; dropped: number[]; center: string; scale: string };
  summary: LearnedMetric['summary'];
}

export function metricToFile(m: LearnedMetric): MetricFile {
  const p = m.preprocessing;
  return {
    method: m.method,
    params: m.params,
    seed: m.seed,
    L: float64ToBase64(m.L),
    nComponents: m.nComponents,
    nFeatures: m.nFeatures,
    preprocessing: { kind: p.kind, inputFeatures: p.inputFeatures, kept: [...p.kept], dropped: [...p.dropped], center: float64ToBase64(p.center), scale: float64ToBase64(p.scale) },
    summary: m.summary,
  };
}

export function metricFromFile(f: MetricFile, what: string): LearnedMetric {
  if (typeof f !== 'object' || f === null || typeof f.L !== 'string' || typeof f.preprocessing !== 'object') {
    throw new ValidationError(`${what}: the field 'metric' is not a stored metric.`);
  }
  const L = base64ToFloat64(f.L, `${what}: metric.L`);
  if (L.length !== f.nComponents * f.nFeatures) {
    throw new ValidationError(`${what}: metric.L has ${L.length} values, expected nComponents × nFeatures = ${f.nComponents} × ${f.nFeatures}.`);
  }
  const p = f.preprocessing;
  return {
    method: f.method,
    params: f.params,
    seed: f.seed,
    L,
    nComponents: f.nComponents,
    nFeatures: f.nFeatures,
    preprocessing: {
      kind: p.kind,
      inputFeatures: p.inputFeatures,
      kept: [...p.kept],
      dropped: [...p.dropped],
      center: base64ToFloat64(p.center, `${what}: metric.preprocessing.center`),
      scale: base64ToFloat64(p.scale, `${what}: metric.preprocessing.scale`),
    },
    summary: f.summary,
  };
}

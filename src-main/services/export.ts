/**
 * Export of a stored learned metric, in every format of docs/export-format.md: the service side of
 * `workbench export`, the `export.build` / `export.saveDialog` channels and the browser download. The bytes come
 * from the pure writers in shared/export; this module only gathers the run, dataset and results.
 */
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { ValidationError } from '../../shared/errors.ts';
import { exportCsv, exportTransformedCsv } from '../../shared/export/csv.ts';
import { EXPORT_FORMATS, exportPaths, type ExportFormat } from '../../shared/export/formats.ts';
import { exportJson } from '../../shared/export/json.ts';
import { writeMat } from '../../shared/export/mat.ts';
import { metricArrays } from '../../shared/export/metric-record.ts';
import { writeNpy } from '../../shared/export/npy.ts';
import { writeNpz } from '../../shared/export/npz.ts';
import { writeFilesAtomic } from '../files/atomic-write.ts';
import type { RunRecord } from '../storage/runs-repository.ts';
import type { Store } from '../storage/store.ts';
import { requireDialogs, type Handler, type WorkbenchDialogs } from './ports.ts';

export { EXPORT_FORMATS, type ExportFormat };

export interface ExportFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** A file-name-safe stem: `iris-nca-run12`. */
function stem(datasetName: string, run: RunRecord): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'dataset';
  return `${safe(datasetName)}-${safe(run.method ?? run.kind)}-run${run.id}`;
}

function loadRunMetric(store: Store, runId: number): { run: RunRecord; metric: LearnedMetric } {
  const run = store.runs.require(runId);
  const metric = store.metrics.get(runId);
  if (!metric) {
    const why =
      run.kind !== 'learn'
        ? `it is ${run.kind === 'evaluate' ? 'an' : 'a'} ${run.kind} run (only learn runs store a metric; run \`workbench learn\`)`
        : `its status is ${run.status}`;
    throw new ValidationError(`Run ${runId} has no learned metric: ${why}.`);
  }
  return { run, metric };
}

/** The newest successful evaluation of the same method, params and seed on the same data, if any. */
function matchingEvaluation(store: Store, run: RunRecord): unknown {
  if (run.datasetId === null) return null;
  const same = JSON.stringify(run.params);
  for (const candidate of store.runs.list({ datasetId: run.datasetId, kind: 'evaluate', status: 'succeeded', method: run.method ?? '' })) {
    if (candidate.datasetHash !== run.datasetHash || candidate.seed !== run.seed || JSON.stringify(candidate.params) !== same) continue;
    const evaluation = store.evaluations.get(candidate.id);
    if (evaluation) return { runId: candidate.id, ...evaluation.summary };
  }
  return null;
}

/**
 * Builds the export files of run `runId` in `format`: one file, except `npy`, which gives `…_L.npy` and `…_M.npy`.
 * @throws NotFoundError for an unknown run; ValidationError when the run has no metric, or (transformed) when the
 *   dataset changed since the run.
 */
function buildExportFiles(store: Store, runId: number, format: ExportFormat): ExportFile[] {
  if (!EXPORT_FORMATS.includes(format)) {
    throw new ValidationError(`Export format must be one of ${EXPORT_FORMATS.join(', ')}, got '${String(format)}'.`);
  }
  const { run, metric } = loadRunMetric(store, runId);
  const dataset = run.datasetId === null ? null : store.datasets.get(run.datasetId);
  const datasetName = dataset?.name ?? 'dataset';
  const base = stem(datasetName, run);
  const featureNames = dataset?.featureNames ?? Array.from({ length: metric.preprocessing.inputFeatures }, (_, f) => `feature_${f + 1}`);
  const created = new Date(run.createdAt);
  const arrays = metricArrays(metric);
  switch (format) {
    case 'json': {
      const text = exportJson({
        metric,
        inputFeatureNames: featureNames,
        dataset: { id: run.datasetId, name: datasetName, contentHash: run.datasetHash ?? '' },
        runId: run.id,
        results: matchingEvaluation(store, run),
        created: run.createdAt,
        appVersion: run.appVersion,
      });
      return [{ fileName: `${base}.json`, mimeType: 'application/json', bytes: encoder.encode(text) }];
    }
    case 'csv':
      return [{ fileName: `${base}.csv`, mimeType: 'text/csv', bytes: encoder.encode(exportCsv(metric, featureNames)) }];
    case 'npy':
      return [
        { fileName: `${base}_L.npy`, mimeType: 'application/octet-stream', bytes: writeNpy(arrays.L.data, arrays.L.shape) },
        { fileName: `${base}_M.npy`, mimeType: 'application/octet-stream', bytes: writeNpy(arrays.M.data, arrays.M.shape) },
      ];
    case 'npz':
      return [{ fileName: `${base}.npz`, mimeType: 'application/zip', bytes: writeNpz(arrays, { mtime: created }) }];
    case 'mat':
      return [{ fileName: `${base}.mat`, mimeType: 'application/x-matlab-data', bytes: writeMat(arrays, { created }) }];
    case 'transformed': {
      if (!dataset || run.datasetId === null) throw new ValidationError(`Run ${runId}'s dataset no longer exists, so it cannot be transformed.`);
      if (run.datasetHash !== null && dataset.contentHash !== run.datasetHash) {
        throw new ValidationError(`Dataset ${dataset.id} changed since run ${runId} (content hash differs); the transformed data would not match.`);
      }
      const data = store.datasets.loadMatrix(run.datasetId);
      return [{ fileName: `${base}-transformed.csv`, mimeType: 'text/csv', bytes: encoder.encode(exportTransformedCsv(data, metric)) }];
    }
  }
}

/**
 * One export file (for a download or a save dialog). For `npy`, `part` picks L (default) or M.
 * @throws see {@link buildExportFiles}.
 */
function buildExport(store: Store, runId: number, format: ExportFormat, part: 'L' | 'M' = 'L'): ExportFile {
  const files = buildExportFiles(store, runId, format);
  return format === 'npy' ? files[part === 'M' ? 1 : 0]! : files[0]!;
}

/**
 * Writes run `runId`'s export to `outPath` (creating its folder), atomically and, for npy's two files, all or
 * nothing (src-main/files/atomic-write.ts); returns the files written.
 * @throws ExportError (EXPORT_FAILED) naming the path and the cause; an existing file there is unchanged.
 */
async function writeExport(store: Store, runId: number, format: ExportFormat, outPath: string): Promise<Array<{ path: string; bytes: number }>> {
  const files = buildExportFiles(store, runId, format);
  const paths = exportPaths(outPath, format);
  return writeFilesAtomic(files.map((file, k) => ({ path: paths[k]!, content: file.bytes })));
}

/** The `export.build` and `export.saveDialog` channels. */
export function createExportService({ store, dialogs }: { store: Store; dialogs: WorkbenchDialogs | null }) {
  const build: Handler<'export.build'> = ({ runId, format, part }) => {
    const file = buildExport(store, runId, format, part);
    return { fileName: file.fileName, mimeType: file.mimeType, base64: Buffer.from(file.bytes).toString('base64') };
  };

  const saveDialog: Handler<'export.saveDialog'> = async ({ runId, format }) => {
    const native = requireDialogs(dialogs, 'export.saveDialog', "use 'export.build' and save the download");
    const file = buildExport(store, runId, format);
    const extension = file.fileName.slice(file.fileName.lastIndexOf('.') + 1);
    const suggested = format === 'npy' ? file.fileName.replace(/_L\.npy$/, '.npy') : file.fileName;
    const path = await native.saveFile(suggested, extension);
    if (path === null) return { cancelled: true as const };
    const written = await writeExport(store, runId, format, path);
    return { path: written[0]!.path, paths: written.map((w) => w.path) };
  };

  return { build, saveDialog };
}

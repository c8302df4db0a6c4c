/**
 * Comparison reports: the service side of `runs.report`, `runs.reportSaveDialog` and `workbench report`. Gathers the
 * evaluate runs (a compare run stands for its methods), checks they are about the same data, and hands them to the
 * pure writers of shared/report.
 */
import { writeFileAtomic } from '../files/atomic-write.ts';
import { supervisionText } from '../../shared/domain/supervision.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { EvaluationResult } from '../../shared/ipc/schemas.ts';
import { buildComparisonTable, type ReportRun } from '../../shared/report/comparison.ts';
import { comparisonCsv, comparisonLatex, comparisonMarkdown, tidyCsv, type ReportFormat } from '../../shared/report/writers.ts';
import type { RunRecord } from '../storage/runs-repository.ts';
import type { Store } from '../storage/store.ts';
import { requireDialogs, type Handler, type WorkbenchDialogs } from './ports.ts';
import { listItem, runDetail } from './run-records.ts';

export interface ReportFile {
  fileName: string;
  mimeType: string;
  text: string;
}

const FILE_TYPES: Record<ReportFormat, { extension: string; mimeType: string; suffix: string }> = {
  csv: { extension: 'csv', mimeType: 'text/csv', suffix: 'table' },
  md: { extension: 'md', mimeType: 'text/markdown', suffix: 'table' },
  tex: { extension: 'tex', mimeType: 'application/x-tex', suffix: 'table' },
  'tidy-csv': { extension: 'csv', mimeType: 'text/csv', suffix: 'folds' },
};

/** The evaluate runs behind `runIds`, in order: a compare run gives its methods' runs; repeats are dropped. */
function evaluateRuns(store: Store, runIds: readonly number[]): RunRecord[] {
  const runs: RunRecord[] = [];
  const add = (run: RunRecord, via?: number): void => {
    if (run.status !== 'succeeded') {
      throw new ValidationError(`Run ${run.id}${via === undefined ? '' : ` (in compare run ${via})`} has status ${run.status}; a report needs finished evaluations.`);
    }
    if (!runs.some((r) => r.id === run.id)) runs.push(run);
  };
  for (const id of runIds) {
    const run = store.runs.require(id);
    if (run.kind === 'compare') {
      for (const child of store.runs.list({ parentRunId: id, order: 'asc' })) add(child, id);
    } else if (run.kind === 'evaluate') {
      add(run);
    } else {
      throw new ValidationError(`Run ${id} is a ${run.kind} run; a report is made of evaluate and compare runs (they hold cross-validated figures).`);
    }
  }
  return runs;
}

/**
 * Builds the report of `runIds` in `format`.
 * @throws NotFoundError for an unknown run; ValidationError for a run that is not a finished evaluate or compare run,
 *   runs on different data (dataset content hash) or of different protocols.
 */
function buildReport(store: Store, runIds: readonly number[], format: ReportFormat): ReportFile {
  const records = evaluateRuns(store, runIds);
  const first = records[0]!;
  for (const run of records) {
    if (run.datasetHash !== first.datasetHash) {
      throw new ValidationError(`Runs ${first.id} and ${run.id} were made on different data (dataset content hash); a report compares runs on one dataset.`);
    }
  }
  const runs: ReportRun[] = records.map((run) => ({
    runId: run.id,
    method: run.method ?? run.kind,
    params: run.params,
    supervision: listItem(store, run).supervision ?? null,
    evaluation: runDetail(store, run.id).evaluation as EvaluationResult,
  }));
  const dataset = first.datasetId === null ? null : (store.datasets.get(first.datasetId)?.name ?? null);
  const type = FILE_TYPES[format];
  const safe = (dataset ?? 'dataset').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'dataset';
  const fileName = `${safe}-comparison-runs-${runIds.join('-')}-${type.suffix}.${type.extension}`;
  if (format === 'tidy-csv') {
    return { fileName, mimeType: type.mimeType, text: tidyCsv(runs, (r) => (r.supervision ? supervisionText(r.supervision) : '')) };
  }
  const table = buildComparisonTable(runs, dataset);
  const text = format === 'csv' ? comparisonCsv(table) : format === 'md' ? comparisonMarkdown(table) : comparisonLatex(table);
  return { fileName, mimeType: type.mimeType, text };
}

/** Writes the report to `outPath` (folders made as needed); returns the bytes written. */
async function writeReport(store: Store, runIds: readonly number[], format: ReportFormat, outPath: string): Promise<number> {
  const bytes = new TextEncoder().encode(buildReport(store, runIds, format).text);
  const written = await writeFileAtomic(outPath, bytes);
  return written.bytes;
}

/** The `runs.report` and `runs.reportSaveDialog` channels. */
export function createReportService({ store, dialogs }: { store: Store; dialogs: WorkbenchDialogs | null }) {
  const build: Handler<'runs.report'> = ({ runIds, format }) => buildReport(store, runIds, format);

  const saveDialog: Handler<'runs.reportSaveDialog'> = async ({ runIds, format }) => {
    const native = requireDialogs(dialogs, 'runs.reportSaveDialog', "use 'runs.report' and save the download");
    const file = buildReport(store, runIds, format);
    const path = await native.saveFile(file.fileName, file.fileName.slice(file.fileName.lastIndexOf('.') + 1));
    if (path === null) return { cancelled: true as const };
    await writeReport(store, runIds, format, path);
    return { path };
  };

  return { build, saveDialog };
}

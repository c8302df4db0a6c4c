/**
 * `grid status` and `grid collect` of a Slurm bundle.
 *
 * Collect imports every finished cell into the store as an ordinary evaluate run (with the metric learned on the
 * whole data set), marked `protocol.grid = {id, cell, where: 'slurm', host, slurmJobId, slurmArrayTaskId}`. Each
 * cell is one transaction; a cell already collected (grid id + cell index in `grid_cells`) is skipped, so
 * collecting twice adds nothing. A failed cell is listed with its error and the others are kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GridMark } from '../../shared/domain/grid.ts';
import { ValidationError, toErrorPayload } from '../../shared/errors.ts';
import { createRunsService } from '../services/runs.ts';
import type { Store } from '../storage/store.ts';
import { loadBundleDataset, readBundle, resultCells, resultFileName, type BundleManifest } from './bundle.ts';
import { metricFromFile, saveCell } from './cell.ts';
import { activeTasks, finalStates } from './slurm.ts';
import { RESULT_FORMAT, type CellResultFile } from './task.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The Slurm job id written by submit, or null. */
export function bundleJobId(dir: string): string | null {
  const path = join(dir, 'slurm-job-id');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() || null : null;
}

/** Reads a result file. @throws ValidationError naming the file. */
export function readResult(dir: string, cell: number, gridId: string): CellResultFile {
  const path = join(dir, 'results', resultFileName(cell));
  let result: CellResultFile;
  try {
    result = JSON.parse(readFileSync(path, 'utf8')) as CellResultFile;
  } catch (error) {
    throw new ValidationError(`${path} is not a readable result: ${(error as Error).message}`);
  }
  if (result?.format !== RESULT_FORMAT) throw new ValidationError(`${path}: field 'format' must be '${RESULT_FORMAT}', got ${JSON.stringify(result?.format)}.`);
  if (result.gridId !== gridId) throw new ValidationError(`${path}: it belongs to grid ${result.gridId}, not to this bundle's grid ${gridId}.`);
  if (result.cell !== cell) throw new ValidationError(`${path}: field 'cell' is ${JSON.stringify(result.cell)}, expected ${cell}.`);
  if (result.status !== 'succeeded' && result.status !== 'failed') throw new ValidationError(`${path}: field 'status' must be 'succeeded' or 'failed', got ${JSON.stringify((result as { status?: unknown }).status)}.`);
  return result;
}

export interface BundleStatus {
  cells: number;
  done: number;
  failed: number;
  pending: number;
}

/** Cells of the bundle with a failure: failed result files, and tasks Slurm no longer runs that left no result. */
function failures(dir: string, manifest: BundleManifest, env: Env): { done: number[]; failed: Array<{ cell: number; error: string }> } {
  const done: number[] = [];
  const failed: Array<{ cell: number; error: string }> = [];
  const have = new Set(resultCells(dir));
  for (const cell of have) {
    if (cell >= manifest.cells.length) continue;
    try {
      const r = readResult(dir, cell, manifest.gridId);
      if (r.status === 'succeeded') done.push(cell);
      else failed.push({ cell, error: r.error.message });
    } catch (error) {
      failed.push({ cell, error: toErrorPayload(error).message });
    }
  }
  const jobId = bundleJobId(dir);
  const active = jobId ? activeTasks(jobId, env) : null;
  if (active) {
    const gone = manifest.cells.filter((c) => !have.has(c.index) && !active.has(c.index));
    // A task Slurm has let go of without a result file (killed, out of time, node lost) has failed; sacct, where
    // accounting is on, says how it ended.
    const states = gone.length > 0 ? finalStates(jobId!, env) : new Map<number, string>();
    for (const c of gone) {
      const state = states.get(c.index);
      failed.push({ cell: c.index, error: `Slurm job ${jobId} task ${c.index} ended${state ? ` ${state}` : ''} without writing a result; see ${join(dir, 'logs', `cell-${c.index}.err`)}.` });
    }
  }
  failed.sort((a, b) => a.cell - b.cell);
  return { done, failed };
}

/** `grid status --bundle DIR`: counts from the result files and squeue where available. */
export function bundleStatus(dir: string, env: Env = process.env): BundleStatus {
  const manifest = readBundle(dir);
  const { done, failed } = failures(dir, manifest, env);
  const cells = manifest.cells.length;
  return { cells, done: done.length, failed: failed.length, pending: cells - done.length - failed.length };
}

export interface CollectResult {
  /** Cells imported by this call. */
  collected: number;
  failed: Array<{ cell: number; error: string }>;
  /** Runs created by this call, in cell order. */
  runs: number[];
  gridId: string;
}

/**
 * Imports the finished cells of the bundle at `dir` into `store`. The data sets are found in the store by
 * content hash (the submitting store has them); a data set the store lacks is imported from the bundle.
 */
export function collectBundle(store: Store, dir: string, env: Env = process.env): CollectResult {
  const manifest = readBundle(dir);
  const gridId = manifest.gridId;
  const jobId = bundleJobId(dir);
  store.grids.insert({ id: gridId, spec: manifest.spec, cells: manifest.cells.length, location: 'slurm', bundle: dir, slurmJobId: jobId });
  const runsService = createRunsService(store);
  const { done, failed } = failures(dir, manifest, env);
  const localIds = new Map<number, number>();
  const localDataset = (k: number): { id: number } & Pick<ReturnType<typeof loadBundleDataset>, 'constraints' | 'comparisons'> => {
    const loaded = loadBundleDataset(dir, manifest, k);
    let id = localIds.get(k);
    if (id === undefined) {
      const meta = manifest.datasets[k]!;
      const same = store.datasets.get(meta.id);
      const found = same?.contentHash === meta.contentHash ? same : store.datasets.list().find((d) => d.contentHash === meta.contentHash);
      id = found ? found.id : store.datasets.insert({ name: store.datasets.uniqueName(meta.name), matrix: loaded.matrix, format: 'grid-bundle', targetName: meta.target ?? null }).id;
      localIds.set(k, id);
    }
    return { id, constraints: loaded.constraints, comparisons: loaded.comparisons };
  };
  const runs: number[] = [];
  try {
    for (const cell of done) {
      // Collected already (a cell whose run was deleted since, with its data set, is collected again).
      const known = store.grids.getCell(gridId, cell);
      if (known?.status === 'succeeded' && known.runId !== null) continue;
      const result = readResult(dir, cell, gridId);
      if (result.status !== 'succeeded') continue;
      try {
        const meta = manifest.datasets[manifest.cells[cell]!.dataset]!;
        const runId = store.transaction(() => {
          const { id, constraints, comparisons } = localDataset(manifest.cells[cell]!.dataset);
          const prepared = runsService.prepare({ ...result.spec, datasetId: id }, { constraints, comparisons });
          const runId = prepared.runIds[0]!;
          const evaluation = { ...result.evaluation, dataset: result.evaluation.dataset === meta.id ? id : result.evaluation.dataset };
          const mark: GridMark = { id: gridId, cell, where: 'slurm', host: result.ranOn.host, slurmJobId: result.ranOn.slurmJobId, slurmArrayTaskId: result.ranOn.slurmArrayTaskId };
          saveCell(store, runsService.complete, gridId, cell, runId, { evaluation, metric: metricFromFile(result.metric, join(dir, 'results', resultFileName(cell))), timings: result.timings }, mark);
          return runId;
        });
        runs.push(runId);
      } catch (error) {
        failed.push({ cell, error: `Collecting cell ${cell} failed: ${toErrorPayload(error).message}` });
      }
    }
    for (const f of failed) {
      const known = store.grids.getCell(gridId, f.cell);
      if (known?.status !== 'succeeded') store.grids.setCell({ gridId, cell: f.cell, runId: null, status: 'failed', error: f.error, ranOn: null });
    }
  } finally {
    runsService.dispose();
  }
  failed.sort((a, b) => a.cell - b.cell);
  return { collected: runs.length, failed, runs, gridId };
}

/**
 * Experiment grids: data sets × methods × seeds × constraint counts × parameter values, every cell
 * one evaluation (k-fold CV) plus the metric learned on the whole data set. A grid runs on the local worker
 * pool (`workbench grid run`) or as a Slurm job array (`workbench grid submit --slurm`), and its cells become
 * ordinary runs marked with the grid and where they ran.
 *
 * Plain data and pure functions only: the CLI, the main process and the renderer share these.
 */
import type { GridSpecWire } from './schemas/grids.ts';
import type { EvaluateJobSpec } from './job.ts';

/**
 * What a grid is made of: declared once, as GridSpecSchema in ./schemas/grids.ts. The order of the lists is the
 * order of the cells (see {@link expandGrid}): `datasets` (ids of the store the grid was started from), `methods`,
 * `seeds` (each seeds the learner, the generated pairs and — unless `protocol.seed` is given — the fold split),
 * `counts` (generated supervision for the methods that count theirs: pairs per kind, or chunklets, comparisons,
 * quadruplets — shared/engine/supervision/kinds.ts; one cell per count with constraints 'generated';
 * empty or absent: one cell with the default source and count; methods that do not learn from pairs get one
 * cell), `params` (per method, per parameter, the values to try, already typed: `{itml: {gamma: [0.5, 1]}}`) and
 * `protocol`. Typed code may pass any parameter values; the contract's form narrows them to number | string |
 * boolean | null.
 */
export type GridSpec = Omit<GridSpecWire, 'params'> & { params?: Record<string, Record<string, unknown[]>> };

/** One cell of a grid: an evaluate job spec and its coordinates. */
export interface GridCell {
  /** 0-based, in {@link expandGrid} order; the Slurm array index. */
  index: number;
  datasetId: number;
  method: string;
  seed: number;
  /** Generated pairs per kind (or chunklets, comparisons, quadruplets), or null for the default. */
  count: number | null;
  /** The parameter values of this cell (the ones the grid varies or fixes; learner defaults fill the rest). */
  params: Record<string, unknown>;
  spec: EvaluateJobSpec;
}

/** Where a collected or local grid cell ran, as stored in the run's protocol (`protocol.grid`): GridMarkSchema. */
export type { GridMark } from './schemas/grids.ts';

/** Cartesian product of `values`, first key slowest: {a: [1, 2], b: [3]} → [{a: 1, b: 3}, {a: 2, b: 3}]. */
export function parameterCombinations(values: Record<string, readonly unknown[]>): Array<Record<string, unknown>> {
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [key, list] of Object.entries(values)) {
    if (list.length === 0) throw new RangeError(`Parameter '${key}' has no values to try.`);
    combos = combos.flatMap((c) => list.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

/**
 * The cells of a grid, in the order datasets → methods → parameter combinations → counts → seeds (the last
 * varies fastest). `usesPairs(method)` tells which methods count their supervision (only they get one cell per count).
 * @throws RangeError when a list is empty or a seed / count is not a non-negative / positive integer.
 */
export function expandGrid(spec: GridSpec, usesPairs: (method: string) => boolean): GridCell[] {
  for (const [name, list] of [['datasets', spec.datasets], ['methods', spec.methods], ['seeds', spec.seeds]] as const) {
    if (!Array.isArray(list) || list.length === 0) throw new RangeError(`A grid needs at least one of ${name}.`);
  }
  for (const s of spec.seeds) if (!Number.isInteger(s) || s < 0) throw new RangeError(`Grid seeds must be integers ≥ 0, got ${JSON.stringify(s)}.`);
  const counts = spec.counts ?? [];
  for (const c of counts) if (!Number.isInteger(c) || c < 1) throw new RangeError(`Grid counts must be integers ≥ 1, got ${JSON.stringify(c)}.`);
  const cells: GridCell[] = [];
  for (const datasetId of spec.datasets) {
    for (const method of spec.methods) {
      const combos = parameterCombinations(spec.params?.[method] ?? {});
      const methodCounts: Array<number | null> = counts.length > 0 && usesPairs(method) ? counts : [null];
      for (const params of combos) {
        for (const count of methodCounts) {
          for (const seed of spec.seeds) {
            const job: EvaluateJobSpec = {
              kind: 'evaluate',
              datasetId,
              method,
              params,
              seed,
              ...(spec.protocol ? { protocol: { ...spec.protocol } } : {}),
              ...(count === null ? {} : { constraintSource: 'generated' as const, pairs: count }),
              ...(spec.derived ? { derived: true } : {}),
            };
            cells.push({ index: cells.length, datasetId, method, seed, count, params, spec: job });
          }
        }
      }
    }
  }
  return cells;
}

/**
 * A grid bundle: a self-contained folder a Slurm cluster can run without the store.
 *
 *   DIR/grid.json                 manifest: grid id, spec, cells (each an evaluate spec), data sets, Slurm options
 *   DIR/datasets/dK.json          data set K: name, feature and class names, hand-labeled pairs [i, j, 1|0]
 *   DIR/datasets/dK.features.f64  its features, the stored Float64 bytes (little-endian, row-major (rows, features))
 *   DIR/datasets/dK.labels.i32    its class labels, Int32 little-endian (absent for unlabeled data)
 *   DIR/datasets/dK.targets.f64   a regression data set's targets, Float64 little-endian (absent for classification)
 *   DIR/grid.sbatch               the sbatch script (array 0…cells−1, at most M at once)
 *   DIR/slurm-job-id              the id `sbatch` answered (after submit)
 *   DIR/results/cell-NNNNN.json   one result per finished cell, written atomically (temp file + rename)
 *   DIR/logs/cell-N.out|err       the tasks' stdout / stderr
 *
 * Every data set file is checked against the content hash recorded in the manifest when it is read, so a cell
 * runs on bit for bit the data it was submitted with.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Triple } from '../../shared/domain/comparisons.ts';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { GridCell, GridSpec } from '../../shared/domain/grid.ts';
import type { EvaluateJobSpec } from '../../shared/domain/job.ts';
import { ExportError, ValidationError } from '../../shared/errors.ts';
import { describeWriteError, writeFileAtomicSync, writeFilesAtomicSync } from '../files/atomic-write.ts';
import { APP_VERSION } from '../storage/app-version.ts';
import { blobToFloat64, blobToInt32, typedArrayToBlob } from '../storage/blobs.ts';
import { datasetContentHash } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';

export const BUNDLE_FORMAT = 'metric-workbench-grid-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleDataset {
  /** Its id in the store the grid was submitted from (the cells' specs use it). */
  id: number;
  name: string;
  contentHash: string;
  rows: number;
  features: number;
  labeled: boolean;
  /** A regression data set's target column name (its targets are in `dK.targets.f64`); absent for classification. */
  target?: string;
  /** File stem under datasets/: `dK`. */
  file: string;
}

export interface SlurmOptions {
  partition?: string;
  /** HH:MM:SS (or any time Slurm accepts, e.g. D-HH:MM:SS). */
  time?: string;
  cpusPerTask?: number;
  /** At most this many array tasks at once (`%M`). */
  maxParallel: number;
  /** The shell command that runs the workbench on the cluster's nodes. */
  workbench: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  gridId: string;
  createdAt: string;
  appVersion: string;
  spec: GridSpec;
  datasets: BundleDataset[];
  cells: Array<{ index: number; dataset: number; spec: EvaluateJobSpec }>;
  slurm: SlurmOptions;
}

interface DatasetMetaFile {
  name: string;
  featureNames: string[];
  classNames: string[];
  imageShape: [number, number] | null;
  constraints: Array<[number, number, 0 | 1]>;
  /** The relative comparisons [anchor, closer, farther], in labeling order (absent in bundles without any). */
  comparisons?: Array<[number, number, number]>;
}

export const resultFileName = (cell: number): string => `cell-${String(cell).padStart(5, '0')}.json`;

/**
 * Writes the bundle of `cells` (of `spec`) into `dir` (created; it must not hold a bundle already). The data
 * sets are copied from `store` with their current hand-labeled pairs and comparisons.
 * @throws ValidationError when `dir` already holds a grid.json.
 */
export function writeBundle(store: Store, dir: string, gridId: string, spec: GridSpec, cells: readonly GridCell[], slurm: SlurmOptions): BundleManifest {
  if (existsSync(join(dir, 'grid.json'))) {
    throw new ValidationError(`The folder ${dir} already holds a grid bundle (grid.json); choose a new --out folder.`);
  }
  for (const folder of ['datasets', 'results', 'logs']) {
    try {
      mkdirSync(join(dir, folder), { recursive: true });
    } catch (error) {
      throw new ExportError(`Cannot create the folder ${join(dir, folder)}: ${describeWriteError(error, join(dir, folder, 'x'), 'folder')}.`, { cause: error });
    }
  }
  const datasets: BundleDataset[] = spec.datasets.map((id, k) => {
    const details = store.datasets.get(id);
    if (!details) throw new ValidationError(`No dataset with id ${id}.`);
    const matrix = store.datasets.loadMatrix(id);
    const file = `d${k}`;
    const meta: DatasetMetaFile = {
      name: details.name,
      featureNames: matrix.featureNames,
      classNames: matrix.classNames,
      imageShape: matrix.imageShape ?? null,
      constraints: store.constraints.list(id).map((c) => [c.i, c.j, c.kind === 'must' ? 1 : 0]),
      comparisons: store.comparisons.list(id).map((c) => [c.anchor, c.closer, c.farther]),
    };
    writeFilesAtomicSync([
      { path: join(dir, 'datasets', `${file}.json`), content: `${JSON.stringify(meta)}\n` },
      { path: join(dir, 'datasets', `${file}.features.f64`), content: typedArrayToBlob(matrix.features) },
      ...(matrix.labels ? [{ path: join(dir, 'datasets', `${file}.labels.i32`), content: typedArrayToBlob(matrix.labels) }] : []),
      ...(matrix.targets ? [{ path: join(dir, 'datasets', `${file}.targets.f64`), content: typedArrayToBlob(matrix.targets) }] : []),
    ]);
    const target = matrix.targets ? { target: details.target ?? 'target' } : {};
    return { id, name: details.name, contentHash: details.contentHash, rows: matrix.nRows, features: matrix.nFeatures, labeled: matrix.labels !== null, ...target, file };
  });
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    gridId,
    createdAt: new Date().toISOString(),
    appVersion: APP_VERSION,
    spec,
    datasets,
    cells: cells.map((c) => ({ index: c.index, dataset: spec.datasets.indexOf(c.datasetId), spec: c.spec })),
    slurm,
  };
  writeFileAtomicSync(join(dir, 'grid.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

/** Reads and checks DIR/grid.json. @throws ValidationError naming the file and the field. */
export function readBundle(dir: string): BundleManifest {
  const path = join(dir, 'grid.json');
  if (!existsSync(path)) throw new ValidationError(`${dir} is not a grid bundle: ${path} does not exist.`);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as BundleManifest;
  } catch (error) {
    throw new ValidationError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest?.format !== BUNDLE_FORMAT) throw new ValidationError(`${path}: field 'format' must be '${BUNDLE_FORMAT}', got ${JSON.stringify(manifest?.format)}.`);
  if (manifest.version !== BUNDLE_VERSION) throw new ValidationError(`${path}: bundle version ${JSON.stringify(manifest.version)} is not supported (this workbench reads version ${BUNDLE_VERSION}).`);
  if (typeof manifest.gridId !== 'string' || manifest.gridId === '') throw new ValidationError(`${path}: field 'gridId' must be a non-empty string.`);
  if (!Array.isArray(manifest.cells) || manifest.cells.length === 0) throw new ValidationError(`${path}: field 'cells' must be a non-empty list.`);
  if (!Array.isArray(manifest.datasets)) throw new ValidationError(`${path}: field 'datasets' must be a list.`);
  manifest.cells.forEach((c, k) => {
    if (c?.index !== k) throw new ValidationError(`${path}: cells[${k}].index must be ${k}, got ${JSON.stringify(c?.index)}.`);
    if (!manifest.datasets[c.dataset]) throw new ValidationError(`${path}: cells[${k}].dataset ${JSON.stringify(c.dataset)} is not one of the ${manifest.datasets.length} data sets.`);
  });
  return manifest;
}

/**
 * Loads data set `k` of a bundle (features, labels, hand-labeled pairs and comparisons) and checks its content hash.
 * @throws ValidationError naming the file when a file is missing, has the wrong size or the hash differs.
 */
export function loadBundleDataset(
  dir: string,
  manifest: BundleManifest,
  k: number,
): { matrix: DatasetMatrix; constraints: PairConstraint[]; comparisons: Triple[]; meta: BundleDataset } {
  const d = manifest.datasets[k]!;
  const base = join(dir, 'datasets', d.file);
  const read = (path: string): Buffer => {
    if (!existsSync(path)) throw new ValidationError(`Grid bundle ${dir}: data set '${d.name}' is missing its file ${path}.`);
    return readFileSync(path);
  };
  const meta = JSON.parse(read(`${base}.json`).toString('utf8')) as DatasetMetaFile;
  const featureBytes = read(`${base}.features.f64`);
  if (featureBytes.byteLength !== d.rows * d.features * 8) {
    throw new ValidationError(`Grid bundle ${dir}: ${base}.features.f64 has ${featureBytes.byteLength} bytes, expected rows × features × 8 = ${d.rows} × ${d.features} × 8.`);
  }
  const features = blobToFloat64(featureBytes, `${base}.features.f64`);
  const labels = d.labeled ? blobToInt32(read(`${base}.labels.i32`), `${base}.labels.i32`) : null;
  if (labels && labels.length !== d.rows) throw new ValidationError(`Grid bundle ${dir}: ${base}.labels.i32 has ${labels.length} labels, expected ${d.rows}.`);
  const targets = d.target !== undefined ? blobToFloat64(read(`${base}.targets.f64`), `${base}.targets.f64`) : null;
  if (targets && targets.length !== d.rows) throw new ValidationError(`Grid bundle ${dir}: ${base}.targets.f64 has ${targets.length} targets, expected ${d.rows}.`);
  const matrix: DatasetMatrix = {
    nRows: d.rows,
    nFeatures: d.features,
    features,
    labels,
    featureNames: meta.featureNames,
    classNames: meta.classNames,
    imageShape: meta.imageShape,
    ...(targets ? { targets } : {}),
  };
  const hash = datasetContentHash(matrix);
  if (hash !== d.contentHash) {
    throw new ValidationError(`Grid bundle ${dir}: data set '${d.name}' has content hash ${hash.slice(0, 12)}…, but the manifest records ${d.contentHash.slice(0, 12)}…; the files were changed.`);
  }
  const constraints = meta.constraints.map(([i, j, m]) => ({ i, j, kind: m === 1 ? ('must' as const) : ('cannot' as const) }));
  const comparisons = (meta.comparisons ?? []).map(([a, b, c]): Triple => [a, b, c]);
  return { matrix, constraints, comparisons, meta: d };
}

/** Indices of the cells that have a result file. */
export function resultCells(dir: string): number[] {
  const folder = join(dir, 'results');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .map((f) => /^cell-(\d{5})\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Datasets: the feature matrix (Float64 BLOB, bit-exact), labels (Int32 BLOB), names and import metadata. */
import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetMatrix, DatasetSummary } from '../../shared/domain/dataset.ts';
import type { DatasetTask } from '../../shared/domain/enums.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { blobToFloat64, blobToInt32, parseJsonColumn, typedArrayToBlob } from './blobs.ts';
import { statementCache } from './statements.ts';

/** What {@link DatasetsRepository.insert} stores. */
export interface NewDataset {
  /** Unique, non-empty name. */
  name: string;
  matrix: DatasetMatrix;
  /** Imported file name (no folder), or null for generated data. */
  sourceFile?: string | null;
  sourceSha256?: string | null;
  /** csv | tsv | arff | libsvm | npy | sample … */
  format?: string | null;
  /** The options the import used (JSON-serialisable). */
  importOptions?: Record<string, unknown>;
  warnings?: string[];
  /** The regression target's column name (required when `matrix.targets` is set). */
  targetName?: string | null;
}

/** A dataset's summary plus its metadata (no feature data). */
export interface DatasetDetails extends DatasetSummary {
  featureNames: string[];
  format: string | null;
  importOptions: Record<string, unknown>;
  warnings: string[];
  constraintCount: number;
}

interface DatasetRow {
  id: number;
  name: string;
  source_file: string | null;
  source_sha256: string | null;
  source_format: string | null;
  feature_names: string;
  class_names: string;
  n_rows: number;
  n_features: number;
  labeled: number;
  image_shape: string | null;
  import_options: string;
  warnings: string;
  content_hash: string;
  created_at: string;
  constraint_count: number;
  task: DatasetTask;
  target_name: string | null;
}

const SUMMARY_COLUMNS = `d.id, d.name, d.source_file, d.source_sha256, d.source_format, d.feature_names, d.class_names,
  d.n_rows, d.n_features, d.labels IS NOT NULL AS labeled, d.image_shape, d.import_options, d.warnings, d.content_hash, d.created_at,
  d.task, d.target_name, (SELECT count(*) FROM constraints c WHERE c.dataset_id = d.id) AS constraint_count`;

/**
 * sha256 (hex) of a dataset's content: the shape, the feature bytes and the label bytes. Two datasets with the
 * same hash have bit-identical features and labels; runs record it to tie results to exact data.
 * Layout hashed: "rows,features\n" · Float64 LE features · ("labels\n" · Int32 LE labels | "unlabeled\n"), then for a
 * regression dataset only "targets\n" · Float64 LE targets (so a classification dataset's hash is what it always was).
 */
export function datasetContentHash(matrix: Pick<DatasetMatrix, 'nRows' | 'nFeatures' | 'features' | 'labels' | 'targets'>): string {
  const hash = createHash('sha256');
  hash.update(`${matrix.nRows},${matrix.nFeatures}\n`);
  hash.update(typedArrayToBlob(matrix.features));
  if (matrix.labels) {
    hash.update('labels\n');
    hash.update(typedArrayToBlob(matrix.labels));
  } else hash.update('unlabeled\n');
  if (matrix.targets) {
    hash.update('targets\n');
    hash.update(typedArrayToBlob(matrix.targets));
  }
  return hash.digest('hex');
}

/** Checks that a matrix is internally consistent. @throws ValidationError naming the field and the rule. */
export function validateDatasetMatrix(m: DatasetMatrix): void {
  if (!Number.isInteger(m.nRows) || m.nRows < 0) throw new ValidationError(`nRows must be an integer ≥ 0, got ${m.nRows}.`);
  if (!Number.isInteger(m.nFeatures) || m.nFeatures < 0) throw new ValidationError(`nFeatures must be an integer ≥ 0, got ${m.nFeatures}.`);
  if (!(m.features instanceof Float64Array)) throw new ValidationError('features must be a Float64Array.');
  if (m.features.length !== m.nRows * m.nFeatures) {
    throw new ValidationError(`features has ${m.features.length} values; expected nRows × nFeatures = ${m.nRows} × ${m.nFeatures} = ${m.nRows * m.nFeatures}.`);
  }
  if (m.featureNames.length !== m.nFeatures) {
    throw new ValidationError(`featureNames has ${m.featureNames.length} names; expected nFeatures = ${m.nFeatures}.`);
  }
  if (m.labels) {
    if (!(m.labels instanceof Int32Array)) throw new ValidationError('labels must be an Int32Array or null.');
    if (m.labels.length !== m.nRows) throw new ValidationError(`labels has ${m.labels.length} entries; expected nRows = ${m.nRows}.`);
    for (let r = 0; r < m.labels.length; r++) {
      const c = m.labels[r]!;
      if (c < -1 || c >= m.classNames.length) {
        throw new ValidationError(`labels[${r}] = ${c} is not a class index in -1…${m.classNames.length - 1} (-1 = unknown).`);
      }
    }
  }
  if (m.targets) {
    if (!(m.targets instanceof Float64Array)) throw new ValidationError('targets must be a Float64Array or null.');
    if (m.targets.length !== m.nRows) throw new ValidationError(`targets has ${m.targets.length} entries; expected nRows = ${m.nRows}.`);
    if (m.labels) throw new ValidationError('A dataset has class labels or a regression target, not both.');
    const bad = m.targets.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ValidationError(`targets[${bad}] = ${m.targets[bad]} is not a finite number.`);
  }
  if (m.imageShape && m.imageShape[0] * m.imageShape[1] !== m.nFeatures) {
    throw new ValidationError(`imageShape ${m.imageShape[0]}×${m.imageShape[1]} does not match nFeatures = ${m.nFeatures}.`);
  }
}

export class DatasetsRepository {
  readonly #prepare: (sql: string) => Statement;

  constructor(db: Database) {
    this.#prepare = statementCache(db);
  }

  /**
   * Stores a dataset and returns its details. Validates the matrix first.
   * @throws ValidationError for an inconsistent matrix or a name that is empty or already taken.
   */
  insert(dataset: NewDataset): DatasetDetails {
    const m = dataset.matrix;
    validateDatasetMatrix(m);
    const name = dataset.name.trim();
    if (name === '') throw new ValidationError('A dataset name cannot be empty.');
    const existing = this.getByName(name);
    if (existing) throw new ValidationError(`A dataset named '${name}' already exists (id ${existing.id}).`);
    const info = this.#prepare(
      `INSERT INTO datasets (name, source_file, source_sha256, source_format, feature_names, class_names, n_rows, n_features,
         features, labels, image_shape, import_options, warnings, content_hash, created_at, task, target_name, targets)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      name,
      dataset.sourceFile ?? null,
      dataset.sourceSha256 ?? null,
      dataset.format ?? null,
      JSON.stringify(m.featureNames),
      JSON.stringify(m.classNames),
      m.nRows,
      m.nFeatures,
      typedArrayToBlob(m.features),
      m.labels ? typedArrayToBlob(m.labels) : null,
      m.imageShape ? JSON.stringify(m.imageShape) : null,
      JSON.stringify(dataset.importOptions ?? {}),
      JSON.stringify(dataset.warnings ?? []),
      datasetContentHash(m),
      new Date().toISOString(),
      m.targets ? 'regression' : 'classification',
      m.targets ? (dataset.targetName ?? 'target') : null,
      m.targets ? typedArrayToBlob(m.targets) : null,
    );
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** All datasets, oldest first, with their constraint counts. */
  list(): DatasetDetails[] {
    return (this.#prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets d ORDER BY d.id`).all() as DatasetRow[]).map(toDetails);
  }

  get(id: number): DatasetDetails | null {
    const row = this.#prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets d WHERE d.id = ?`).get(id) as DatasetRow | undefined;
    return row ? toDetails(row) : null;
  }

  getByName(name: string): DatasetDetails | null {
    const row = this.#prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets d WHERE d.name = ?`).get(name) as DatasetRow | undefined;
    return row ? toDetails(row) : null;
  }

  /**
   * Looks a dataset up by id or by name: a number, or a string of digits naming an existing id, is an id;
   * anything else (or digits with no such id) is a name. Returns null when neither matches.
   */
  getByIdOrName(ref: string | number): DatasetDetails | null {
    if (typeof ref === 'number') return Number.isInteger(ref) ? this.get(ref) : null;
    const text = ref.trim();
    if (/^\d+$/.test(text)) {
      const byId = this.get(Number(text));
      if (byId) return byId;
    }
    return this.getByName(text);
  }

  /** A name not yet used: `base`, else `base (2)`, `base (3)` … */
  uniqueName(base: string): string {
    const trimmed = base.trim() === '' ? 'dataset' : base.trim();
    if (!this.getByName(trimmed)) return trimmed;
    for (let k = 2; ; k++) {
      const candidate = `${trimmed} (${k})`;
      if (!this.getByName(candidate)) return candidate;
    }
  }

  /** Renames a dataset. @throws NotFoundError / ValidationError (empty or taken name). */
  rename(id: number, name: string): DatasetDetails {
    const trimmed = name.trim();
    if (trimmed === '') throw new ValidationError('A dataset name cannot be empty.');
    const existing = this.getByName(trimmed);
    if (existing && existing.id !== id) throw new ValidationError(`A dataset named '${trimmed}' already exists (id ${existing.id}).`);
    const info = this.#prepare('UPDATE datasets SET name = ? WHERE id = ?').run(trimmed, id);
    if (info.changes === 0) throw new NotFoundError(`No dataset with id ${id}.`);
    return this.get(id)!;
  }

  /** Deletes a dataset with its constraints and runs (ON DELETE CASCADE). Returns false if there was none. */
  delete(id: number): boolean {
    return this.#prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  /** The feature matrix and labels, bit-exact as stored. @throws NotFoundError. */
  loadMatrix(id: number): DatasetMatrix {
    const row = this.#prepare(
      'SELECT n_rows, n_features, features, labels, targets, feature_names, class_names, image_shape FROM datasets WHERE id = ?',
    ).get(id) as
      | {
          n_rows: number;
          n_features: number;
          features: Buffer;
          labels: Buffer | null;
          targets: Buffer | null;
          feature_names: string;
          class_names: string;
          image_shape: string | null;
        }
      | undefined;
    if (!row) throw new NotFoundError(`No dataset with id ${id}.`);
    return {
      nRows: row.n_rows,
      nFeatures: row.n_features,
      features: blobToFloat64(row.features, `datasets.features of dataset ${id}`),
      labels: row.labels ? blobToInt32(row.labels, `datasets.labels of dataset ${id}`) : null,
      featureNames: parseJsonColumn<string[]>(row.feature_names, 'datasets.feature_names')!,
      classNames: parseJsonColumn<string[]>(row.class_names, 'datasets.class_names')!,
      imageShape: parseJsonColumn<[number, number]>(row.image_shape, 'datasets.image_shape'),
      ...(row.targets ? { targets: blobToFloat64(row.targets, `datasets.targets of dataset ${id}`) } : {}),
    };
  }

  count(): number {
    return (this.#prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n;
  }
}

function toDetails(row: DatasetRow): DatasetDetails {
  const classes = parseJsonColumn<string[]>(row.class_names, 'datasets.class_names')!;
  return {
    id: row.id,
    name: row.name,
    rows: row.n_rows,
    features: row.n_features,
    classes,
    labeled: row.labeled === 1,
    sourceFile: row.source_file,
    sourceSha256: row.source_sha256,
    contentHash: row.content_hash,
    createdAt: row.created_at,
    constraintCount: row.constraint_count,
    imageShape: parseJsonColumn<[number, number]>(row.image_shape, 'datasets.image_shape'),
    featureNames: parseJsonColumn<string[]>(row.feature_names, 'datasets.feature_names')!,
    format: row.source_format,
    importOptions: parseJsonColumn<Record<string, unknown>>(row.import_options, 'datasets.import_options')!,
    warnings: parseJsonColumn<string[]>(row.warnings, 'datasets.warnings')!,
    task: row.task,
    target: row.target_name,
  };
}

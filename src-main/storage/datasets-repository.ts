/**
 * Datasets: the feature matrix in row blocks (`dataset_blocks`, each in its narrowest lossless encoding and read
 * back bit-exact), labels (Int32 BLOB), names and import metadata. Every block and the labels carry a CRC-32 of their
 * stored bytes, checked on every read: damaged stored data is refused (DatasetDamagedError), never served.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetTask } from '../../shared/domain/enums.ts';
import { datasetTask, MAX_DATASET_VALUES, MAX_DATASET_VALUES_TEXT, type DatasetMatrix, type DatasetSummary } from '../../shared/domain/dataset.ts';
import { DatasetDamagedError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { encodeMatrixBytes, MATRIX_ENCODINGS, narrowestEncoding, type MatrixEncoding } from '../../shared/ipc/matrix-encoding.ts';
import { blobToFloat64, blobToInt32, parseJsonColumn, typedArrayToBlob } from './blobs.ts';
import { statementCache } from './statements.ts';

/**
 * The most bytes of float64 features one block holds (its stored form may be narrower). SQLite refuses values over
 * 1 GB. Each block read is a BLOB copy that lives until V8 collects it, so small blocks keep a read's extra memory
 * small: reading 100,000 × 784 float64 (598 MiB) peaked at 1,354 MiB with blocks of 256 MiB, 841 with 32 MiB and
 * 758 with 8 MiB (and read faster).
 */
export const DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024;

export interface DatasetsRepositoryOptions {
  /** Float64 bytes per feature block (at least one row per block). Default {@link DEFAULT_BLOCK_BYTES}. */
  blockBytes?: number;
}

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
  /** Relative comparisons stored for the dataset. */
  comparisonCount: number;
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
  comparison_count: number;
  task: DatasetTask;
  target_name: string | null;
}

const SUMMARY_COLUMNS = `d.id, d.name, d.source_file, d.source_sha256, d.source_format, d.feature_names, d.class_names,
  d.n_rows, d.n_features, d.labels IS NOT NULL AS labeled, d.image_shape, d.import_options, d.warnings, d.content_hash, d.created_at,
  d.task, d.target_name, (SELECT count(*) FROM constraints c WHERE c.dataset_id = d.id) AS constraint_count,
  (SELECT count(*) FROM comparisons t WHERE t.dataset_id = d.id) AS comparison_count`;

const HASH_PIECE_BYTES = 256 * 1024 * 1024;

/**
 * sha256 (hex) of a dataset's content: the shape, the feature bytes and the label bytes. Two datasets with the
 * same hash have bit-identical features and labels; runs record it to tie results to exact data.
 * Layout hashed: "rows,features\n" · Float64 LE features · ("labels\n" · Int32 LE labels | "unlabeled\n"), then for a
 * regression dataset only "targets\n" · Float64 LE targets (so a classification dataset's hash is what it always was).
 */
export function datasetContentHash(matrix: Pick<DatasetMatrix, 'nRows' | 'nFeatures' | 'features' | 'labels' | 'targets'>): string {
  const hash = createHash('sha256');
  hash.update(`${matrix.nRows},${matrix.nFeatures}\n`);
  // In pieces: one update takes at most 2³¹ − 1 bytes ("data is too long" past it), a dataset up to 4 GiB.
  const features = typedArrayToBlob(matrix.features);
  for (let at = 0; at < features.length; at += HASH_PIECE_BYTES) hash.update(features.subarray(at, at + HASH_PIECE_BYTES));
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
  readonly #db: Database;
  readonly #prepare: (sql: string) => Statement;
  readonly #blockBytes: number;

  constructor(db: Database, options: DatasetsRepositoryOptions = {}) {
    this.#db = db;
    this.#prepare = statementCache(db);
    this.#blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  }

  /**
   * Stores a dataset (its row and its feature blocks, in one transaction) and returns its details. Validates the
   * matrix first.
   * @throws ValidationError for an inconsistent matrix, more than {@link MAX_DATASET_VALUES} values, or a name that
   * is empty or already taken.
   */
  insert(dataset: NewDataset): DatasetDetails {
    return this.#db.transaction(() => this.#insert(dataset))();
  }

  #insert(dataset: NewDataset): DatasetDetails {
    const m = dataset.matrix;
    validateDatasetMatrix(m);
    const name = dataset.name.trim();
    if (name === '') throw new ValidationError('A dataset name cannot be empty.');
    const existing = this.getByName(name);
    if (existing) throw new ValidationError(`A dataset named '${name}' already exists (id ${existing.id}).`);
    if (m.features.length > MAX_DATASET_VALUES) {
      throw new ValidationError(`A dataset holds at most ${MAX_DATASET_VALUES_TEXT}; '${name}' has ${m.features.length.toLocaleString('en-US')}.`);
    }
    const labels = m.labels ? typedArrayToBlob(m.labels) : null;
    const targets = m.targets ? typedArrayToBlob(m.targets) : null;
    const info = this.#prepare(
      `INSERT INTO datasets (name, source_file, source_sha256, source_format, feature_names, class_names, n_rows, n_features,
         labels, labels_crc32, image_shape, import_options, warnings, content_hash, created_at, task, target_name, targets, targets_crc32)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      name,
      dataset.sourceFile ?? null,
      dataset.sourceSha256 ?? null,
      dataset.format ?? null,
      JSON.stringify(m.featureNames),
      JSON.stringify(m.classNames),
      m.nRows,
      m.nFeatures,
      labels,
      labels ? crc32(labels) : null,
      m.imageShape ? JSON.stringify(m.imageShape) : null,
      JSON.stringify(dataset.importOptions ?? {}),
      JSON.stringify(dataset.warnings ?? []),
      datasetContentHash(m),
      new Date().toISOString(),
      datasetTask(m),
      m.targets ? (dataset.targetName ?? 'target') : null,
      targets,
      targets ? crc32(targets) : null,
    );
    this.#insertBlocks(Number(info.lastInsertRowid), m);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Writes the features as blocks of {@link rowsPerBlock} rows, each in its narrowest lossless encoding. */
  #insertBlocks(datasetId: number, m: DatasetMatrix): void {
    const rowsPerBlock = this.rowsPerBlock(m.nFeatures);
    const insert = this.#prepare(
      'INSERT INTO dataset_blocks (dataset_id, block_index, first_row, n_rows, encoding, data, crc32) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    if (m.nFeatures === 0) return;
    for (let first = 0, index = 0; first < m.nRows; first += rowsPerBlock, index++) {
      const rows = Math.min(rowsPerBlock, m.nRows - first);
      const values = m.features.subarray(first * m.nFeatures, (first + rows) * m.nFeatures);
      const encoding = storedEncoding(values);
      const bytes = encoding === 'f64' ? typedArrayToBlob(values) : encodeBlock(values, encoding);
      insert.run(datasetId, index, first, rows, encoding, bytes, crc32(bytes));
    }
  }

  /** Rows per feature block for `nFeatures` features: as many as fit in the block size as float64, at least 1. */
  rowsPerBlock(nFeatures: number): number {
    return Math.max(1, Math.floor(this.#blockBytes / (8 * Math.max(1, nFeatures))));
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

  /**
   * The feature matrix and labels, bit-exact as stored, each block and the labels checked against their CRC-32.
   * With `shared`, the features and labels are read straight into SharedArrayBuffers, which worker threads receive
   * without a copy (the job runner's dataset; no second, private copy of the matrix on the way).
   * @throws NotFoundError for an unknown id.
   * @throws DatasetDamagedError naming the dataset when a checksum, a block's size or the blocks' coverage of the
   * rows does not match what was written.
   */
  loadMatrix(id: number, options: { shared?: boolean } = {}): DatasetMatrix {
    const row = this.#prepare(
      'SELECT name, n_rows, n_features, labels, labels_crc32, targets, targets_crc32, feature_names, class_names, image_shape FROM datasets WHERE id = ?',
    ).get(id) as
      | {
          name: string;
          n_rows: number;
          n_features: number;
          labels: Buffer | null;
          labels_crc32: number | null;
          targets: Buffer | null;
          targets_crc32: number | null;
          feature_names: string;
          class_names: string;
          image_shape: string | null;
        }
      | undefined;
    if (!row) throw new NotFoundError(`No dataset with id ${id}.`);
    const dataset = { id, name: row.name };
    const d = row.n_features;
    const Backing = options.shared ? SharedArrayBuffer : ArrayBuffer;
    const features = new Float64Array(new Backing(8 * row.n_rows * d)); // (n, d)
    let nextRow = 0;
    let expectedIndex = 0;
    const blocks = this.#prepare(
      'SELECT block_index, first_row, n_rows, encoding, data, crc32 FROM dataset_blocks WHERE dataset_id = ? ORDER BY block_index',
    );
    for (const block of blocks.iterate(id) as IterableIterator<StoredBlock>) {
      const where = `block ${block.block_index}, rows ${block.first_row}…${block.first_row + block.n_rows - 1}`;
      if (block.block_index !== expectedIndex || block.first_row !== nextRow || nextRow + block.n_rows > row.n_rows) {
        throw new DatasetDamagedError(dataset, `${where} does not continue the rows stored before it`);
      }
      if (crc32(block.data) !== block.crc32) throw new DatasetDamagedError(dataset, `${where} fails its checksum`);
      if (!decodeBlock(block, d, features)) throw new DatasetDamagedError(dataset, `${where} has ${block.data.length} bytes, not ${block.n_rows} rows of ${block.encoding}`);
      nextRow += block.n_rows;
      expectedIndex++;
    }
    if (d > 0 && nextRow !== row.n_rows) throw new DatasetDamagedError(dataset, `its blocks hold ${nextRow} of its ${row.n_rows} rows`);
    let labels: Int32Array | null = null;
    if (row.labels) {
      if (crc32(row.labels) !== row.labels_crc32 || row.labels.length !== 4 * row.n_rows) {
        throw new DatasetDamagedError(dataset, 'its labels fail their checksum');
      }
      labels = blobToInt32(row.labels, `datasets.labels of dataset ${id}`, options.shared);
    }
    let targets: Float64Array | null = null;
    if (row.targets) {
      if (crc32(row.targets) !== row.targets_crc32 || row.targets.length !== 8 * row.n_rows) {
        throw new DatasetDamagedError(dataset, 'its regression targets fail their checksum');
      }
      targets = blobToFloat64(row.targets, `datasets.targets of dataset ${id}`);
    }
    return {
      nRows: row.n_rows,
      nFeatures: d,
      features,
      labels,
      featureNames: parseJsonColumn<string[]>(row.feature_names, 'datasets.feature_names')!,
      classNames: parseJsonColumn<string[]>(row.class_names, 'datasets.class_names')!,
      imageShape: parseJsonColumn<[number, number]>(row.image_shape, 'datasets.image_shape'),
      ...(targets ? { targets } : {}),
    };
  }

  count(): number {
    return (this.#prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n;
  }
}

interface StoredBlock {
  block_index: number;
  first_row: number;
  n_rows: number;
  encoding: string;
  data: Buffer;
  crc32: number;
}

const ENCODING_BYTES: Record<MatrixEncoding, number> = { u8: 1, f32: 4, f64: 8 };

/** The narrowest encoding that gives back every bit: the wire's choice, but float64 for NaN (float32 would lose its payload). */
function storedEncoding(values: Float64Array): MatrixEncoding {
  const encoding = narrowestEncoding(values);
  if (encoding === 'f32') {
    for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k]!)) return 'f64';
  }
  return encoding;
}

/** A block's bytes in a narrower encoding than float64 (u8 or f32, little-endian). */
function encodeBlock(values: Float64Array, encoding: MatrixEncoding): Buffer {
  if (encoding === 'u8') return Buffer.from(new Uint8Array(values).buffer);
  const bytes = encodeMatrixBytes(values, encoding);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes a stored block's values into `features` at its first row. Returns false when the byte count does not
 * match the block's rows in its encoding (or the encoding is unknown).
 */
function decodeBlock(block: StoredBlock, nFeatures: number, features: Float64Array): boolean {
  const encoding = block.encoding as MatrixEncoding;
  if (!MATRIX_ENCODINGS.includes(encoding)) return false;
  const count = block.n_rows * nFeatures;
  const { data } = block;
  if (data.length !== count * ENCODING_BYTES[encoding]) return false;
  const at = block.first_row * nFeatures;
  if (encoding === 'u8') features.set(data, at);
  else if (encoding === 'f64') new Uint8Array(features.buffer, features.byteOffset + at * 8, data.length).set(data);
  else {
    const aligned = data.byteOffset % 4 === 0 ? data : Uint8Array.prototype.slice.call(data);
    features.set(new Float32Array(aligned.buffer, aligned.byteOffset, count), at);
  }
  return true;
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
    comparisonCount: row.comparison_count,
    imageShape: parseJsonColumn<[number, number]>(row.image_shape, 'datasets.image_shape'),
    featureNames: parseJsonColumn<string[]>(row.feature_names, 'datasets.feature_names')!,
    format: row.source_format,
    importOptions: parseJsonColumn<Record<string, unknown>>(row.import_options, 'datasets.import_options')!,
    warnings: parseJsonColumn<string[]>(row.warnings, 'datasets.warnings')!,
    task: row.task,
    target: row.target_name,
  };
}

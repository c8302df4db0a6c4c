import type { DatasetMatrix } from '../../shared/domain/dataset.ts';

import type { ImportFormat } from '../../shared/domain/enums.ts';

/** The file formats the importer reads (declared once, in shared/domain/enums.ts). */
export { IMPORT_FORMATS, type ImportFormat } from '../../shared/domain/enums.ts';

/** How to read a file. Every field is optional; what is left out is detected. */
export interface ImportOptions {
  /** Overrides the format guessed from the extension (and, for unknown extensions, from the content). */
  format?: ImportFormat;
  /**
   * The label column: a column (attribute) name or a 0-based column index (negative counts from the end);
   * `null` = the data is unlabeled; `undefined` = detect (a column named label, class, target or y, any case;
   * else the last column if it is not numeric; else none).
   */
  label?: string | number | null;
  /**
   * CSV/TSV: a numeric column (name or 0-based index) imported as the regression target: the dataset is then a
   * regression dataset (a Float64 target per row, no classes). Excludes `label`.
   */
  target?: string | number;
  /** CSV/TSV: whether the first row is a header; `undefined` = detect. */
  header?: boolean;
  /** CSV/TSV: the field delimiter (`,` `;` tab `|` or space); `undefined` = sniff. */
  delimiter?: string;
  /**
   * CSV/TSV/ARFF/LIBSVM: the text encoding (utf-8, latin1, windows-1252, utf-16le … any TextDecoder label). Default
   * UTF-8; bytes that are not valid in the encoding refuse the file, naming row, column and byte offset.
   */
  encoding?: string;
  /** Drop rows with a missing, non-numeric or non-finite value (with a warning) instead of refusing the file. */
  dropMissing?: boolean;
  /**
   * npy and IDX: a sibling labels file (`.npy`, a 1-D IDX file, raw or `.gz`, or `.csv`/`.txt` with one label per
   * line), relative to the data file.
   */
  labelsFile?: string;
  /** npy: the column of the array that holds the labels (0-based); it is removed from the features. */
  labelColumnIndex?: number;
  /** Called with the fraction of bytes read so far (0…1), at least once at the end with 1. */
  onProgress?: (fraction: number) => void;
}

/** What an import produced: the matrix plus everything needed to store and explain it. */
export interface ParsedDataset {
  matrix: DatasetMatrix;
  format: string;
  warnings: string[];
  /** Base name of the imported file. */
  sourceFile: string;
  /** sha256 (hex) of the file's bytes. */
  sourceSha256: string;
  /** The resolved options: format, delimiter, header, label column, dropMissing (…). */
  options: Record<string, unknown>;
  /** Rows skipped because of `dropMissing`. */
  droppedRows: number;
  /** The regression target's column name, when `matrix.targets` was imported (`target` option). */
  targetName?: string;
}

/**
 * The first rows of a file as text, for the import dialog (nothing is stored): what `previewFile` reads from a file: columns, first rows, format, label column, counts. Declared once, as
 * ImportPreviewSchema in shared/ipc/schemas.ts (the `datasets.preview` channel adds the trial parse's errors).
 */
export type { ImportPreview } from '../../shared/ipc/schemas.ts';

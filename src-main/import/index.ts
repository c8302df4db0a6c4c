/**
 * Dataset import: CSV/TSV (papaparse, streamed), ARFF, LIBSVM/svmlight, NumPy `.npy` and IDX (MNIST; raw or `.gz`) files →
 * {@link ParsedDataset}. Plain functions, usable without Electron: the CLI, the services and the tests call them.
 *
 * Every import reads the file once, front to back (memory proportional to the data), reports progress by bytes
 * read, hashes the bytes (sha256) and ends in the same checks ({@link finalizeTable}): at least 2 rows and 1
 * feature, classes ordered, constant features and single-class labels warned about, image layout detected.
 * A file imported from disk whose labels are the class indices 0…k−1 takes its class names from a
 * `manifest.json` beside it when that lists the file (see {@link classNamesFromManifest}).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ImportError } from '../../shared/errors.ts';
import { definedFields } from '../../shared/objects.ts';
import { parseCell, quote } from './cells.ts';
import { parseArff, previewArff } from './arff.ts';
import { classesInRows, fieldIndexAt, parseCsv, sniffCsv } from './csv.ts';
import { finalizeTable, orderClasses } from './finalize.ts';
import { parseLibsvm, previewLibsvm } from './libsvm.ts';
import { classNamesFromManifest } from './manifest.ts';
import { checkDataDims, checkLabelDims, decodeIdx, gunzipHead, idxMatrix, isGzip, looksLikeIdx } from './idx.ts';
import { arrayTable, formatNumber, isNpy, npyTable, readLabelsFile } from './npy.ts';
import { bytesSource, fileSource, headText, SourceReader, type ByteSource, type TextOptions } from './source.ts';
import { textDecoding } from './text-encoding.ts';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions, type ImportPreview, type ParsedDataset } from './types.ts';

export type { ImportFormat, ImportOptions, ImportPreview, ParsedDataset } from './types.ts';
export { IMPORT_FORMATS } from './types.ts';
export { detectImageShape, orderClasses } from './finalize.ts';

/** Bytes read from the start of a text file to sniff its layout and build a preview. */
const SNIFF_BYTES = 256 * 1024;

const EXTENSIONS: Record<string, ImportFormat | 'sniff'> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  txt: 'sniff',
  dat: 'sniff',
  data: 'sniff',
  arff: 'arff',
  svm: 'libsvm',
  libsvm: 'libsvm',
  svmlight: 'libsvm',
  npy: 'npy',
  idx: 'idx',
  idx1: 'idx',
  idx2: 'idx',
  idx3: 'idx',
  idx4: 'idx',
};

/** MNIST-style IDX names: `train-images-idx3-ubyte`, `t10k-labels.idx1-ubyte`, `x.idx3`, `…-idx3-float`. */
const IDX_NAME = /(?:^|[-_.])idx[1-4]?(?:[-_.](?:u?byte|short|int|float|double))?$/i;

/**
 * The format named by a file's extension (`.csv .tsv .txt .arff .svm .libsvm .svmlight .npy`, IDX names such as
 * `train-images-idx3-ubyte`, each optionally followed by `.gz` for IDX), or null.
 */
export function formatFromFileName(fileName: string): ImportFormat | null {
  const base = fileName.replace(/\.gz$/i, '');
  if (IDX_NAME.test(base)) return 'idx';
  if (base !== fileName) return null;
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const format = ext === undefined ? undefined : EXTENSIONS[ext];
  return format === undefined || format === 'sniff' ? null : format;
}

const LIBSVM_LINE = /^\s*[^\s:#]+(?:\s+(?:\d+|qid):\S+)+\s*(?:#.*)?$/;

/**
 * The format the content looks like: npy magic, IDX magic (inside gzip too), an ARFF header, LIBSVM `label i:v`
 * lines, else CSV.
 * @throws ImportError naming `fileName` for gzip-compressed content that is not IDX.
 */
export function formatFromContent(head: Uint8Array, fileName = 'the file'): ImportFormat {
  if (isNpy(head)) return 'npy';
  if (isGzip(head)) {
    const inner = gunzipHead(head);
    if (inner && looksLikeIdx(inner)) return 'idx';
    throw new ImportError(`${fileName}: gzip-compressed files are read only for IDX (MNIST) data; decompress it first`);
  }
  if (looksLikeIdx(head)) return 'idx';
  const text = new TextDecoder().decode(head.subarray(0, 64 * 1024));
  const lines = text.split(/\r\n|\n|\r/).map((l) => l.trim()).filter((l) => l !== '');
  const first = lines.find((l) => !l.startsWith('%') && !l.startsWith('#'));
  if (first && /^@(relation|attribute)\b/i.test(first)) return 'arff';
  if (first && LIBSVM_LINE.test(first)) return 'libsvm';
  return 'csv';
}

async function resolveFormat(source: ByteSource, options: ImportOptions): Promise<ImportFormat> {
  if (options.format !== undefined) {
    if (!IMPORT_FORMATS.includes(options.format)) {
      throw new ImportError(
        `${source.fileName}: unknown format ${quote(String(options.format))}; use one of ${IMPORT_FORMATS.join(', ')}`,
      );
    }
    return options.format;
  }
  return formatFromFileName(source.fileName) ?? formatFromContent(await source.head(64 * 1024), source.fileName);
}

async function openFile(path: string): Promise<ByteSource> {
  try {
    return await fileSource(path);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ImportError(`${path}: cannot read the file: ${why}`, { cause: error });
  }
}

/** The npy label option: `labelColumnIndex`, or `label` as a number or integer text. */
function npyLabelColumn(fileName: string, options: ImportOptions): number | null {
  if (options.labelColumnIndex !== undefined) return options.labelColumnIndex;
  const { label } = options;
  if (label === undefined || label === null) return null;
  if (typeof label === 'number') return label;
  if (/^[+-]?\d+$/.test(label.trim())) return Number(label);
  throw new ImportError(
    `${fileName}: npy columns have no names, so the label column ${quote(label)} must be a 0-based column index (or use a labels file)`,
  );
}

async function npyLabels(source: ByteSource, options: ImportOptions): Promise<{ labels: string[] | null; name: string | null }> {
  if (!options.labelsFile) return { labels: null, name: null };
  const base = source.path ? dirname(source.path) : process.cwd();
  const path = isAbsolute(options.labelsFile) ? options.labelsFile : resolve(base, options.labelsFile);
  const labelsSource = await openFile(path);
  const head = await labelsSource.head(64);
  if (isGzip(head) || looksLikeIdx(head)) {
    const fileName = labelsSource.fileName;
    const { values } = await decodeIdx(fileName, new SourceReader(labelsSource).chunks(), (h) => checkLabelDims(fileName, h));
    return { labels: Array.from(values, formatNumber), name: fileName };
  }
  const bytes = await new SourceReader(labelsSource).bytes();
  return { labels: readLabelsFile(labelsSource.fileName, bytes), name: labelsSource.fileName };
}

/** An IDX data file (raw or gzip) as a RawTable, labels from `options.labelsFile`. */
async function idxTable(source: ByteSource, pieces: AsyncIterable<Uint8Array>, options: ImportOptions, dropMissing: boolean) {
  const fileName = source.fileName;
  if (options.labelColumnIndex !== undefined || (options.label !== undefined && options.label !== null)) {
    throw new ImportError(`${fileName}: IDX files hold no label column; give the labels as a 1-D IDX file with --labels-file`);
  }
  const array = await decodeIdx(fileName, pieces, (h) => checkDataDims(fileName, h));
  const { labels, name } = await npyLabels(source, options);
  const table = arrayTable(fileName, idxMatrix(array), { labelColumn: null, labels, labelsFileName: name, dropMissing });
  return { ...table, labelsFile: name, dtype: array.header.type.name, dims: array.header.dims, gzip: array.gzip };
}

/**
 * How a text format decodes the file: the named encoding (else UTF-8), and for CSV/TSV the field an invalid byte is
 * in, named from the layout sniffed on a lenient decoding of the file's start.
 */
function textOptions(source: ByteSource, options: ImportOptions, format: ImportFormat): TextOptions {
  const encoding = definedFields({ encoding: options.encoding });
  if (format !== 'csv' && format !== 'tsv') return encoding;
  return {
    ...encoding,
    columnOf: async (linePrefix) => {
      const bytes = await source.head(SNIFF_BYTES);
      try {
        const { layout } = sniffCsv(source.fileName, new TextDecoder('utf-8').decode(bytes), bytes.length >= source.size, { ...options, format });
        const k = fieldIndexAt(linePrefix, layout.delimiter);
        return `column ${quote(layout.columns[k] ?? String(k))}`;
      } catch {
        return `column ${[...linePrefix].length + 1}`;
      }
    },
  };
}

/** The resolved `encoding` option (its canonical name), or nothing when the default UTF-8 was used. */
function resolvedEncoding(source: ByteSource, options: ImportOptions): { encoding?: string } {
  return options.encoding === undefined ? {} : { encoding: textDecoding(options.encoding, source.fileName).encoding };
}

async function importSource(source: ByteSource, options: ImportOptions): Promise<ParsedDataset> {
  const format = await resolveFormat(source, options);
  const text = textOptions(source, options, format);
  const reader = new SourceReader(source, options.onProgress, text);
  const dropMissing = options.dropMissing ?? false;
  const warnings: string[] = [];
  let parsed: { table: Parameters<typeof finalizeTable>[0]; droppedRows: number; warnings: string[] };
  let resolved: Record<string, unknown>;
  let targets: { values: Float64Array; column: string } | null = null;
  if (options.target !== undefined && format !== 'csv' && format !== 'tsv') {
    throw new ImportError(`${source.fileName}: a regression target column is read from CSV/TSV files only; this file is ${format}`);
  }

  if (format === 'csv' || format === 'tsv') {
    const head = await headText(source, SNIFF_BYTES, undefined, text);
    const sniff = sniffCsv(source.fileName, head.text, head.whole, { ...options, format });
    warnings.push(...sniff.warnings);
    const { layout } = sniff;
    parsed = await parseCsv(reader, layout, { dropMissing, expectedRows: (1.05 * source.size) / sniff.bytesPerRow + 16 });
    const column = layout.labelColumn === null ? null : layout.header ? layout.columns[layout.labelColumn]! : layout.labelColumn;
    if (layout.target) {
      // The target column was read as text per row (refused where not numeric): its numbers, and no classes.
      const { labelIds, labelValues } = parsed.table;
      const numbers = labelValues.map((v) => parseCell(v, layout.decimalComma));
      targets = { values: Float64Array.from(labelIds!, (id) => numbers[id]!), column: String(column) };
      parsed = { ...parsed, table: { ...parsed.table, labelIds: null, labelValues: [] } };
    }
    resolved = {
      format,
      delimiter: layout.delimiter,
      header: layout.header,
      ...(layout.target ? { label: null, target: column } : { label: column }),
      dropMissing,
      ...(layout.decimalComma ? { decimalComma: true } : {}),
      ...resolvedEncoding(source, options),
    };
  } else if (format === 'arff') {
    const arff = await parseArff(reader, { label: options.label, dropMissing });
    parsed = arff;
    resolved = { format, label: arff.table.labelColumn, dropMissing, relation: arff.layout.relation, ...resolvedEncoding(source, options) };
  } else if (format === 'libsvm') {
    parsed = await parseLibsvm(reader, { label: options.label, dropMissing });
    resolved = { format, label: parsed.table.labelColumn, dropMissing, ...resolvedEncoding(source, options) };
  } else if (format === 'idx') {
    const idx = await idxTable(source, reader.chunks(), options, dropMissing);
    parsed = idx;
    resolved = { format, labelsFile: idx.labelsFile, dropMissing, dtype: idx.dtype, dims: idx.dims, gzip: idx.gzip };
  } else {
    const labelColumn = npyLabelColumn(source.fileName, options);
    const bytes = await reader.bytes();
    const { labels, name } = await npyLabels(source, options);
    const npy = npyTable(source.fileName, bytes, { labelColumn, labels, labelsFileName: name, dropMissing });
    parsed = npy;
    resolved = {
      format,
      label: labelColumn,
      labelsFile: name,
      dropMissing,
      dtype: npy.header.descr,
      fortranOrder: npy.header.fortranOrder,
      shape: npy.header.shape,
    };
  }
  warnings.push(...parsed.warnings);
  let matrix = finalizeTable(parsed.table, warnings);
  if (targets) matrix = { ...matrix, targets: targets.values };
  if (source.path && !targets) {
    const named = await classNamesFromManifest(source.path, source.fileName, matrix);
    if (named) {
      matrix = { ...matrix, classNames: named };
      resolved = { ...resolved, classNamesFrom: 'manifest.json' };
    }
  }
  options.onProgress?.(1);
  return {
    matrix,
    format,
    warnings,
    sourceFile: source.fileName,
    sourceSha256: reader.sha256(),
    options: resolved,
    droppedRows: parsed.droppedRows,
    ...(targets ? { targetName: targets.column } : {}),
  };
}

/**
 * Imports a dataset file. The format comes from `options.format`, else the extension, else the content.
 * @throws ImportError naming the file (and row, column, value where there is one) when the file cannot be imported.
 */
export async function importFile(path: string, options: ImportOptions = {}): Promise<ParsedDataset> {
  return importSource(await openFile(path), options);
}

/**
 * Imports a dataset from bytes already in memory (a browser upload); `fileName` gives the name used in
 * messages and, through its extension, the format.
 * @throws ImportError as {@link importFile}.
 */
export async function importBytes(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): Promise<ParsedDataset> {
  return importSource(bytesSource(bytes, fileName), options);
}

async function previewSource(source: ByteSource, options: ImportOptions, maxRows: number): Promise<ImportPreview> {
  const format = await resolveFormat(source, options);
  const fileName = source.fileName;
  if (format === 'npy' || format === 'idx') {
    let parsed: { table: Parameters<typeof finalizeTable>[0]; warnings: string[] };
    if (format === 'idx') {
      parsed = await idxTable(source, new SourceReader(source).chunks(), options, true);
    } else {
      const bytes = await new SourceReader(source).bytes();
      const labelColumn = npyLabelColumn(fileName, options);
      const { labels, name } = await npyLabels(source, options);
      parsed = npyTable(fileName, bytes, { labelColumn, labels, labelsFileName: name, dropMissing: true });
    }
    const { table, warnings } = parsed;
    const d = table.featureNames.length;
    const columns = [...table.featureNames, ...(table.labelIds ? [table.labelColumn ?? 'label'] : [])];
    const rows: string[][] = [];
    for (let i = 0; i < Math.min(maxRows, table.nRows); i++) {
      const row = Array.from(table.features.subarray(i * d, (i + 1) * d), formatNumber);
      if (table.labelIds) row.push(table.labelValues[table.labelIds[i]!]!);
      rows.push(row);
    }
    return {
      fileName,
      format,
      header: false,
      columns,
      rows,
      labelColumn: table.labelIds ? columns.length - 1 : null,
      featureCount: d,
      classes: table.labelIds ? orderClasses(table.labelValues).classNames : [],
      totalRows: table.nRows,
      warnings,
      ...NO_TARGET,
    };
  }
  const head = await headText(source, SNIFF_BYTES, undefined, textOptions(source, options, format));
  if (format === 'arff') {
    const p = previewArff(fileName, head.text, options, maxRows);
    return {
      fileName,
      format,
      header: true,
      columns: p.layout.attributes.map((a) => a.name),
      rows: p.rows,
      labelColumn: p.layout.labelAttribute === null ? null : p.layout.attributes[p.layout.labelAttribute]!.name,
      featureCount: p.layout.featureNames.length,
      nominal: p.layout.attributes
        .filter((a, i) => i !== p.layout.labelAttribute && a.type === 'nominal')
        .map((a) => ({ column: a.name, columns: a.values.length })),
      classes: p.classes,
      totalRows: head.whole && p.complete ? p.rows.length : null,
      warnings: p.layout.warnings,
      ...NO_TARGET,
    };
  }
  if (format === 'libsvm') {
    const p = previewLibsvm(fileName, head.text, maxRows);
    const labeled = options.label !== null;
    return {
      fileName,
      format,
      header: false,
      columns: p.columns,
      rows: p.rows,
      labelColumn: labeled ? 'label' : null,
      featureCount: p.columns.length - 1,
      classes: labeled ? p.classes : [],
      totalRows: head.whole && p.complete ? p.rows.length : null,
      warnings: [],
      ...NO_TARGET,
    };
  }
  const sniff = sniffCsv(fileName, head.text, head.whole, { ...options, format });
  const { layout } = sniff;
  const column = layout.labelColumn === null ? null : layout.header ? layout.columns[layout.labelColumn]! : layout.labelColumn;
  return {
    fileName,
    format,
    delimiter: layout.delimiter,
    header: layout.header,
    columns: layout.columns,
    rows: sniff.rows.slice(0, maxRows),
    ...(layout.target ? { labelColumn: null, targetColumn: column } : { labelColumn: column, targetColumn: null }),
    featureCount: layout.columns.length - (layout.labelColumn === null ? 0 : 1),
    classes: layout.target ? [] : classesInRows(sniff.rows, layout.labelColumn),
    totalRows: head.whole ? sniff.rows.length : null,
    warnings: sniff.warnings,
    numericColumns: numericColumns(layout.columns, sniff.rows, layout.decimalComma),
    targetSuggestion: layout.target || layout.labelColumn === null ? null : suggestTarget(layout.columns[layout.labelColumn]!, sniff.rows, layout.labelColumn, layout.decimalComma),
  };
}

/** Preview fields of formats that have no regression target (only CSV/TSV columns can be one). */
const NO_TARGET: Pick<ImportPreview, 'targetColumn' | 'numericColumns' | 'targetSuggestion'> = { targetColumn: null, numericColumns: [], targetSuggestion: null };

/** A numeric label column with more distinct values than this is suggested as a regression target. */
export const TARGET_SUGGESTION_DISTINCT = 20;

/** The columns whose every non-blank cell in `rows` is a finite number (and that have at least one). */
function numericColumns(columns: readonly string[], rows: readonly string[][], decimalComma: boolean): string[] {
  return columns.filter((_, j) => {
    let seen = 0;
    for (const row of rows) {
      const cell = (row[j] ?? '').trim();
      if (cell === '') continue;
      if (!Number.isFinite(parseCell(cell, decimalComma))) return false;
      seen++;
    }
    return seen > 0;
  });
}

/**
 * The suggestion to import a label column as a regression target: when its every value in the sniffed rows is a
 * number and it has more than {@link TARGET_SUGGESTION_DISTINCT} distinct values (classes that many are more likely
 * a measured quantity), with that reason; else null.
 */
function suggestTarget(column: string, rows: readonly string[][], index: number, decimalComma: boolean): { column: string; reason: string } | null {
  const distinct = new Set<number>();
  for (const row of rows) {
    const cell = (row[index] ?? '').trim();
    const value = parseCell(cell, decimalComma);
    if (!Number.isFinite(value)) return null;
    distinct.add(value);
  }
  if (distinct.size <= TARGET_SUGGESTION_DISTINCT) return null;
  return {
    column,
    reason: `'${column}' is numeric with ${distinct.size} distinct values in the first ${rows.length} rows (more than ${TARGET_SUGGESTION_DISTINCT}): likely a quantity to predict, not ${distinct.size} classes.`,
  };
}

/**
 * The first `maxRows` rows of a file as text, with the detected format, delimiter, header and label column,
 * for the import dialog. Reads only the start of text files (256 KiB); nothing is stored.
 * @throws ImportError when even the layout cannot be read (empty file, unknown label column, …).
 */
export async function previewFile(path: string, options: ImportOptions = {}, maxRows = 20): Promise<ImportPreview> {
  return previewSource(await openFile(path), options, maxRows);
}

/** {@link previewFile} for bytes in memory (a browser upload). */
export async function previewBytes(
  bytes: Uint8Array,
  fileName: string,
  options: ImportOptions = {},
  maxRows = 20,
): Promise<ImportPreview> {
  return previewSource(bytesSource(bytes, fileName), options, maxRows);
}

import { MAX_DATASET_VALUES, MAX_DATASET_VALUES_TEXT } from '../../shared/domain/dataset.ts';
import { ImportError } from '../../shared/errors.ts';
import { isMissingLabel, parseCell, plural, quote } from './cells.ts';
import { LABEL_NAMES } from './columns.ts';
import type { RawTable } from './finalize.ts';
import { ProblemLog } from './problems.ts';

/** A parsed `.npy` header. */
export interface NpyHeader {
  /** numpy dtype string, e.g. `<f8`. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
  version: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Whether the bytes start with the npy magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads the header of a NumPy `.npy` file (format versions 1, 2 and 3): magic, version, header length, then
 * a Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }`.
 * @throws ImportError when the bytes are not an npy file or the header cannot be read.
 */
export function readNpyHeader(fileName: string, bytes: Uint8Array): NpyHeader {
  if (bytes.length === 0) throw new ImportError(`${fileName}: the file is empty`);
  if (!isNpy(bytes)) throw new ImportError(`${fileName}: not a NumPy .npy file (it does not start with \\x93NUMPY)`);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3) throw new ImportError(`${fileName}: npy format version ${major}.${minor} is not supported (1.0 to 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new ImportError(`${fileName}: the npy header is truncated`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (bytes.length < start + headerLength) throw new ImportError(`${fileName}: the npy header is truncated`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined) {
    if (/'descr'\s*:\s*\[/.test(header)) {
      throw new ImportError(`${fileName}: structured (record) arrays are not supported; save a plain 2-D numeric array`);
    }
    throw new ImportError(`${fileName}: the npy header has no 'descr': ${quote(header.trim())}`);
  }
  if (fortran === undefined || shapeText === undefined) {
    throw new ImportError(`${fileName}: the npy header cannot be read: ${quote(header.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ImportError(`${fileName}: the npy shape (${shapeText}) is not a list of sizes`);
  }
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLength, version: `${major}.${minor}` };
}

type Reader = (view: DataView, offset: number) => number;

/** Element size and reader for the supported numeric dtypes; null for others. */
export function dtypeReader(descr: string): { size: number; read: Reader } | null {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return null;
  const little = m[1] !== '>';
  const kind = m[2]!;
  const size = Number(m[3]);
  const key = `${kind}${size}`;
  const readers: Record<string, Reader> = {
    f8: (v, o) => v.getFloat64(o, little),
    f4: (v, o) => v.getFloat32(o, little),
    f2: (v, o) => halfToNumber(v.getUint16(o, little)),
    i8: (v, o) => Number(v.getBigInt64(o, little)),
    i4: (v, o) => v.getInt32(o, little),
    i2: (v, o) => v.getInt16(o, little),
    i1: (v, o) => v.getInt8(o),
    u8: (v, o) => Number(v.getBigUint64(o, little)),
    u4: (v, o) => v.getUint32(o, little),
    u2: (v, o) => v.getUint16(o, little),
    u1: (v, o) => v.getUint8(o),
    b1: (v, o) => (v.getUint8(o) === 0 ? 0 : 1),
  };
  const read = readers[key];
  return read ? { size, read } : null;
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const SUPPORTED = '<f8 <f4 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1 (either byte order)';

/**
 * A 2-D (rows, columns) numeric array read into row-major Float64 values, from C or Fortran order.
 * A 3-D (rows, height, width) array is read as images: each row flattened row-major, with `imageShape`.
 * `allowVector` reads a 1-D array as one column (for label files).
 * @throws ImportError for other dimensions, unsupported dtypes or truncated data.
 */
export function readNpyMatrix(
  fileName: string,
  bytes: Uint8Array,
  allowVector = false,
): { header: NpyHeader; nRows: number; nCols: number; values: Float64Array; imageShape: [number, number] | null } {
  const header = readNpyHeader(fileName, bytes);
  const { descr } = header;
  const shape = allowVector && header.shape.length === 1 ? [header.shape[0]!, 1] : header.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new ImportError(
      `${fileName}: the array has ${plural(shape.length, 'dimension')} (shape (${shape.join(', ')})); ` +
        'expected 2 (rows, features), or 3 (rows, height, width) for images',
    );
  }
  const dtype = dtypeReader(descr);
  if (!dtype) {
    throw new ImportError(`${fileName}: dtype ${quote(descr)} is not supported; use a numeric dtype: ${SUPPORTED}`);
  }
  const nRows = shape[0]!;
  const nCols = shape.slice(1).reduce((a, b) => a * b, 1);
  const count = nRows * nCols;
  if (count > MAX_DATASET_VALUES) {
    throw new ImportError(`${fileName}: shape (${shape.join(', ')}) holds ${count.toLocaleString('en-US')} values; a dataset holds at most ${MAX_DATASET_VALUES_TEXT}`);
  }
  const available = bytes.length - header.dataOffset;
  if (available < count * dtype.size) {
    throw new ImportError(
      `${fileName}: the data is truncated: shape (${shape.join(', ')}) of ${descr} needs ${count * dtype.size} bytes, ` +
        `the file has ${available}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, count * dtype.size);
  const values = new Float64Array(count); // (nRows, nCols), row-major
  if (!header.fortranOrder) {
    for (let k = 0; k < count; k++) values[k] = dtype.read(view, k * dtype.size);
  } else {
    // Fortran order: the first index varies fastest, so element (i, j) (j flattened row-major over the
    // trailing dimensions) is stored at i + nRows·(column-major position of j).
    const dims = shape.slice(1);
    for (let j = 0; j < nCols; j++) {
      let fortranPosition = 0;
      if (dims.length === 1) fortranPosition = j;
      else {
        const r = Math.floor(j / dims[1]!);
        const c = j % dims[1]!;
        fortranPosition = r + dims[0]! * c;
      }
      const base = fortranPosition * nRows;
      for (let i = 0; i < nRows; i++) values[i * nCols + j] = dtype.read(view, (base + i) * dtype.size);
    }
  }
  const imageShape: [number, number] | null = shape.length === 3 ? [shape[1]!, shape[2]!] : null;
  return { header, nRows, nCols, values, imageShape };
}

/**
 * Label texts from a sibling file: a 1-D (or (n, 1)) npy of numbers or strings, or text with one label per line.
 * A text file's first line is a header when it is a usual label name (label, class, target, y, …) or when it is
 * not a number while every line below is.
 */
export function readLabelsFile(fileName: string, bytes: Uint8Array): string[] {
  if (isNpy(bytes)) {
    const header = readNpyHeader(fileName, bytes);
    const { shape, descr } = header;
    if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
      throw new ImportError(`${fileName}: labels must be a 1-D array (or one column), got shape (${shape.join(', ')})`);
    }
    const n = shape[0]!;
    const text = /^([<>|=])([US])(\d+)$/.exec(descr);
    if (text) {
      const width = Number(text[3]);
      const out: string[] = [];
      const data = bytes.subarray(header.dataOffset);
      if (text[2] === 'U') {
        const little = text[1] !== '>';
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        for (let i = 0; i < n; i++) {
          let s = '';
          for (let c = 0; c < width; c++) {
            const code = view.getUint32((i * width + c) * 4, little);
            if (code === 0) break;
            s += String.fromCodePoint(code);
          }
          out.push(s);
        }
      } else {
        const decoder = new TextDecoder('latin1');
        for (let i = 0; i < n; i++) {
          const cell = data.subarray(i * width, (i + 1) * width);
          const end = cell.indexOf(0);
          out.push(decoder.decode(end < 0 ? cell : cell.subarray(0, end)));
        }
      }
      return out;
    }
    const { values } = readNpyMatrix(fileName, bytes, true);
    return Array.from(values, formatNumber);
  }
  const lines = new TextDecoder('utf-8')
    .decode(bytes)
    .replace(/^\ufeff/, '')
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ImportError(`${fileName}: the labels file is empty`);
  const first = lines[0]!;
  const named = [...LABEL_NAMES, 'labels', 'classes', 'targets'].includes(first.toLowerCase());
  const numericBelow = lines.length > 1 && lines.slice(1).every((l) => l === '' || !Number.isNaN(parseCell(l)));
  return named || (Number.isNaN(parseCell(first)) && numericBelow) ? lines.slice(1) : lines;
}

/** Numbers as label texts: integers without a decimal point (`0`, `1`), others as JavaScript prints them. */
export function formatNumber(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

/**
 * An npy array as a RawTable: features named `x<column>` (0-based; `pixel_R_C` for 3-D images), labels from
 * column `labelColumn` (removed from the features) or from `labels` (one text per row). NaN counts as missing,
 * ±Infinity as non-finite; rows are numbered by 0-based array index in messages.
 * @throws ImportError for a bad label column, a label count that does not match the rows, bad values.
 */
export function npyTable(
  fileName: string,
  bytes: Uint8Array,
  options: ArrayTableOptions,
): { table: RawTable; droppedRows: number; warnings: string[]; header: NpyHeader } {
  const { header, nRows, nCols, values, imageShape } = readNpyMatrix(fileName, bytes);
  return { ...arrayTable(fileName, { nRows, nCols, values, imageShape }, options), header };
}

/** How {@link arrayTable} finds the labels: a column of the array, or one text per row from a labels file. */
export interface ArrayTableOptions {
  labelColumn: number | null;
  labels: string[] | null;
  labelsFileName: string | null;
  dropMissing: boolean;
}

/**
 * A numeric array already read into row-major Float64 values (an npy or IDX file) as a RawTable; see
 * {@link npyTable} for the naming and label rules, shared by both formats.
 * @throws ImportError for a bad label column, a label count that does not match the rows, bad values.
 */
export function arrayTable(
  fileName: string,
  array: { nRows: number; nCols: number; values: Float64Array; imageShape: [number, number] | null },
  options: ArrayTableOptions,
): { table: RawTable; droppedRows: number; warnings: string[] } {
  const { nRows, nCols, values, imageShape } = array;
  let labelColumn = options.labelColumn;
  if (labelColumn !== null) {
    if (imageShape) throw new ImportError(`${fileName}: a label column cannot be taken from a 3-D image array; use a labels file`);
    if (!Number.isInteger(labelColumn) || labelColumn >= nCols || labelColumn < -nCols) {
      throw new ImportError(
        `${fileName}: label column index ${labelColumn} is out of range: the array has ${plural(nCols, 'column')} (indexes 0 to ${nCols - 1})`,
      );
    }
    if (labelColumn < 0) labelColumn += nCols;
  }
  if (options.labels && options.labels.length !== nRows) {
    throw new ImportError(
      `${options.labelsFileName}: has ${plural(options.labels.length, 'label')} but ${fileName} has ${plural(nRows, 'row')}`,
    );
  }
  const featureColumns = Array.from({ length: nCols }, (_, j) => j).filter((j) => j !== labelColumn);
  const featureNames = imageShape
    ? featureColumns.map((j) => `pixel_${Math.floor(j / imageShape[1])}_${j % imageShape[1]}`)
    : featureColumns.map((j) => `x${j}`);
  const d = featureColumns.length;
  const labeled = labelColumn !== null || options.labels !== null;
  const problems = new ProblemLog(fileName, 'index');
  // (kept rows, d). Without a label column the features are the array itself, compacted in place when rows are
  // dropped (row `kept` ≤ row `i` is written after row i was read): no second copy of a 60,000 × 784 matrix.
  const features = labelColumn === null ? values : new Float64Array(nRows * d);
  const labelIds = labeled ? new Int32Array(nRows) : null;
  const labelIndex = new Map<string, number>();
  const labelValues: string[] = [];
  let kept = 0;
  for (let i = 0; i < nRows; i++) {
    let bad = false;
    for (let k = 0; k < d; k++) {
      const x = values[i * nCols + featureColumns[k]!]!;
      if (!Number.isFinite(x)) {
        bad = true;
        problems.add(Number.isNaN(x) ? 'missing' : 'nonfinite', i, featureNames[k]!, String(x));
      }
      features[kept * d + k] = x;
    }
    let label = '';
    if (labelColumn !== null) {
      const x = values[i * nCols + labelColumn]!;
      label = Number.isFinite(x) ? formatNumber(x) : '';
      if (label === '') {
        bad = true;
        problems.add('label', i, `x${labelColumn}`, String(x));
      }
    } else if (options.labels) {
      label = options.labels[i]!.trim();
      if (isMissingLabel(label) || /^nan$/i.test(label)) {
        bad = true;
        problems.add('label', i, 'label', options.labels[i]!);
      }
    }
    if (bad) {
      if (options.dropMissing) problems.dropped(i);
      continue;
    }
    if (labelIds) {
      let id = labelIndex.get(label);
      if (id === undefined) {
        id = labelValues.length;
        labelIndex.set(label, id);
        labelValues.push(label);
      }
      labelIds[kept] = id;
    }
    kept++;
  }
  if (!options.dropMissing) problems.throwIfAny();
  const warnings = problems.warnings();
  return {
    table: {
      fileName,
      nRows: kept,
      features: kept === nRows ? features : features.slice(0, kept * d),
      featureNames,
      labelIds: labelIds ? labelIds.slice(0, kept) : null,
      labelValues,
      labelColumn: labelColumn !== null ? `x${labelColumn}` : options.labels ? 'label' : null,
      imageShape,
    },
    droppedRows: problems.droppedRows,
    warnings,
  };
}

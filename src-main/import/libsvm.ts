import { ImportError } from '../../shared/errors.ts';
import { isMissingLabel, parseCell, plural, quote } from './cells.ts';
import type { RawTable } from './finalize.ts';
import { orderClasses } from './finalize.ts';
import { ProblemLog } from './problems.ts';
import type { SourceReader } from './source.ts';
import type { ImportOptions } from './types.ts';

/** Growing typed arrays of (row, column, value) triplets: the sparse file before it is made dense. */
class Triplets {
  rows = new Int32Array(1024);
  cols = new Int32Array(1024);
  vals = new Float64Array(1024);
  length = 0;

  push(row: number, col: number, val: number): void {
    if (this.length === this.rows.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.rows = grow(this.rows);
      this.cols = grow(this.cols);
      this.vals = grow(this.vals);
    }
    this.rows[this.length] = row;
    this.cols[this.length] = col;
    this.vals[this.length] = val;
    this.length++;
  }

  /** Forgets the triplets of rows ≥ `row` (a row that turned out bad). */
  truncateTo(row: number): void {
    while (this.length > 0 && this.rows[this.length - 1]! >= row) this.length--;
  }
}

/** One parsed LIBSVM line: label text and (index, value text) pairs, or an error text. */
export interface LibsvmLine {
  label: string;
  entries: Array<[index: number, value: string]>;
}

/**
 * Splits one LIBSVM/svmlight line: `label idx:val idx:val … # comment`; `qid:N` is ignored. Returns null for a
 * blank or comment-only line and a message for a malformed one.
 */
export function splitLibsvmLine(line: string, lineNo: number): LibsvmLine | string | null {
  const hash = line.indexOf('#');
  const text = (hash >= 0 ? line.slice(0, hash) : line).trim();
  if (text === '') return null;
  const tokens = text.split(/\s+/);
  const label = tokens[0]!;
  if (label.includes(':')) return `row ${lineNo} starts with ${quote(label)} instead of a label`;
  const entries: Array<[number, string]> = [];
  let previous = -1;
  for (let t = 1; t < tokens.length; t++) {
    const token = tokens[t]!;
    const colon = token.indexOf(':');
    const key = colon < 0 ? token : token.slice(0, colon);
    if (key === 'qid') continue;
    if (colon < 0 || !/^\d+$/.test(key)) return `row ${lineNo}: ${quote(token)} is not index:value`;
    const index = Number(key);
    if (index <= previous) {
      return `row ${lineNo}: index ${index} ${index === previous ? 'is repeated' : 'comes after a larger index'}`;
    }
    previous = index;
    entries.push([index, token.slice(colon + 1)]);
  }
  return { label, entries };
}

/**
 * Reads a LIBSVM/svmlight file: indices are 1-based (if any index 0 appears the file is read as 0-based, with a
 * warning); absent entries are 0; columns are named `x<index>` as numbered in the file. Labels are kept as
 * class names (`+1`, `-1`), ordered numerically when they are numbers. Memory is proportional to the nonzeros
 * until the final dense matrix.
 * @throws ImportError for malformed lines, bad values (unless dropMissing), an empty file.
 */
export async function parseLibsvm(
  reader: SourceReader,
  options: Pick<ImportOptions, 'label' | 'dropMissing'>,
): Promise<{ table: RawTable; droppedRows: number; warnings: string[] }> {
  const fileName = reader.source.fileName;
  const labeled = options.label !== null;
  const problems = new ProblemLog(fileName);
  const triplets = new Triplets();
  const labelIndex = new Map<string, number>();
  const labelValues: string[] = [];
  let labelIds = new Int32Array(1024);
  const broken: string[] = [];
  let brokenRows = 0;
  let rows = 0;
  let minIndex = Infinity;
  let maxIndex = -1;
  let dataRows = 0;

  for await (const [line, lineNo] of reader.lines()) {
    const parsed = splitLibsvmLine(line, lineNo);
    if (parsed === null) continue;
    dataRows++;
    if (typeof parsed === 'string') {
      brokenRows++;
      if (broken.length < 5) broken.push(parsed);
      continue;
    }
    let bad = false;
    for (const [index, text] of parsed.entries) {
      const value = parseCell(text);
      if (!Number.isFinite(value)) {
        bad = true;
        problems.add(Number.isNaN(value) ? 'missing' : 'nonfinite', lineNo, `x${index}`, text);
      } else {
        if (value !== 0) triplets.push(rows, index, value);
        if (index < minIndex) minIndex = index;
        if (index > maxIndex) maxIndex = index;
      }
    }
    if (labeled && isMissingLabel(parsed.label)) {
      bad = true;
      problems.add('label', lineNo, 'label', parsed.label);
    }
    if (bad) {
      triplets.truncateTo(rows);
      if (options.dropMissing) problems.dropped(lineNo);
      continue;
    }
    if (labeled) {
      let id = labelIndex.get(parsed.label);
      if (id === undefined) {
        id = labelValues.length;
        labelIndex.set(parsed.label, id);
        labelValues.push(parsed.label);
      }
      if (rows === labelIds.length) {
        const more = new Int32Array(rows * 2);
        more.set(labelIds);
        labelIds = more;
      }
      labelIds[rows] = id;
    }
    rows++;
  }

  if (dataRows === 0) throw new ImportError(`${fileName}: the file is empty`);
  if (brokenRows > 0) {
    throw new ImportError(
      `${fileName}: ${plural(brokenRows, 'row is', 'rows are')} not in LIBSVM format "label index:value …" ` +
        `(rows are 1-based line numbers in the file): ${broken.join('; ')}${brokenRows > broken.length ? '; …' : ''}`,
    );
  }
  if (!options.dropMissing) problems.throwIfAny();
  const warnings = problems.warnings();
  if (maxIndex < 0) throw new ImportError(`${fileName}: no row has any index:value entry, so there are no features`);
  const base = minIndex === 0 ? 0 : 1;
  if (base === 0) warnings.push(`${fileName}: index 0 appears, so the indices are read as 0-based`);
  const d = maxIndex - base + 1;
  const features = new Float64Array(rows * d); // (rows, d)
  for (let t = 0; t < triplets.length; t++) {
    features[triplets.rows[t]! * d + (triplets.cols[t]! - base)] = triplets.vals[t]!;
  }
  const featureNames = Array.from({ length: d }, (_, j) => `x${j + base}`);
  return {
    table: {
      fileName,
      nRows: rows,
      features,
      featureNames,
      labelIds: labeled ? labelIds.slice(0, rows) : null,
      labelValues,
      labelColumn: labeled ? 'label' : null,
    },
    droppedRows: problems.droppedRows,
    warnings,
  };
}

/** First rows of a LIBSVM text made dense (`label`, `x1`, … up to the largest index seen), for previews. */
export function previewLibsvm(
  fileName: string,
  text: string,
  maxRows: number,
): { columns: string[]; rows: string[][]; classes: string[]; complete: boolean } {
  const parsed: LibsvmLine[] = [];
  let lineNo = 0;
  let complete = true;
  for (const line of text.split(/\r\n|\n|\r/)) {
    lineNo++;
    const p = splitLibsvmLine(line, lineNo);
    if (p === null) continue;
    if (typeof p === 'string') throw new ImportError(`${fileName}: ${p}`);
    if (parsed.length >= maxRows) {
      complete = false;
      break;
    }
    parsed.push(p);
  }
  if (parsed.length === 0 && text.trim() === '') throw new ImportError(`${fileName}: the file is empty`);
  let max = 0;
  let zeroBased = false;
  for (const p of parsed) {
    for (const [i] of p.entries) {
      max = Math.max(max, i);
      if (i === 0) zeroBased = true;
    }
  }
  const base = zeroBased ? 0 : 1;
  const columns = ['label', ...Array.from({ length: max - base + 1 }, (_, j) => `x${j + base}`)];
  const rows = parsed.map((p) => {
    const row = new Array<string>(columns.length).fill('0');
    row[0] = p.label;
    for (const [i, v] of p.entries) row[i - base + 1] = v;
    return row;
  });
  return { columns, rows, classes: orderClasses([...new Set(parsed.map((p) => p.label))]).classNames, complete };
}

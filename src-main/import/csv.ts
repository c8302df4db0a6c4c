import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { ImportError } from '../../shared/errors.ts';
import { isMissingLabel, isNumericCell, parseCell, plural } from './cells.ts';
import { headerNames, indexNames, resolveLabelColumn } from './columns.ts';
import type { RawTable } from './finalize.ts';
import { orderClasses } from './finalize.ts';
import { MatrixBuilder } from './matrix-builder.ts';
import { ProblemLog } from './problems.ts';
import type { SourceReader } from './source.ts';
import type { ImportOptions } from './types.ts';

/** Delimiters tried when sniffing, in order of preference when several fit equally well. */
export const SNIFFED_DELIMITERS = ['\t', ';', '|', ',', ' '] as const;

/** Texts that mean "no value" and so are neither a number nor evidence of a header. */
const MISSING_TOKENS = new Set(['', '?', 'na', 'n/a', 'nan', 'null', 'none', '-']);

/** How a CSV/TSV file is laid out, decided from its first rows. */
export interface CsvLayout {
  delimiter: string;
  header: boolean;
  /** Every column, the label column included. */
  columns: string[];
  /** 0-based index into `columns`, or null for unlabeled data. */
  labelColumn: number | null;
  /** `;`-separated files may write decimals with a comma (`1,5`). */
  decimalComma: boolean;
  /** True when `labelColumn` is a numeric regression target (`--target`), not class labels. */
  target?: boolean;
}

/** The layout plus the first data rows it was decided from. */
export interface CsvSniff {
  layout: CsvLayout;
  /** Data rows of the sample (header excluded), as text. */
  rows: string[][];
  /** Bytes of text per data row in the sample, for a capacity estimate. */
  bytesPerRow: number;
  warnings: string[];
}

function isBlankRow(row: readonly string[]): boolean {
  for (const cell of row) {
    if (cell.length > 0 && (cell.charCodeAt(0) > 32 || cell.trim() !== '')) return false;
  }
  return true;
}

/** Splits text into rows with papaparse, dropping blank rows; a space delimiter merges runs of spaces. */
function splitRows(text: string, delimiter: string, limit?: number): string[][] {
  const parsed = Papa.parse<string[]>(text, { delimiter, preview: limit ?? 0, skipEmptyLines: false });
  const rows = parsed.data.filter((r) => !isBlankRow(r));
  return delimiter === ' ' ? rows.map((r) => r.filter((c) => c !== '')) : rows;
}

/** The 0-based field of the row whose text up to some point is `linePrefix` (quotes respected). */
export function fieldIndexAt(linePrefix: string, delimiter: string): number {
  if (linePrefix === '') return 0;
  const row = Papa.parse<string[]>(linePrefix, { delimiter, preview: 1 }).data[0] ?? [''];
  return Math.max(0, (delimiter === ' ' ? row.filter((c, k) => c !== '' || k === row.length - 1) : row).length - 1);
}

/**
 * Picks the delimiter whose field count is the most consistent over the first rows (and above one);
 * ties go to the rarer delimiter (tab, `;`, `|`, then `,`, then space).
 */
export function sniffDelimiter(text: string): string {
  let best = ',';
  let bestScore = 0;
  for (const delimiter of SNIFFED_DELIMITERS) {
    const rows = splitRows(text, delimiter, 60);
    if (rows.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let modal = 0;
    let modalRows = 0;
    for (const [fields, n] of counts) {
      if (n > modalRows || (n === modalRows && fields > modal)) [modal, modalRows] = [fields, n];
    }
    const score = modal >= 2 ? modalRows / rows.length : 0;
    if (score > bestScore) [best, bestScore] = [delimiter, score];
  }
  return best;
}

const isText = (cell: string, decimalComma: boolean): boolean =>
  !MISSING_TOKENS.has(cell.trim().toLowerCase()) && !isNumericCell(cell, decimalComma);

/**
 * Whether the first row is a header: some column has text in the first row while the rows below are mostly
 * numbers there; or the first row is all text (a file of text columns). A one-row file is a header if any of its
 * cells is text.
 */
export function detectHeader(rows: readonly string[][], decimalComma = false): boolean {
  const [first, ...rest] = rows;
  if (!first) return false;
  if (rest.length === 0) return first.some((c) => isText(c, decimalComma));
  for (let j = 0; j < first.length; j++) {
    if (!isText(first[j]!, decimalComma)) continue;
    let numbers = 0;
    let texts = 0;
    for (const r of rest) {
      const cell = r[j];
      if (cell === undefined || MISSING_TOKENS.has(cell.trim().toLowerCase())) continue;
      if (isNumericCell(cell, decimalComma)) numbers++;
      else texts++;
    }
    if (numbers > texts) return true;
  }
  return first.every((c) => isText(c, decimalComma));
}

/**
 * Decides the layout of a CSV/TSV file from its first bytes: delimiter, header, column names and label column.
 * @param text the start of the file (BOM already dropped)
 * @param whole whether `text` is the whole file (else its last, possibly cut, line is ignored)
 * @throws ImportError for an empty file, duplicate column names or an unknown label column.
 */
export function sniffCsv(
  fileName: string,
  text: string,
  whole: boolean,
  options: Pick<ImportOptions, 'format' | 'delimiter' | 'header' | 'label' | 'target'>,
): CsvSniff {
  const sample = whole ? text : text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1)) || text;
  if (sample.trim() === '') throw new ImportError(`${fileName}: the file is empty`);
  const delimiter = options.delimiter ?? (options.format === 'tsv' ? '\t' : sniffDelimiter(sample));
  const decimalComma = delimiter === ';';
  const all = splitRows(sample, delimiter);
  const header = options.header ?? detectHeader(all.slice(0, 60), decimalComma);
  const warnings: string[] = [];
  const first = all[0] ?? [];
  const columns = header ? headerNames(fileName, first, warnings) : indexNames(first.length);
  const rows = header ? all.slice(1) : all;
  const lastIsText = (): boolean => rows.some((r) => r.length === columns.length && isText(r[r.length - 1]!, decimalComma));
  if (options.target !== undefined && options.label !== undefined && options.label !== null) {
    throw new ImportError(`${fileName}: give a label column (classification) or a target column (regression), not both`);
  }
  const target = options.target !== undefined;
  const labelColumn = target
    ? resolveLabelColumn(fileName, columns, options.target, lastIsText, 'target')
    : resolveLabelColumn(fileName, columns, options.label, lastIsText);
  const sampleBytes = new TextEncoder().encode(sample).length;
  return {
    layout: { delimiter, header, columns, labelColumn, decimalComma, ...(target ? { target } : {}) },
    rows,
    bytesPerRow: all.length > 0 ? sampleBytes / all.length : 64,
    warnings,
  };
}

/** Classes among the label cells of some text rows (for previews). */
export function classesInRows(rows: readonly string[][], labelColumn: number | null): string[] {
  if (labelColumn === null) return [];
  const values = rows.map((r) => (r[labelColumn] ?? '').trim()).filter((v) => !isMissingLabel(v));
  return orderClasses([...new Set(values)]).classNames;
}

function countNewlines(row: readonly string[]): number {
  let n = 0;
  for (const cell of row) {
    let at = cell.indexOf('\n');
    while (at >= 0) {
      n++;
      at = cell.indexOf('\n', at + 1);
    }
  }
  return n;
}

/**
 * Streams a CSV/TSV file through papaparse into a {@link MatrixBuilder}: no text row is kept, so memory is
 * proportional to the numbers. Rows are numbered by file line (1-based), counting line breaks inside quoted
 * fields, so messages point where a text editor does.
 * @throws ImportError for ragged rows, broken quotes, bad cells (unless dropMissing), a header without data.
 */
export async function parseCsv(
  reader: SourceReader,
  layout: CsvLayout,
  options: { dropMissing: boolean; expectedRows: number },
): Promise<{ table: RawTable; droppedRows: number; warnings: string[] }> {
  const fileName = reader.source.fileName;
  const { delimiter, columns, labelColumn, decimalComma } = layout;
  const m = columns.length;
  const featureColumns = columns.map((_, j) => j).filter((j) => j !== labelColumn);
  const featureNames = featureColumns.map((j) => columns[j]!);
  const builder = new MatrixBuilder(featureColumns.length, labelColumn !== null, options.expectedRows);
  const problems = new ProblemLog(fileName);
  const ragged: string[] = [];
  let raggedRows = 0;
  let quoteProblem: string | null = null;
  let line = 1;
  let headerPending = layout.header;
  let dataRows = 0;

  const onRow = (raw: string[], lineNo: number): void => {
    if (isBlankRow(raw)) return;
    const row = delimiter === ' ' ? raw.filter((c) => c !== '') : raw;
    if (headerPending) {
      headerPending = false;
      return;
    }
    dataRows++;
    if (row.length !== m && !(row.length > m && isBlankRow(row.slice(m)))) {
      raggedRows++;
      if (ragged.length < 5) ragged.push(`row ${lineNo} has ${plural(row.length, 'field')}`);
      return;
    }
    const slot = builder.nextRow();
    let bad = false;
    for (let k = 0; k < featureColumns.length; k++) {
      const cell = row[featureColumns[k]!]!;
      const value = parseCell(cell, decimalComma);
      if (Number.isFinite(value)) {
        slot[k] = value;
      } else {
        bad = true;
        problems.add(Number.isNaN(value) ? 'missing' : 'nonfinite', lineNo, featureNames[k]!, cell);
      }
    }
    let label: string | undefined;
    if (labelColumn !== null) {
      label = row[labelColumn]!.trim();
      if (layout.target ? !Number.isFinite(parseCell(label, decimalComma)) : isMissingLabel(label)) {
        bad = true;
        problems.add(layout.target ? 'target' : 'label', lineNo, columns[labelColumn]!, row[labelColumn]!);
      }
    }
    if (bad) {
      if (options.dropMissing) problems.dropped(lineNo);
      return;
    }
    builder.commit(label);
  };

  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(Readable.from(reader.text()), {
      delimiter,
      skipEmptyLines: false,
      step: (results, parser) => {
        const lineNo = line;
        line += 1 + countNewlines(results.data);
        const quoteError = results.errors.find((e) => e.type === 'Quotes');
        if (quoteError && quoteProblem === null) {
          quoteProblem =
            quoteError.code === 'MissingQuotes'
              ? `${fileName}: row ${lineNo}: a quoted field is never closed (a " without its closing "; rows are 1-based line numbers in the file)`
              : `${fileName}: row ${lineNo}: a field has a stray " inside it (quote the whole field and write "" for a quote; rows are 1-based line numbers in the file)`;
          parser.abort();
          return;
        }
        onRow(results.data, lineNo);
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    });
  });

  if (quoteProblem !== null) throw new ImportError(quoteProblem);
  if (raggedRows > 0) {
    throw new ImportError(
      `${fileName}: ${plural(raggedRows, 'row')} ${raggedRows === 1 ? 'has' : 'have'} the wrong number of fields ` +
        `(expected ${m}, as in the ${layout.header ? 'header' : 'first row'}; rows are 1-based line numbers in the file): ` +
        `${ragged.join('; ')}${raggedRows > ragged.length ? '; …' : ''}`,
    );
  }
  if (!options.dropMissing) problems.throwIfAny();
  if (dataRows === 0) {
    throw new ImportError(
      layout.header
        ? `${fileName}: the file has a header row but no data rows`
        : `${fileName}: the file is empty`,
    );
  }
  const built = builder.build();
  if (built.nRows < 2 && problems.droppedRows > 0) {
    throw new ImportError(
      `${fileName}: need at least 2 data rows, found ${built.nRows} after dropping ` +
        `${plural(problems.droppedRows, 'row')} with missing values`,
    );
  }
  const warnings = problems.warnings();
  return {
    table: {
      fileName,
      nRows: built.nRows,
      features: built.features,
      featureNames,
      labelIds: built.labelIds,
      labelValues: built.labelValues,
      labelColumn: labelColumn === null ? null : columns[labelColumn]!,
    },
    droppedRows: problems.droppedRows,
    warnings,
  };
}


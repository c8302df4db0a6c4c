/**
 * What is wrong with one feature cell of a text file's preview, the way the CSV/TSV importer sees it
 * (src-main/import/csv.ts): empty or a missing-value token ('?', 'NA', 'NaN', …) is missing; anything that
 * is not a finite decimal number (a decimal comma allowed) is non-numeric. Null for a good cell.
 */
const MISSING = new Set(['', '?', 'na', 'n/a', 'nan', 'null', 'none', '-']);
const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

export type CellProblem = 'missing' | 'non-numeric';

export function cellProblem(cell: string | undefined): CellProblem | null {
  const text = (cell ?? '').trim();
  if (MISSING.has(text.toLowerCase())) return 'missing';
  return NUMBER.test(text) ? null : 'non-numeric';
}

/**
 * The preview rows to show: the first `first` rows, plus every later preview row with a bad feature cell
 * (so the cells an error names are on screen), each with its 0-based index among the data rows.
 */
export function rowsToShow(rows: readonly string[][], isFeature: (column: number) => boolean, first = 8): { index: number; cells: string[] }[] {
  const out: { index: number; cells: string[] }[] = [];
  rows.forEach((cells, index) => {
    if (index < first || cells.some((cell, k) => isFeature(k) && cellProblem(cell) !== null)) out.push({ index, cells });
  });
  return out;
}

import { ImportError } from '../../shared/errors.ts';
import { quote, quoteList } from './cells.ts';

/** Column names that mark the label column when no label option is given, in order of preference. */
export const LABEL_NAMES = ['label', 'class', 'target', 'y'] as const;

/**
 * Resolves the label option against the file's column names.
 *
 * - `null`: unlabeled.
 * - a number: a 0-based index (negative counts from the end).
 * - a string: a column name (exact, else the only case-insensitive match), else an integer text taken as an
 *   index (so the CLI's `--label 4` works on files without a header).
 * - `undefined`: a column named label, class, target or y (any case, in that order of preference); else the
 *   last column if `lastIsText()` says it is not numeric; else none.
 *
 * @throws ImportError naming the missing column and listing the ones that exist.
 */
export function resolveLabelColumn(
  fileName: string,
  columns: readonly string[],
  option: string | number | null | undefined,
  lastIsText: () => boolean,
  role: 'label' | 'target' = 'label',
): number | null {
  if (option === null) return null;
  if (typeof option === 'number') return resolveIndex(fileName, columns, option);
  if (typeof option === 'string') {
    const exact = columns.indexOf(option);
    if (exact >= 0) return exact;
    const lower = option.toLowerCase();
    const loose = columns.flatMap((c, i) => (c.toLowerCase() === lower ? [i] : []));
    if (loose.length === 1) return loose[0]!;
    if (/^[+-]?\d+$/.test(option.trim())) return resolveIndex(fileName, columns, Number(option));
    throw new ImportError(
      `${fileName}: the ${role} column ${quote(option)} does not exist; the columns are ${quoteList(columns, 30)}`,
    );
  }
  for (const name of LABEL_NAMES) {
    const i = columns.findIndex((c) => c.trim().toLowerCase() === name);
    if (i >= 0) return i;
  }
  return columns.length > 1 && lastIsText() ? columns.length - 1 : null;
}

function resolveIndex(fileName: string, columns: readonly string[], index: number): number {
  const m = columns.length;
  if (!Number.isInteger(index) || index >= m || index < -m) {
    throw new ImportError(
      `${fileName}: label column index ${index} is out of range: the file has ${m} column${m === 1 ? '' : 's'} ` +
        `(indexes 0 to ${m - 1}, or -1 to -${m} from the end)`,
    );
  }
  return index < 0 ? m + index : index;
}

/**
 * Column names from a header row: trimmed; an empty name becomes `x<index>` (with a warning).
 * @throws ImportError on duplicate names, listing each with its 1-based column positions.
 */
export function headerNames(fileName: string, cells: readonly string[], warnings: string[]): string[] {
  const names = cells.map((c) => c.trim());
  const unnamed: number[] = [];
  names.forEach((n, i) => {
    if (n === '') {
      names[i] = `x${i}`;
      unnamed.push(i);
    }
  });
  if (unnamed.length > 0) {
    warnings.push(
      `${fileName}: ${unnamed.length === 1 ? 'a column has' : `${unnamed.length} columns have`} no name in the header; ` +
        `named ${quoteList(unnamed.map((i) => names[i]!))} after ${unnamed.length === 1 ? 'its' : 'their'} 0-based index`,
    );
  }
  const seen = new Map<string, number[]>();
  names.forEach((n, i) => seen.set(n, [...(seen.get(n) ?? []), i + 1]));
  const duplicates = [...seen].filter(([, at]) => at.length > 1);
  if (duplicates.length > 0) {
    const list = duplicates.map(([n, at]) => `${quote(n)} (columns ${at.join(' and ')})`).join(', ');
    throw new ImportError(`${fileName}: duplicate column names in the header (columns counted from 1): ${list}`);
  }
  return names;
}

/** Names for a file without a header: `x0`, `x1`, … (0-based, like `--label INDEX`). */
export function indexNames(m: number): string[] {
  return Array.from({ length: m }, (_, i) => `x${i}`);
}

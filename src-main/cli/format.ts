/** Plain-text rendering for the human (non `--json`) output of the CLI. */

export interface TableColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /** Right-align (numbers). */
  right?: boolean;
}

/** Renders rows as an aligned text table with a header line; `empty` is returned when there are no rows. */
export function formatTable<T>(rows: readonly T[], columns: readonly TableColumn<T>[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const widths = columns.map((c, k) => Math.max(c.header.length, ...cells.map((r) => r[k]!.length)));
  const line = (values: string[]): string =>
    values
      .map((v, k) => (columns[k]!.right ? v.padStart(widths[k]!) : v.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Renders `key: value` lines for a flat record (nested values as compact JSON). */
export function formatRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${`${k}:`.padEnd(width + 1)} ${cellText(record[k])}`).join('\n');
}

/** A generic human rendering of any JSON-like value (used when a command gives no text of its own). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join('\n');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && typeof entries[0]![1] === 'object' && entries[0]![1] !== null && !Array.isArray(entries[0]![1])) {
    return formatRecord(entries[0]![1] as Record<string, unknown>);
  }
  return formatRecord(value as Record<string, unknown>);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

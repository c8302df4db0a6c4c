/** The export formats, in the order the UI offers them; the wire schema and every type derive from this list. */
export const EXPORT_FORMATS = ['json', 'csv', 'npy', 'npz', 'mat', 'transformed'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The paths an export of `format` to `outPath` writes: `outPath` itself, except for npy, which writes two files,
 * `name.npy` → `name_L.npy` and `name_M.npy` (an extension `.npy`, any case, is replaced, as node:path `extname` finds
 * it: not the leading dot of a file name such as `.npy`; otherwise the suffixes are appended).
 */
export function exportPaths(outPath: string, format: ExportFormat): string[] {
  if (format !== 'npy') return [outPath];
  const base = outPath.slice(Math.max(outPath.lastIndexOf('/'), outPath.lastIndexOf('\\')) + 1);
  const hasNpyExtension = base.length > 4 && base.toLowerCase().endsWith('.npy');
  const stem = hasNpyExtension ? outPath.slice(0, -4) : outPath;
  return [`${stem}_L.npy`, `${stem}_M.npy`];
}

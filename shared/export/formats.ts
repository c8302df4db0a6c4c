/** The export formats, in the order the UI offers them; the wire schema and every type derive from this list. */
export const EXPORT_FORMATS = ['json', 'csv', 'npy', 'npz', 'mat', 'transformed'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

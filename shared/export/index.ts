/** Byte writers for learned metrics: pure functions returning strings or Uint8Arrays (docs/export-format.md). */
export { EXPORT_FORMATS, type ExportFormat } from './formats.ts';
export { exportJson } from './json.ts';
export { exportCsv, exportTransformedCsv, preprocessRows, csvField } from './csv.ts';
export { writeNpy, NPY_ALIGNMENT } from './npy.ts';
export { writeNpz, type NamedArray, type NpzOptions } from './npz.ts';
export { writeMat, toColumnMajor, type MatOptions } from './mat.ts';
export {
  buildMetricDocument,
  metricArrays,
  metricMatrix,
  METRIC_SCHEMA,
  METRIC_SCHEMA_VERSION,
  type MetricDocumentV1,
  type MetricExportInput,
} from './metric-record.ts';

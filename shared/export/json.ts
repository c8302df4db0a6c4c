import { buildMetricDocument, type MetricExportInput } from './metric-record.ts';

/**
 * The learned metric as a JSON document of schema `metric-workbench/metric`, version 1
 * (docs/export-format.md). Numbers are written with JavaScript's shortest round-trip form, so
 * `float(text)` in Python gives back the exact float64.
 */
export function exportJson(input: MetricExportInput): string {
  return JSON.stringify(buildMetricDocument(input), null, 2) + '\n';
}

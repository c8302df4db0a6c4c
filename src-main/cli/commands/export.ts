/**
 * `workbench export --run ID --format json|csv|npy|npz|mat|transformed --out PATH [--with-labels]`: the file(s) built
 * by the gateway (`export.build`, as the app's download; npy: part L, then part M) and written here; with
 * `--with-labels` also the dataset's hand labels beside them, the pairs CSV and the comparisons CSV that
 * `constraints import` and `comparisons import` read back (`constraints.export`, `comparisons.export`).
 */
import { EXPORT_FORMATS, exportPaths, type ExportFormat } from '../../../shared/export/formats.ts';
import { definedFields } from '../../../shared/objects.ts';
import { writeFilesAtomic } from '../../files/atomic-write.ts';
import { UsageError, type CliCommand } from '../command.ts';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a learned metric (JSON, CSV, .npy, .npz, MATLAB .mat) or the transformed dataset.',
  usage: 'workbench export --run ID --format json|csv|npy|npz|mat|transformed --out PATH [--with-labels]',
  help: [
    'Formats (docs/export-format.md):',
    '  json         L, M, feature names, preprocessing (mean, scale, kept, dropped), method, params, dataset',
    '               name and hash, seed, results, created: schema "metric-workbench/metric", version 1',
    '  csv          L and M under a header of feature names',
    '  npy          two files: PATH_L.npy and PATH_M.npy (a trailing .npy in PATH is replaced)',
    '  npz          L, M, mean, scale, kept in one archive (np.load)',
    '  mat          MATLAB Level 5 MAT-file with L, M, mean, scale, kept (scipy.io.loadmat, MATLAB load)',
    '  transformed  the dataset mapped by the metric (preprocessed X·Lᵀ) as CSV, with labels',
    '',
    'L acts on preprocessed rows: z = (x[kept] − mean) / scale. Only learn runs hold a metric.',
    '',
    '--with-labels: also the dataset\'s labels, written with the export (all files or none): PATH-constraints.csv',
    '  (i,j,kind,origin,created_at) and PATH-comparisons.csv (anchor,closer,farther,origin,created_at), PATH',
    '  without its extension; `constraints import` and `comparisons import` read them back.',
    'JSON output: {"exported": {"run", "format", "files": [{"path", "bytes"}]}}',
  ].join('\n'),
  options: { run: { type: 'string' }, format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, 'with-labels': { type: 'boolean' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const runId = ctx.integer(ctx.requireOption('run'), '--run', { min: 1 });
    const format = ctx.requireOption('format');
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${format}'.`);
    }
    const out = ctx.resolvePath(ctx.requireOption('out'));
    const paths = exportPaths(out, format as ExportFormat);
    const parts = format === 'npy' ? (['L', 'M'] as const) : ([undefined] as const);
    const built = [];
    for (const part of parts) {
      const file = await ctx.call('export.build', { runId, format: format as ExportFormat, ...definedFields({ part }) });
      built.push(Buffer.from(file.base64, 'base64'));
    }
    const writes = built.map((bytes, k) => ({ path: paths[k]!, content: bytes as Uint8Array | string }));
    if (ctx.flag('with-labels')) {
      const { run } = await ctx.call('runs.get', { runId });
      if (run.datasetId === null) throw new UsageError(`Run ${runId} is not tied to a dataset any more, so it has no labels to export.`);
      const labels = labelPaths(out);
      writes.push({ path: labels.constraints, content: (await ctx.call('constraints.export', { datasetId: run.datasetId })).csv });
      writes.push({ path: labels.comparisons, content: (await ctx.call('comparisons.export', { datasetId: run.datasetId })).csv });
    }
    // Every file or none (both npy parts, the labels); a failed write leaves any earlier export at these paths as it was.
    const files = await writeFilesAtomic(writes);
    ctx.out(
      { exported: { run: runId, format, files } },
      files.map((f) => `Wrote ${f.path} (${f.bytes} bytes).`).join('\n'),
    );
    return 0;
  },
};

/** Where --with-labels writes the dataset's pairs and comparisons: beside PATH, named after it without its extension. */
export function labelPaths(outPath: string): { constraints: string; comparisons: string } {
  const slash = Math.max(outPath.lastIndexOf('/'), outPath.lastIndexOf('\\'));
  const dot = outPath.lastIndexOf('.');
  const stem = dot > slash + 1 ? outPath.slice(0, dot) : outPath;
  return { constraints: `${stem}-constraints.csv`, comparisons: `${stem}-comparisons.csv` };
}

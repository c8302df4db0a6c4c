/**
 * `workbench report --runs 1,2,3 --format csv|md|tex|tidy-csv [--out FILE]`: a comparison of evaluate runs as a
 * table for a paper (`runs.report` through the gateway, as the Compare view's "Export table"), written here.
 */
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { REPORT_FORMATS, type ReportFormat } from '../../../shared/domain/enums.ts';
import { UsageError, type CliCommand } from '../command.ts';

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Export a comparison of runs as a table (CSV, Markdown, LaTeX) or its per-fold results (tidy CSV).',
  usage: 'workbench report --runs 1,2,3 --format csv|md|tex|tidy-csv [--out FILE]',
  help: [
    'Runs: evaluate runs, or compare runs (each stands for its methods), all on the same dataset and protocol.',
    'Runs of one method and supervision with different protocol seeds are one row (folds × seeds).',
    '',
    'Formats:',
    '  csv       one line per row: mean and std of accuracy, NMI, ARI, P@1, MAP@R, pair AUC and its held-out',
    '            pair count, p-values against the best row and against Euclidean (corrected resampled t-test;',
    '            Wilcoxon signed-rank from 6 paired results), as fractions at full precision',
    '  md        Markdown table: accuracy mean ± std (%), best in bold, * p < 0.05 / ** p < 0.01 against the',
    '            best, the protocol in a caption line, a footnote naming the test',
    '  tex       the same as a LaTeX table float with booktabs rules (\\usepackage{booktabs})',
    '  tidy-csv  per-fold results: run_id,method,supervision,fold,figure,value (one line per run × fold ×',
    '            figure; folds from 1), for pandas or R',
    '',
    'Without --out the report is printed (with --json: inside the JSON).',
    'JSON output: {"report": {"runs", "format", "fileName", "path": null | the file written, "bytes", "text"?}}',
  ].join('\n'),
  options: { runs: { type: 'string' }, format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const runIds = ctx
      .requireOption('runs')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => ctx.integer(s, '--runs', { min: 1 }));
    if (runIds.length === 0) throw new UsageError('--runs needs at least one run id, e.g. --runs 1,2,3.');
    const format = ctx.requireOption('format');
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${format}'.`);
    }
    const file = await ctx.call('runs.report', { runIds, format: format as ReportFormat });
    const out = ctx.option('out');
    if (out === undefined) {
      const bytes = new TextEncoder().encode(file.text).byteLength;
      ctx.out({ report: { runs: runIds, format, fileName: file.fileName, path: null, bytes, text: file.text } }, file.text.trimEnd());
      return 0;
    }
    const path = ctx.resolvePath(out);
    const bytes = new TextEncoder().encode(file.text);
    await writeFileAtomic(path, bytes);
    ctx.out({ report: { runs: runIds, format, fileName: file.fileName, path, bytes: bytes.byteLength } }, `Wrote ${path} (${bytes.byteLength} bytes).`);
    return 0;
  },
};

/**
 * A comparison into a paper: pure text writers over a {@link ComparisonTable} (./comparison.ts).
 *
 * - {@link comparisonCsv}: one line per row, every figure at full precision, p-values of both tests (pandas, R);
 * - {@link comparisonMarkdown} and {@link comparisonLatex}: mean ± std in %, the best figure of each column in
 *   bold, significance markers against the best row with a footnote naming the test, the protocol in a caption
 *   line; LaTeX uses booktabs (\toprule \midrule \bottomrule: `\usepackage{booktabs}`) and escapes its specials;
 * - {@link tidyCsv}: the per-fold results, one line per run × fold × figure (run_id, method, supervision, fold,
 *   figure, value; folds numbered from 1), the long format pandas' and R's tools group and plot directly.
 */
import { pairAucText } from '../engine/evaluation/pair-auc.ts';
import { SIGNIFICANCE_TEST_NAMES } from '../engine/evaluation/significance.ts';
import { csvField } from '../export/csv.ts';
import { formatPValue, significanceMarker, WILCOXON_MIN_PAIRS, type ComparisonRow, type ComparisonTable, type ReportRun } from './comparison.ts';

export { REPORT_FORMATS, type ReportFormat } from '../domain/enums.ts';

const PREPROCESS_WORDS: Record<string, string> = { zscore: 'z-score', minmax: 'min-max', none: 'none' };

const csvLine = (fields: ReadonlyArray<string | number | null | undefined>): string =>
  fields.map((f) => csvField(f === null || f === undefined ? '' : String(f))).join(',') + '\n';

const percent = (x: number): string => (100 * x).toFixed(1);
const fixed3 = (x: number | null): string => (x === null ? '–' : x.toFixed(3));
const percentOrDash = (x: number | null): string => (x === null ? '–' : percent(x));

/** Whether any row has a Wilcoxon p-value (then the tables get its columns). */
function hasWilcoxon(table: ComparisonTable): boolean {
  return table.rows.some((r) => r.vsBest?.wilcoxon || r.vsEuclidean?.wilcoxon);
}

/** Indices of the rows with the largest value of `figure` (all of them when tied; null values skipped). */
function bestOf(rows: readonly ComparisonRow[], figure: (r: ComparisonRow) => number | null): Set<number> {
  const values = rows.map(figure);
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return new Set();
  const max = Math.max(...present);
  return new Set(values.flatMap((v, i) => (v === max ? [i] : [])));
}

/** A pair AUC shown as a number only with enough held-out pairs (see pairAucText). */
function shownPairAuc(r: ComparisonRow): number | null {
  return pairAucText(r.pairAuc, r.pairAucPairs, r.pairAucSource).startsWith('n/a') ? null : r.pairAuc;
}

/** The caption line: what was measured and the protocol. */
export function captionText(table: ComparisonTable): string {
  const { folds, k, preprocess, seeds } = table.protocol;
  const repeats = seeds.length > 1 ? ` × ${seeds.length} seeds` : '';
  const seedText = seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${seeds[0]}`;
  const supervision = table.supervisions.length ? `; supervision: ${table.supervisions.join('; ')}` : '';
  return (
    `${table.dataset ?? 'Comparison'}: ${k}-NN accuracy (%), mean ± std over ${folds} folds${repeats}. ` +
    `Protocol: stratified ${folds}-fold CV (${seedText}), ${k}-NN, ${PREPROCESS_WORDS[preprocess] ?? preprocess} preprocessing fitted on each training part${supervision}.`
  );
}

/**
 * The footnote: what the markers and p columns mean, and which tests they are. `mark` renders a marker and `escape`
 * the text around it (Markdown and LaTeX pass their own).
 */
export function footnoteText(table: ComparisonTable, mark = (m: string) => m, escape = (t: string) => t): string {
  const wilcoxon = hasWilcoxon(table)
    ? ` W: ${SIGNIFICANCE_TEST_NAMES.wilcoxon} over folds × seeds (from ${WILCOXON_MIN_PAIRS} paired results).`
    : '';
  return (
    `${mark('*')} ${escape('p < 0.05, ')}${mark('**')} ` +
    escape(
      `p < 0.01: differs from the best (bold) by the ${SIGNIFICANCE_TEST_NAMES['corrected-t']}, ` +
        `paired over the same folds; p columns: its two-sided p against the best and against Euclidean.${wilcoxon}`,
    )
  );
}

interface Column {
  header: string;
  right: boolean;
  /** The cell's parts: text, whether it is bold, its marker. */
  cell: (r: ComparisonRow, i: number) => { text: string; bold?: boolean; marker?: string };
}

function columns(table: ComparisonTable): Column[] {
  const rows = table.rows;
  const bestAccuracy = bestOf(rows, (r) => r.accuracy.mean);
  const bestNmi = bestOf(rows, (r) => r.nmi);
  const bestP1 = bestOf(rows, (r) => r.precisionAt1);
  const bestAuc = bestOf(rows, shownPairAuc);
  const cols: Column[] = [
    { header: 'Method', right: false, cell: (r) => ({ text: r.label }) },
    { header: 'Supervision', right: false, cell: (r) => ({ text: r.supervision }) },
    {
      header: 'Accuracy (%)',
      right: true,
      cell: (r, i) => ({ text: `${percent(r.accuracy.mean)} ± ${percent(r.accuracy.std)}`, bold: bestAccuracy.has(i), marker: significanceMarker(r.vsBest?.tTest?.pValue) }),
    },
    { header: 'NMI', right: true, cell: (r, i) => ({ text: fixed3(r.nmi), bold: bestNmi.has(i) }) },
    { header: 'P@1 (%)', right: true, cell: (r, i) => ({ text: percentOrDash(r.precisionAt1), bold: bestP1.has(i) }) },
    { header: 'Pair AUC', right: true, cell: (r, i) => ({ text: pairAucText(r.pairAuc, r.pairAucPairs, r.pairAucSource), bold: bestAuc.has(i) }) },
    { header: 'p vs best', right: true, cell: (r) => ({ text: formatPValue(r.vsBest?.tTest?.pValue) }) },
  ];
  if (table.euclidean !== null) cols.push({ header: 'p vs Euclidean', right: true, cell: (r) => ({ text: formatPValue(r.vsEuclidean?.tTest?.pValue) }) });
  if (hasWilcoxon(table)) {
    cols.push({ header: 'W p vs best', right: true, cell: (r) => ({ text: formatPValue(r.vsBest?.wilcoxon?.pValue) }) });
    if (table.euclidean !== null) cols.push({ header: 'W p vs Euclidean', right: true, cell: (r) => ({ text: formatPValue(r.vsEuclidean?.wilcoxon?.pValue) }) });
  }
  return cols;
}

/** The table as CSV: one line per row; fractions (not %), p-values and counts at full precision; empty = none. */
export function comparisonCsv(table: ComparisonTable): string {
  let out = csvLine([
    'run_ids', 'method', 'params', 'supervision', 'folds', 'k', 'preprocess', 'seeds',
    'accuracy_mean', 'accuracy_std', 'nmi', 'ari', 'precision_at_1', 'map_at_r', 'pair_auc', 'pair_auc_pairs', 'pair_auc_source',
    'best', 'p_vs_best_t', 'p_vs_best_wilcoxon', 'p_vs_euclidean_t', 'p_vs_euclidean_wilcoxon',
  ]);
  const { folds, k, preprocess } = table.protocol;
  table.rows.forEach((r, i) => {
    out += csvLine([
      r.runIds.join(' '), r.label, JSON.stringify(r.params), r.supervision, folds, k, preprocess, r.seeds.join(' '),
      r.accuracy.mean, r.accuracy.std, r.nmi, r.ari, r.precisionAt1, r.mapAtR, r.pairAuc, r.pairAucPairs, r.pairAucSource,
      i === table.best ? 1 : 0, r.vsBest?.tTest?.pValue, r.vsBest?.wilcoxon?.pValue, r.vsEuclidean?.tTest?.pValue, r.vsEuclidean?.wilcoxon?.pValue,
    ]);
  });
  return out;
}

/** Markdown specials in a table cell: backslash, `*`, `_`, backtick and the cell separator `|`. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_`|]/g, (c) => `\\${c}`);
}

/** The table as Markdown (GitHub tables): caption line in bold, the table, the footnote. */
export function comparisonMarkdown(table: ComparisonTable): string {
  const cols = columns(table);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |\n`;
  let out = `**${escapeMarkdown(captionText(table))}**\n\n`;
  out += line(cols.map((c) => escapeMarkdown(c.header)));
  out += line(cols.map((c) => (c.right ? '---:' : '---')));
  table.rows.forEach((r, i) => {
    out += line(
      cols.map((c) => {
        const { text, bold, marker } = c.cell(r, i);
        const body = bold ? `**${escapeMarkdown(text)}**` : escapeMarkdown(text);
        return marker ? `${body}${escapeMarkdown(marker)}` : body;
      }),
    );
  });
  return `${out}\n${footnoteText(table, escapeMarkdown, escapeMarkdown)}\n`;
}

/** LaTeX specials escaped for text mode; ± × — and – spelled as LaTeX, so the file is plain ASCII. */
export function escapeLatex(text: string): string {
  const map: Record<string, string> = {
    '\\': '\\textbackslash{}',
    '&': '\\&',
    '%': '\\%',
    $: '\\$',
    '#': '\\#',
    _: '\\_',
    '{': '\\{',
    '}': '\\}',
    '~': '\\textasciitilde{}',
    '^': '\\textasciicircum{}',
    '<': '\\textless{}',
    '>': '\\textgreater{}',
    '±': '$\\pm$',
    '×': '$\\times$',
    '—': '---',
    '–': '--',
  };
  return text.replace(/[\\&%$#_{}~^<>±×—–]/g, (c) => map[c]!);
}

/**
 * The table as a LaTeX `table` float with booktabs rules (needs `\usepackage{booktabs}`): caption with the
 * protocol, best figures in \textbf, markers as superscripts, the footnote under the tabular.
 */
export function comparisonLatex(table: ComparisonTable): string {
  const cols = columns(table);
  const lines = [
    '% Metric Workbench comparison table; needs \\usepackage{booktabs}',
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${escapeLatex(captionText(table))}}`,
    `\\begin{tabular}{${cols.map((c) => (c.right ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    `${cols.map((c) => escapeLatex(c.header)).join(' & ')} \\\\`,
    '\\midrule',
    ...table.rows.map(
      (r, i) =>
        `${cols
          .map((c) => {
            const { text, bold, marker } = c.cell(r, i);
            const body = bold ? `\\textbf{${escapeLatex(text)}}` : escapeLatex(text);
            return marker ? `${body}$^{${marker}}$` : body;
          })
          .join(' & ')} \\\\`,
    ),
    '\\bottomrule',
    '\\end{tabular}',
    '',
    '\\smallskip',
    `{\\footnotesize ${footnoteText(table, (m) => `$^{${m}}$`, escapeLatex)}\\par}`,
    '\\end{table}',
  ];
  return `${lines.join('\n')}\n`;
}

/** The figures of the tidy CSV, by column name, from a fold's result. */
const TIDY_FIGURES = [
  ['accuracy', (f: ReportRun['evaluation']['folds'][number]) => f.accuracy],
  ['nmi', (f) => f.nmi],
  ['ari', (f) => f.ari],
  ['precision_at_1', (f) => f.precisionAt1],
  ['map_at_r', (f) => f.mapAtR],
  ['pair_auc', (f) => f.pairAuc],
  ['fit_seconds', (f) => f.fitSeconds],
] as const satisfies ReadonlyArray<readonly [string, (f: ReportRun['evaluation']['folds'][number]) => number | null]>;

/** Per-fold results, one line per run × fold × figure (fold from 1; an empty value where a figure has none). */
export function tidyCsv(runs: readonly ReportRun[], supervisionOf: (run: ReportRun) => string): string {
  let out = csvLine(['run_id', 'method', 'supervision', 'fold', 'figure', 'value']);
  for (const run of runs) {
    const supervision = supervisionOf(run);
    for (const f of run.evaluation.folds) {
      for (const [figure, value] of TIDY_FIGURES) out += csvLine([run.runId, run.method, supervision, f.fold + 1, figure, value(f)]);
    }
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { supervisionText } from '../../shared/domain/supervision.ts';
import { buildComparisonTable, formatPValue, significanceMarker } from '../../shared/report/comparison.ts';
import { comparisonCsv, comparisonLatex, comparisonMarkdown, escapeLatex, escapeMarkdown, tidyCsv } from '../../shared/report/writers.ts';
import { evaluation, SMALL_COMPARISON } from './fixtures.ts';
import { parseBooktabsTable, parseCsv } from './parse.ts';

const table = () => buildComparisonTable(SMALL_COMPARISON, 'iris_{test}');

describe('comparison table model', () => {
  it('finds the best row and the Euclidean row, and tests every other row against both', () => {
    const t = table();
    expect(t.best).toBe(1);
    expect(t.euclidean).toBe(0);
    expect(t.rows.map((r) => r.supervision)).toEqual(['unsupervised', 'class labels', 'pairs: labeled (15)']);
    // scipy 1.10: d = a − b, t = d.mean() / sqrt((1/5 + 30/120)·d.var(ddof=1)), p = 2·stats.t.sf(|t|, 4):
    // euclidean vs nca 0.003882537046960512, itml vs nca 0.1778078083562211, itml vs euclidean 0.01613008990009254.
    expect(t.rows[0]!.vsBest!.tTest!.pValue).toBeCloseTo(0.003882537046960512, 14);
    expect(t.rows[2]!.vsBest!.tTest!.pValue).toBeCloseTo(0.1778078083562211, 14);
    expect(t.rows[2]!.vsEuclidean!.tTest!.pValue).toBeCloseTo(0.01613008990009254, 14);
    expect(t.rows[1]!.vsBest).toBeNull();
    expect(t.rows[0]!.vsEuclidean).toBeNull();
    // 5 shared folds: too few for the Wilcoxon test.
    expect(t.rows[0]!.vsBest!.wilcoxon).toBeNull();
  });

  it('pools runs of the same method and supervision over seeds (folds × seeds), and tests them with Wilcoxon', () => {
    const seeds = [0, 1];
    const accuracies = [[0.9, 0.92, 0.88, 0.91, 0.9], [0.89, 0.93, 0.9, 0.9, 0.91]];
    const runs = seeds.flatMap((seed) => [
      { runId: 100 + seed, method: 'euclidean', params: {}, supervision: { kind: 'none' as const }, evaluation: evaluation('euclidean', accuracies[seed]!, {}, {}, seed) },
      { runId: 200 + seed, method: 'lmnn', params: {}, supervision: { kind: 'labels' as const }, evaluation: evaluation('lmnn', accuracies[seed]!.map((a, f) => a + 0.01 * (f + 1)), {}, {}, seed) },
    ]);
    const t = buildComparisonTable(runs, 'x');
    expect(t.rows.map((r) => r.runIds)).toEqual([[100, 101], [200, 201]]);
    expect(t.protocol.seeds).toEqual([0, 1]);
    const vs = t.rows[0]!.vsBest!;
    expect(vs.n).toBe(10);
    // Differences −0.01·(f + 1) for both seeds: ties in |d|, so the normal approximation (scipy method='approx').
    expect(vs.wilcoxon!.mode).toBe('approx');
    expect(vs.wilcoxon!.statistic).toBe(0);
  });

  it('refuses runs of different protocols, naming them', () => {
    const other = { ...SMALL_COMPARISON[0]!, runId: 99, evaluation: { ...SMALL_COMPARISON[0]!.evaluation, protocol: { folds: 5, k: 1, seed: 0, preprocess: 'zscore' as const } } };
    expect(() => buildComparisonTable([SMALL_COMPARISON[0]!, other])).toThrow(
      'Runs 11 and 99 were evaluated differently (5 folds, 3-NN, zscore vs 5 folds, 1-NN, zscore); a table compares runs of one protocol.',
    );
    expect(() => buildComparisonTable([])).toThrow('A report needs at least one evaluated run.');
  });

  it('markers and p-value text', () => {
    expect([0.2, 0.05, 0.049, 0.01, 0.0099, null].map(significanceMarker)).toEqual(['', '', '*', '*', '**', '']);
    expect([0.0004, 0.0123, null].map(formatPValue)).toEqual(['<0.001', '0.012', '–']);
  });
});

describe('report writers (exact text for a small fixed comparison)', () => {
  it('CSV: one line per row, full precision', () => {
    expect(comparisonCsv(table())).toBe(
    [
      'run_ids,method,params,supervision,folds,k,preprocess,seeds,accuracy_mean,accuracy_std,nmi,ari,precision_at_1,map_at_r,pair_auc,pair_auc_pairs,pair_auc_source,best,p_vs_best_t,p_vs_best_wilcoxon,p_vs_euclidean_t,p_vs_euclidean_wilcoxon',
      '11,euclidean,{},unsupervised,5,3,zscore,0,0.9,0.02108185106778919,0.79,0.7,0.9,0.85,0.75,5,labeled,0,0.0038825370469605176,,,',
      '12,nca,"{""max_iter"":100}",class labels,5,3,zscore,0,0.9600000000000002,0.024944382578492935,0.8200000000000001,0.7,0.9,0.85,0.75,5,labeled,1,,,0.0038825370469605176,',
      '13,itml,"{""gamma"":1}",pairs: labeled (15),5,3,zscore,0,0.9400000000000001,0.013333333333333332,0.8200000000000001,0.7,0.9,0.85,0.75,5,labeled,0,0.17780780835622162,,0.01613008990009257,',
    ].join('\n') + '\n',
    );
  });

  it('Markdown: caption, bold best, markers, footnote', () => {
    expect(comparisonMarkdown(table())).toBe(
    [
      '**iris\\_{test}: 3-NN accuracy (%), mean ± std over 5 folds. Protocol: stratified 5-fold CV (seed 0), 3-NN, z-score preprocessing fitted on each training part; supervision: unsupervised; class labels; pairs: labeled (15).**',
      '',
      '| Method | Supervision | Accuracy (%) | NMI | P@1 (%) | Pair AUC | p vs best | p vs Euclidean |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| euclidean | unsupervised | 90.0 ± 2.1\\*\\* | 0.790 | **90.0** | n/a — only 5 held-out labeled pairs | 0.004 | – |',
      '| nca | class labels | **96.0 ± 2.5** | **0.820** | **90.0** | n/a — only 5 held-out labeled pairs | – | 0.004 |',
      '| itml | pairs: labeled (15) | 94.0 ± 1.3 | **0.820** | **90.0** | n/a — only 5 held-out labeled pairs | 0.178 | 0.016 |',
      '',
      '\\* p < 0.05, \\*\\* p < 0.01: differs from the best (bold) by the corrected resampled t-test (Nadeau & Bengio), paired over the same folds; p columns: its two-sided p against the best and against Euclidean.',
    ].join('\n') + '\n',
    );
  });

  it('LaTeX: booktabs, escaped specials, caption with the protocol, footnote naming the test', () => {
    expect(comparisonLatex(table())).toBe(
    [
      '% Metric Workbench comparison table; needs \\usepackage{booktabs}',
      '\\begin{table}[t]',
      '\\centering',
      '\\caption{iris\\_\\{test\\}: 3-NN accuracy (\\%), mean $\\pm$ std over 5 folds. Protocol: stratified 5-fold CV (seed 0), 3-NN, z-score preprocessing fitted on each training part; supervision: unsupervised; class labels; pairs: labeled (15).}',
      '\\begin{tabular}{llrrrrrr}',
      '\\toprule',
      'Method & Supervision & Accuracy (\\%) & NMI & P@1 (\\%) & Pair AUC & p vs best & p vs Euclidean \\\\',
      '\\midrule',
      'euclidean & unsupervised & 90.0 $\\pm$ 2.1$^{**}$ & 0.790 & \\textbf{90.0} & n/a --- only 5 held-out labeled pairs & 0.004 & -- \\\\',
      'nca & class labels & \\textbf{96.0 $\\pm$ 2.5} & \\textbf{0.820} & \\textbf{90.0} & n/a --- only 5 held-out labeled pairs & -- & 0.004 \\\\',
      'itml & pairs: labeled (15) & 94.0 $\\pm$ 1.3 & \\textbf{0.820} & \\textbf{90.0} & n/a --- only 5 held-out labeled pairs & 0.178 & 0.016 \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      '',
      '\\smallskip',
      '{\\footnotesize $^{*}$ p \\textless{} 0.05, $^{**}$ p \\textless{} 0.01: differs from the best (bold) by the corrected resampled t-test (Nadeau \\& Bengio), paired over the same folds; p columns: its two-sided p against the best and against Euclidean.\\par}',
      '\\end{table}',
    ].join('\n') + '\n',
    );
  });

  it('tidy CSV: one line per run × fold × figure', () => {
    const text = tidyCsv(SMALL_COMPARISON.slice(2), (r) => (r.supervision ? supervisionText(r.supervision) : ''));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 5 * 7);
    expect(lines.slice(0, 9)).toEqual([
      'run_id,method,supervision,fold,figure,value',
      '13,itml,pairs: labeled (15),1,accuracy,0.9333333333333333',
      '13,itml,pairs: labeled (15),1,nmi,0.8',
      '13,itml,pairs: labeled (15),1,ari,0.7',
      '13,itml,pairs: labeled (15),1,precision_at_1,0.9',
      '13,itml,pairs: labeled (15),1,map_at_r,0.85',
      '13,itml,pairs: labeled (15),1,pair_auc,0.75',
      '13,itml,pairs: labeled (15),1,fit_seconds,0.5',
      '13,itml,pairs: labeled (15),2,accuracy,0.9666666666666667',
    ]);
    expect(lines.at(-1)).toBe('13,itml,pairs: labeled (15),5,fit_seconds,0.54');
  });

  it('escapes LaTeX and Markdown specials in names', () => {
    expect(escapeLatex('a_b & c% $d# {e} ~f ^g \\h <i>')).toBe('a\\_b \\& c\\% \\$d\\# \\{e\\} \\textasciitilde{}f \\textasciicircum{}g \\textbackslash{}h \\textless{}i\\textgreater{}');
    expect(escapeMarkdown('a|b *c* _d_')).toBe('a\\|b \\*c\\* \\_d\\_');
  });
});

describe('report files read back by the structure checkers (pdflatex and pandas: scripts/check-report.sh)', () => {
  it('the LaTeX table parses: one cell per column, booktabs rules in order, escaped specials', () => {
    const t = table();
    const parsed = parseBooktabsTable(comparisonLatex(t));
    expect(parsed.spec).toBe('llrrrrrr');
    expect(parsed.header[0]).toBe('Method');
    expect(parsed.rows.map((r) => r[0])).toEqual(['euclidean', 'nca', 'itml']);
    expect(parsed.caption).toContain('iris\\_\\{test\\}');
    expect(() => parseBooktabsTable(comparisonLatex(t).replace('\\midrule', ''))).toThrow('the tabular is not \\toprule, header, \\midrule, rows, \\bottomrule');
    expect(() => parseBooktabsTable(comparisonLatex(t).replace('iris\\_', 'iris_'))).toThrow('line 3: an unescaped _');
  });

  it('the CSV files parse into rectangular tables', () => {
    const csv = parseCsv(comparisonCsv(table()));
    expect(csv.map((r) => r.length)).toEqual([22, 22, 22, 22]);
    expect(csv[2]![2]).toBe('{"max_iter":100}');
    const tidy = parseCsv(tidyCsv(SMALL_COMPARISON, () => 'a, "quoted" name'));
    expect(tidy).toHaveLength(1 + 3 * 5 * 7);
    expect(tidy[1]).toEqual(['11', 'euclidean', 'a, "quoted" name', '1', 'accuracy', '0.9']);
  });
});

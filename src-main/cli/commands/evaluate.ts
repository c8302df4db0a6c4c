/** `workbench evaluate`: cross-validates one method in a background job; the result is stored as a run. */
import { getLearner } from '../../../shared/engine/registry.ts';
import type { EvaluationResult } from '../../../shared/engine/evaluation/evaluate.ts';
import { PAIR_AUC_MIN_PAIRS, pairAucText } from '../../../shared/engine/evaluation/pair-auc.ts';
import { supervisionText } from '../../../shared/domain/supervision.ts';
import type { CliCommand } from '../command.ts';
import { formatTable } from '../format.ts';
import { COMMON_JOB_HELP, COMMON_JOB_OPTIONS, CV_HELP, CV_OPTIONS, commonSpec, parseParams, runJobFromCli, stringList } from './job-options.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)}%`);

/** One line per metric for the human output. */
export function describeEvaluation(e: EvaluationResult, runId?: number): string {
  const head = `${runId === undefined ? '' : `Run ${runId}: `}${e.method}, ${e.protocol.folds}-fold ${e.protocol.k}-NN, seed ${e.protocol.seed}, ${e.protocol.preprocess}${e.protocol.reduce === undefined ? '' : `, PCA to ${e.protocol.reduce} first`}${e.supervision ? `, ${supervisionText(e.supervision)}` : ''}`;
  if (e.accuracy === null) return describeRegression(e, head);
  return [
    head,
    `  accuracy      ${pct(e.accuracy.mean)} ± ${pct(e.accuracy.std)}   folds: ${e.accuracy.folds.map((a) => pct(a)).join(' ')}`,
    `  fit time      median ${e.fitSeconds.median.toFixed(3)} s`,
    `  NMI / ARI     ${num(e.nmi, 4)} / ${num(e.ari, 4)}`,
    `  P@1 / MAP@R   ${pct(e.precisionAt1)} / ${pct(e.mapAtR)}`,
    `  pair ROC-AUC  ${pairAucText(e.pairAuc, e.pairAucPairs, e.pairAucSource, 4)}`,
  ].join('\n');
}

/** A regression evaluation (kNN regression, KFold): RMSE, MAE and R² with their spread and per fold. */
function describeRegression(e: EvaluationResult, head: string): string {
  const figure = (f: EvaluationResult['rmse'], digits: number) =>
    f ? `${f.mean.toFixed(digits)} ± ${f.std.toFixed(digits)}   folds: ${f.folds.map((v) => v.toFixed(digits)).join(' ')}` : '–';
  return [
    head,
    `  RMSE          ${figure(e.rmse, 3)}`,
    `  MAE           ${figure(e.mae, 3)}`,
    `  R²            ${figure(e.r2, 4)}`,
    `  fit time      median ${e.fitSeconds.median.toFixed(3)} s`,
    `  pair ROC-AUC  ${num(e.pairAuc, 4)}`,
  ].join('\n');
}

const num = (x: number | null | undefined, digits: number): string => (x === null || x === undefined ? '–' : x.toFixed(digits));

export function comparisonTable(evaluations: ReadonlyArray<EvaluationResult & { runId?: number }>): string {
  if (evaluations.length > 0 && evaluations.every((e) => e.accuracy === null)) return regressionTable(evaluations);
  return formatTable(evaluations, [
    { header: 'RUN', value: (e) => e.runId ?? '', right: true },
    { header: 'METHOD', value: (e) => e.method },
    { header: 'SUPERVISION', value: (e) => (e.supervision ? supervisionText(e.supervision) : '') },
    { header: 'ACCURACY', value: (e) => pct(e.accuracy?.mean), right: true },
    { header: '± STD', value: (e) => pct(e.accuracy?.std), right: true },
    { header: 'FIT S (MEDIAN)', value: (e) => e.fitSeconds.median.toFixed(3), right: true },
    { header: 'NMI', value: (e) => num(e.nmi, 3), right: true },
    { header: 'P@1', value: (e) => pct(e.precisionAt1), right: true },
    { header: 'PAIR AUC', value: (e) => pairAucText(e.pairAuc, e.pairAucPairs, e.pairAucSource), right: true },
  ]);
}

/** The comparison table of regression evaluations: RMSE (lower is better), R² (higher is better), MAE. */
function regressionTable(evaluations: ReadonlyArray<EvaluationResult & { runId?: number }>): string {
  return formatTable(evaluations, [
    { header: 'RUN', value: (e) => e.runId ?? '', right: true },
    { header: 'METHOD', value: (e) => e.method },
    { header: 'RMSE', value: (e) => num(e.rmse?.mean, 3), right: true },
    { header: '± STD', value: (e) => num(e.rmse?.std, 3), right: true },
    { header: 'R²', value: (e) => num(e.r2?.mean, 4), right: true },
    { header: 'MAE', value: (e) => num(e.mae?.mean, 3), right: true },
    { header: 'FIT S (MEDIAN)', value: (e) => e.fitSeconds.median.toFixed(3), right: true },
  ]);
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Cross-validate a method (kNN accuracy, NMI, ARI, retrieval, pair AUC) in a background job.',
  usage:
    'workbench evaluate --dataset ID --method M [--param key=value]… [--folds F] [--k K] [--workers N] [--seed S] [--preprocess zscore|minmax|none] [--constraints labeled|generated]',
  help: [
    'Options:',
    '  --method M                         see `workbench methods`',
    ...COMMON_JOB_HELP,
    ...CV_HELP,
    '',
    'Preprocessing and the metric are fitted on each training part only. Accuracies are fractions in [0, 1].',
    'JSON output: {"evaluation": {"dataset", "method", "params", "protocol": {"folds", "k", "seed", "preprocess"},',
    '  "accuracy": {"mean", "std", "folds": []}, "fitSeconds": {"median", "folds": []}, "nmi", "ari",',
    '  "precisionAt1", "mapAtR", "pairAuc", "pairAucPairs" (held-out pairs behind pairAuc), "pairAucSource": "labeled"|"generated",',
    '  "supervision": {"kind": "none"|"labels"|"pairs"|…, "source"?, "count"?, "perFold"?}, "runId", "folds": [per-fold detail]}}',
    `Pair AUC is shown as n/a below ${PAIR_AUC_MIN_PAIRS} held-out pairs.`,
    'On a regression dataset (imported with --target): KFold(shuffle=True, random_state=seed) folds, kNN regression',
    '  (mean of the k nearest targets), and "rmse", "mae", "r2": {"mean", "std", "folds": []} (per fold too); the',
    '  classification figures (accuracy, nmi, ari, precisionAt1, mapAtR) are null.',
  ].join('\n'),
  options: { ...COMMON_JOB_OPTIONS, ...CV_OPTIONS, method: { type: 'string', short: 'm' } },
  async run(ctx) {
    const method = getLearner(ctx.requireOption('method')).name;
    const params = parseParams(method, getLearner(method).params, stringList(ctx, 'param'));
    const spec = { kind: 'evaluate' as const, method, params, ...(await commonSpec(ctx, true)) };
    const { outcome, job } = await runJobFromCli(ctx, spec, `evaluate ${method}`);
    if (outcome.result.kind !== 'evaluate') throw new Error('evaluate: unexpected job result');
    const evaluation = { ...outcome.result.evaluation, runId: job.runIds[0]! };
    ctx.out({ evaluation }, describeEvaluation(evaluation, evaluation.runId));
    return 0;
  },
};

/** `workbench learn`: fits a metric on the whole dataset in a background job and stores it as a run. */
import { describeConvergence, formatObjective } from '../../../shared/domain/learned-metric.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import { definedFields } from '../../../shared/objects.ts';
import type { CliCommand } from '../command.ts';
import { COMMON_JOB_HELP, COMMON_JOB_OPTIONS, commonSpec, parseParams, runJobFromCli, stringList } from './job-options.ts';

/** " (CPU 22.9 s, 1.86 cores busy)" where the fit's CPU time is known. */
function cpuNote(summary: { fitSeconds: number; fitCpuSeconds?: number }): string {
  if (summary.fitCpuSeconds === undefined || !(summary.fitSeconds > 0)) return '';
  return ` (CPU ${summary.fitCpuSeconds.toFixed(1)} s, ${(summary.fitCpuSeconds / summary.fitSeconds).toFixed(2)} cores busy)`;
}

export const learnCommand: CliCommand = {
  name: 'learn',
  summary: 'Learn a metric on a whole dataset (a background job) and store it as a run.',
  usage:
    'workbench learn --dataset ID --method M [--param key=value]… [--seed S] [--preprocess zscore|minmax|none] [--constraints labeled|generated] [--workers N] [--subsample N]',
  help: [
    'Options:',
    '  --method M                         euclidean, covariance, pca, lda, nca, mmc, mmc-diagonal, itml, lmnn',
    ...COMMON_JOB_HELP,
    '  --workers N                        threads of the fit (its row-block products: nca, lmnn, mmc, and the covariance',
    '                                     and scatter products of pca, lda, covariance); default every core for',
    '                                     datasets of 200,000+ cells, else 1. The learned metric is identical for every N.',
    '  --subsample N                      fit on N rows drawn at random (seeded by --seed) instead of every row, for',
    '                                     datasets too big to fit on whole: preprocessing and learner see only them;',
    '                                     the stored metric maps every row (score --run uses all rows as reference)',
    '',
    'Progress goes to stderr; Ctrl-C cancels the job and records the run as cancelled (exit 130).',
    'JSON output: {"run": {"id", "method", "params", "fitSeconds", "iterations", "converged", "stopReason", "objective", "components": [k, d]}}',
    'stopReason: tolerance | projections (converged), maxIter | saturated | stalled (not converged), null (closed form).',
  ].join('\n'),
  options: { ...COMMON_JOB_OPTIONS, method: { type: 'string', short: 'm' }, workers: { type: 'string' }, subsample: { type: 'string' } },
  async run(ctx) {
    const method = getLearner(ctx.requireOption('method')).name;
    const params = parseParams(method, getLearner(method).params, stringList(ctx, 'param'));
    const subsample = ctx.option('subsample');
    const spec = {
      kind: 'learn' as const,
      method,
      params,
      ...(await commonSpec(ctx, false)),
      ...(subsample === undefined ? {} : { subsample: ctx.integer(subsample, '--subsample', { min: 2 }) }),
    };
    const { outcome, job } = await runJobFromCli(ctx, spec, `learn ${method}`);
    if (outcome.result.kind !== 'learn') throw new Error('learn: unexpected job result');
    const m = outcome.result.metric;
    const run = {
      id: job.runIds[0]!,
      datasetId: spec.datasetId,
      method: m.method,
      params: m.params,
      seed: m.seed,
      preprocess: m.preprocessing.kind,
      fitSeconds: m.summary.fitSeconds,
      ...definedFields({ fitCpuSeconds: m.summary.fitCpuSeconds }),
      iterations: m.summary.iterations,
      converged: m.summary.converged,
      stopReason: m.summary.stopReason,
      objective: m.summary.objective,
      components: [m.nComponents, m.nFeatures] as [number, number],
      dropped: m.preprocessing.dropped,
    };
    ctx.out(
      { run },
      `Run ${run.id}: ${m.method} learned L ${m.nComponents}×${m.nFeatures} in ${m.summary.fitSeconds.toFixed(3)} s${cpuNote(m.summary)}, ` +
        `${m.summary.iterations} iteration${m.summary.iterations === 1 ? '' : 's'}, ${describeConvergence(m.summary)}` +
        (m.summary.objective === null ? '.' : `; objective ${formatObjective(m.summary.objective)}.`),
    );
    return 0;
  },
};

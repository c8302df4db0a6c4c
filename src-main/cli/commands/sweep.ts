/** `workbench sweep`: accuracy against the number of constraints (pairs, chunklets, comparisons or quadruplets) of a method (one job, one run). */
import type { SweepResult } from '../../../shared/domain/job.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { formatTable } from '../format.ts';
import { COMMON_JOB_HELP, COMMON_JOB_OPTIONS, CV_HELP, CV_OPTIONS, parseParams, sweepCommonSpec, runJobFromCli, stringList } from './job-options.ts';

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);

export function sweepTable(sweep: SweepResult): string {
  return formatTable(sweep.points, [
    { header: 'N', value: (p) => p.count, right: true },
    { header: 'USED', value: (p) => p.used.join('/'), right: true },
    { header: 'ACCURACY', value: (p) => pct(p.mean), right: true },
    { header: '± STD', value: (p) => pct(p.std), right: true },
    { header: 'PER SEED', value: (p) => p.error ?? p.accuracies.map(pct).join(' ') },
  ]);
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary: 'Accuracy vs number of constraints (pairs, chunklets, comparisons, quadruplets) for a method (mean ± std over seeds per N).',
  usage:
    'workbench sweep --dataset ID --method M [--counts 0,10,50] [--seeds 3] [--param key=value]… [--folds F] [--k K] [--workers N] [--seed S] [--preprocess P] [--constraints labeled|generated|suggested]',
  help: [
    'Options:',
    '  --method M                         a method that learns from constraints: mmc, mmc-diagonal, itml, sdml,',
    '                                     rca (chunklets), scml (comparisons), lsml (quadruplets)',
    '  --counts N1,N2,…                   numbers of constraints (default 0,10,20,50,100,200,500)',
    '  --seeds S                          seeds per N: seed, seed+1, … (default 3)',
    '  --constraints suggested            (sweep only, besides labeled|generated) active-learning pairs or',
    '                                     comparisons (pairs, comparison and quadruplet learners)',
    ...COMMON_JOB_HELP,
    ...CV_HELP,
    '',
    'labeled: the first N of your labeled pairs (comparisons for scml, lsml) in labeling order; generated:',
    'N/2 must-link and N/2 cannot-link pairs (N chunklets, comparisons, quadruplets) drawn from each fold\'s',
    'training labels; suggested: N pairs or comparisons chosen by active learning (the most uncertain under',
    'the metric learned so far, refitted every ~N/4) inside each fold\'s training part and labeled from its',
    'class labels (a comparison: anchor, a same-class row, an other-class row at nearly equal distance; lsml',
    'gets the quadruplets (a,b,a,c) of each). N = 0 is the Euclidean baseline.',
    'JSON output: {"sweep": {"runId", "method", "params", "constraintSource", "protocol", "seeds",',
    '  "points": [{"count", "used": [], "accuracies": [], "mean", "std"}]}}',
  ].join('\n'),
  options: { ...COMMON_JOB_OPTIONS, ...CV_OPTIONS, method: { type: 'string', short: 'm' }, counts: { type: 'string' }, seeds: { type: 'string' } },
  async run(ctx) {
    const method = getLearner(ctx.requireOption('method')).name;
    const params = parseParams(method, getLearner(method).params, stringList(ctx, 'param'));
    const countsText = ctx.option('counts');
    const counts = countsText?.split(',').map((c) => {
      const text = c.trim();
      if (!/^\d+$/.test(text)) throw new UsageError(`--counts must be a comma-separated list of integers ≥ 0, got '${countsText}'.`);
      return Number(text);
    });
    const seedsText = ctx.option('seeds');
    const spec = {
      kind: 'sweep' as const,
      method,
      params,
      ...(counts ? { counts } : {}),
      ...(seedsText === undefined ? {} : { seeds: ctx.integer(seedsText, '--seeds', { min: 1, max: 100 }) }),
      ...(await sweepCommonSpec(ctx)),
    };
    const { outcome, job } = await runJobFromCli(ctx, spec, `sweep ${method}`);
    if (outcome.result.kind !== 'sweep') throw new Error('sweep: unexpected job result');
    const sweep = { runId: job.runIds[0]!, ...outcome.result.sweep };
    ctx.out({ sweep }, `Run ${sweep.runId}: ${method}, ${sweep.constraintSource} constraints, seeds ${sweep.seeds.join(', ')}\n${sweepTable(sweep)}`);
    return 0;
  },
};

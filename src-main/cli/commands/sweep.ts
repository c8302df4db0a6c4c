/**
 * `workbench sweep`: accuracy against the number of constraints (pairs, chunklets, comparisons or quadruplets) of a
 * method, or (`--answers --pairs-method --comparisons-method`) pairs against comparisons over the number of answers
 * (one job, one run).
 */
import { isAnswersSweep, type AnswersSweepResult, type SweepResult } from '../../../shared/domain/job.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
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

/** A pairs-vs-comparisons sweep as a table: one line per number of answers, both curves side by side. */
export function answersSweepTable(sweep: AnswersSweepResult): string {
  const cell = (p: AnswersSweepResult['curves'][number]['points'][number] | undefined): string =>
    p === undefined ? '' : p.error !== undefined ? `– (${p.error})` : `${pct(p.mean)} ± ${pct(p.std)}`;
  const header = `euclidean: ${pct(sweep.baseline.mean)} ± ${pct(sweep.baseline.std)} (${sweep.constraintSource} answers, seeds ${sweep.seeds.join(', ')})`;
  const rows = sweep.answers.map((answers, i) => ({ answers, i }));
  return `${header}\n${formatTable(rows, [
    { header: 'ANSWERS', value: (r) => r.answers, right: true },
    ...sweep.curves.map((curve) => ({ header: `${curve.supervision.toUpperCase()} (${curve.method})`, value: (r: { i: number }) => cell(curve.points[r.i]), right: true })),
  ])}`;
}

/** Parses a comma-separated list of integers ≥ 0 (`--counts`, `--answers`). */
function countList(flag: string, text: string): number[] {
  return text.split(',').map((c) => {
    const item = c.trim();
    if (!/^\d+$/.test(item)) throw new UsageError(`${flag} must be a comma-separated list of integers ≥ 0, got '${text}'.`);
    return Number(item);
  });
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary: 'Accuracy vs number of constraints (pairs, chunklets, comparisons, quadruplets) for a method (mean ± std over seeds per N).',
  usage:
    'workbench sweep --dataset ID --method M [--counts 0,10,50] [--seeds 3] [--param key=value]… [--folds F] [--k K] [--workers N] [--seed S] [--preprocess P] [--constraints labeled|generated|suggested]\n' +
    '       workbench sweep --dataset ID --answers 0,10,20,50,100,200 --pairs-method M --comparisons-method M [--constraints generated|suggested] [--seeds 3] …',
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
    '',
    'Pairs or comparisons, which gets more per answer:',
    '  --answers N1,N2,…                  numbers of answers (default 0,10,20,50,100,200)',
    '  --pairs-method M                   a learner of pairs (mmc, mmc-diagonal, itml, sdml), given N pairs',
    '  --comparisons-method M             a learner of comparisons (scml, lsml), given N comparisons',
    '  --pairs-param / --comparisons-param key=value   their parameters',
    'Both are answered by an oracle that knows the training fold\'s class labels (generated: drawn at random,',
    'the default; suggested: chosen by active learning), on the same folds and seeds; 0 answers is Euclidean.',
    'JSON output: {"sweep": {"runId", "kind": "answers", "answers", "constraintSource", "protocol", "seeds",',
    '  "baseline": {"method": "euclidean", "accuracies", "mean", "std"},',
    '  "curves": [{"supervision": "pairs"|"comparisons", "method", "params", "source",',
    '    "points": [{"answers", "used": [], "accuracies": [], "mean", "std"}]}]}}',
  ].join('\n'),
  options: {
    ...COMMON_JOB_OPTIONS,
    ...CV_OPTIONS,
    method: { type: 'string', short: 'm' },
    counts: { type: 'string' },
    seeds: { type: 'string' },
    answers: { type: 'string' },
    'pairs-method': { type: 'string' },
    'comparisons-method': { type: 'string' },
    'pairs-param': { type: 'string', multiple: true },
    'comparisons-param': { type: 'string', multiple: true },
  },
  async run(ctx) {
    const given = (flag: string): boolean => ctx.values[flag] !== undefined;
    if (['answers', 'pairs-method', 'comparisons-method', 'pairs-param', 'comparisons-param'].some(given)) {
      if (['method', 'counts', 'param'].some(given)) {
        throw new UsageError('sweep: --method, --counts and --param sweep one method; --answers, --pairs-method and --comparisons-method compare pairs with comparisons. Use one set.');
      }
      return runAnswersSweep(ctx);
    }
    const method = getLearner(ctx.requireOption('method')).name;
    const params = parseParams(method, getLearner(method).params, stringList(ctx, 'param'));
    const countsText = ctx.option('counts');
    const counts = countsText === undefined ? undefined : countList('--counts', countsText);
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
    if (outcome.result.kind !== 'sweep' || isAnswersSweep(outcome.result.sweep)) throw new Error('sweep: unexpected job result');
    const sweep = { runId: job.runIds[0]!, ...outcome.result.sweep };
    ctx.out({ sweep }, `Run ${sweep.runId}: ${method}, ${sweep.constraintSource} constraints, seeds ${sweep.seeds.join(', ')}\n${sweepTable(sweep)}`);
    return 0;
  },
};

/** `sweep --answers … --pairs-method P --comparisons-method C`: one job whose run holds both curves. */
async function runAnswersSweep(ctx: CliContext): Promise<number> {
  const pairsMethod = getLearner(ctx.requireOption('pairs-method')).name;
  const comparisonsMethod = getLearner(ctx.requireOption('comparisons-method')).name;
  const answersText = ctx.option('answers');
  const seedsText = ctx.option('seeds');
  const spec = {
    kind: 'sweep' as const,
    method: pairsMethod,
    params: parseParams(pairsMethod, getLearner(pairsMethod).params, stringList(ctx, 'pairs-param')),
    versus: { method: comparisonsMethod, params: parseParams(comparisonsMethod, getLearner(comparisonsMethod).params, stringList(ctx, 'comparisons-param')) },
    ...(answersText === undefined ? {} : { counts: countList('--answers', answersText) }),
    ...(seedsText === undefined ? {} : { seeds: ctx.integer(seedsText, '--seeds', { min: 1, max: 100 }) }),
    ...(await sweepCommonSpec(ctx)),
  };
  const { outcome, job } = await runJobFromCli(ctx, spec, `sweep ${pairsMethod} vs ${comparisonsMethod}`);
  if (outcome.result.kind !== 'sweep' || !isAnswersSweep(outcome.result.sweep)) throw new Error('sweep: unexpected job result');
  const sweep = { runId: job.runIds[0]!, ...outcome.result.sweep };
  ctx.out({ sweep }, `Run ${sweep.runId}: pairs (${pairsMethod}) vs comparisons (${comparisonsMethod}), accuracy per number of answers\n${answersSweepTable(sweep)}`);
  return 0;
}

/** `workbench compare`: cross-validates several methods under the same protocol (same folds) in one job. */
import { getLearner } from '../../../shared/engine/registry.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { comparisonTable } from './evaluate.ts';
import { COMMON_JOB_HELP, COMMON_JOB_OPTIONS, CV_HELP, CV_OPTIONS, commonSpec, paramsForMethods, runJobFromCli, stringList } from './job-options.ts';

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Cross-validate several methods on the same folds (one job; one stored run per method).',
  usage:
    'workbench compare --dataset ID --methods a,b,c [--param key=value]… [--folds F] [--k K] [--workers N] [--seed S] [--preprocess zscore|minmax|none] [--constraints labeled|generated]',
  help: [
    'Options:',
    '  --methods a,b,c                    methods to compare, in this order (see `workbench methods`)',
    ...COMMON_JOB_HELP,
    '                                     --param key=value applies to every listed method that has `key`;',
    '                                     --param method.key=value to that method only',
    ...CV_HELP,
    '',
    'JSON output: {"comparison": [evaluation, …], "runId": the parent run} (evaluation as in `workbench evaluate`)',
  ].join('\n'),
  options: { ...COMMON_JOB_OPTIONS, ...CV_OPTIONS, methods: { type: 'string' } },
  async run(ctx) {
    const names = ctx
      .requireOption('methods')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    if (names.length === 0) throw new UsageError('--methods needs at least one method, e.g. --methods euclidean,nca.');
    const methods = names.map((m) => getLearner(m).name);
    const duplicate = methods.find((m, k) => methods.indexOf(m) !== k);
    if (duplicate) throw new UsageError(`--methods lists '${duplicate}' twice.`);
    const params = paramsForMethods(methods, stringList(ctx, 'param'));
    const spec = { kind: 'compare' as const, methods: methods.map((method) => ({ method, params: params[method]! })), ...(await commonSpec(ctx, true)) };
    const { outcome, job } = await runJobFromCli(ctx, spec, `compare ${methods.join(', ')}`);
    if (outcome.result.kind !== 'compare') throw new Error('compare: unexpected job result');
    const comparison = outcome.result.evaluations.map((e, k) => ({ ...e, runId: job.runIds[k + 1]! }));
    ctx.out({ comparison, runId: job.runIds[0]! }, comparisonTable(comparison));
    return 0;
  },
};

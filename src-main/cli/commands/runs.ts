/** `workbench runs [--dataset ID]`: the experiment history, newest first (`runs.list` through the gateway). */
import type { RunListItem } from '../../../shared/ipc/schemas.ts';
import { supervisionText } from '../../../shared/domain/supervision.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { formatTable } from '../format.ts';
import { datasetByRef } from './datasets.ts';

export function runsTable(runs: readonly RunListItem[]): string {
  return formatTable(runs, [
    { header: 'ID', value: (r) => r.id, right: true },
    { header: 'DATASET', value: (r) => r.datasetId ?? '', right: true },
    { header: 'KIND', value: (r) => r.kind },
    { header: 'METHOD', value: (r) => r.method ?? '' },
    { header: 'SUPERVISION', value: (r) => (r.supervision ? supervisionText(r.supervision) : '') },
    { header: 'STATUS', value: (r) => r.status },
    { header: 'SEED', value: (r) => r.seed ?? '', right: true },
    { header: 'RESULT', value: (r) => (r.accuracy !== null ? `accuracy ${(100 * r.accuracy).toFixed(2)}%` : r.components ? `L ${r.components[0]}×${r.components[1]}` : (r.error ?? '')) },
    { header: 'GRID', value: (r) => (r.grid ? `${r.grid.id.slice(0, 8)} #${r.grid.cell} ${r.grid.where}` : '') },
    { header: 'CREATED', value: (r) => r.createdAt },
  ], '(no runs)');
}

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'List the experiment history (runs), newest first.',
  usage: 'workbench runs [--dataset ID] [--all] [--limit N]',
  help: [
    'Runs left running by a process that no longer exists (a crash) are marked interrupted first.',
    '',
    'Options:',
    '  --dataset ID   only runs on this dataset',
    '  --all          include the per-method runs inside comparisons',
    '  --limit N      at most N runs',
    '',
    'JSON output: {"runs": [{"id", "datasetId", "datasetHash", "kind", "method", "params", "seed", "status",',
    '  "createdAt", "finishedAt", "parentRunId", "error", "accuracy", "components",',
    '  "grid": null | {"id", "cell", "where": "local"|"slurm", "host", "slurmJobId", "slurmArrayTaskId"},',
    '  "supervision": null | {"kind": "none"|"labels"|"pairs"|…, "source"?: "labeled"|"generated"|"suggested",',
    '  "count"?: hand-labeled pairs given (or generated, whole-dataset fit), "perFold"?: generated per training fold}}]}',
  ].join('\n'),
  options: { dataset: { type: 'string', short: 'd' }, all: { type: 'boolean' }, limit: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const ref = ctx.option('dataset');
    const limit = ctx.option('limit');
    const request = {
      ...(ref === undefined ? {} : { datasetId: (await datasetByRef(ctx, ref)).id }),
      ...(ctx.flag('all') ? { includeChildren: true } : {}),
      ...(limit === undefined ? {} : { limit: ctx.integer(limit, '--limit', { min: 1 }) }),
    };
    // Through the gateway, on a workbench whose runner first marks runs left running by a process that died
    // (a crash, kill -9) as interrupted, so they are not shown as running.
    const { runs } = await ctx.call('runs.list', request);
    ctx.out({ runs }, runsTable(runs));
    return 0;
  },
};

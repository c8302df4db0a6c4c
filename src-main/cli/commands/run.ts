/** `workbench run show ID` and `workbench run rerun ID`. */
import { isAnswersSweep } from '../../../shared/domain/job.ts';
import { describeConvergence, formatObjective } from '../../../shared/domain/learned-metric.ts';
import type { RunDetail } from '../../../shared/ipc/schemas.ts';
import type { JobResult } from '../../jobs/types.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { formatRecord } from '../format.ts';
import { describeEvaluation } from './evaluate.ts';
import { rerunJobFromCli } from './job-options.ts';
import { runsTable } from './runs.ts';
import { answersSweepTable, sweepTable } from './sweep.ts';

/** What `run show` says about the comparisons a run learned from: how many, their origins, the list. */
export interface ComparisonsUsed {
  count: number;
  /** Per origin (manual, generated, imported) as the dataset stores them now; 'not stored' for one since removed. */
  origins: Record<string, number>;
  list: Array<[number, number, number]>;
}

/**
 * The hand-labeled comparisons a run learned from (its protocol records them, in labeling order), with the origin
 * each has in the dataset's comparisons (`comparisons.list`, read now; a comparison removed since counts as
 * 'not stored'); null when the run used none, or its dataset is gone.
 */
async function comparisonsUsed(ctx: CliContext, run: RunDetail): Promise<ComparisonsUsed | null> {
  const list = run.protocol?.comparisons;
  if (!Array.isArray(list) || run.datasetId === null) return null;
  const triples = list as Array<[number, number, number]>;
  const { comparisons } = await ctx.call('comparisons.list', { datasetId: run.datasetId });
  const originOf = new Map(comparisons.map((c) => [`${c.anchor},${c.closer},${c.farther}`, c.origin ?? 'unknown']));
  const origins: Record<string, number> = {};
  for (const t of triples) {
    const origin = originOf.get(t.join(',')) ?? 'not stored';
    origins[origin] = (origins[origin] ?? 0) + 1;
  }
  return { count: triples.length, origins, list: triples };
}

function describeComparisons(used: ComparisonsUsed): string {
  const origins = Object.entries(used.origins).map(([origin, n]) => `${n} ${origin}`).join(', ');
  return `Comparisons: ${used.count} of yours (${origins}); the list is in --json (run.comparisons.list).`;
}

function describeRun(run: RunDetail, used: ComparisonsUsed | null): string {
  const lines = [
    formatRecord({
      id: run.id,
      kind: run.kind,
      method: run.method ?? '',
      status: run.status,
      dataset: run.datasetId ?? '',
      datasetHash: run.datasetHash ?? '',
      params: run.params,
      protocol: run.protocol ? Object.fromEntries(Object.entries(run.protocol).filter(([k]) => k !== 'job' && k !== 'constraints' && k !== 'comparisons')) : '',
      seed: run.seed ?? '',
      appVersion: run.appVersion,
      createdAt: run.createdAt,
      startedAt: run.startedAt ?? '',
      finishedAt: run.finishedAt ?? '',
      timings: run.timings ?? '',
      ...(run.error ? { error: run.error } : {}),
    }),
  ];
  if (used) lines.push('', describeComparisons(used));
  if (run.metric) {
    const m = run.metric;
    lines.push('', `Learned metric: L ${m.shape[0]}×${m.shape[1]}, ${m.summary.iterations} iterations, ${m.summary.converged ? 'converged' : 'not converged'}, ${m.summary.fitSeconds.toFixed(3)} s`);
    lines.push(`Stop reason: ${m.summary.stopReason ?? '—'} (${describeConvergence(m.summary)})`);
    lines.push(`Final objective: ${m.summary.objective === null ? '—' : formatObjective(m.summary.objective)}`);
  }
  if (run.evaluation && run.kind === 'evaluate') lines.push('', describeEvaluation(run.evaluation));
  if (run.sweep) lines.push('', isAnswersSweep(run.sweep) ? answersSweepTable(run.sweep) : sweepTable(run.sweep));
  if (run.testScores.length) {
    lines.push('', 'Test sets (workbench score):');
    for (const t of run.testScores) {
      const s = t.score;
      const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
      const name = `${t.testDatasetName}${t.testDatasetId === null ? ' (deleted)' : ''}`;
      const rows = `(${s.trainRows} train / ${s.testRows} test rows)`;
      lines.push(
        s.rmse !== undefined
          ? `  ${name}: ${t.k}-NN regression RMSE ${s.rmse.toFixed(3)}, MAE ${s.mae!.toFixed(3)}, R² ${s.r2!.toFixed(4)} ${rows}`
          : `  ${name}: ${t.k}-NN accuracy ${pct(s.accuracy)}, NMI ${s.nmi!.toFixed(4)}, ` +
              `ARI ${s.ari!.toFixed(4)}, P@1 ${pct(s.precisionAt1)}, MAP@R ${pct(s.mapAtR)} ${rows}`,
      );
    }
  }
  if (run.children.length) {
    lines.push('', 'Runs in this comparison:', run.kind === 'compare' ? runsTable(run.children) : '');
  }
  return lines.join('\n');
}

/**
 * Whether a re-run reproduced the stored result: for learn, L bit for bit; for evaluate, the per-fold accuracies
 * exactly. Null for kinds not compared (compare, sweep: see their runs).
 */
function sameResult(original: RunDetail, again: JobResult): boolean | null {
  if (again.kind === 'learn' && original.metric) {
    const stored = Float64Array.from(original.metric.L);
    const y = again.metric.L;
    return stored.length === y.length && stored.every((v, k) => Object.is(v, y[k]));
  }
  if (again.kind === 'evaluate' && original.evaluation) {
    // Classification: the per-fold accuracies; regression: the per-fold RMSE.
    const a = original.evaluation.accuracy?.folds ?? original.evaluation.rmse?.folds ?? [];
    const b = again.evaluation.accuracy?.folds ?? again.evaluation.rmse?.folds ?? [];
    return a.length === b.length && a.every((v, k) => Object.is(v, b[k]));
  }
  return null;
}

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Show one run of the history, or re-run it (same data, params, pairs and seed).',
  usage: ['workbench run show ID', 'workbench run rerun ID'].join('\n'),
  help: [
    'show    everything stored about the run: inputs, timings, status, learned metric, evaluation, sweep',
    'rerun   queues the same job again as a new run; for a learn run it also checks that the new L is',
    '        bit-for-bit identical to the stored one, for an evaluate run that the fold accuracies are',
    '        ("identical": true; exit 1 when they differ)',
    '',
    'JSON output: show → {"run": {…, "metric": {"L", "shape", "M", "preprocessing", "summary"} | null,',
    '  "evaluation", "sweep", "children", and when it learned from your comparisons "comparisons": {"count",',
    '  "origins": {"manual", "generated", "imported"}, "list": [[anchor, closer, farther], …]}}}; rerun → {"rerun": {"of", "runIds", "kind", "identical"}, "run": {…}}',
  ].join('\n'),
  async run(ctx) {
    const sub = ctx.requirePositional(0, 'show|rerun');
    const id = ctx.integer(ctx.requirePositional(1, 'ID'), 'ID', { min: 1 });
    if (ctx.positionals.length > 2) throw new UsageError(`Unexpected argument '${ctx.positionals[2]}'.`);
    // Through the gateway (`runs.get`, `runs.rerun`), on a workbench whose runner first marks runs whose process
    // died as interrupted, so they are not shown as running.
    const show = async (runId: number): Promise<RunDetail> => (await ctx.call('runs.get', { runId })).run;
    switch (sub) {
      case 'show': {
        const run = await show(id);
        const used = await comparisonsUsed(ctx, run);
        ctx.out({ run: used ? { ...run, comparisons: used } : run }, describeRun(run, used));
        return 0;
      }
      case 'rerun': {
        const original = await show(id);
        const { outcome, job } = await rerunJobFromCli(ctx, id, `rerun of run ${id}`);
        const identical = sameResult(original, outcome.result);
        const run = await show(job.runIds[0]!);
        const summary = { of: id, runIds: job.runIds, kind: original.kind, identical };
        ctx.out(
          { rerun: summary, run },
          `Run ${job.runIds[0]} repeats run ${id}` +
            (identical === null
              ? '.'
              : identical
                ? `: ${original.kind === 'learn' ? 'the learned L is bit-for-bit identical' : 'the per-fold accuracies are identical'}.`
                : `: the result DIFFERS from the stored one.`) +
            `\n\n${describeRun(run, await comparisonsUsed(ctx, run))}`,
        );
        return identical === false ? 1 : 0;
      }
      default:
        throw new UsageError(`Unknown sub-command 'run ${sub}'; expected 'run show ID' or 'run rerun ID'.`);
    }
  },
};

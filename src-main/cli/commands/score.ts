/**
 * `workbench score`: a learned metric (or a baseline) scored on a held-out test set with the same features, through
 * the gateway: `runs.score` (stored with the run) or `methods.score` (nothing stored). The fit and the score run in a
 * score worker (not on the job runner); progress comes from `score.progress` events under this command's score id,
 * and Ctrl-C sends `scores.cancel`: exit 130, nothing stored.
 */
import { randomUUID } from 'node:crypto';
import { PREPROCESS_KINDS, type PreprocessKind } from '../../../shared/domain/learned-metric.ts';
import { definedFields } from '../../../shared/objects.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import { JobCancelledError } from '../../../shared/errors.ts';
import type { ScoreReport } from '../../../shared/ipc/schemas.ts';
import { SCORE_CANCELLED_MESSAGE } from '../../jobs/score-worker.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { datasetByRef } from './datasets.ts';
import { parseParams, progressPrinter, stringList } from './job-options.ts';

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);

function describeScore(s: ScoreReport): string {
  const what = s.runId === null ? `${s.method} fitted on '${s.trainDataset.name}'` : `Run ${s.runId} (${s.method}, trained on '${s.trainDataset.name}')`;
  const head = `${what}, scored on test set '${s.testDataset.name}': ${s.trainRows} training rows, ${s.testRows} test rows, ${s.k}-NN`;
  const lines =
    s.rmse !== undefined
      ? [head, `  RMSE          ${s.rmse.toFixed(3)}`, `  MAE           ${s.mae!.toFixed(3)}`, `  R²            ${s.r2!.toFixed(4)}`]
      : [head, `  accuracy      ${pct(s.accuracy)}`, `  NMI / ARI     ${s.nmi!.toFixed(4)} / ${s.ari!.toFixed(4)}`, `  P@1 / MAP@R   ${pct(s.precisionAt1)} / ${pct(s.mapAtR)}`];
  if (s.unmatchedClasses.length > 0) {
    lines.push(`  note: classes not in the training dataset (counted as kNN errors): ${s.unmatchedClasses.join(', ')}`);
  }
  if (s.runId !== null) lines.push('  Stored with the run.');
  return lines.join('\n');
}

/**
 * Runs one score through the gateway (`call` with this score's id) with its progress on stderr, and Ctrl-C →
 * `scores.cancel`: the JobCancelledError then propagates and main exits with 130.
 */
async function followScore(
  ctx: CliContext,
  label: string,
  call: (scoreId: string) => Promise<{ score: ScoreReport }>,
): Promise<ScoreReport> {
  const { events } = await ctx.workbench();
  const scoreId = randomUUID();
  const printer = progressPrinter(ctx, label);
  const stopProgress = events.on('score.progress', (p) => {
    if (p.scoreId === scoreId) printer.show(p);
  });
  const onAbort = (): void => void ctx.call('scores.cancel', { scoreId }).catch(() => undefined);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (ctx.signal.aborted) throw new JobCancelledError(SCORE_CANCELLED_MESSAGE);
    const { score } = await call(scoreId);
    printer.done();
    return score;
  } catch (error) {
    if (error instanceof JobCancelledError && ctx.signal.aborted) ctx.progress(`${label}: cancelled.`);
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    stopProgress();
  }
}

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: "Score a run's learned metric (or a baseline method) on a held-out test set with the same features.",
  usage: 'workbench score --run ID --dataset TEST [--k K]  |  workbench score --method M --train TRAIN --dataset TEST [--k K]',
  help: [
    'Options:',
    "  --run ID          the run whose metric is scored: a learn run's stored metric, or an evaluate run's method",
    "                    fitted once on the run's whole dataset with the run's parameters, seed and preprocessing",
    '  --method M        instead of --run: fit method M (e.g. euclidean, the baseline) on --train with its defaults',
    '  --train TRAIN     the training dataset for --method (id or unique name)',
    '  --dataset TEST    the test set: another dataset with the same features (same names, same order)',
    "  --k K             neighbours of the kNN classifier (default: the run's k, else 3)",
    '  --seed S          with --method: seed of the fit and of k-means (default 0)',
    '  --preprocess P    with --method: zscore|minmax|none (default zscore)',
    '  --reduce K        with --method: PCA first, to K components fitted on TRAIN after the preprocessing',
    '  --param key=value with --method: a method parameter (repeatable)',
    '  --workers N       threads for the kNN (default: every core when train rows × test rows × features ≥ 2·10⁹,',
    '                    else 1); the figures are identical for every N',
    '',
    'The fit and the score run in a worker thread; progress goes to stderr, and Ctrl-C cancels (exit 130, nothing',
    'is stored).',
    'kNN uses the training rows as reference set and predicts every test row; k-means (NMI, ARI) and retrieval',
    '(P@1, MAP@R) run within the mapped test set. Classes are matched by name. A run\'s score is stored with the',
    'run (shown as "test set" in Experiments and Compare); scoring again on the same test set and k replaces it.',
    'JSON output: {"score": {"accuracy", "nmi", "ari", "precisionAt1", "mapAtR", "trainRows", "testRows", "k", "seed",',
    '  "nComponents", "unmatchedClasses", "runId", "method", "trainDataset": {"id", "name"}, "testDataset": {"id", "name"}}}',
  ].join('\n'),
  options: {
    run: { type: 'string' },
    method: { type: 'string', short: 'm' },
    train: { type: 'string' },
    dataset: { type: 'string', short: 'd' },
    k: { type: 'string' },
    seed: { type: 'string' },
    preprocess: { type: 'string' },
    reduce: { type: 'string' },
    param: { type: 'string', multiple: true },
    workers: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const test = ctx.requireOption('dataset');
    const kText = ctx.option('k');
    const k = kText === undefined ? undefined : ctx.integer(kText, '--k', { min: 1 });
    const workersText = ctx.option('workers');
    const workers = workersText === undefined ? {} : { workers: ctx.integer(workersText, '--workers', { min: 1, max: 256 }) };
    const runText = ctx.option('run');
    const method = ctx.option('method');
    let score: ScoreReport;
    if (runText !== undefined) {
      if (method !== undefined || ctx.option('train') !== undefined) throw new UsageError('Give either --run, or --method with --train, not both.');
      for (const name of ['seed', 'preprocess', 'reduce'] as const) {
        if (ctx.option(name) !== undefined) throw new UsageError(`--${name} goes with --method; a run keeps its own.`);
      }
      if (stringList(ctx, 'param').length > 0) throw new UsageError('--param goes with --method; a run keeps its own.');
      const runId = ctx.integer(runText, '--run', { min: 1 });
      const testDataset = await datasetByRef(ctx, test);
      score = await followScore(ctx, `Scoring run ${runId} on '${testDataset.name}'`, (scoreId) =>
        ctx.call('runs.score', { runId, testDatasetId: testDataset.id, ...definedFields({ k }), scoreId, ...workers }),
      );
    } else {
      if (method === undefined) throw new UsageError('Give --run ID, or --method M with --train TRAIN.');
      const train = ctx.requireOption('train');
      const name = getLearner(method).name;
      const params = parseParams(name, getLearner(name).params, stringList(ctx, 'param'));
      const seedText = ctx.option('seed');
      const preprocess = ctx.option('preprocess');
      if (preprocess !== undefined && !(PREPROCESS_KINDS as readonly string[]).includes(preprocess)) {
        throw new UsageError(`--preprocess must be one of ${PREPROCESS_KINDS.join(', ')}, got '${preprocess}'.`);
      }
      const seed = seedText === undefined ? undefined : ctx.integer(seedText, '--seed', { min: 0, max: 0xffffffff });
      const reduceText = ctx.option('reduce');
      const reduce = reduceText === undefined ? undefined : ctx.integer(reduceText, '--reduce', { min: 1 });
      const trainDataset = await datasetByRef(ctx, train);
      const testDataset = await datasetByRef(ctx, test);
      score = await followScore(ctx, `Fitting ${name} on '${trainDataset.name}' and scoring it on '${testDataset.name}'`, (scoreId) =>
        ctx.call('methods.score', {
          method: name,
          trainDatasetId: trainDataset.id,
          testDatasetId: testDataset.id,
          ...definedFields({ k, seed, preprocess: preprocess as PreprocessKind | undefined, reduce }),
          params,
          scoreId,
          ...workers,
        }),
      );
    }
    ctx.out({ score }, describeScore(score));
    return 0;
  },
};

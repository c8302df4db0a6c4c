/**
 * What the job commands (learn, evaluate, compare, sweep, run rerun) share: their options, turning them into a
 * {@link JobSpec}, and running the job on the job runner with progress on stderr (silent with --json) and
 * Ctrl-C → cancel (the run is recorded `cancelled`, the command exits 130).
 */
import type { JobCommon, JobProgress, JobSpec, ProtocolOptions, SweepConstraintSource } from '../../../shared/domain/job.ts';
import { PREPROCESS_KINDS, type PreprocessKind } from '../../../shared/domain/learned-metric.ts';
import { JobCancelledError } from '../../../shared/errors.ts';
import type { ParamSpecs } from '../../../shared/engine/learner.ts';
import { coerceParamString } from '../../../shared/engine/params.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import { createJobRunner, type SubmittedJob } from '../../jobs/runner.ts';
import type { SubmitOptions } from '../../jobs/types.ts';
import { resolveDataset } from '../../services/datasets.ts';
import { createRunsService, type RunsService } from '../../services/runs.ts';
import { UsageError, type CliContext, type CliOptionSpec } from '../command.ts';

export const COMMON_JOB_OPTIONS: Record<string, CliOptionSpec> = {
  dataset: { type: 'string', short: 'd' },
  param: { type: 'string', multiple: true },
  seed: { type: 'string' },
  preprocess: { type: 'string' },
  constraints: { type: 'string' },
  pairs: { type: 'string' },
};

export const CV_OPTIONS: Record<string, CliOptionSpec> = {
  folds: { type: 'string' },
  k: { type: 'string' },
  workers: { type: 'string' },
};

export const COMMON_JOB_HELP = [
  '  --dataset ID                       dataset id or unique name',
  '  --param key=value                  a method parameter (repeatable); see `workbench methods`',
  '  --seed S                           seed of the learner, generated pairs and folds (default 0)',
  '  --preprocess zscore|minmax|none    feature preprocessing (default zscore)',
  '  --constraints labeled|generated    pairs for mmc / itml: your labeled pairs, or drawn from the class',
  '                                     labels (default: labeled when the dataset has labeled pairs)',
  '  --pairs N                          generated pairs per kind (default 20·classes²)',
];

export const CV_HELP = [
  '  --folds F                          cross-validation folds (default 5)',
  '  --k K                              neighbours of the kNN classifier (default 3)',
  '  --workers N                        threads for the folds (evaluate), methods × folds (compare) or (N, seed)',
  '                                     steps (sweep); default every core for datasets of 200,000+ cells, else 1.',
  '                                     Results are identical for every N.',
];

/** Parses `--param key=value` strings against `specs` (values typed as the parameter declares). */
export function parseParams(method: string, specs: ParamSpecs, raw: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of raw) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be key=value, got '${entry}'.`);
    const key = entry.slice(0, eq).trim();
    const spec = specs[key];
    if (!spec) {
      const known = Object.keys(specs);
      throw new UsageError(`${method}: unknown parameter '${key}'. Known parameters: ${known.length ? known.join(', ') : '(none)'}.`);
    }
    out[key] = coerceParamString(spec, entry.slice(eq + 1));
  }
  return out;
}

/** `--param` values: plain `key=value` applies to every method that has `key`; `method.key=value` to one. */
export function paramsForMethods(methods: readonly string[], raw: readonly string[]): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = Object.fromEntries(methods.map((m) => [m, {}]));
  for (const entry of raw) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be key=value or method.key=value, got '${entry}'.`);
    const key = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1);
    const dot = key.indexOf('.');
    if (dot > 0) {
      const method = key.slice(0, dot);
      if (!(method in result)) throw new UsageError(`--param ${key}: '${method}' is not one of the methods compared (${methods.join(', ')}).`);
      Object.assign(result[method]!, parseParams(method, getLearner(method).params, [`${key.slice(dot + 1)}=${value}`]));
      continue;
    }
    const takers = methods.filter((m) => key in getLearner(m).params);
    if (takers.length === 0) throw new UsageError(`--param ${key}: none of ${methods.join(', ')} has a parameter '${key}'.`);
    for (const m of takers) Object.assign(result[m]!, parseParams(m, getLearner(m).params, [`${key}=${value}`]));
  }
  return result;
}

export function stringList(ctx: CliContext, name: string): string[] {
  const value = ctx.values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The options every job has, as JobSpec fields (datasetId resolved by id or name). */
export function commonSpec(ctx: CliContext, withCv: boolean): JobCommon {
  return commonSpecWith(ctx, withCv, false) as JobCommon;
}

/** {@link commonSpec} for `workbench sweep`, whose --constraints also takes `suggested`. */
export function sweepCommonSpec(ctx: CliContext): Omit<JobCommon, 'constraintSource'> & { constraintSource?: SweepConstraintSource } {
  return commonSpecWith(ctx, true, true);
}

function commonSpecWith(
  ctx: CliContext,
  withCv: boolean,
  allowSuggested: boolean,
): Omit<JobCommon, 'constraintSource'> & { constraintSource?: SweepConstraintSource } {
  const dataset = resolveDataset(ctx.store, ctx.requireOption('dataset'));
  const seedText = ctx.option('seed');
  const preprocess = ctx.option('preprocess');
  if (preprocess !== undefined && !(PREPROCESS_KINDS as readonly string[]).includes(preprocess)) {
    throw new UsageError(`--preprocess must be one of ${PREPROCESS_KINDS.join(', ')}, got '${preprocess}'.`);
  }
  const source = ctx.option('constraints');
  if (source !== undefined && source !== 'labeled' && source !== 'generated' && !(allowSuggested && source === 'suggested')) {
    throw new UsageError(
      allowSuggested
        ? `--constraints must be 'labeled', 'generated' or 'suggested', got '${source}'.`
        : `--constraints must be 'labeled' or 'generated', got '${source}'.`,
    );
  }
  const protocol: ProtocolOptions = {};
  if (preprocess !== undefined) protocol.preprocess = preprocess as PreprocessKind;
  if (withCv) {
    const folds = ctx.option('folds');
    const k = ctx.option('k');
    if (folds !== undefined) protocol.folds = ctx.integer(folds, '--folds', { min: 2 });
    if (k !== undefined) protocol.k = ctx.integer(k, '--k', { min: 1 });
  }
  const pairs = ctx.option('pairs');
  return {
    datasetId: dataset.id,
    ...(seedText === undefined ? {} : { seed: ctx.integer(seedText, '--seed', { min: 0, max: 0xffffffff }) }),
    ...(Object.keys(protocol).length ? { protocol } : {}),
    ...(source === undefined ? {} : { constraintSource: source as SweepConstraintSource }),
    ...(pairs === undefined ? {} : { pairs: ctx.integer(pairs, '--pairs', { min: 1 }) }),
  };
}

function formatProgress(p: JobProgress): string {
  const parts = [p.message ?? p.phase];
  if (p.iteration !== undefined) parts.push(`iteration ${p.iteration}`);
  if (p.objective !== undefined && p.objective !== null) parts.push(`objective ${p.objective.toPrecision(6)}`);
  parts.push(`${(p.elapsedMs / 1000).toFixed(1)} s`);
  if (p.etaMs !== undefined && p.etaMs !== null && p.etaMs > 0) parts.push(`about ${(p.etaMs / 1000).toFixed(0)} s left`);
  return parts.join(' · ');
}

/**
 * Runs `spec` on a job runner over `ctx.store` and returns the submitted job's outcome. Progress goes to stderr:
 * a percentage for jobs with folds or sweep steps, otherwise at most one line per second. Ctrl-C (ctx.signal)
 * cancels the job; the JobCancelledError then propagates and main exits with 130.
 */
export async function runJobFromCli(
  ctx: CliContext,
  spec: JobSpec,
  label: string,
  submitOptions?: SubmitOptions,
): Promise<{ job: SubmittedJob; outcome: Awaited<SubmittedJob['done']>; runs: RunsService }> {
  const runs = createRunsService(ctx.store);
  const concurrency = ctx.env.WORKBENCH_JOBS ? Number(ctx.env.WORKBENCH_JOBS) : undefined;
  const runner = createJobRunner({ persistence: runs, ...(concurrency && concurrency > 0 ? { concurrency } : {}) });
  const fraction = ctx.progressFraction(label);
  let lastLine = 0;
  const workersText = ctx.option('workers');
  const workers = workersText === undefined ? undefined : ctx.integer(workersText, '--workers', { min: 1, max: 1024 });
  try {
    const job = runner.submit(spec, { ...submitOptions, ...(workers === undefined ? {} : { workers }) });
    ctx.progress(`${label}: job ${job.jobId.slice(0, 8)}, run${job.runIds.length > 1 ? 's' : ''} ${job.runIds.join(', ')}`);
    runner.subscribe((event) => {
      if (event.type !== 'progress' || event.progress.jobId !== job.jobId) return;
      const p = event.progress;
      if (p.fraction !== undefined && p.fraction !== null) fraction(p.fraction);
      else if (p.phase !== 'queued' && p.phase !== 'started' && p.phase !== 'done' && performance.now() - lastLine >= 1000) {
        lastLine = performance.now();
        ctx.progress(`  ${formatProgress(p)}`);
      }
    });
    const onAbort = (): void => void runner.cancel(job.jobId);
    if (ctx.signal.aborted) onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await job.done;
      fraction.done();
      return { job, outcome, runs };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  } catch (error) {
    if (error instanceof JobCancelledError && ctx.signal.aborted) ctx.progress(`${label}: cancelled.`);
    throw error;
  } finally {
    await runner.close();
  }
}

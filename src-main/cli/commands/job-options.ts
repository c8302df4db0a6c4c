/**
 * What the job commands (learn, evaluate, compare, sweep, run rerun) share: their options, turning them into a
 * {@link JobSpec}, and submitting the job through the dispatch gateway (the app's and the browser mode's) with
 * progress on stderr (silent with --json) and Ctrl-C → cancel (the run is recorded `cancelled`, the command
 * exits 130).
 */
import type { JobCommon, JobOutcome, JobProgress, JobSpec, ProtocolOptions, SweepConstraintSource } from '../../../shared/domain/job.ts';
import { PREPROCESS_KINDS, type PreprocessKind } from '../../../shared/domain/learned-metric.ts';
import { JobCancelledError, fromErrorPayload, type ErrorPayload } from '../../../shared/errors.ts';
import { definedFields } from '../../../shared/objects.ts';
import type { ParamSpecs } from '../../../shared/engine/learner.ts';
import { coerceParamString } from '../../../shared/engine/params.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import type { RequestOf } from '../../../shared/ipc/contract.ts';
import type { JobResult } from '../../jobs/types.ts';
import { UsageError, type CliContext, type CliOptionSpec } from '../command.ts';
import { datasetByRef } from './datasets.ts';

export const COMMON_JOB_OPTIONS: Record<string, CliOptionSpec> = {
  dataset: { type: 'string', short: 'd' },
  param: { type: 'string', multiple: true },
  seed: { type: 'string' },
  preprocess: { type: 'string' },
  reduce: { type: 'string' },
  constraints: { type: 'string' },
  pairs: { type: 'string' },
  derived: { type: 'boolean' },
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
  '  --reduce K                         PCA first: to K components fitted on the training part after the',
  '                                     preprocessing, before the learner; the metric is stored composed (one L over',
  '                                     the preprocessed features)',
  '  --constraints labeled|generated    supervision of the methods that learn from pairs, chunklets, comparisons',
  '                                     or quadruplets (see `workbench methods`): yours (labeled pairs; chunklets',
  '                                     from must-links; comparisons; quadruplets from comparisons and pairs), or',
  '                                     drawn from the class labels (default: labeled when the dataset has them)',
  '  --pairs N                          generated pairs per kind (default 20·classes²); for the other kinds, the',
  '                                     number of chunklets, comparisons or quadruplets drawn',
  '  --derived                          comparison and quadruplet learners also use the comparisons the labeled',
  '                                     pairs imply (must(a,b) and cannot(a,c) give (a,b,c))',
];

export const CV_HELP = [
  '  --folds F                          cross-validation folds (default 5)',
  '  --k K                              neighbours of the kNN classifier (default 3)',
  '  --workers N                        threads for the folds (evaluate), methods × folds (compare), (N, seed)',
  '                                     steps (sweep) or the fit\'s row-block products (learn: nca, lmnn); default',
  '                                     every core for datasets of 200,000+ cells, else 1.',
  '                                     Results are identical for every N.',
];

/** A parameter value as `--param key=value` gives it (typed as the parameter declares; checked by the handler). */
export type CliParamValue = ReturnType<typeof coerceParamString>;

/** Parses `--param key=value` strings against `specs` (values typed as the parameter declares). */
export function parseParams(method: string, specs: ParamSpecs, raw: readonly string[]): Record<string, CliParamValue> {
  const out: Record<string, CliParamValue> = {};
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
export function paramsForMethods(methods: readonly string[], raw: readonly string[]): Record<string, Record<string, CliParamValue>> {
  const result: Record<string, Record<string, CliParamValue>> = Object.fromEntries(methods.map((m) => [m, {}]));
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

/** The options every job has, as JobSpec fields (datasetId resolved by id or name through `datasets.resolve`). */
export async function commonSpec(ctx: CliContext, withCv: boolean): Promise<JobCommon> {
  return (await commonSpecWith(ctx, withCv, false)) as JobCommon;
}

/** {@link commonSpec} for `workbench sweep`, whose --constraints also takes `suggested`. */
export function sweepCommonSpec(ctx: CliContext): Promise<Omit<JobCommon, 'constraintSource'> & { constraintSource?: SweepConstraintSource }> {
  return commonSpecWith(ctx, true, true);
}

async function commonSpecWith(
  ctx: CliContext,
  withCv: boolean,
  allowSuggested: boolean,
): Promise<Omit<JobCommon, 'constraintSource'> & { constraintSource?: SweepConstraintSource }> {
  const dataset = await datasetByRef(ctx, ctx.requireOption('dataset'));
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
  const reduce = ctx.option('reduce');
  if (reduce !== undefined) protocol.reduce = ctx.integer(reduce, '--reduce', { min: 1 });
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
    ...(ctx.flag('derived') ? { derived: true } : {}),
  };
}

function formatProgress(p: Omit<JobProgress, 'jobId'>): string {
  const parts = [p.message ?? p.phase];
  if (p.iteration !== undefined) parts.push(`iteration ${p.iteration}`);
  if (p.objective !== undefined && p.objective !== null) parts.push(`objective ${p.objective.toPrecision(6)}`);
  parts.push(`${(p.elapsedMs / 1000).toFixed(1)} s`);
  if (p.etaMs !== undefined && p.etaMs !== null && p.etaMs > 0) parts.push(`about ${(p.etaMs / 1000).toFixed(0)} s left`);
  return parts.join(' · ');
}

/**
 * Shows the progress of a job or a score for `label` on stderr (silent with --json): the fraction as a percentage
 * where it is known, otherwise (a fit's iterations) at most one line a second.
 */
export function progressPrinter(ctx: CliContext, label: string): { show(progress: Omit<JobProgress, 'jobId'>): void; done(): void } {
  const fraction = ctx.progressFraction(label);
  let lastLine = 0;
  return {
    show(p) {
      if (p.fraction !== undefined && p.fraction !== null) fraction(p.fraction);
      else if (p.phase !== 'queued' && p.phase !== 'started' && p.phase !== 'done' && performance.now() - lastLine >= 1000) {
        lastLine = performance.now();
        ctx.progress(`  ${formatProgress(p)}`);
      }
    },
    done: () => fraction.done(),
  };
}

/** A job the CLI submitted through the gateway, and how it ended (the runner's own outcome, result included). */
export interface CliJob {
  job: { jobId: string; runIds: number[] };
  outcome: Extract<JobOutcome, { status: 'succeeded' }> & { result: JobResult };
}

/**
 * Submits `spec` through the dispatch gateway (`jobs.start`, validated against the contract exactly as the app's
 * and the browser mode's requests) on this invocation's workbench, and waits for its outcome. Progress goes to
 * stderr: a percentage for jobs with folds or sweep steps, otherwise at most one line per second. Ctrl-C
 * (ctx.signal) cancels the job (`jobs.cancel`); the JobCancelledError then propagates and main exits with 130.
 */
export function runJobFromCli(ctx: CliContext, spec: JobSpec, label: string): Promise<CliJob> {
  const workersText = ctx.option('workers');
  const workers = workersText === undefined ? undefined : ctx.integer(workersText, '--workers', { min: 1, max: 1024 });
  return followJob(ctx, label, (call) =>
    call('jobs.start', { spec: spec as RequestOf<'jobs.start'>['spec'], ...definedFields({ workers }) }),
  );
}

/** {@link runJobFromCli} for `runs.rerun`: the same spec, pairs and seed as run `runId`, as a new run. */
export function rerunJobFromCli(ctx: CliContext, runId: number, label: string): Promise<CliJob> {
  return followJob(ctx, label, (call) => call('runs.rerun', { runId }));
}

async function followJob(
  ctx: CliContext,
  label: string,
  submit: (call: CliContext['call']) => Promise<{ jobId: string; runIds: number[] }>,
): Promise<CliJob> {
  const workbench = await ctx.workbench();
  const printer = progressPrinter(ctx, label);
  let jobId: string | null = null;
  // Outcomes are kept from the start: a job cancelled while queued finishes before `submit` returns.
  const finished = new Map<string, JobOutcome>();
  let settle: ((outcome: JobOutcome) => void) | null = null;
  const unsubscribe = workbench.runner.subscribe((event) => {
    if (event.type === 'finished') {
      finished.set(event.outcome.jobId, event.outcome);
      if (event.outcome.jobId === jobId) settle?.(event.outcome);
      return;
    }
    if (event.type === 'progress' && event.progress.jobId === jobId) printer.show(event.progress);
  });
  try {
    const job = await submit(ctx.call);
    jobId = job.jobId;
    ctx.progress(`${label}: job ${job.jobId.slice(0, 8)}, run${job.runIds.length > 1 ? 's' : ''} ${job.runIds.join(', ')}`);
    const ended = new Promise<JobOutcome>((resolve) => {
      settle = resolve;
      const already = finished.get(job.jobId);
      if (already) resolve(already);
    });
    const onAbort = (): void => void ctx.call('jobs.cancel', { jobId: job.jobId }).catch(() => undefined);
    if (ctx.signal.aborted) onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await ended;
      if (outcome.status !== 'succeeded') {
        throw outcome.status === 'cancelled' ? new JobCancelledError(outcome.error.message) : fromErrorPayload(outcome.error as ErrorPayload);
      }
      printer.done();
      return { job, outcome: outcome as CliJob['outcome'] };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  } catch (error) {
    if (error instanceof JobCancelledError && ctx.signal.aborted) ctx.progress(`${label}: cancelled.`);
    throw error;
  } finally {
    unsubscribe();
  }
}

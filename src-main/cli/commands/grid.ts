/**
 * `workbench grid run|submit|status|collect|task`: experiment grids (data sets × methods × seeds × constraint
 * counts × parameter values) on the local worker pool or as a Slurm job array.
 *
 * Data sets are named through the gateway (`datasets.resolve`), and `grid run` is the app's grid: `grids.start`,
 * `grid.progress` events, `grids.cancel` on Ctrl-C. The Slurm side (submit, status, collect, task) works on bundle
 * folders given as paths, which the contract never takes from a renderer; it stays with src-main/grid.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandGrid } from '../../../shared/domain/grid.ts';
import { PREPROCESS_KINDS, type PreprocessKind } from '../../../shared/domain/learned-metric.ts';
import { definedFields } from '../../../shared/objects.ts';
import type { ProtocolOptions } from '../../../shared/domain/job.ts';
import { JobCancelledError, WorkbenchError, type ErrorCode } from '../../../shared/errors.ts';
import { coerceParamString } from '../../../shared/engine/params.ts';
import { getLearner } from '../../../shared/engine/registry.ts';
import type { GridSpecWire, GridView } from '../../../shared/ipc/schemas.ts';
import { sbatchScript, findOnPath, noSbatch, shellQuote, submitScript } from '../../grid/slurm.ts';
import { writeFileAtomicSync } from '../../files/atomic-write.ts';
import { writeBundle } from '../../grid/bundle.ts';
import { bundleStatus, collectBundle } from '../../grid/collect.ts';
import { methodCountsSupervision } from '../../grid/local.ts';
import { runGridTask } from '../../grid/task.ts';
import { UsageError, type CliCommand, type CliContext } from '../command.ts';
import { datasetByRef } from './datasets.ts';
import { stringList, type CliParamValue } from './job-options.ts';

/** The workbench as this process runs it: Node + bin/workbench.mjs of this installation (absolute paths). */
export function defaultWorkbenchCommand(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(fileURLToPath(new URL('../../../bin/workbench.mjs', import.meta.url)))}`;
}

const list = (ctx: CliContext, name: string, required: boolean): string[] => {
  const raw = ctx.option(name);
  if (raw === undefined) {
    if (required) throw new UsageError(`Missing required option --${name}.`);
    return [];
  }
  const items = raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (items.length === 0) throw new UsageError(`--${name} needs at least one value, got '${raw}'.`);
  return items;
};

/**
 * `--param method.name=v1,v2` (one method) or `--param name=v1,v2` (every method of the grid that has `name`):
 * values are typed as the parameter declares; their ranges are checked per cell (a bad value fails its cells only).
 */
export function gridParams(methods: readonly string[], raw: readonly string[]): Record<string, Record<string, CliParamValue[]>> {
  const out: Record<string, Record<string, CliParamValue[]>> = {};
  for (const entry of raw) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be method.name=v1,v2 or name=v1,v2, got '${entry}'.`);
    const key = entry.slice(0, eq).trim();
    const values = entry.slice(eq + 1).split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw new UsageError(`--param ${key}: empty value in '${entry.slice(eq + 1)}'.`);
    const dot = key.indexOf('.');
    const targets = dot > 0 ? [key.slice(0, dot)] : methods.filter((m) => key.slice(dot + 1) in getLearner(m).params);
    const name = dot > 0 ? key.slice(dot + 1) : key;
    if (dot > 0 && !methods.includes(targets[0]!)) throw new UsageError(`--param ${key}: '${targets[0]}' is not one of the grid's methods (${methods.join(', ')}).`);
    if (targets.length === 0) throw new UsageError(`--param ${key}: none of ${methods.join(', ')} has a parameter '${name}'.`);
    for (const method of targets) {
      const spec = getLearner(method).params[name];
      if (!spec) {
        const known = Object.keys(getLearner(method).params);
        throw new UsageError(`--param ${key}: ${method} has no parameter '${name}'. Known parameters: ${known.length ? known.join(', ') : '(none)'}.`);
      }
      (out[method] ??= {})[name] = values.map((v) => coerceParamString(spec, v));
    }
  }
  return out;
}

/** The grid spec from the options shared by run and submit, in the contract's form (`grids.start`). */
async function gridSpec(ctx: CliContext): Promise<GridSpecWire> {
  const datasets: number[] = [];
  for (const ref of list(ctx, 'datasets', true)) datasets.push((await datasetByRef(ctx, ref)).id);
  const methods = list(ctx, 'methods', true).map((m) => getLearner(m).name);
  const seeds = list(ctx, 'seeds', false).map((s) => ctx.integer(s, '--seeds', { min: 0, max: 0xffffffff }));
  const counts = list(ctx, 'counts', false).map((c) => ctx.integer(c, '--counts', { min: 1 }));
  const protocol: ProtocolOptions = {};
  const preprocess = ctx.option('preprocess');
  if (preprocess !== undefined) {
    if (!(PREPROCESS_KINDS as readonly string[]).includes(preprocess)) throw new UsageError(`--preprocess must be one of ${PREPROCESS_KINDS.join(', ')}, got '${preprocess}'.`);
    protocol.preprocess = preprocess as PreprocessKind;
  }
  const reduce = ctx.option('reduce');
  if (reduce !== undefined) protocol.reduce = ctx.integer(reduce, '--reduce', { min: 1 });
  const folds = ctx.option('folds');
  const k = ctx.option('k');
  if (folds !== undefined) protocol.folds = ctx.integer(folds, '--folds', { min: 2 });
  if (k !== undefined) protocol.k = ctx.integer(k, '--k', { min: 1 });
  const params = gridParams(methods, stringList(ctx, 'param'));
  return {
    datasets: [...new Set(datasets)],
    methods: [...new Set(methods)],
    seeds: seeds.length ? [...new Set(seeds)] : [0],
    ...(counts.length ? { counts: [...new Set(counts)] } : {}),
    ...(Object.keys(params).length ? { params } : {}),
    ...(Object.keys(protocol).length ? { protocol } : {}),
    ...(ctx.flag('derived') ? { derived: true } : {}),
  };
}

/** Whether every cell of a grid has finished (succeeded, failed or cancelled). */
const finished = (view: GridView): boolean => view.status.every((s) => s === 'succeeded' || s === 'failed' || s === 'cancelled');

async function run(ctx: CliContext): Promise<number> {
  const spec = await gridSpec(ctx);
  const { events } = await ctx.workbench();
  let gridId: string | null = null;
  // Views are kept from the start: a grid whose cells were all refused has finished before `grids.start` returns.
  const latest = new Map<string, GridView>();
  let settle: ((view: GridView) => void) | null = null;
  const fraction = ctx.progressFraction('grid');
  const unsubscribe = events.on('grid.progress', (view) => {
    latest.set(view.gridId, view);
    if (view.gridId !== gridId) return;
    fraction(view.fractions.reduce((sum, f) => sum + f, 0) / view.cells);
    if (finished(view)) settle?.(view);
  });
  let view: GridView;
  try {
    const { grid } = await ctx.call('grids.start', { spec });
    const id = grid.gridId;
    gridId = id;
    ctx.progress(`grid ${id.slice(0, 8)}: ${grid.cells} cells on the local worker pool`);
    const ended = new Promise<GridView>((resolve) => {
      settle = resolve;
      const seen = latest.get(id) ?? grid;
      if (finished(seen)) resolve(seen);
    });
    const onAbort = (): void => void ctx.call('grids.cancel', { gridId: id }).catch(() => undefined);
    if (ctx.signal.aborted) onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      view = await ended;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  } finally {
    unsubscribe();
  }
  fraction.done();
  if (ctx.signal.aborted) throw new JobCancelledError('Interrupted by Ctrl-C.');
  const runs = view.runIds.filter((id, k): id is number => id !== null && view.status[k] === 'succeeded');
  const failed = view.status.flatMap((s, cell) => (s === 'succeeded' ? [] : [{ cell, error: view.errors[cell] ?? s }]));
  ctx.out(
    { grid: { id: view.gridId, cells: view.cells, runs, failed } },
    [`Grid ${view.gridId}: ${view.cells} cells, ${runs.length} runs (${runs.join(', ')})`, ...failed.map((f) => `  cell ${f.cell} failed: ${f.error}`)].join('\n'),
  );
  return 0;
}

async function submit(ctx: CliContext): Promise<number> {
  if (!ctx.flag('slurm')) throw new UsageError('grid submit needs --slurm (Slurm is the scheduler it submits to); to run the grid here, use `workbench grid run`.');
  if (!findOnPath('sbatch', ctx.env)) throw noSbatch();
  const dir = ctx.resolvePath(ctx.requireOption('out'));
  // sbatch reads the #SBATCH lines itself: a space would split the --output path, a % is a filename pattern there.
  if (/[\s%]/.test(dir)) throw new UsageError(`--out must be a folder path without spaces or %, which sbatch would misread in #SBATCH --output, got '${dir}'.`);
  const spec = await gridSpec(ctx);
  const cells = expandGrid(spec, methodCountsSupervision);
  const maxParallelText = ctx.option('max-parallel');
  const cpusText = ctx.option('cpus-per-task');
  const time = ctx.option('time');
  if (time !== undefined && !/^(\d+-)?\d{1,3}(:\d{2}){0,2}$/.test(time)) throw new UsageError(`--time must be HH:MM:SS (or D-HH:MM:SS, as Slurm takes it), got '${time}'.`);
  const partition = ctx.option('partition');
  if (partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(partition)) throw new UsageError(`--partition must be a Slurm partition name (letters, digits, _ . , -), got '${partition}'.`);
  const slurm = {
    maxParallel: maxParallelText === undefined ? cells.length : ctx.integer(maxParallelText, '--max-parallel', { min: 1 }),
    ...(cpusText === undefined ? {} : { cpusPerTask: ctx.integer(cpusText, '--cpus-per-task', { min: 1 }) }),
    ...definedFields({ partition, time }),
    workbench: ctx.option('workbench') ?? defaultWorkbenchCommand(),
  };
  const gridId = randomUUID();
  const manifest = writeBundle(ctx.store, dir, gridId, spec, cells, slurm);
  const script = join(dir, 'grid.sbatch');
  writeFileAtomicSync(script, sbatchScript(manifest, dir), { mode: 0o755 });
  ctx.store.grids.insert({ id: gridId, spec, cells: cells.length, location: 'slurm', bundle: dir, slurmJobId: null });
  let slurmJobId: string;
  try {
    slurmJobId = submitScript(script, ctx.env);
  } catch (error) {
    if (error instanceof WorkbenchError) throw new WorkbenchError(error.code, `${error.message} The bundle stays in ${dir}: fix the cause and run \`sbatch ${script}\`, or delete the folder.`);
    throw error;
  }
  writeFileAtomicSync(join(dir, 'slurm-job-id'), `${slurmJobId}\n`);
  ctx.store.grids.setSlurmJob(gridId, slurmJobId);
  ctx.out({ grid: { id: gridId, bundle: dir, cells: cells.length, slurmJobId } }, `Grid ${gridId}: ${cells.length} cells submitted as Slurm job ${slurmJobId}; bundle ${dir}`);
  return 0;
}

function status(ctx: CliContext): number {
  const dir = ctx.resolvePath(ctx.requireOption('bundle'));
  const s = bundleStatus(dir, ctx.env);
  ctx.out({ grid: s }, `${s.cells} cells: ${s.done} done, ${s.failed} failed, ${s.pending} pending`);
  return 0;
}

function collect(ctx: CliContext): number {
  const dir = ctx.resolvePath(ctx.requireOption('bundle'));
  const r = collectBundle(ctx.store, dir, ctx.env);
  ctx.out(
    { grid: { collected: r.collected, failed: r.failed, runs: r.runs } },
    [`Grid ${r.gridId}: collected ${r.collected} cells${r.runs.length ? ` (runs ${r.runs.join(', ')})` : ''}`, ...r.failed.map((f) => `  cell ${f.cell} failed: ${f.error}`)].join('\n'),
  );
  return 0;
}

function task(ctx: CliContext): number {
  const dir = ctx.resolvePath(ctx.requirePositional(1, 'DIR'));
  const index = ctx.integer(ctx.requirePositional(2, 'INDEX'), 'INDEX', { min: 0 });
  const result = runGridTask(dir, index, ctx.env);
  // A failed cell has written its result (with the error) already; the error also goes to stderr (the task's
  // log) and the exit status 1 makes Slurm record the task as FAILED.
  if (result.status === 'failed') throw new WorkbenchError(result.error.code as ErrorCode, `cell ${index} failed: ${result.error.message}`);
  const { accuracy, rmse } = result.evaluation;
  if (accuracy === null) {
    ctx.out({ task: { cell: index, status: 'succeeded', rmse: rmse!.mean } }, `cell ${index}: ${result.spec.method}, seed ${result.seed}, RMSE ${rmse!.mean.toFixed(3)}`);
  } else {
    ctx.out({ task: { cell: index, status: 'succeeded', accuracy: accuracy.mean } }, `cell ${index}: ${result.spec.method}, seed ${result.seed}, accuracy ${(100 * accuracy.mean).toFixed(2)}%`);
  }
  return 0;
}

export const gridCommand: CliCommand = {
  name: 'grid',
  summary: 'Experiment grids (data sets × methods × seeds × counts × parameters), locally or as a Slurm job array.',
  usage: [
    'workbench grid run --datasets A,B --methods m1,m2 [--seeds 0,1] [--counts N1,N2] [--derived] [--param method.name=v1,v2]… [--folds F] [--k K] [--preprocess zscore|minmax|none] [--reduce K]',
    'workbench grid submit … --slurm --out DIR [--partition P] [--time HH:MM:SS] [--cpus-per-task N] [--max-parallel M] [--workbench CMD]',
    'workbench grid status --bundle DIR',
    'workbench grid collect --bundle DIR',
    'workbench grid task DIR INDEX',
  ].join('\n'),
  help: [
    'Every cell is one evaluation (stratified k-fold kNN) plus the metric learned on the whole data set, stored as an',
    'ordinary evaluate run marked with the grid and where it ran (run show: protocol.grid).',
    '  --datasets A,B        data set ids or unique names',
    '  --methods m1,m2       see `workbench methods`',
    '  --seeds 0,1           seeds (default 0): each seeds the learner, the generated pairs and the fold split,',
    '                        as `evaluate --seed` does',
    '  --derived             comparison and quadruplet learners also use the comparisons the labeled pairs imply',
    '  --counts N1,N2        generated supervision for the methods that count it (one cell per count): pairs per',
    '                        kind, or chunklets, comparisons, quadruplets (see `workbench methods`)',
    '  --param m.name=v1,v2  values to try (repeatable; name=v1,v2 applies to every method with that parameter);',
    '                        a value out of range fails its cells only, with the error',
    '  --reduce K            PCA first, to K components fitted on each training part (as `evaluate --reduce`)',
    'submit --slurm writes a self-contained bundle to DIR (data sets as files, grid.json, grid.sbatch with',
    '  --array=0-(cells-1)%M) and runs sbatch. --workbench CMD is the command that runs the workbench on the nodes',
    '  (default: this Node and this installation). Each task runs `workbench grid task DIR INDEX` and writes',
    '  DIR/results/cell-NNNNN.json atomically.',
    'status: counts from the result files and squeue. collect: imports finished cells once (again adds nothing).',
    'JSON output: run {"grid": {"id", "cells", "runs", "failed"}}; submit {"grid": {"id", "bundle", "cells", "slurmJobId"}};',
    '  status {"grid": {"cells", "done", "failed", "pending"}}; collect {"grid": {"collected", "failed": [{"cell", "error"}], "runs"}}.',
  ].join('\n'),
  options: {
    datasets: { type: 'string' },
    methods: { type: 'string' },
    seeds: { type: 'string' },
    counts: { type: 'string' },
    derived: { type: 'boolean' },
    param: { type: 'string', multiple: true },
    folds: { type: 'string' },
    k: { type: 'string' },
    preprocess: { type: 'string' },
    reduce: { type: 'string' },
    slurm: { type: 'boolean' },
    out: { type: 'string' },
    partition: { type: 'string' },
    time: { type: 'string' },
    'cpus-per-task': { type: 'string' },
    'max-parallel': { type: 'string' },
    workbench: { type: 'string' },
    bundle: { type: 'string' },
  },
  async run(ctx) {
    const sub = ctx.requirePositional(0, 'SUBCOMMAND (run, submit, status, collect or task)');
    switch (sub) {
      case 'run':
        return run(ctx);
      case 'submit':
        return submit(ctx);
      case 'status':
        return status(ctx);
      case 'collect':
        return collect(ctx);
      case 'task':
        return task(ctx);
      default:
        throw new UsageError(`Unknown grid subcommand '${sub}': use run, submit, status, collect or task.`);
    }
  },
};

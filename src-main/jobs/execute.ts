/**
 * What a job computes, given its payload: the engine calls behind learn, evaluate, compare and sweep, with
 * progress going to a {@link JobReporter}. Pure computation (no SQLite, no worker API), so the worker runs it
 * and the bench can run it in-process to measure the job overhead.
 */
import type { JobSpec, SweepJobSpec } from '../../shared/domain/job.ts';
import { JobCancelledError } from '../../shared/errors.ts';
import { definedFields } from '../../shared/objects.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';
import { evaluatePlan, prepareEvaluation, type EvaluationPlan, type EvaluationResult, type EvaluationSpec } from '../../shared/engine/evaluation/evaluate.ts';
import { fitMetric, fitPlanned } from '../../shared/engine/fit.ts';
import { sweepAnswers, type AnswersSweepSpec, type AnswersSweepTask } from '../../shared/engine/answers-sweep.ts';
import { sweepConstraints, type SweepSpec } from '../../shared/engine/sweep.ts';
import type { BlockProducts, LearnerHooks } from '../../shared/engine/learner.ts';
import { createBlockTeam } from './block-team.ts';
import { answersSweepInPool, evaluatePlansInPool, sweepInPool } from './fold-pool.ts';
import { helperTasks } from './worker-host.ts';
import type { JobReporter } from './reporter.ts';
import type { JobResult, WorkerJobPayload } from './types.ts';

/** The common parts of a spec as the engine's FitSpec / EvaluationSpec fields. */
function engineOptions(spec: JobSpec, payload: Pick<WorkerJobPayload, 'constraints' | 'comparisons'>): Omit<EvaluationSpec, 'method' | 'params'> {
  return {
    seed: spec.seed ?? 0,
    preprocess: spec.protocol?.preprocess ?? 'zscore',
    protocol: spec.protocol,
    // 'suggested' exists for sweeps only, which pass their own source to the engine.
    constraintSource: spec.constraintSource === 'suggested' ? undefined : spec.constraintSource,
    constraints: payload.constraints,
    ...definedFields({ reduce: spec.protocol?.reduce, comparisons: payload.comparisons, derived: spec.derived, pairCount: spec.pairs }),
    // One set of held-out pairs for every method of the job (a comparison's pair AUCs are comparable).
    ...(spec.constraintSource === 'labeled' || spec.constraintSource === 'generated' ? { heldOutPairs: spec.constraintSource } : {}),
  };
}

type ExecutePayload = Pick<WorkerJobPayload, 'spec' | 'dataset' | 'constraints' | 'comparisons' | 'runIds'> &
  Partial<Pick<WorkerJobPayload, 'workers' | 'workerUrl' | 'ownsFeatures'>> & { cancelFlag?: SharedArrayBuffer };

/**
 * Runs a job. Evaluate, compare and sweep jobs with `payload.workers` > 1 (and a worker script and cancel flag to
 * give the helpers) spread their folds (evaluate, compare) or their (N, seed) steps (sweep) over that many threads
 * (fold-pool.ts) and return a promise; the figures are the same bits as on one thread.
 */
export function executeJob(payload: ExecutePayload, reporter: JobReporter): JobResult | Promise<JobResult> {
  const { spec, dataset } = payload;
  const common = engineOptions(spec, payload);
  const parallel = (payload.workers ?? 1) > 1 && payload.workerUrl !== undefined && payload.cancelFlag !== undefined;
  if (parallel && (spec.kind === 'evaluate' || spec.kind === 'compare')) {
    const choices = spec.kind === 'evaluate' ? [{ method: spec.method, params: spec.params }] : spec.methods;
    const specs = choices.map((choice) => ({ ...common, method: choice.method, params: choice.params, dataset: spec.datasetId }));
    const plans = specs.map((s) => prepareEvaluation(dataset, s));
    const folds = spec.protocol?.folds ?? 5;
    // An evaluate job that also fits on every row counts that fit as one more unit after its folds.
    const fitsAllRows = spec.kind === 'evaluate' && spec.fitAllRows === true;
    return evaluatePlansInPool(dataset, plans, {
      workers: payload.workers!,
      workerUrl: payload.workerUrl!,
      cancelFlag: payload.cancelFlag!,
      onStart(method, fold) {
        reporter.phase('evaluate', {
          runId: payload.runIds[method] ?? null,
          fold: fold + 1,
          folds,
          message: `${choices[method]!.method}, fold ${fold + 1}/${folds}`,
        });
      },
      onFinished(done, total) {
        reporter.units(done, fitsAllRows ? total + 1 : total);
      },
      onIteration(iteration, objective, elapsedMs) {
        reporter.hooks.onIteration({ iteration, objective, elapsedMs });
      },
    }).then((evaluations): JobResult => {
      if (spec.kind !== 'evaluate') return { kind: 'compare', evaluations };
      const evaluation = evaluations[0]!;
      return fitsAllRows ? { kind: 'evaluate', evaluation, metric: fitOnAllRows(payload, plans[0]!, reporter) } : { kind: 'evaluate', evaluation };
    });
  }
  switch (spec.kind) {
    case 'learn': {
      reporter.phase('fit', { message: spec.method });
      const subsample = definedFields({ subsample: spec.subsample });
      if (spec.subsample !== undefined) reporter.phase('fit', { message: `${spec.method} on ${spec.subsample} of ${dataset.nRows} rows` });
      const fitSpec = { ...common, method: spec.method, params: spec.params, ...subsample };
      const placement = { overwriteFeatures: payload.ownsFeatures === true };
      const metric = withTeam(payload.workers, (products) => fitMetric(dataset, fitSpec, teamHooks(reporter, products), placement));
      if (reporter.shouldStop()) throw new JobCancelledError();
      return { kind: 'learn', metric };
    }
    case 'evaluate': {
      const plan = prepareEvaluation(dataset, { ...common, method: spec.method, params: spec.params, dataset: spec.datasetId });
      const fitsAllRows = spec.fitAllRows === true;
      const evaluation = evaluateOne(payload, plan, 0, 1, fitsAllRows ? 1 : 0, reporter);
      return fitsAllRows ? { kind: 'evaluate', evaluation, metric: fitOnAllRows(payload, plan, reporter) } : { kind: 'evaluate', evaluation };
    }
    case 'compare': {
      const evaluations = spec.methods.map((choice, index) =>
        evaluateOne(payload, prepareEvaluation(dataset, { ...common, method: choice.method, params: choice.params, dataset: spec.datasetId }), index, spec.methods.length, 0, reporter),
      );
      return { kind: 'compare', evaluations };
    }
    case 'sweep': {
      if (spec.versus) return executeAnswersSweep(payload, spec, parallel, reporter);
      const folds = spec.protocol?.folds ?? 5;
      let stepsTotal = 1;
      let stepIndex = 0;
      const sweepSpec: SweepSpec = {
        method: spec.method,
        params: spec.params,
        counts: spec.counts,
        seeds: spec.seeds,
        seed: spec.seed ?? 0,
        protocol: spec.protocol,
        constraintSource: spec.constraintSource,
        constraints: payload.constraints,
        ...definedFields({ comparisons: payload.comparisons, derived: spec.derived }),
      };
      if (parallel) {
        return sweepInPool(dataset, sweepSpec, {
          workers: payload.workers!,
          workerUrl: payload.workerUrl!,
          cancelFlag: payload.cancelFlag!,
          onStart(step, steps, count, seed) {
            reporter.phase('sweep', { message: `${spec.method}, N = ${count}, seed ${seed} (step ${step + 1}/${steps})` });
          },
          onFinished(done, total) {
            reporter.units(done, total);
          },
          onIteration(iteration, objective, elapsedMs) {
            reporter.hooks.onIteration({ iteration, objective, elapsedMs });
          },
        }).then((sweep) => ({ kind: 'sweep', sweep }));
      }
      const sweep = sweepConstraints(
        dataset,
        sweepSpec,
        {
          ...reporter.hooks,
          onStep(step, steps, count, seed) {
            stepsTotal = steps;
            stepIndex = step;
            reporter.units(step, steps);
            reporter.phase('sweep', { message: `${spec.method}, N = ${count}, seed ${seed}`, fraction: step / steps });
          },
          onFold(fold, total) {
            reporter.units(stepIndex * folds + fold, stepsTotal * folds);
            reporter.phase('sweep', { fold: fold + 1, folds: total });
          },
        },
      );
      return { kind: 'sweep', sweep };
    }
  }
}

/** CPU seconds of every thread of this process (process.cpuUsage is process-wide, also in a worker thread). */
function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The reporter's learner hooks with the process's CPU clock, and a team's row-block products when there is one. */
export function teamHooks(reporter: JobReporter, products: BlockProducts | null): LearnerHooks {
  return products ? { ...reporter.hooks, cpuSeconds: processCpuSeconds, products } : { ...reporter.hooks, cpuSeconds: processCpuSeconds };
}

/**
 * The evaluated method fitted on every row, from the evaluation's own plan (its fit is what the learn job of the
 * same spec resolves, so the metric is that job's, bit for bit), as the last unit of the job.
 */
function fitOnAllRows(payload: ExecutePayload, plan: EvaluationPlan, reporter: JobReporter): LearnedMetric {
  const folds = plan.splits.length;
  reporter.units(folds, folds + 1);
  reporter.phase('fit', { runId: payload.runIds[0] ?? null, message: `${plan.method} on all rows` });
  const metric = withTeam(payload.workers, (products) => fitPlanned(payload.dataset, plan.fit, teamHooks(reporter, products)));
  if (reporter.shouldStop()) throw new JobCancelledError();
  return metric;
}

/**
 * Runs `fit` with the row-block products of a team of `workers` threads (block-team.ts) when this thread is a pool
 * worker and `workers` > 1, else on this thread alone; the figures are the same bits either way.
 */
export function withTeam<T>(workers: number | undefined, fit: (products: BlockProducts | null) => T): T {
  const helpers = helperTasks();
  if (!helpers || (workers ?? 1) <= 1) return fit(null);
  const team = createBlockTeam(helpers, workers!);
  try {
    return fit(team);
  } finally {
    team.close();
  }
}

/** A pairs-vs-comparisons sweep: `spec.method` on pairs against `spec.versus` on comparisons, over `counts` answers. */
function executeAnswersSweep(payload: ExecutePayload, spec: SweepJobSpec, parallel: boolean, reporter: JobReporter): JobResult | Promise<JobResult> {
  const answersSpec: AnswersSweepSpec = {
    pairsMethod: spec.method,
    comparisonsMethod: spec.versus!.method,
    seed: spec.seed ?? 0,
    constraints: payload.constraints,
    ...definedFields({
      pairsParams: spec.params,
      comparisonsParams: spec.versus!.params,
      answers: spec.counts,
      seeds: spec.seeds,
      protocol: spec.protocol,
      constraintSource: spec.constraintSource,
      comparisons: payload.comparisons,
    }),
  };
  const message = (task: AnswersSweepTask): string =>
    task.curve === 'baseline' ? `euclidean baseline, seed ${task.seed}` : `${task.curve === 'pairs' ? spec.method : spec.versus!.method}, ${task.answers} ${task.curve}, seed ${task.seed}`;
  if (parallel) {
    return answersSweepInPool(payload.dataset, answersSpec, {
      workers: payload.workers!,
      workerUrl: payload.workerUrl!,
      cancelFlag: payload.cancelFlag!,
      onStart(index, total, task) {
        reporter.phase('sweep', { message: `${message(task)} (step ${index + 1}/${total})` });
      },
      onFinished(done, total) {
        reporter.units(done, total);
      },
      onIteration(iteration, objective, elapsedMs) {
        reporter.hooks.onIteration({ iteration, objective, elapsedMs });
      },
    }).then((sweep) => ({ kind: 'sweep', sweep }));
  }
  const folds = spec.protocol?.folds ?? 5;
  let tasksTotal = 1;
  let taskIndex = 0;
  const sweep = sweepAnswers(payload.dataset, answersSpec, {
    ...reporter.hooks,
    onTask(index, total, task) {
      tasksTotal = total;
      taskIndex = index;
      reporter.units(index, total);
      reporter.phase('sweep', { message: message(task), fraction: index / total });
    },
    onFold(fold, total) {
      reporter.units(taskIndex * folds + fold, tasksTotal * folds);
      reporter.phase('sweep', { fold: fold + 1, folds: total });
    },
  });
  return { kind: 'sweep', sweep };
}

/**
 * Cross-validates one prepared method, reporting folds as units `index·folds + fold` of `total·folds + after` (`after`:
 * units the job still has to do once the folds are done).
 */
function evaluateOne(
  payload: Pick<WorkerJobPayload, 'dataset' | 'runIds'>,
  plan: EvaluationPlan,
  index: number,
  total: number,
  after: number,
  reporter: JobReporter,
): EvaluationResult {
  const runId = payload.runIds[index] ?? null;
  return evaluatePlan(payload.dataset, plan, {
    ...reporter.hooks,
    onFold(fold, folds) {
      reporter.units(index * folds + fold, total * folds + after);
      reporter.phase('evaluate', { runId, fold: fold + 1, folds, message: `${plan.method}, fold ${fold + 1}/${folds}` });
    },
  });
}

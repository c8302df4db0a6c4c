/**
 * Planning a job: from a job spec (already shape-checked by the gateway against shared/ipc JobSpecSchema, or
 * built by typed code) to the runs it will write — dataset located, method and parameters validated and
 * defaulted, constraint source resolved, what each method's kind of supervision needs from the dataset checked
 * (shared/engine/supervision/kinds.ts), and the protocol
 * JSON each run stores. Reads the store, writes nothing; run-records.ts creates the planned runs.
 *
 * Also the reverse: {@link planRerun} reads a stored run's protocol back into the spec and exact pairs that
 * reproduce it.
 */
import type { Triple } from '../../shared/domain/comparisons.ts';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import { DEFAULT_PROTOCOL, type JobSpec, type MethodChoice, type Protocol, type SweepConstraintSource } from '../../shared/domain/job.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { definedFields } from '../../shared/objects.ts';
import { resolveProtocol } from '../../shared/engine/evaluation/evaluate.ts';
import type { LearnerDefinition } from '../../shared/engine/learner.ts';
import { validateParams } from '../../shared/engine/params.ts';
import { getLearner } from '../../shared/engine/registry.ts';
import { supervisionOf, takesSource, type DatasetSupervision } from '../../shared/engine/supervision/kinds.ts';
import { resolveAnswersSweep } from '../../shared/engine/answers-sweep.ts';
import { checkSweepData, resolveSweep } from '../../shared/engine/sweep.ts';
import type { SubmitOptions } from '../jobs/types.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { RunKind, RunRecord } from '../storage/runs-repository.ts';
import type { Store } from '../storage/store.ts';

/** What the protocol column of a run holds (beyond the CV protocol itself). */
export interface StoredProtocol extends Partial<Protocol> {
  preprocess: Protocol['preprocess'];
  /** Resolved source of pair constraints (pair-based methods only; 'suggested' for sweeps only). */
  constraintSource?: SweepConstraintSource;
  /** Generated pairs per kind, when given. */
  pairs?: number;
  /** A learn run fitted on this many rows drawn at random, when given. */
  subsample?: number;
  /** The hand-labeled pairs used, in labeling order, as [i, j, 1 = must | 0 = cannot]. */
  constraints?: Array<[number, number, 0 | 1]>;
  /** The relative comparisons used, in labeling order, as [anchor, closer, farther]. */
  comparisons?: Array<[number, number, number]>;
  /** The normalized job spec this run belongs to. */
  job: JobSpec;
  /** Set on a re-run: the run it repeats. */
  rerunOf?: number;
}

/** Everything checked and filled in for one method of a job. */
export interface MethodPlan {
  learner: LearnerDefinition;
  params: Record<string, unknown>;
}

/** One run a job will write. */
export interface PlannedRun {
  kind: RunKind;
  /** Null for a compare parent. */
  method: string | null;
  params: Record<string, unknown>;
  protocol: StoredProtocol;
}

/** A job ready to be recorded: its runs in creation order (a compare: the parent first, then one per method). */
export interface JobPlan {
  dataset: DatasetDetails;
  seed: number;
  /** The spec with defaults filled in, as stored with the runs. */
  spec: JobSpec;
  /** The first is the parent of the others when the job is a compare. */
  runs: PlannedRun[];
  /** The dataset's hand-labeled pairs (or the re-run's), in labeling order. */
  constraints: PairConstraint[];
  /** The dataset's relative comparisons (or the re-run's), in labeling order. */
  comparisons: Triple[];
}

export const compactConstraints = (constraints: readonly PairConstraint[]): Array<[number, number, 0 | 1]> =>
  constraints.map((c) => [c.i, c.j, c.kind === 'must' ? 1 : 0]);

export const expandConstraints = (compact: ReadonlyArray<[number, number, 0 | 1]>): PairConstraint[] =>
  compact.map(([i, j, m]) => ({ i, j, kind: m === 1 ? 'must' : 'cannot' }));

function planMethod(method: string, params: Record<string, unknown> | undefined): MethodPlan {
  const learner = getLearner(method);
  return { learner, params: validateParams(learner.name, learner.params, params ?? {}) };
}

/** Checks what a method needs from the dataset, before anything is queued (its kind's `lacks`). */
function checkInputs(plan: MethodPlan, dataset: DatasetSupervision, source: SweepConstraintSource, needsLabels: boolean): void {
  // A regression dataset is evaluated against its numeric target (kNN regression figures), not classes.
  if (needsLabels && !dataset.labeled && !dataset.regression) {
    throw new ValidationError('Evaluation needs class labels: kNN accuracy is measured against them, but the dataset has none.');
  }
  const problem = supervisionOf(plan.learner.input).lacks(plan.learner.name, dataset, source);
  if (problem !== null) throw new ValidationError(problem);
}

/**
 * Plans `spec`: the dataset must exist, every method and parameter be valid, and the dataset have what each
 * method learns from (labels, labeled pairs). The spec's shape (kind, integer ids and counts, enum values) is
 * the gateway's to check (JobSpecSchema) and is not checked again here.
 * @throws NotFoundError for an unknown dataset; ValidationError naming the method, parameter or missing input.
 */
export function planJob(store: Store, spec: JobSpec, options: SubmitOptions = {}): JobPlan {
  const dataset = store.datasets.get(spec.datasetId);
  if (!dataset) throw new NotFoundError(`No dataset with id ${spec.datasetId}.`);
  const seed = spec.seed ?? 0;
  const preprocess = spec.protocol?.preprocess ?? DEFAULT_PROTOCOL.preprocess;
  const handLabels: PairConstraint[] = (options.constraints ?? store.constraints.list(dataset.id)).map((c) => ({ i: c.i, j: c.j, kind: c.kind }));
  const comparisons: Triple[] = options.comparisons ?? store.comparisons.list(dataset.id).map((c) => [c.anchor, c.closer, c.farther] as const);
  const derived = spec.derived ?? false;
  const userData = { pairs: handLabels, comparisons: comparisons.length, derived };
  const methodsOf = (s: JobSpec): string[] => (s.kind === 'compare' ? s.methods.map((m) => m.method) : [s.method]);
  // Default: labeled when the user's data gives any of the job's methods its kind of supervision.
  // A pairs-vs-comparisons sweep defaults to the simulated oracle (generated): labeled pairs alone would leave its comparisons curve empty.
  const source: SweepConstraintSource =
    spec.constraintSource ?? (spec.kind === 'sweep' && spec.versus ? 'generated' : null) ?? (methodsOf(spec).some((m) => supervisionOf(getLearner(m).input).hasLabeled(userData)) ? 'labeled' : 'generated');
  const evaluates = spec.kind !== 'learn';
  const protocol: Partial<Protocol> & { preprocess: Protocol['preprocess'] } = evaluates
    ? resolveProtocol({ protocol: spec.protocol, seed, preprocess })
    : { preprocess, ...definedFields({ reduce: spec.protocol?.reduce }) };
  const common = {
    datasetId: dataset.id,
    seed,
    protocol,
    // Learn, evaluate and compare never carry 'suggested' (JobSpecSchema allows it for sweeps only).
    constraintSource: source as Exclude<SweepConstraintSource, 'suggested'>,
    ...definedFields({ pairs: spec.pairs, derived: spec.derived }),
  };

  let normalized: JobSpec;
  let plans: MethodPlan[];
  switch (spec.kind) {
    case 'learn':
    case 'evaluate': {
      const plan = planMethod(spec.method, spec.params);
      plans = [plan];
      if (spec.kind === 'learn' && spec.subsample !== undefined && spec.subsample >= dataset.rows) {
        throw new ValidationError(`subsample must be below the dataset's ${dataset.rows} rows, got ${spec.subsample}: to fit on every row, leave it out.`);
      }
      const subsample = spec.kind === 'learn' && spec.subsample !== undefined ? { subsample: spec.subsample } : {};
      const fitAllRows = spec.kind === 'evaluate' && spec.fitAllRows === true ? { fitAllRows: true } : {};
      normalized = { ...common, kind: spec.kind, method: plan.learner.name, params: plan.params, ...subsample, ...fitAllRows };
      break;
    }
    case 'compare': {
      if (spec.methods.length === 0) throw new ValidationError('compare needs at least one method.');
      plans = spec.methods.map((m: MethodChoice) => planMethod(m.method, m.params));
      normalized = { ...common, kind: 'compare', methods: plans.map((p) => ({ method: p.learner.name, params: p.params })) };
      break;
    }
    case 'sweep': {
      checkSweepData(dataset.task ?? 'classification');
      if (spec.versus) {
        const resolved = resolveAnswersSweep({
          pairsMethod: spec.method,
          comparisonsMethod: spec.versus.method,
          ...definedFields({ pairsParams: spec.params, comparisonsParams: spec.versus.params, answers: spec.counts, seeds: spec.seeds }),
          seed,
          protocol,
          constraintSource: source,
          constraints: handLabels,
          comparisons,
        });
        const [pairs, versus] = resolved.curves;
        plans = [pairs, versus].map((curve) => ({ learner: getLearner(curve.spec.method), params: curve.resolved.params }));
        normalized = {
          ...common,
          constraintSource: source,
          kind: 'sweep',
          method: pairs.spec.method,
          params: pairs.resolved.params,
          counts: resolved.answers,
          seeds: pairs.resolved.seeds.length,
          versus: { method: versus.spec.method, params: versus.resolved.params },
        };
        break;
      }
      const resolved = resolveSweep({
        method: spec.method,
        params: spec.params,
        counts: spec.counts,
        seeds: spec.seeds,
        seed,
        protocol,
        constraintSource: source,
        constraints: handLabels,
        comparisons,
      });
      plans = [{ learner: getLearner(spec.method), params: resolved.params }];
      normalized = { ...common, constraintSource: source, kind: 'sweep', method: spec.method, params: resolved.params, counts: resolved.counts, seeds: resolved.seeds.length };
      break;
    }
  }
  const must = handLabels.filter((c) => c.kind === 'must').length;
  const held: DatasetSupervision = {
    labeled: dataset.labeled,
    pairs: { must, cannot: handLabels.length - must },
    comparisons: comparisons.length,
    regression: dataset.task === 'regression',
  };
  for (const plan of plans) checkInputs(plan, held, source, evaluates);
  const subsample = normalized.kind === 'learn' ? normalized.subsample : undefined;
  if (subsample !== undefined && source === 'labeled' && plans.some((plan) => takesSource(supervisionOf(plan.learner.input)))) {
    throw new ValidationError(`A subsample fit learns from class labels or generated constraints: the hand-labeled ones name rows of the whole dataset (use --constraints generated).`);
  }
  // A run records its source, and the exact pairs and comparisons it learned from when they are the user's.
  const takes = (plan: MethodPlan): boolean => takesSource(supervisionOf(plan.learner.input));
  const usesHand = (plan: MethodPlan | null): boolean => source === 'labeled' && (plan === null ? plans.some(takes) : takes(plan));
  const readsComparisons = (plan: MethodPlan | null): boolean =>
    (plan === null ? plans : [plan]).some((p) => supervisionOf(p.learner.input).labeledFrom === 'comparisons');
  const stored = (plan: MethodPlan | null): StoredProtocol => ({
    ...protocol,
    ...(plan === null || takes(plan) ? { constraintSource: source } : {}),
    ...definedFields({ pairs: spec.pairs, subsample }),
    ...(usesHand(plan) ? { constraints: compactConstraints(handLabels) } : {}),
    ...(usesHand(plan) && readsComparisons(plan) ? { comparisons: comparisons.map((t) => [t[0], t[1], t[2]] as [number, number, number]) } : {}),
    job: normalized,
    ...definedFields({ rerunOf: options.rerunOf }),
  });
  const run = (kind: RunKind, plan: MethodPlan | null): PlannedRun => ({
    kind,
    method: plan?.learner.name ?? null,
    params: plan?.params ?? (normalized.kind === 'compare' ? { methods: normalized.methods } : {}),
    protocol: stored(plan),
  });
  // A pairs-vs-comparisons sweep is one run (named by its pair learner) that records what both of its methods used.
  const runs =
    normalized.kind === 'compare'
      ? [run('compare', null), ...plans.map((plan) => run('evaluate', plan))]
      : normalized.kind === 'sweep' && normalized.versus
        ? [{ ...run('sweep', plans[0]!), protocol: stored(null) }]
        : [run(normalized.kind, plans[0]!)];
  return { dataset, seed, spec: normalized, runs, constraints: handLabels, comparisons };
}

function describeParent(run: RunRecord | null): string {
  return run ? `the ${run.kind}` : 'a deleted';
}

/**
 * The spec and exact constraints that reproduce run `runId`.
 * @throws NotFoundError for an unknown run or a deleted dataset; ValidationError when the run does not record
 *   its job, the dataset changed since (content hash) or the run is a compare child (re-run its parent).
 */
export function planRerun(store: Store, runId: number): { spec: JobSpec; constraints: PairConstraint[] | null; comparisons: Triple[] | null; rerunOf: number } {
  const run = store.runs.require(runId);
  const protocol = run.protocol as unknown as StoredProtocol | null;
  if (!protocol?.job) throw new ValidationError(`Run ${runId} does not record its job, so it cannot be re-run.`);
  if (run.parentRunId !== null) {
    throw new ValidationError(`Run ${runId} is part of ${describeParent(store.runs.get(run.parentRunId))} run ${run.parentRunId}; re-run that one.`);
  }
  if (run.datasetId === null) throw new ValidationError(`Run ${runId} is not tied to a dataset any more, so it cannot be re-run.`);
  const dataset = store.datasets.get(run.datasetId);
  if (!dataset) throw new NotFoundError(`Run ${runId} used dataset ${run.datasetId}, which no longer exists.`);
  if (run.datasetHash !== null && dataset.contentHash !== run.datasetHash) {
    throw new ValidationError(
      `Run ${runId} was made on dataset ${dataset.id} with content hash ${run.datasetHash.slice(0, 12)}…, but the dataset now has ${dataset.contentHash.slice(0, 12)}…; it cannot be reproduced.`,
    );
  }
  const constraints = protocol.constraints ? expandConstraints(protocol.constraints) : null;
  const comparisons = protocol.comparisons ? protocol.comparisons.map(([a, b, c]) => [a, b, c] as const) : null;
  return { spec: structuredClone(protocol.job), constraints, comparisons, rerunOf: runId };
}

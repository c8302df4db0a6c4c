/**
 * What the label-based neighbourhood learners (NCA, LMNN) share: the starting-L rule and its modes, the label
 * checks, and the refreshing L-BFGS driver both optimize with. No learner imports another learner's file for these.
 */
import { ValidationError } from '../../errors.ts';
import type { StopReason } from '../../domain/learned-metric.ts';
import { LbfgsState, maxAbs, relativeReduction, type LbfgsStep } from '../../math/optimisation/index.ts';
import { createRng } from '../../math/random/index.ts';
import type { BlockProducts, LearnerHooks, TrainingData } from '../learner.ts';
import { componentsUpTo } from '../params.ts';
import { fitLda } from './lda.ts';
import { fitPca } from './pca.ts';

/** Starting-L modes of NCA and LMNN (scikit-learn's `init` values, 'auto' resolved by {@link resolveInit}). */
export const INIT_MODES = ['auto', 'pca', 'lda', 'identity', 'random'] as const;
export type InitMode = (typeof INIT_MODES)[number];

/**
 * scikit-learn's documented `init='auto'` rule: 'lda' if k ≤ min(d, C − 1), else 'pca' if k < min(d, n),
 * else 'identity'. Other modes are returned as they are.
 */
export function resolveInit(init: InitMode, k: number, d: number, n: number, nClasses: number): Exclude<InitMode, 'auto'> {
  if (init !== 'auto') return init;
  if (k <= Math.min(d, nClasses - 1)) return 'lda';
  if (k < Math.min(d, n)) return 'pca';
  return 'identity';
}

/**
 * The starting L (k, d) for an init mode: the leading identity rows, standard normal entries from `seed`, or the
 * PCA / LDA baselines' maps (scikit-learn's conventions: PCA unwhitened, LDA with ρ = 10⁻⁴ scaled to whiten the
 * within-class covariance, as scikit-learn's `scalings_`). With `products`, their Gram products run on the fit's team
 * of threads (the same bits).
 * @throws ValidationError when 'lda' is asked for more than min(d, classes − 1) components.
 */
export function initialComponents(
  data: TrainingData,
  k: number,
  init: Exclude<InitMode, 'auto'>,
  seed: number,
  method: string,
  products?: BlockProducts,
): Float64Array {
  const { d } = data;
  const quiet: LearnerHooks = products ? { products } : {};
  switch (init) {
    case 'identity': {
      const L = new Float64Array(k * d);
      for (let r = 0; r < Math.min(k, d); r++) L[r * d + r] = 1;
      return L;
    }
    case 'random': {
      const rng = createRng(seed);
      const L = new Float64Array(k * d);
      for (let t = 0; t < L.length; t++) L[t] = rng.normal();
      return L;
    }
    case 'pca':
      return fitPca(data, k, false, quiet).L;
    case 'lda': {
      const seen = new Set<number>();
      for (const c of data.labels ?? []) seen.add(c);
      const maxK = Math.min(d, seen.size - 1);
      if (k > maxK) {
        throw new ValidationError(
          `${method}: init 'lda' gives at most min(features, classes − 1) = ${maxK} components, but 'components' is ${k}.`,
        );
      }
      // fitLda whitens by the within-class scatter S_w (a sum over rows); scikit-learn's LDA scalings_, which its NCA
      // and metric-learn's LMNN start from, whiten by the within-class covariance S_w / (n − C). The scale of the
      // start matters (Σ p_i and the L-BFGS path depend on it), so the map is scaled up by √(n − C).
      const L = fitLda(data, k, 1e-4, quiet).L;
      const scale = Math.sqrt(Math.max(data.n - seen.size, 1));
      for (let t = 0; t < L.length; t++) L[t]! *= scale;
      return L;
    }
  }
}

/** Checks the data a label-based neighbourhood learner needs and returns the labels and the output dimension. */
export function checkLabeledData(method: string, data: TrainingData, components: number | null): { labels: Int32Array; k: number } {
  const { labels, n, d } = data;
  if (!labels) throw new ValidationError(`${method} learns from class labels, but none were given.`);
  if (n < 2) throw new ValidationError(`${method} needs at least 2 training rows, got ${n}.`);
  return { labels, k: componentsUpTo(method, components, d) };
}

/**
 * An objective whose working form is re-selected as the run goes (NCA's truncated softmax candidates, LMNN's
 * impostor lists): the driver below asks it when a re-selection is due and lets it swap the state's objective.
 */
export interface RefreshingObjective {
  /**
   * True when the working function is never re-selected (NCA's exact objective below its row threshold): the
   * curvature memory then describes the one function, and a relative-decrease verdict needs no confirming step.
   */
  readonly fixed?: boolean;
  /** Called after every step, accepted or failed, before anything else looks at the new point (e.g. to embed it). */
  afterStep?(): void;
  /**
   * Whether a re-selection is due after accepted iteration `iteration`, `sinceRefresh` iterations after the last
   * one, when the tolerance test did not pass (a passing test always re-selects).
   */
  due(iteration: number, sinceRefresh: number): boolean;
  /**
   * Re-selects at the state's current point and installs the new objective in the state. Returns true when that
   * moved the function by more than the tolerance (so a convergence test passed on the old one is not accepted).
   */
  refresh(): boolean;
}

/** Iterations before the first re-selection of {@link RefreshInterval}, and the longest interval between two. */
const FIRST_INTERVAL = 2;
const MAX_INTERVAL = 16;

/**
 * The adaptive re-selection interval of the candidate-graph learners (NCA, MLKR): the first re-selection comes after
 * {@link FIRST_INTERVAL} iterations unless the learner says otherwise (the early steps are the largest); afterwards
 * the interval doubles (up to {@link MAX_INTERVAL}) while the error the replaced graph had gathered stays below 1 % of the budget
 * max(tol, 10⁻⁶)·max(1, |f|), and halves when it exceeds the budget.
 */
export class RefreshInterval {
  /** Iterations between re-selections now. */
  current: number;

  /** `first`: iterations before the first re-selection (default {@link FIRST_INTERVAL}). */
  constructor(
    private readonly tol: number,
    first = FIRST_INTERVAL,
  ) {
    this.current = first;
  }

  /** Adapts the interval after a re-selection: `error` is the replaced graph's measured error at function value `value`. */
  adapt(error: number, value: number): void {
    const budget = Math.max(this.tol, 1e-6) * Math.max(1, Math.abs(value));
    if (error <= 0.01 * budget) this.current = Math.min(2 * this.current, MAX_INTERVAL);
    else if (error > budget) this.current = Math.max(1, this.current >> 1);
  }
}

/** How {@link refreshingLbfgs} ended. */
export interface DriverResult {
  /** Accepted L-BFGS iterations. */
  iterations: number;
  /** `tolerance`, `maxIter` (also when `hooks.shouldStop()` ended it) or `stalled`. */
  stopReason: Extract<StopReason, 'tolerance' | 'maxIter' | 'stalled'>;
}

/**
 * The refreshing L-BFGS loop NCA and LMNN share. Each iteration takes one {@link LbfgsState.step}; the tolerance
 * test is scipy's — relative decrease (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ `tol` or max |∇f| ≤ `tol` — and is
 * accepted only right after a re-selection that did not move the function (so the answer is judged on fresh lists).
 * On a re-selected function, a relative decrease ≤ `tol` while max |∇f| > `tol` is confirmed by one more step from a
 * fresh memory ({@link freshStep}), counted as an iteration: when it gains more than `tol` the run goes on.
 * A step that finds no decrease re-selects once (the lists may have been stale) and otherwise ends the run as
 * `stalled` unless the gradient test holds there. After every accepted iteration `trace` gets `report(f)` and
 * `hooks.onIteration` is called with it. Starts counting at `firstIteration` (for restarts) and stops at `maxIter`.
 */
export function refreshingLbfgs(
  state: LbfgsState,
  problem: RefreshingObjective,
  options: {
    maxIter: number;
    tol: number;
    hooks: LearnerHooks;
    trace: number[];
    report: (value: number) => number;
    startMs: number;
    firstIteration?: number;
  },
): DriverResult {
  const { maxIter, tol, hooks, trace, report, startMs } = options;
  let iterations = options.firstIteration ?? 0;
  let sinceRefresh = 0;
  if (maxAbs(state.gradient) <= tol) return { iterations, stopReason: 'tolerance' };
  while (iterations < maxIter) {
    if (hooks.shouldStop?.()) break;
    const step = state.step();
    problem.afterStep?.();
    if (step.status === 'failed') {
      // No decrease on this working function: a stationary point, unless fresh lists change the function.
      if (sinceRefresh === 0 || !problem.refresh()) {
        return { iterations, stopReason: maxAbs(state.gradient) <= tol ? 'tolerance' : 'stalled' };
      }
      sinceRefresh = 0;
      continue;
    }
    iterations++;
    sinceRefresh++;
    const settled = relativeReduction(step.previousValue, step.value) <= tol || maxAbs(state.gradient) <= tol;
    let changed = false;
    if (settled || problem.due(iterations, sinceRefresh)) {
      changed = problem.refresh();
      sinceRefresh = 0;
    }
    const value = report(state.value);
    trace.push(value);
    hooks.onIteration?.({ iteration: iterations, objective: value, elapsedMs: performance.now() - startMs });
    if (settled && !changed) {
      if (problem.fixed || maxAbs(state.gradient) <= tol) return { iterations, stopReason: 'tolerance' };
      // An unconfirmed verdict at the iteration limit is not a tolerance stop.
      if (iterations >= maxIter) break;
      const confirming = freshStep(state);
      if (confirming.status === 'failed') return { iterations, stopReason: 'tolerance' };
      iterations++;
      sinceRefresh++;
      const confirmed = report(state.value);
      trace.push(confirmed);
      hooks.onIteration?.({ iteration: iterations, objective: confirmed, elapsedMs: performance.now() - startMs });
      if (relativeReduction(confirming.previousValue, confirming.value) <= tol) return { iterations, stopReason: 'tolerance' };
    }
  }
  return { iterations, stopReason: 'maxIter' };
}

/**
 * One step from a fresh memory (steepest descent, scipy's first step 1/‖g‖), to confirm a relative decrease ≤ tol
 * seen while the gradient is not small: a tiny step under a curvature model gathered on earlier working functions
 * (previous candidate or impostor lists) says nothing about stationarity, as the model's direction can be nearly
 * orthogonal to the gradient. The caller counts the step as an iteration when it is taken.
 */
function freshStep(state: LbfgsState): LbfgsStep {
  state.resetMemory();
  return state.step();
}
